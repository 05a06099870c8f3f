"""The ingest history: runs from the command and the upload page, newest first, with failures."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from decisions.models import IngestFailure, IngestRun
from decisions.templatetags.decisions_display import local_time
from decisions.views.history import FAILURES_PER_PAGE, FAILURES_PER_RUN_IN_LIST, RUNS_PER_PAGE
from tests.factories import make_letter
from tests.helpers import SEED_NAMES, seed_text

pytestmark = pytest.mark.django_db

HISTORY = reverse("decisions:history")


def make_run(started_minutes_ago: int = 0, failures: int = 0, **fields) -> IngestRun:
    fields.setdefault("origin", "command")
    fields.setdefault("sources", "/data/letters")
    run = IngestRun.objects.create(
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
        finished_at=timezone.now(),
        status="finished",
        failed=failures,
        **fields,
    )
    IngestFailure.objects.bulk_create(
        IngestFailure(run=run, source_name=f"bad-{n:04}.txt", reason=f"reason {n}")
        for n in range(failures)
    )
    return run


def test_runs_from_the_command_and_the_upload_page_are_listed_newest_first(
    admin_client, admin_user, letters_dir
):
    (letters_dir / "empty.txt").write_bytes(b"")
    with pytest.raises(CommandError):
        call_command(
            "ingest", str(letters_dir), "--workers=1", stdout=StringIO(), stderr=StringIO()
        )
    admin_client.post(
        reverse("decisions:upload"),
        {"files": [SimpleUploadedFile("again.txt", seed_text(SEED_NAMES[0]).encode())]},
    )
    response = admin_client.get(HISTORY)
    assert response.status_code == 200
    upload_run, command_run = response.context["page"].object_list
    assert (upload_run.origin, upload_run.user, upload_run.duplicates) == ("upload", admin_user, 1)
    assert (command_run.origin, command_run.user, command_run.created, command_run.failed) == (
        "command",
        None,
        3,
        1,
    )
    html = response.content.decode()
    assert html.index(f"Run {upload_run.pk}") < html.index(f"Run {command_run.pk}")
    assert "Upload page, by admin" in html and "Ingest command" in html
    assert "<code>again.txt</code>" in html and f"<code>{letters_dir.resolve()}</code>" in html
    assert f"<code>{letters_dir / 'empty.txt'}</code>: file is empty" in html


def test_list_shows_the_first_failures_and_links_to_all_of_them(admin_client):
    run = make_run(failures=FAILURES_PER_RUN_IN_LIST + 2)
    html = admin_client.get(HISTORY).content.decode()
    assert f"bad-{FAILURES_PER_RUN_IN_LIST - 1:04}.txt" in html
    assert f"bad-{FAILURES_PER_RUN_IN_LIST:04}.txt" not in html
    run_page = reverse("decisions:history-run", args=[run.pk])
    assert f'<a href="{run_page}">All {run.failed} failures</a>' in html


def test_long_source_lists_are_cut_short(admin_client):
    make_run(sources="\n".join(f"file-{n}.pdf" for n in range(10)), origin="upload")
    html = admin_client.get(HISTORY).content.decode()
    assert "<code>file-2.pdf</code> and 7 more" in html and "file-3.pdf" not in html


def test_list_is_paginated_in_a_constant_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    runs = [make_run(started_minutes_ago=n, failures=2) for n in range(RUNS_PER_PAGE + 3)]
    with django_assert_max_num_queries(8):
        first = admin_client.get(HISTORY)
    assert [r.pk for r in first.context["page"]] == [r.pk for r in runs[:RUNS_PER_PAGE]]
    second = admin_client.get(HISTORY + "?page=2")
    assert [r.pk for r in second.context["page"]] == [r.pk for r in runs[RUNS_PER_PAGE:]]
    assert 'rel="prev"' in second.content.decode()
    assert admin_client.get(HISTORY + "?page=3").status_code == 404
    assert admin_client.get(HISTORY + "?page=x").status_code == 404


def test_empty_history_says_so(admin_client):
    assert "Nothing has been loaded yet." in admin_client.get(HISTORY).content.decode()


def test_run_page_lists_sources_letters_and_pages_through_failures(admin_client):
    run = make_run(failures=FAILURES_PER_PAGE + 1, sources="a.zip\nb.pdf", origin="upload")
    letter = make_letter(ingest_run=run, case_number="CM13-0012345")
    url = reverse("decisions:history-run", args=[run.pk])
    response = admin_client.get(url)
    html = response.content.decode()
    assert "<li><code>a.zip</code></li>" in html and "<li><code>b.pdf</code></li>" in html
    assert f'<a href="{letter.get_absolute_url()}">CM13-0012345</a>' in html
    assert len(response.context["failures"]) == FAILURES_PER_PAGE
    last = admin_client.get(url + "?page=2")
    assert [f.source_name for f in last.context["failures"]] == [f"bad-{FAILURES_PER_PAGE:04}.txt"]
    assert admin_client.get(url + "?page=9").status_code == 404


def test_a_running_run_says_so_and_when_it_was_last_heard_from(admin_client):
    run = IngestRun.objects.create(origin="command", sources="/data")
    heard = local_time(run.heartbeat_at)
    assert (
        f" · still running, last heard from {heard}" in admin_client.get(HISTORY).content.decode()
    )
    page = admin_client.get(reverse("decisions:history-run", args=[run.pk])).content.decode()
    assert f"<dd>still running, last heard from {heard}</dd>" in page
    assert "This run added no letters." in page


def test_a_run_that_stopped_beating_is_shown_interrupted_with_what_it_stored(admin_client):
    """Killed without a word: its counts are what it stored, batch by batch."""
    last_beat = timezone.now() - IngestRun.STALE_AFTER - timedelta(seconds=1)
    run = IngestRun.objects.create(
        origin="command", sources="/data", heartbeat_at=last_beat, created=2
    )
    make_letter(ingest_run=run)
    make_letter(ingest_run=run)
    interrupted = f"interrupted, last heard from {local_time(last_beat)}: the counts are what it"
    html = admin_client.get(HISTORY).content.decode()
    assert interrupted in html and "2 added" in html
    page = admin_client.get(reverse("decisions:history-run", args=[run.pk])).content.decode()
    assert interrupted in page and "2 added" in page
    assert page.count('<li><a href="/letters/') == 2


def test_missing_run_is_404(admin_client):
    assert admin_client.get(reverse("decisions:history-run", args=[424242])).status_code == 404
