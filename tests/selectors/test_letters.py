"""The letter page: reviewer, summary, every item with its bases, anchors, highlights, similar."""

from __future__ import annotations

import re
from unittest.mock import ANY

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import DisputedItem, Letter
from decisions.selectors.letters import WarningNote, letter_detail, letters_warnings
from tests.factories import make_citation, make_item, make_letter
from tests.helpers import TYPED_QUERIES, plan_of, reads
from tests.preparation_hooks import CITATION_WARNING, SPECIALTY_WARNING

pytestmark = pytest.mark.django_db


@pytest.fixture
def norco_letter(letters_dir) -> Letter:
    call_command("ingest", str(letters_dir), "--workers=1")
    return DisputedItem.objects.get(treatment="Norco 10/325mg, #120").letter


def test_letter_shows_reviewer_summary_and_every_item_at_its_anchor(client, norco_letter):
    html = client.get(norco_letter.get_absolute_url()).content.decode()
    assert "Occupational Medicine" in html
    assert "Clinical case summary" in html
    assert html.count('class="item"') == 4
    for position in range(1, 5):
        assert f'id="item-{position}"' in html
    norco = html[html.index('id="item-3"') : html.index('id="item-4"')]
    assert "Norco 10/325mg, #120" in norco
    assert "Overturned: treatment approved" in norco
    assert "The claims administrator relied on" in norco and "The IMR reviewer relied on" in norco
    assert "Hydrocodone-Acetaminophen, p. 91" in norco
    assert "short-acting opioids such as Norco are indicated" in norco
    assert "<mark>" not in html


def test_letter_summary_is_clean_paragraphs(client):
    letter = make_letter(case_summary="First paragraph\nstill first.\n\nSecond paragraph.")
    make_item(letter)
    html = client.get(letter.get_absolute_url()).content.decode()
    assert "<p>First paragraph\nstill first.</p><p>Second paragraph.</p>" in html


def test_search_terms_are_highlighted_when_coming_from_a_search(client, norco_letter):
    html = client.get(norco_letter.get_absolute_url(), {"q": "norco"}).content.decode()
    norco = html[html.index('id="item-3"') : html.index('id="item-4"')]
    assert "<mark>Norco</mark> 10/325mg, #120" in norco
    assert "first-time request for <mark>Norco</mark>" in norco
    assert "Back to the search for “norco”" in html
    summary = html[html.index("Clinical case summary") : html.index('id="item-1"')]
    assert "<mark>Norco</mark> and Flexeril" in summary


def test_untrusted_text_stays_escaped_with_highlights(client):
    letter = make_letter(case_summary="Summary <script>alert(1)</script> about Norco.")
    make_item(letter, treatment="Norco <b>x</b>", rationale="Norco <script>alert(2)</script>.")
    for params in ({}, {"q": "norco"}):
        html = client.get(letter.get_absolute_url(), params).content.decode()
        assert "<script>alert" not in html and "<b>x" not in html
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<mark>Norco</mark> &lt;b&gt;x&lt;/b&gt;" in html


def test_nulls_read_not_stated(client):
    letter = make_letter(reviewer_specialty=None)
    make_item(letter, claims_administrator_basis=None)
    html = client.get(letter.get_absolute_url()).content.decode()
    facts = html[html.index("Who decided") : html.index("Clinical case summary")]
    assert facts.count("not stated") >= 5
    assert re.search(r"Reviewer specialty</dt><dd>not stated", facts)


def test_original_text_is_one_click_away_as_plain_text(client, norco_letter):
    html = client.get(norco_letter.get_absolute_url()).content.decode()
    text_url = f"/letters/{norco_letter.pk}/text/"
    assert f'href="{text_url}"' in html
    assert f'href="/letters/{norco_letter.pk}/original/"' in html
    response = client.get(text_url)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response.content.decode() == norco_letter.raw_text


def test_similar_decisions_link_to_items_in_other_letters(client, norco_letter):
    other = make_item(treatment="NORCO 10/325 mg, #120", outcome="upheld")
    html = client.get(norco_letter.get_absolute_url()).content.decode()
    norco = html[html.index('id="item-3"') : html.index('id="item-4"')]
    assert f'href="/letters/{other.letter_id}/#item-1"' in norco
    assert "?treatment=Norco%2010/325mg%2C%20%23120" in norco
    assert "?cited_page=Chronic%20Pain%20Medical%20Treatment%20Guidelines%3A91" in norco


@pytest.mark.parametrize("items", [1, 8])
def test_letter_page_costs_five_queries_whatever_its_size(client, django_assert_num_queries, items):
    """Letter, items, citations, similar decisions, the DWC's disagreements."""
    letter = make_letter()
    for n in range(items):
        item = make_item(letter, treatment=f"Treatment {n}", reviewer_pages=["Doc:1"])
        make_citation(item)
    for params in ({}, {"q": "treatment"}):
        with django_assert_num_queries(5):
            client.get(letter.get_absolute_url(), params)


def test_the_letter_page_reads_by_index(synthetic_corpus):
    letter = DisputedItem.objects.exclude(generic_names=[]).order_by("-letter_id").first().letter
    with CaptureQueriesContext(connection) as captured:
        letter_detail(pk=letter.pk, query="pain")
    plans = [plan_of(sql) for sql in reads(captured)]
    assert len(plans) == 5
    assert "decisions_letter_pkey" in plans[0]
    assert "item_letter_position_uniq" in plans[1]
    assert "citation_item_party_position_uniq" in plans[2]
    # Similar decisions: a LIMIT over the treatment-key index, and over the pages' GIN index or
    # (a page many items cite) the date index, whichever Postgres finds cheaper.
    assert "item_treatment_key_idx" in plans[3]
    assert "item_drug_set_idx" in plans[3]  # the same drugs: in newest order already
    assert "item_reviewer_pages_idx" in plans[3] or "item_newest_idx" in plans[3]
    assert "metadata_conflict" in plans[4]  # the letter's conflicts, by its index


@pytest.mark.parametrize("text", TYPED_QUERIES)
def test_any_typed_query_highlights_never_an_error(six_decisions, text):
    assert letter_detail(pk=six_decisions["norco"].letter_id, query=text) is not None


def test_unknown_letter_is_404(client):
    assert client.get("/letters/999999/").status_code == 404
    assert client.get("/letters/999999/text/").status_code == 404


@pytest.mark.parametrize(
    ("field", "item", "place", "label"),
    [
        ("reviewer.specialty", None, "specialty", "Reviewer specialty"),
        ("patient.age", None, "patient", "Patient"),
        ("patient.date_of_injury", None, "date_of_injury", "Date of injury"),
        ("reviewer.licensed_in[1]", None, "licensed_in", "Licensed in"),
        ("reviewer.specialtyish", None, "", ""),
        ("items", None, "", ""),
        ("items[2].reviewer_basis", 2, "reviewer_basis", "what the IMR reviewer relied on"),
        ("items[2].reviewer_basis.citations[1].pages", 2, "reviewer_basis", ANY),
        ("rationale", 1, "rationale", "decision rationale"),
        ("items[1].heading", 1, "", ""),
    ],
)
def test_a_warning_is_placed_beside_the_value_its_field_names(field, item, place, label):
    warning = {"code": "c", "field": field, "message": "m", "quote": "q"}
    note = WarningNote.of(warning, item)
    assert (note.field, note.item, note.place, note.label) == (field, item, place, label)


def test_every_reader_sees_what_the_parser_was_unsure_of_beside_the_value(client, warned_letter):
    html = client.get(warned_letter.get_absolute_url()).content.decode()
    summary = html[html.index('id="parse-notes-heading"') : html.index('id="index-heading"')]
    assert "unsure of 2 things in this letter" in summary
    assert (
        '<a href="#facts-heading">Reviewer specialty</a>: ' + SPECIALTY_WARNING.message in summary
    )
    assert '<a href="#item-1">Item 1, what the IMR reviewer relied on</a>: ' in summary

    facts = html[html.index("Who decided") : html.index("Clinical case summary")]
    specialty = facts[facts.index("Reviewer specialty") : facts.index("Subspecialty")]
    assert "Parser unsure</span> " + SPECIALTY_WARNING.message in specialty
    assert facts.count("parse-note__badge") == 1

    first = html[html.index('id="item-1"') : html.index('id="item-2"')]
    reviewer_basis = first[
        first.index("The IMR reviewer relied on") : first.index("Decision rationale")
    ]
    assert CITATION_WARNING.message in reviewer_basis
    assert first.count("parse-note__badge") == 1
    assert html.count("parse-note__badge") == 2
    # The quote is letter text: escaped, never markup.
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Decision based on" in html


def test_a_letter_without_warnings_shows_none(client, warned_letter):
    other = Letter.objects.exclude(pk=warned_letter.pk).first()
    html = client.get(other.get_absolute_url()).content.decode()
    assert "parse-note" not in html and "unsure" not in html


def test_warnings_of_stored_letters_in_two_queries(warned_letter, django_assert_num_queries):
    ids = list(Letter.objects.values_list("pk", flat=True))
    with django_assert_num_queries(2):
        found = letters_warnings(ids)
    assert list(found) == [warned_letter.pk]
    assert [(n.code, n.item) for n in found[warned_letter.pk]] == [
        (SPECIALTY_WARNING.code, None),
        (CITATION_WARNING.code, 1),
    ]
