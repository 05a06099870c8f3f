"""Letters in and out as files: the upload page with its per-file report, and the download of
a letter's original file that the letter page links to."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..middleware import ingest_permission_required
from ..models import Letter
from ..selectors.letters import letters_warnings
from ..services.ingest import CREATED
from ..services.uploads import letters_upload

# What the file chooser offers; only a hint, since every file's type is decided by its bytes.
ACCEPT = ".pdf,.txt,.zip,application/pdf,text/plain,application/zip"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented pattern for a field taking several files."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        clean_one = super().clean
        files = list(data) if isinstance(data, (list, tuple)) else [data]
        # No file at all is cleaned as one missing file, so that `required` still applies.
        return [clean_one(file, initial) for file in files or [None]]


class UploadForm(forms.Form):
    # Empty files are allowed through so the report names each one, instead of the whole
    # upload being refused for one of them.
    files = MultipleFileField(
        allow_empty_file=True,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        label="Letters",
        help_text="PDF or text files, or ZIP files of them.",
    )


@csrf_exempt
@ingest_permission_required
def upload(request: HttpRequest) -> HttpResponse:
    """The form, and on POST the per-file report of the ingest run it started.

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
    report = letters_upload(files=form.cleaned_data["files"], user=request.user)
    letter_ids = [o.letter_id for o in report.outcomes if o.letter_id is not None]
    letters = Letter.objects.only("id", "case_number", "source_name").in_bulk(letter_ids)
    # The warnings of the letters this upload added (a duplicate's are on its letter page).
    warnings = letters_warnings(o.letter_id for o in report.outcomes if o.status == CREATED)
    rows = [
        (
            outcome,
            letters.get(outcome.letter_id),
            warnings.get(outcome.letter_id, []) if outcome.status == CREATED else [],
        )
        for outcome in report.outcomes
    ]
    context = {"run": report.run, "rows": rows, "warned": len(warnings)}
    return render(request, "decisions/upload_report.html", context)


def _form_page(
    request: HttpRequest, form: UploadForm, *, status: int = 200, refusal: str | None = None
) -> HttpResponse:
    context = {
        "form": form,
        "refusal": refusal,
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "max_file_mb": settings.IMR_MAX_FILE_BYTES / 1_048_576,
        "zip_max_entries": settings.IMR_ZIP_MAX_ENTRIES,
        "zip_max_mb": settings.IMR_ZIP_MAX_TOTAL_BYTES / 1_048_576,
    }
    return render(request, "decisions/upload.html", context, status=status)


CONTENT_TYPES = {Letter.Kind.PDF: "application/pdf", Letter.Kind.TEXT: "text/plain"}
SUFFIXES = {Letter.Kind.PDF: ".pdf", Letter.Kind.TEXT: ".txt"}


def letter_original(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter's original file, always as a download, never rendered by the browser.

    Letters loaded from text by the `ingest` command keep no separate file: their raw_text is
    the file's text, so that is what they download.
    """
    letter = get_object_or_404(
        Letter.objects.only("id", "source_name", "original_kind", "original_file"), pk=pk
    )
    filename = download_name(letter)
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
