"""Letters in and out as files: the upload page (letters, and the DWC's metadata CSV), the page
that follows an upload while a background worker loads it (its per-file report, or what the
metadata did), and the download of a letter's original file that the letter page links to."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.db.models import Count
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..dwc_metadata import COLUMNS
from ..middleware import ingest_permission_required
from ..models import Letter, MetadataLoad, Upload, UploadFile
from ..selectors.export import spreadsheet_safe
from ..selectors.letters import letters_warnings
from ..services.metadata_uploads import MetadataRefused, metadata_upload_accept
from ..services.uploads import upload_accept

# What the file chooser offers; only a hint, since every file's type is decided by its bytes.
ACCEPT = ".pdf,.txt,.zip,application/pdf,text/plain,application/zip"
METADATA_ACCEPT = ".csv,text/csv"
# Bad rows a metadata upload's page lists; all of them download as CSV.
BAD_ROWS_SHOWN = 100


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented pattern for a field taking several files."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        clean_one = super().clean
        files = list(data) if isinstance(data, (list, tuple)) else [data]
        # No file at all is cleaned as one missing file, so that `required` still applies.
        return [clean_one(file, initial) for file in files or [None]]


class UploadForm(forms.Form):
    # Empty files are allowed through so the report names each one, instead of the whole
    # upload being refused for one of them.
    # The POST parameter is "files". Django's form metaclass moves declared fields off the
    # class, so this never shadows BaseForm.files (the request's files), as the stubs assume.
    files = MultipleFileField(  # type: ignore[assignment]
        allow_empty_file=True,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        label="Letters",
        help_text="PDF or text files, or ZIP files of them.",
    )


class MetadataForm(forms.Form):
    file = forms.FileField(
        label="DWC metadata CSV",
        # Empty files reach the service, which refuses them naming the file, as it does the rest.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": METADATA_ACCEPT}),
        help_text=f"A CSV with a header row naming {', '.join(COLUMNS)}.",
    )


@csrf_exempt
@ingest_permission_required
def upload(request: HttpRequest) -> HttpResponse:
    """The form; a POST stores the files, queues them for the worker and redirects to the
    upload's page.

    The CSRF check runs inside, after the permission check. Reading the request body happens
    in that check, and that is where Django refuses a request with more files than
    DATA_UPLOAD_MAX_NUMBER_FILES; caught here, the refusal becomes a message on the form
    rather than a bare "Bad Request" page. Nothing is loaded in that case.
    """
    try:
        return _upload(request)
    except TooManyFilesSent:
        refusal = (
            f"Too many files: one upload takes at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES}. "
            "Nothing was loaded. Choose fewer files, or put them in a ZIP."
        )
        return _form_page(request, UploadForm(), status=400, refusal=refusal)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    user = request.user
    assert user.is_authenticated, "ingest_permission_required lets only users in"
    accepted = upload_accept(files=form.cleaned_data["files"], user=user)
    return redirect(accepted)


@csrf_exempt
@ingest_permission_required
def upload_metadata(request: HttpRequest) -> HttpResponse:
    """A POST checks and keeps a DWC metadata CSV, queues it for the worker and redirects to
    its upload's page; a refused file is named, with why, on the upload page (nothing is
    stored). The CSRF check runs after the permission check, as on the letters' form."""
    return _upload_metadata(request)


@csrf_protect
def _upload_metadata(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("decisions:upload")
    form = MetadataForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, metadata_form=form, status=400)
    user = request.user
    assert user.is_authenticated, "ingest_permission_required lets only users in"
    try:
        accepted = metadata_upload_accept(file=form.cleaned_data["file"], user=user)
    except MetadataRefused as exc:
        return _form_page(request, metadata_refusal=str(exc), status=400)
    return redirect(accepted)


def _form_page(
    request: HttpRequest,
    form: UploadForm | None = None,
    *,
    metadata_form: MetadataForm | None = None,
    status: int = 200,
    refusal: str | None = None,
    metadata_refusal: str | None = None,
) -> HttpResponse:
    user = request.user
    assert user.is_authenticated, "ingest_permission_required lets only users in"
    unfinished = Upload.objects.filter(user=user, state__in=Upload.UNFINISHED)
    context = {
        "form": form or UploadForm(),
        "refusal": refusal,
        "metadata_form": metadata_form or MetadataForm(),
        "metadata_refusal": metadata_refusal,
        "metadata_max_bytes": settings.IMR_METADATA_MAX_BYTES,
        "unfinished": unfinished.order_by("pk"),
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "max_file_mb": settings.IMR_MAX_FILE_BYTES / 1_048_576,
        "zip_max_entries": settings.IMR_ZIP_MAX_ENTRIES,
        "zip_max_mb": settings.IMR_ZIP_MAX_TOTAL_BYTES / 1_048_576,
    }
    return render(request, "decisions/upload.html", context, status=status)


@never_cache
@ingest_permission_required
def upload_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One upload: waiting for a worker, loading (the page follows it), or its final report."""
    upload = _visible_upload(request, pk)
    if upload.kind == Upload.Kind.METADATA:
        return _metadata_job(request, upload)
    files = list(
        upload.files.select_related("letter").only(
            "position", "name", "status", "reason", "letter__case_number", "letter__source_name"
        )
    )
    # The warnings of the letters this upload added (a duplicate's are on its letter page):
    # `rows` pairs each of `files` with them.
    added = {
        file.pk: file.letter_id
        for file in files
        if file.status == UploadFile.Status.CREATED and file.letter_id is not None
    }
    warnings = letters_warnings(added.values())
    rows = [(file, warnings.get(added[file.pk], []) if file.pk in added else []) for file in files]
    context = {
        "upload": upload,
        "files": files,
        "rows": rows,
        "warned": len(warnings),
        "progress": _progress(upload),
    }
    return render(request, "decisions/upload_report.html", context)


def _metadata_job(request: HttpRequest, upload: Upload) -> HttpResponse:
    load = upload.metadata_load
    context = {
        "upload": upload,
        "load": load,
        "bad_rows": list(load.bad_rows.all()[:BAD_ROWS_SHOWN]),
        "progress": _metadata_progress(upload, load),
    }
    return render(request, "decisions/upload_metadata_report.html", context)


@never_cache
@ingest_permission_required
def upload_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The upload's progress, which its page polls while a worker loads it."""
    upload = _visible_upload(request, pk)
    if upload.kind == Upload.Kind.METADATA:
        return JsonResponse(_metadata_progress(upload, upload.metadata_load))
    return JsonResponse(_progress(upload))


@never_cache
@ingest_permission_required
def upload_bad_rows(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Every row of a metadata upload that could not be read, as CSV: line, case number, why."""
    upload = _visible_upload(request, pk)
    if upload.kind != Upload.Kind.METADATA:
        raise Http404("not a metadata upload")
    rows = upload.metadata_load.bad_rows.values_list("line", "case_number", "reason")
    response = StreamingHttpResponse(_csv_lines(rows.iterator(chunk_size=2000)))
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Content-Disposition"] = content_disposition_header(
        True, f"upload-{upload.pk}-bad-rows.csv"
    )
    return response


def _csv_lines(rows: Iterator[tuple[int, str, str]]) -> Iterator[str]:
    """The bad rows as CSV lines; the written case number is the file's, so it is defused."""

    class Line:
        def write(self, text: str) -> str:
            return text

    writer = csv.writer(Line(), lineterminator="\n")
    yield writer.writerow(("line", "case_number", "reason"))
    for line, case_number, reason in rows:
        yield writer.writerow((line, spreadsheet_safe(case_number), spreadsheet_safe(reason)))


def _visible_upload(request: HttpRequest, pk: int) -> Upload:
    """The upload, to its uploader and to staff (and superusers); anyone else is told it does not
    exist, so that upload numbers reveal nothing about other people's uploads."""
    upload = get_object_or_404(Upload.objects.select_related("run"), pk=pk)
    user = request.user
    if upload.user_id != user.pk and not (user.is_staff or user.is_superuser):
        raise Http404("no such upload")
    return upload


def _progress(upload: Upload) -> dict:
    counts = dict(upload.files.values_list("status").annotate(files=Count("pk")).order_by())
    waiting = counts.get(UploadFile.Status.PENDING, 0)
    return {
        "state": upload.state,
        "finished": upload.finished,
        "files": sum(counts.values()),
        "read": upload.files_read,
        "decided": sum(counts.values()) - waiting,
        "waiting": waiting,
        "created": counts.get(UploadFile.Status.CREATED, 0),
        "duplicates": counts.get(UploadFile.Status.DUPLICATE, 0),
        "failed": counts.get(UploadFile.Status.FAILED, 0),
    }


def _metadata_progress(upload: Upload, load: MetadataLoad) -> dict:
    return {
        "state": upload.state,
        "finished": upload.finished,
        "size": load.size,
        "bytes_read": load.bytes_read,
        "rows": load.rows,
        "cases": load.cases,
        "letters": load.letters,
        "pending": load.pending,
        "conflicts": load.conflicts,
        "skipped": load.skipped,
    }


# Looked up by the stored kind, a string (a Letter.Kind is one).
CONTENT_TYPES: dict[str, str] = {Letter.Kind.PDF: "application/pdf", Letter.Kind.TEXT: "text/plain"}
SUFFIXES: dict[str, str] = {Letter.Kind.PDF: ".pdf", Letter.Kind.TEXT: ".txt"}


def letter_original(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The letter's original file, always as a download, never rendered by the browser.

    Letters loaded from text by the `ingest` command keep no separate file: their raw_text is
    the file's text, so that is what they download.
    """
    letter = get_object_or_404(
        Letter.objects.only("id", "source_name", "original_kind", "original_file"), pk=pk
    )
    filename = download_name(letter)
    response: HttpResponseBase
    if letter.original_file:
        response = FileResponse(
            letter.original_file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type=CONTENT_TYPES[letter.original_kind],
        )
    else:
        response = HttpResponse(letter.raw_text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_name(letter: Letter) -> str:
    """The uploaded name without folders, in safe ASCII, with the suffix its content has.

    The source name is whatever the uploader's machine or ZIP called the file; it must not
    carry paths, quotes or control characters into a header, nor a suffix that would make a
    text file open as something else.
    """
    base = re.split(r"[\\/]", letter.source_name)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:100]
    return (stem or f"letter-{letter.pk}") + SUFFIXES[letter.original_kind]
