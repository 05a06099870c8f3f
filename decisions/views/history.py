"""The ingest history: every run, from the upload page and the `ingest` command, and what failed.

Runs are few (one per upload or command), but one command run can record thousands of failures,
so the list shows the first few per run and a run's own page pages through all of them.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ..middleware import ingest_permission_required
from ..models import IngestFailure, IngestRun

RUNS_PER_PAGE = 20
FAILURES_PER_RUN_IN_LIST = 5
FAILURES_PER_PAGE = 100
LETTERS_SHOWN = 50


@ingest_permission_required
def history(request: HttpRequest) -> HttpResponse:
    runs = IngestRun.objects.select_related("user").prefetch_related(
        Prefetch(
            "failures",
            queryset=IngestFailure.objects.order_by("id")[:FAILURES_PER_RUN_IN_LIST],
            to_attr="first_failures",
        )
    )
    page = _page(runs, RUNS_PER_PAGE, request)
    for run in page:
        run.source_list = run.sources.splitlines()
    return render(request, "decisions/history.html", {"page": page})


@ingest_permission_required
def history_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(IngestRun.objects.select_related("user"), pk=pk)
    letters = run.letters.only("id", "case_number", "source_name").order_by("id")
    duplicates = run.duplicate_files.select_related("letter").only(
        "source_name", "same_file", "letter__id", "letter__case_number", "letter__source_name"
    )
    context = {
        "run": run,
        "sources": run.sources.splitlines(),
        "failures": _page(run.failures.all(), FAILURES_PER_PAGE, request),
        "letters": letters[:LETTERS_SHOWN],
        "letters_count": letters.count(),
        "duplicates": duplicates[:LETTERS_SHOWN],
        "duplicates_count": duplicates.count(),
    }
    return render(request, "decisions/history_run.html", context)


def _page(rows: QuerySet, per_page: int, request: HttpRequest) -> Page:
    """The requested page; a page number that does not exist is a 404, not page one."""
    try:
        return Paginator(rows, per_page).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("no such page") from None
