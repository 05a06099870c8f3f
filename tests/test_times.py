"""Every time the site shows is local (TIME_ZONE, California) and names its zone.

Stored times are UTC; Django's English format gives no zone, so a page said "06:30" where
the admin said "Dec. 6, 2026, 6:30 a.m." and a run's name said "14:30" (UTC) for the same
moment. Winter and summer times check that the zone follows daylight saving time.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from decisions.models import IngestRun
from tests.factories import make_letter

pytestmark = pytest.mark.django_db

WINTER = datetime(2026, 12, 6, 14, 30, 12, tzinfo=UTC)
WINTER_SHOWN = "Dec 6, 2026, 6:30 a.m. PST"
WINTER_FINISHED = datetime(2026, 12, 6, 14, 42, tzinfo=UTC)
WINTER_FINISHED_SHOWN = "Dec 6, 2026, 6:42 a.m. PST"
SUMMER = datetime(2026, 7, 6, 19, 5, tzinfo=UTC)
SUMMER_SHOWN = "Jul 6, 2026, 12:05 p.m. PDT"
UTC_READINGS = ["14:30", "2:30 p.m.", "19:05", "7:05 p.m."]


@pytest.fixture
def runs() -> tuple[IngestRun, IngestRun]:
    winter = IngestRun.objects.create(
        origin="command",
        sources="/data/letters",
        started_at=WINTER,
        finished_at=WINTER_FINISHED,
        status="finished",
    )
    summer = IngestRun.objects.create(
        origin="upload", sources="a.zip", started_at=SUMMER, finished_at=SUMMER, status="finished"
    )
    return winter, summer


def assert_no_utc_reading(html: str) -> None:
    assert not [reading for reading in UTC_READINGS if reading in html]


def test_run_names_give_local_time_with_the_zone(runs):
    winter, summer = runs
    assert str(winter) == f"Ingest run {winter.pk} (ingest command, {WINTER_SHOWN})"
    assert str(summer) == f"Ingest run {summer.pk} (upload page, {SUMMER_SHOWN})"


def test_ingest_history_shows_local_times_with_the_zone(admin_client, runs):
    winter, _ = runs
    html = admin_client.get(reverse("decisions:history")).content.decode()
    assert f'<time datetime="2026-12-06T06:30:12-08:00">{WINTER_SHOWN}</time>' in html
    assert f'<time datetime="2026-07-06T12:05:00-07:00">{SUMMER_SHOWN}</time>' in html
    assert_no_utc_reading(html)

    html = admin_client.get(reverse("decisions:history-run", args=[winter.pk])).content.decode()
    assert f'<dt>Started</dt><dd><time datetime="2026-12-06T06:30:12-08:00">{WINTER_SHOWN}' in html
    assert f">{WINTER_FINISHED_SHOWN}</time>" in html
    assert_no_utc_reading(html)


def test_admin_lists_and_pages_show_local_times_with_the_zone(admin_client, runs):
    winter, summer = runs
    pages = [
        reverse("admin:decisions_ingestrun_changelist"),
        reverse("admin:decisions_ingestrun_change", args=[winter.pk]),
        reverse("admin:decisions_ingestrun_change", args=[summer.pk]),
    ]
    html = "".join(admin_client.get(url).content.decode() for url in pages)
    for shown in (WINTER_SHOWN, WINTER_FINISHED_SHOWN, SUMMER_SHOWN):
        assert shown in html
    assert f"<title>Ingest run {winter.pk} (ingest command, {WINTER_SHOWN}) | " in html
    assert_no_utc_reading(html)

    letter = make_letter(ingest_run=winter, loaded_at=WINTER, parsed_at=SUMMER)
    pages = [
        reverse("admin:decisions_letter_changelist"),
        reverse("admin:decisions_letter_change", args=[letter.pk]),
    ]
    listing, change = (admin_client.get(url).content.decode() for url in pages)
    assert WINTER_SHOWN in listing and str(winter) in listing
    assert WINTER_SHOWN in change and SUMMER_SHOWN in change and str(winter) in change
    assert_no_utc_reading(listing + change)
