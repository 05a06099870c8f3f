"""One name per specialty: the letter keeps its wording and its grouping name; the facets, the
`specialty` filter and the export use the grouping name; a link spelling a specialty another
way is answered with the canonical one; stored letters are regrouped in batches without their
items' words being parsed again, the counts exact after."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from decisions import specialties
from decisions.models import Letter
from decisions.search import item_filterset, item_search
from decisions.services import ingest as ingest_service
from decisions.services import specialties as regroup_service
from tests.factories import make_item, make_letter
from tests.helpers import assert_derived_rows_match_the_items, entry_writes_of
from tests.preparation_hooks import prepare_with_canonical_neurology

pytestmark = pytest.mark.django_db

# A vocabulary of the tests' own, so that they do not depend on the real one's names.
VOCABULARY = {
    "orthopedic surgery": "Orthopaedic Surgery",
    "orthopaedic surgery": "Orthopaedic Surgery",
    "physical medicine & rehabilitation": "Physical Medicine and Rehabilitation",
    "physical medicine and rehabilitation": "Physical Medicine and Rehabilitation",
    "neurology": "Neurology",
}


@pytest.fixture
def vocabulary(monkeypatch):
    """The tests' vocabulary in place of the parser's, ignoring case and spacing."""
    monkeypatch.setattr(
        specialties,
        "canonical_specialty",
        lambda name: VOCABULARY.get(" ".join(name.lower().split())),
    )


@pytest.fixture
def stored_before_the_vocabulary(six_decisions):
    """six_decisions as letters stored before the vocabulary existed: grouped under their
    wording, the state `regroup_specialties` starts from."""
    for letter in Letter.objects.all():
        Letter.objects.filter(pk=letter.pk).update(
            reviewer_specialty_canonical=letter.reviewer_specialty
        )
        letter.items.update(reviewer_specialty_canonical=letter.reviewer_specialty)
    return six_decisions


def specialty_facet(params: dict | None = None) -> dict[str, int]:
    results = item_search(item_filterset(params or {}), per_page=100)
    return {value.value: value.hits for value in results.facets.values["specialty"]}


def test_ingest_stores_the_wording_and_the_grouping_name(letters_dir, monkeypatch):
    """The parse names the canonical specialty; one the vocabulary does not know (None) is
    grouped under its wording."""
    monkeypatch.setattr(ingest_service, "prepare", prepare_with_canonical_neurology)
    call_command("ingest", str(letters_dir), "--workers=1", stdout=StringIO())
    rows = Letter.objects.order_by("reviewer_specialty").values_list(
        "reviewer_specialty",
        "reviewer_specialty_canonical",
        "reviewer_subspecialty",
        "reviewer_subspecialty_canonical",
    )
    assert list(rows) == [
        ("Anesthesiology", "Anesthesiology", "Pain Management", "Pain Medicine"),
        ("NEUROLOGY", "Neurology", "Neuromuscular Medicine", "Neuromuscular Medicine"),
        ("Occupational Medicine", "Occupational Medicine", None, None),
    ]
    neurology = Letter.objects.get(reviewer_specialty="NEUROLOGY")
    assert set(neurology.items.values_list("reviewer_specialty_canonical", flat=True)) == {
        "Neurology"
    }
    assert specialty_facet() == {"Neurology": 5, "Occupational Medicine": 4, "Anesthesiology": 1}


def test_stored_letters_are_regrouped_in_batches_without_parsing_their_words(
    stored_before_the_vocabulary, vocabulary
):
    """six_decisions: two Orthopedic Surgery items, two Occupational Medicine ones (not in the
    vocabulary: kept as written) and two Physical Medicine & Rehabilitation ones."""
    other = make_letter(
        reviewer_specialty="orthopaedic  SURGERY",
        reviewer_specialty_canonical="orthopaedic  SURGERY",
    )
    make_item(other)
    assert specialty_facet() == {
        "Orthopedic Surgery": 2,
        "Occupational Medicine": 2,
        "Physical Medicine & Rehabilitation": 2,
        "orthopaedic  SURGERY": 1,
    }
    out = StringIO()
    call_command("regroup_specialties", "--dry-run", stdout=out)
    assert "letters 4 read, 3 regrouped, 0 items moved (dry run: nothing written)" in out.getvalue()
    assert len(specialty_facet()) == 4

    out = StringIO()
    writes = entry_writes_of(
        lambda: call_command("regroup_specialties", "--batch-size=2", stdout=out)
    )
    assert out.getvalue().splitlines()[:3] == [
        "specialty: Orthopedic Surgery -> Orthopaedic Surgery: 1 letters",
        "specialty: Physical Medicine & Rehabilitation -> Physical Medicine and Rehabilitation: "
        "1 letters",
        "specialty: orthopaedic  SURGERY -> Orthopaedic Surgery: 1 letters",
    ]
    assert "letters 4 read, 3 regrouped, 5 items moved" in out.getvalue()
    # Each moved item's entry changed its combination in place: no words parsed again.
    assert writes == {"updated": 5}
    assert_derived_rows_match_the_items()
    assert specialty_facet() == {
        "Orthopaedic Surgery": 3,
        "Occupational Medicine": 2,
        "Physical Medicine and Rehabilitation": 2,
    }
    assert specialty_facet({"specialty": "Orthopaedic Surgery", "outcome": "overturned"}) == {
        "Orthopaedic Surgery": 1
    }
    # The letters keep their wording.
    assert set(Letter.objects.values_list("reviewer_specialty", flat=True)) == {
        "Orthopedic Surgery",
        "Occupational Medicine",
        "Physical Medicine & Rehabilitation",
        "orthopaedic  SURGERY",
    }
    out = StringIO()
    call_command("regroup_specialties", stdout=out)
    assert "letters 4 read, 0 regrouped, 0 items moved" in out.getvalue()


def test_a_letter_reparsed_meanwhile_is_left_to_its_parse(
    stored_before_the_vocabulary, vocabulary, monkeypatch
):
    """The batch mapped the letter's old wording; its new wording has its own name already."""
    letter = stored_before_the_vocabulary["esi"].letter

    def reparsed_meanwhile(wording):
        Letter.objects.filter(pk=letter.pk).update(
            reviewer_specialty="Spine Surgery", reviewer_specialty_canonical="Spine Surgery"
        )
        return specialties.grouping_name_of(wording)

    monkeypatch.setattr(regroup_service, "grouping_name_of", reparsed_meanwhile)
    summary = regroup_service.letters_regroup()
    assert summary.regrouped == 1  # the Physical Medicine letter alone was written
    letter.refresh_from_db()
    assert letter.reviewer_specialty_canonical == "Spine Surgery"


@pytest.mark.parametrize(
    "spelling", ["Orthopedic Surgery", "orthopaedic surgery", " Orthopaedic  Surgery"]
)
def test_a_link_with_another_spelling_is_answered_with_the_canonical_one(
    client, six_decisions, vocabulary, spelling
):
    call_command("regroup_specialties", stdout=StringIO())
    response = client.get("/", {"q": "lumbar", "specialty": spelling, "sort": "oldest"})
    assert response.status_code == 302
    assert response["Location"] == "/?q=lumbar&specialty=Orthopaedic+Surgery&sort=oldest"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert [row.item.treatment for row in page.context["results"].items] == [
        "Lumbar epidural steroid injection L4-5",
        "MRI of the lumbar spine",
    ]


def test_the_canonical_spelling_and_unknown_ones_are_answered_as_they_are(
    client, six_decisions, vocabulary
):
    call_command("regroup_specialties", stdout=StringIO())
    for spelling in ("Physical Medicine and Rehabilitation", "Occupational Medicine"):
        response = client.get("/", {"specialty": spelling})
        assert response.status_code == 200
        assert len(response.context["results"].items) == 2
    # Another parameter is invalid: the form's error, not a redirect.
    response = client.get("/", {"specialty": "orthopedic surgery", "age_min": "old"})
    assert response.status_code == 200 and response.context["results"].facets is None


def test_an_old_bookmark_of_an_ampersand_spelling_still_works(client, six_decisions, vocabulary):
    call_command("regroup_specialties", stdout=StringIO())
    response = client.get("/?specialty=physical%20medicine%20%26%20rehabilitation", follow=True)
    assert response.redirect_chain == [("/?specialty=Physical+Medicine+and+Rehabilitation", 302)]
    assert {row.item.treatment for row in response.context["results"].items} == {
        "Physical therapy x12",
        "NORCO 10/325 mg #120",
    }


def test_the_export_reads_any_spelling_and_writes_the_canonical_name(
    client, six_decisions, vocabulary
):
    call_command("regroup_specialties", stdout=StringIO())
    response = client.get("/export.json", {"specialty": "physical medicine & rehabilitation"})
    assert response.status_code == 200
    rows = json_rows(response)
    assert [row["reviewer_specialty"] for row in rows] == [
        "Physical Medicine and Rehabilitation"
    ] * 2


def json_rows(response) -> list[dict]:
    return json.loads(b"".join(response.streaming_content))


def test_the_letter_page_shows_the_wording_and_what_it_is_searched_as(
    client, six_decisions, vocabulary
):
    call_command("regroup_specialties", stdout=StringIO())
    letter = six_decisions["pt"].letter
    html = client.get(letter.get_absolute_url()).content.decode()
    facts = html[html.index("Who decided") : html.index("Subspecialty")]
    assert "Physical Medicine &amp; Rehabilitation" in facts
    assert (
        'Searched as <a href="/?specialty=Physical%20Medicine%20and%20Rehabilitation">'
        "Physical Medicine and Rehabilitation</a>"
    ) in facts
    unknown = client.get(six_decisions["norco"].letter.get_absolute_url()).content.decode()
    assert "Searched as" not in unknown
