"""The Django admin: read-only letters, items, citations and runs; bounded queries; re-parse."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from decisions.admin import RUN_FAILURES_SHOWN, WarningFilter, text_with_quotes_marked
from decisions.models import Citation, DisputedItem, IngestFailure, IngestRun, Letter
from decisions.selectors.letters import WarningNote
from tests.factories import make_citation, make_item, make_letter
from tests.helpers import FIXTURE_LETTERS, plan_of
from tests.preparation_hooks import CITATION_WARNING, SPECIALTY_WARNING

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> list[Letter]:
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())
    return list(Letter.objects.order_by("pk"))


def changelist(model: str) -> str:
    return reverse(f"admin:decisions_{model}_changelist")


@pytest.mark.parametrize("model", ["letter", "disputeditem", "citation", "ingestrun"])
def test_changelists_load_in_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries, model
):
    run = IngestRun.objects.create(origin="command", sources="/data")
    for n in range(30):
        item = make_item(make_letter(ingest_run=run, case_number=f"CM13-{n:07}"))
        make_citation(item)
    with django_assert_max_num_queries(12):
        response = admin_client.get(changelist(model))
    assert response.status_code == 200


def test_letter_list_shows_case_number_or_source_and_item_counts(admin_client, seeded):
    letter = seeded[1]
    Letter.objects.filter(pk=letter.pk).update(case_number="CM13-0000123")
    response = admin_client.get(changelist("letter"))
    rows = {row.pk: row for row in response.context["cl"].result_list}
    assert [rows[letter.pk].items_count for letter in seeded] == [5, 4, 1]
    html = response.content.decode()
    assert "CM13-0000123" in html and seeded[0].source_name in html
    assert response.context["cl"].show_full_result_count is False


@pytest.mark.parametrize("field", ["case_number", "sha256", "source_name"])
def test_letter_search(admin_client, field):
    wanted = make_letter(case_number="CM14-0099999", source_name="/data/2014/wanted.pdf")
    make_letter(case_number="CM14-0011111")
    term = {"case_number": "CM14-0099999", "sha256": wanted.sha256, "source_name": "wanted"}[field]
    response = admin_client.get(changelist("letter"), {"q": term})
    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]


def test_letter_filters(admin_client):
    old = make_letter(layout="notice-2013", reviewer_specialty="Neurology")
    make_letter(layout="standard", reviewer_specialty="Neurology")
    response = admin_client.get(changelist("letter"), {"layout": "notice-2013"})
    assert [row.pk for row in response.context["cl"].result_list] == [old.pk]
    response = admin_client.get(changelist("letter"), {"reviewer_specialty": "Neurology"})
    assert len(response.context["cl"].result_list) == 2
    response = admin_client.get(
        changelist("letter"), {"loaded_at__gte": "2000-01-01 00:00:00+00:00"}
    )
    assert len(response.context["cl"].result_list) == 2


def test_letter_page_is_read_only_with_its_items_and_original(admin_client, seeded):
    letter = seeded[1]
    response = admin_client.get(reverse("admin:decisions_letter_change", args=[letter.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html and "<textarea" not in html
    assert "Norco 10/325mg, #120" in html and "Overturned" in html
    assert reverse("decisions:letter-original", args=[letter.pk]) in html
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in html  # the raw text, shown
    post = admin_client.post(
        reverse("admin:decisions_letter_change", args=[letter.pk]), {"case_summary": "edited"}
    )
    assert post.status_code == 403
    assert Letter.objects.get(pk=letter.pk).case_summary != "edited"


@pytest.mark.parametrize("model", ["letter", "disputeditem", "citation", "ingestrun"])
def test_nothing_is_added_by_hand(admin_client, model):
    assert admin_client.get(reverse(f"admin:decisions_{model}_add")).status_code == 403


def test_nothing_is_deleted_here(admin_client, seeded):
    item = seeded[1].items.get(position=3)
    rows = {
        "letter": seeded[1],
        "disputeditem": item,
        "citation": item.citations.first(),
        "ingestrun": seeded[1].ingest_run,
    }
    for model, row in rows.items():
        page = admin_client.get(reverse(f"admin:decisions_{model}_change", args=[row.pk]))
        assert page.status_code == 200 and "deletelink" not in page.content.decode()
        assert "delete_selected" not in admin_client.get(changelist(model)).content.decode()
        delete = reverse(f"admin:decisions_{model}_delete", args=[row.pk])
        assert admin_client.get(delete).status_code == 403
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        admin_client.post(
            changelist(model),
            {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        )
        assert type(row).objects.filter(pk=row.pk).exists(), model


def test_letter_page_links_each_item_by_its_treatment(admin_client, seeded):
    letter = seeded[1]
    html = admin_client.get(
        reverse("admin:decisions_letter_change", args=[letter.pk])
    ).content.decode()
    for item in letter.items.all():
        link = reverse("admin:decisions_disputeditem_change", args=[item.pk])
        assert f'<a href="{link}">{escape(item.treatment)}</a>' in html
    # One "View on site" link, the letter's own; none beside each item.
    assert html.count("View on site") == 1 and ">View</a>" not in html


def test_item_and_citation_pages_and_filters(admin_client, seeded):
    norco = DisputedItem.objects.get(treatment="Norco 10/325mg, #120")
    response = admin_client.get(changelist("disputeditem"), {"outcome": "overturned"})
    assert [i.pk for i in response.context["cl"].result_list] == [norco.pk]
    response = admin_client.get(changelist("disputeditem"), {"q": "flexeril"})
    assert [i.treatment for i in response.context["cl"].result_list] == ["Flexeril 7.5mg, #60"]
    page = admin_client.get(reverse("admin:decisions_disputeditem_change", args=[norco.pk]))
    assert page.status_code == 200 and "Page(s): 91" in page.content.decode()
    response = admin_client.get(changelist("citation"), {"guideline": "MTUS", "party": "reviewer"})
    assert response.status_code == 200
    assert all(c.guideline == "MTUS" for c in response.context["cl"].result_list)
    citation = Citation.objects.first()
    citation_page = reverse("admin:decisions_citation_change", args=[citation.pk])
    assert admin_client.get(citation_page).status_code == 200


def test_run_page_shows_its_first_failures_and_links_to_the_history(admin_client):
    run = IngestRun.objects.create(origin="upload", sources="a.zip", failed=RUN_FAILURES_SHOWN + 5)
    IngestFailure.objects.bulk_create(
        IngestFailure(run=run, source_name=f"bad-{n:04}.txt", reason="file is empty")
        for n in range(RUN_FAILURES_SHOWN + 5)
    )
    page = admin_client.get(reverse("admin:decisions_ingestrun_change", args=[run.pk]))
    html = page.content.decode()
    assert f"bad-{RUN_FAILURES_SHOWN - 1:04}.txt" in html
    assert f"bad-{RUN_FAILURES_SHOWN:04}.txt" not in html
    assert reverse("decisions:history-run", args=[run.pk]) in html


# --- The re-parse action ----------------------------------------------------------------


def reparse_action(client: Client, letters: list[Letter]):
    return client.post(
        changelist("letter"),
        {"action": "reparse", "_selected_action": [letter.pk for letter in letters]},
        follow=True,
    )


def test_reparse_action_updates_letters_in_place_and_reports(admin_client, seeded):
    first = seeded[0]
    Letter.objects.filter(pk=first.pk).update(reviewer_specialty="Medicine")
    item_count = DisputedItem.objects.count()
    response = reparse_action(admin_client, seeded)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"letter {first.pk}: fields reviewer_specialty",
        "Re-parsed 3 letters: changed 1, unchanged 2, failed 0; "
        "0 emptied facet combinations deleted; "
        "warnings: 0 letters before, 0 after; cleared 0, newly warned 0.",
    ]
    assert Letter.objects.get(pk=first.pk).reviewer_specialty == "Neurology"
    assert DisputedItem.objects.count() == item_count


def test_reparse_action_reports_letters_that_no_longer_parse(admin_client, seeded):
    Letter.objects.filter(pk=seeded[2].pk).update(raw_text="not a letter")
    messages = [str(m) for m in reparse_action(admin_client, seeded).context["messages"]]
    assert messages[0].startswith(f"letter {seeded[2].pk}: left unchanged, it no longer parses:")
    assert messages[1] == (
        "Re-parsed 3 letters: changed 0, unchanged 2, failed 1; "
        "0 emptied facet combinations deleted; "
        "warnings: 0 letters before, 0 after; cleared 0, newly warned 0."
    )


def test_reparse_action_refuses_more_than_the_admin_limit(admin_client, seeded, monkeypatch):
    monkeypatch.setattr("decisions.admin.ADMIN_REPARSE_MAX", 2)
    Letter.objects.filter(pk=seeded[0].pk).update(reviewer_specialty="Medicine")
    messages = [str(m) for m in reparse_action(admin_client, seeded).context["messages"]]
    assert messages == [
        "3 letters selected; the admin re-parses at most 2 at a time. "
        "Use `manage.py reparse` for more."
    ]
    assert Letter.objects.get(pk=seeded[0].pk).reviewer_specialty == "Medicine"


def test_reparse_action_needs_the_ingest_permission(django_user_model, seeded):
    viewer = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="decisions", codename="view_letter")
    )
    client = Client()
    client.force_login(viewer)
    page = client.get(changelist("letter"))
    assert page.status_code == 200
    assert "reparse" not in page.content.decode()
    Letter.objects.filter(pk=seeded[0].pk).update(reviewer_specialty="Medicine")
    reparse_action(client, seeded)
    assert Letter.objects.get(pk=seeded[0].pk).reviewer_specialty == "Medicine"

    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="decisions", codename="add_letter")
    )
    assert "reparse" in client.get(changelist("letter")).content.decode()
    reparse_action(client, seeded)
    assert Letter.objects.get(pk=seeded[0].pk).reviewer_specialty == "Neurology"


def test_run_list_and_page_show_a_run_that_stopped_beating_as_interrupted(admin_client):
    """Its stored status still says running; nobody has heard from it for too long."""
    stale = timezone.now() - IngestRun.STALE_AFTER - timedelta(seconds=1)
    dead = IngestRun.objects.create(origin="command", sources="/a", heartbeat_at=stale)
    live = IngestRun.objects.create(origin="command", sources="/b")
    rows = admin_client.get(changelist("ingestrun")).content.decode().split("<tr")
    [dead_row] = [r for r in rows if f"/ingestrun/{dead.pk}/change/" in r]
    [live_row] = [r for r in rows if f"/ingestrun/{live.pk}/change/" in r]
    assert '<td class="field-shown_status">interrupted</td>' in dead_row
    assert '<td class="field-shown_status">running</td>' in live_row
    page = admin_client.get(reverse("admin:decisions_ingestrun_change", args=[dead.pk]))
    assert "interrupted" in page.content.decode()


# --- The review queue: letters with parser warnings -----------------------------------------


def test_the_queue_lists_letters_with_warnings_by_code_with_counts(admin_client, warned_letter):
    Letter.objects.exclude(pk=warned_letter.pk).update(warning_codes=["date-unread"])
    for value, expected in [
        ("any", 3),
        (SPECIALTY_WARNING.code, 1),
        (CITATION_WARNING.code, 1),
        ("date-unread", 2),
        ("no-such-code", 0),
    ]:
        response = admin_client.get(changelist("letter"), {"warning": value})
        assert len(response.context["cl"].result_list) == expected, value
    response = admin_client.get(changelist("letter"), {"warning": SPECIALTY_WARNING.code})
    assert [letter.pk for letter in response.context["cl"].result_list] == [warned_letter.pk]
    html = response.content.decode()
    assert "By parser warnings" in html
    for choice in ("date-unread (2)", f"{SPECIALTY_WARNING.code} (1)", "With any warning"):
        assert choice in html
    assert html.index("date-unread (2)") < html.index(f"{SPECIALTY_WARNING.code} (1)")


def test_a_warned_letter_opens_on_its_warnings_beside_its_text(admin_client, warned_letter):
    response = admin_client.get(reverse("admin:decisions_letter_change", args=[warned_letter.pk]))
    html = response.content.decode()
    [first, *_] = response.context["adminform"].fieldsets
    assert first == ("Parser warnings", {"fields": ["warnings_beside_text"]})
    review = html[html.index('class="warning-review"') :]
    assert f"<code>{SPECIALTY_WARNING.code}</code> reviewer.specialty" in review
    assert f"item 1, {CITATION_WARNING.field}" in review
    assert escape(CITATION_WARNING.quote) in review and "<script>" not in html
    # The first quote is in the letter's text, where it is marked; the second one is not.
    text = review[review.index('class="warning-review__text"') :]
    assert '<mark id="warning-1">Occupational Medicine</mark>' in text
    assert 'id="warning-2"' not in text
    assert '<a href="#warning-1">marked in the text</a>' in review
    assert "(not found in the text)" in review
    assert "decisions/admin.css" in html


def test_a_letter_without_warnings_keeps_its_text_folded(admin_client, warned_letter):
    other = Letter.objects.exclude(pk=warned_letter.pk).first()
    response = admin_client.get(reverse("admin:decisions_letter_change", args=[other.pk]))
    names = [name for name, _ in response.context["adminform"].fieldsets]
    assert "Parser warnings" not in names and names[-1] == "Original text"


def note(quote: str) -> WarningNote:
    return WarningNote(code="c", field="f", message="m", quote=quote)


def test_quotes_are_marked_where_they_stand_whatever_the_line_breaks():
    text = "The expert reviewer is\nLicensed in Podiatric\n  Surgery <b>and</b> is licensed."
    marked, numbers = text_with_quotes_marked(
        text,
        [note("Licensed in Podiatric Surgery"), note("Podiatric Surgery <b>and…"), note("absent")],
    )
    assert numbers == {1}
    assert marked == (
        "The expert reviewer is\n"
        '<mark id="warning-1">Licensed in Podiatric\n  Surgery</mark> &lt;b&gt;and&lt;/b&gt; is'
        " licensed."
    )


def as_sql(queryset) -> str:
    return connection.ops.compose_sql(*queryset.query.sql_with_params())


def test_the_queue_reads_indexes_not_the_letter_table(warned_letter):
    """The warned letters' codes from their partial index (an index-only scan once vacuum has
    marked the pages visible, as it has on a server); a code's letters from the GIN index."""
    warned = Letter.objects.exclude(warning_codes=[]).values("warning_codes")
    counts = plan_of(
        f"SELECT code, count(*) FROM ({as_sql(warned)}) AS l, unnest(l.warning_codes) AS code"
        " GROUP BY code"
    )
    assert "letter_warned_idx" in counts and "Seq Scan" not in counts
    by_code = Letter.objects.filter(warning_codes__contains=[SPECIALTY_WARNING.code])
    assert "letter_warning_codes_idx" in plan_of(as_sql(by_code.values("pk")))
    # The queue's own filter: a code among the warned letters, from either index.
    queue = WarningFilter(None, {"warning": [SPECIALTY_WARNING.code]}, Letter, None)
    count = plan_of(f"SELECT count(*) FROM ({as_sql(queue.queryset(None, Letter.objects))}) AS q")
    assert "Seq Scan" not in count and "'{specialty-unknown}'" in count
