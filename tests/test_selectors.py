"""Search selectors: every filter alone and combined, facet counts, full text, order, similar."""
from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.filters import ItemFilter
from decisions.models import DisputedItem, Party
from decisions.selectors import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    item_filterset,
    item_search,
    letter_detail,
)
from decisions.services.letters import reviewer_citation_columns
from tests.factories import make_citation, make_item, make_letter

pytestmark = pytest.mark.django_db

CHRONIC_PAIN = "Chronic Pain Medical Treatment Guidelines"
LOW_BACK = "ACOEM Chapter 12 Low Back Complaints"


def make_decision(letter=None, *, cites=(), claims_cites=(), **fields) -> DisputedItem:
    """An item with reviewer (and claims administrator) citations, its search columns filled
    exactly as ingest fills them. `cites`: (guideline, document, pages) triples."""
    item = make_item(letter, **fields)
    for party, triples in ((Party.REVIEWER, cites), (Party.CLAIMS_ADMINISTRATOR, claims_cites)):
        for guideline, document, pages in triples:
            make_citation(item, party=party, guideline=guideline, document=document, pages=pages)
    columns = reviewer_citation_columns(item.citations.filter(party=Party.REVIEWER))
    DisputedItem.objects.filter(pk=item.pk).update(**columns)
    item.refresh_from_db()
    return item


@pytest.fixture
def corpus() -> dict[str, DisputedItem]:
    """Six decisions that differ in one or two ways each, keyed by a short name."""
    ortho = make_letter(
        reviewer_specialty="Orthopedic Surgery", patient_age=57, patient_sex="male",
        date_of_injury=datetime.date(2008, 7, 28), decision_date=datetime.date(2014, 3, 1),
    )
    occ = make_letter(
        reviewer_specialty="Occupational Medicine", patient_age=34, patient_sex="female",
        date_of_injury=datetime.date(2013, 12, 31), decision_date=datetime.date(2015, 1, 10),
    )
    pmr = make_letter(reviewer_specialty="Physical Medicine & Rehabilitation")
    return {
        "esi": make_decision(
            ortho, treatment="Lumbar epidural steroid injection L4-5",
            rationale="Epidural injections are recommended for radicular pain.",
            cites=[("MTUS", CHRONIC_PAIN, [46])], claims_cites=[("MTUS", CHRONIC_PAIN, [46])],
            guideline_mismatch=False,
        ),
        "mri": make_decision(
            ortho, treatment="MRI of the lumbar spine", outcome="overturned",
            rationale="Imaging is indicated when red flags are present.",
            cites=[("MTUS", LOW_BACK, [303, 304])], claims_cites=[("ODG", "Low Back Chapter", [])],
            guideline_mismatch=True,
        ),
        "norco": make_decision(
            occ, treatment="Norco 10/325mg, #120", outcome="overturned",
            rationale="Short-acting opioids are indicated for moderate to severe pain.",
            cites=[("MTUS", CHRONIC_PAIN, [91])], claims_cites=[("MTUS", CHRONIC_PAIN, [])],
            guideline_mismatch=False,
        ),
        "flexeril": make_decision(
            occ, treatment="Flexeril 7.5mg, #60",
            rationale="Adding cyclobenzaprine to Norco is not recommended.",
            cites=[("MTUS", CHRONIC_PAIN, [41])],
        ),
        "pt": make_decision(
            pmr, treatment="Physical therapy x12",
            rationale="The ODG supports a short course of therapy after surgery.",
            cites=[("ODG", "Low Back Chapter", []), ("MTUS", LOW_BACK, [300])],
            claims_cites=[("ODG", "Low Back Chapter", [])],
            guideline_mismatch=True,
        ),
        "norco_again": make_decision(
            pmr, treatment="NORCO 10/325 mg #120",
            rationale="No functional improvement was documented on opioids.",
            cites=[("MTUS", CHRONIC_PAIN, [80, 91])],
        ),
    }


def found(params: dict) -> list[str]:
    """Treatments listed for these parameters, in page order (all on one page)."""
    results = item_search(item_filterset(params), per_page=100)
    assert results.facets is not None, results.filterset.errors
    assert results.facets.total == len(results.items)
    return [item.treatment for item in results.items]


def names(corpus, *keys) -> set[str]:
    return {corpus[key].treatment for key in keys}


SINGLE_FILTERS = [
    ({"outcome": "overturned"}, ["mri", "norco"]),
    ({"outcome": "upheld"}, ["esi", "flexeril", "pt", "norco_again"]),
    ({"specialty": "Occupational Medicine"}, ["norco", "flexeril"]),
    ({"guideline": "ODG"}, ["pt"]),
    ({"guideline": "MTUS"}, ["esi", "mri", "norco", "flexeril", "pt", "norco_again"]),
    ({"document": LOW_BACK}, ["mri", "pt"]),
    ({"document": "Low Back Chapter"}, ["pt"]),
    ({"cited_page": f"{CHRONIC_PAIN}:91"}, ["norco", "norco_again"]),
    ({"cited_page": f"{LOW_BACK}:304"}, ["mri"]),
    ({"treatment": "norco 10/325MG, #120"}, ["norco", "norco_again"]),
    ({"injured_from": "2010-01-01"}, ["norco", "flexeril"]),
    ({"injured_to": "2010-01-01"}, ["esi", "mri"]),
    ({"age_min": "40"}, ["esi", "mri"]),
    ({"age_max": "40"}, ["norco", "flexeril"]),
    ({"sex": "female"}, ["norco", "flexeril"]),
    ({"mismatch": "on"}, ["mri", "pt"]),
    ({"mismatch": ""}, ["esi", "mri", "norco", "flexeril", "pt", "norco_again"]),
    ({"q": "norco"}, ["norco", "flexeril", "norco_again"]),
]


@pytest.mark.parametrize("params,expected", SINGLE_FILTERS)
def test_each_filter_alone(corpus, params, expected):
    assert set(found(params)) == names(corpus, *expected)


def test_filters_combine_freely(corpus):
    # Every pair of single filters gives exactly the intersection of their results.
    for (p1, e1), (p2, e2) in itertools.combinations(SINGLE_FILTERS, 2):
        if p1.keys() & p2.keys():
            continue
        assert set(found({**p1, **p2})) == names(corpus, *(set(e1) & set(e2))), (p1, p2)


def test_all_filters_at_once(corpus):
    params = {
        "q": "opioids", "outcome": "overturned", "specialty": "Occupational Medicine",
        "guideline": "MTUS", "document": CHRONIC_PAIN, "cited_page": f"{CHRONIC_PAIN}:91",
        "treatment": "Norco 10/325mg, #120", "injured_from": "2013-01-01",
        "injured_to": "2014-01-01", "age_min": "30", "age_max": "35", "sex": "female",
        "sort": "newest", "page": "1",
    }
    assert found(params) == ["Norco 10/325mg, #120"]
    assert found({**params, "mismatch": "on"}) == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"outcome": "overturned"},
        {"guideline": "MTUS", "specialty": "Orthopedic Surgery"},
        {"document": CHRONIC_PAIN, "outcome": "upheld", "mismatch": "on"},
        {"q": "norco OR imaging", "cited_page": f"{CHRONIC_PAIN}:91"},
        {"age_max": "50", "guideline": "ODG", "document": LOW_BACK},
        {"guideline": "MTUS", "document": LOW_BACK, "outcome": "upheld"},
        {"cited_page": f"{CHRONIC_PAIN}:91", "specialty": "Physical Medicine & Rehabilitation"},
    ],
)
def test_facet_counts_equal_the_results_of_choosing_that_value(corpus, params):
    """Each facet value's count is what the list shows after a click on it, a chosen value is
    shown alone (outcome excepted), and every overturn rate is counted without the outcome
    filter."""
    results = item_search(item_filterset(params))
    assert results.facets.total == len(found(params))
    for facet in ItemFilter.FACETS:
        chosen = params.get(facet)
        shown = results.facets.values[facet]
        if chosen and facet != "outcome":
            total = results.facets.total
            assert [(v.active, v.hits) for v in shown] == ([(True, total)] if total else [])
        for value in shown:
            with_value = {**params, facet: value.value}
            assert value.hits == len(found(with_value)), (facet, value)
            assert value.active == (chosen is not None and value.value in (chosen, "true"))
            if facet != "outcome":
                everything = {k: v for k, v in with_value.items() if k != "outcome"}
                overturned = {**everything, "outcome": "overturned"}
                assert (value.overturned, value.decided) == (
                    len(found(overturned)), len(found(everything)),
                ), (facet, value)


def test_facets_list_every_value_once_with_counts(corpus):
    facets = item_search(item_filterset({})).facets
    counts = {
        facet: {v.value: v.hits for v in values} for facet, values in facets.values.items()
    }
    assert counts["outcome"] == {"upheld": 4, "overturned": 2}
    assert counts["guideline"] == {"MTUS": 6, "ODG": 1}
    assert counts["document"] == {CHRONIC_PAIN: 4, LOW_BACK: 2, "Low Back Chapter": 1}
    assert counts["cited_page"][f"{CHRONIC_PAIN}:91"] == 2
    assert counts["mismatch"] == {"true": 2}
    assert counts["specialty"] == {
        "Orthopedic Surgery": 2, "Occupational Medicine": 2,
        "Physical Medicine & Rehabilitation": 2,
    }
    assert (facets.total, facets.overturned, facets.decided) == (6, 2, 6)
    ortho = next(v for v in facets.values["specialty"] if v.value == "Orthopedic Surgery")
    assert ortho.overturn_rate == 0.5


def test_facets_show_the_most_frequent_values_first_up_to_a_limit(corpus):
    letter = make_letter()
    for page in range(1, 14):
        for _ in range(page % 4 + 1):
            make_decision(letter, cites=[("MTUS", CHRONIC_PAIN, [page])])
    pages = item_search(item_filterset({})).facets.values["cited_page"]
    assert len(pages) == 10
    assert [v.hits for v in pages] == sorted((v.hits for v in pages), reverse=True)


def test_websearch_syntax_stemming_and_treatment_matches(corpus):
    assert set(found({"q": "injection"})) == names(corpus, "esi")  # "injections" stems alike
    assert set(found({"q": '"moderate to severe"'})) == names(corpus, "norco")
    assert set(found({"q": '"severe to moderate"'})) == set()
    assert set(found({"q": "imaging OR cyclobenzaprine"})) == names(corpus, "mri", "flexeril")
    assert set(found({"q": "norco -opioids"})) == names(corpus, "flexeril")
    # Only in the treatment, not in any rationale:
    assert set(found({"q": "MRI"})) == names(corpus, "mri")
    assert found({"q": "the"}) == []  # only a stop word: nothing, and no error


@pytest.mark.parametrize("text", ['"unclosed phrase', "-", "OR", "a & b | !c", "norco:*", "()<>"])
def test_any_typed_query_is_a_search_never_an_error(corpus, text):
    results = item_search(item_filterset({"q": text}))
    assert results.facets is not None
    assert letter_detail(pk=corpus["norco"].letter_id, query=text) is not None


def test_relevance_puts_treatment_matches_first(corpus):
    # "Norco" is the treatment of two items and only mentioned in Flexeril's rationale.
    assert found({"q": "norco"})[-1] == "Flexeril 7.5mg, #60"
    assert found({"q": "norco", "sort": "oldest"}) == [
        "Norco 10/325mg, #120", "Flexeril 7.5mg, #60", "NORCO 10/325 mg #120"
    ]


def test_newest_first_without_a_query_with_undated_decisions_last(corpus):
    order = found({})
    assert order[:2] == ["Flexeril 7.5mg, #60", "Norco 10/325mg, #120"]  # decided 2015
    assert order[2:4] == ["MRI of the lumbar spine", "Lumbar epidural steroid injection L4-5"]
    assert order[4:] == ["NORCO 10/325 mg #120", "Physical therapy x12"]  # undated, newest id first
    oldest = found({"sort": "oldest"})
    assert oldest[:4] == list(reversed(order[:4]))
    assert oldest[4:] == ["Physical therapy x12", "NORCO 10/325 mg #120"]
    assert found({"sort": "relevance"}) == order  # no query: nothing to rank by


def test_pages_split_the_results_without_overlap(corpus):
    pages = [item_search(item_filterset({"page": n}), per_page=4) for n in (1, 2, 3)]
    assert [len(p.items) for p in pages] == [4, 2, 0]
    assert [i.treatment for p in pages for i in p.items] == found({})
    assert pages[1].pagination.num_pages == 2 and not pages[1].pagination.has_next
    assert not pages[2].pagination.exists


def test_snippets_mark_matches_with_sentinels_only(corpus):
    item = item_search(item_filterset({"q": "opioid"})).items[0]
    assert f"{HIGHLIGHT_START}opioids{HIGHLIGHT_STOP}" in item.snippet
    assert item.treatment_marked == item.treatment  # no match in the treatment
    first = item_search(item_filterset({"q": "norco"})).items[0]
    assert first.treatment_marked.startswith(f"{HIGHLIGHT_START}")


def test_page_items_carry_both_parties_citations(corpus):
    item = next(i for i in item_search(item_filterset({"mismatch": "on"})).items
                if i.treatment.startswith("MRI"))
    assert [(c["guideline"], c["document"], c["pages"]) for c in item.reviewer_cited] == [
        ("MTUS", LOW_BACK, [303, 304])
    ]
    assert item.claims_guidelines == ["ODG"]
    assert item.reviewer_guidelines == ["MTUS"]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"guideline": "WHO"}, "guideline"),
        ({"sex": "x"}, "sex"),
        ({"injured_from": "yesterday"}, "injured_from"),
        ({"injured_from": "2014-01-01", "injured_to": "2013-01-01"}, "injured_to"),
        ({"age_min": "-1"}, "age_min"),
        ({"age_max": "abc"}, "age_max"),
        ({"age_min": "60", "age_max": "20"}, "age_max"),
        ({"cited_page": "page 46"}, "cited_page"),
        ({"cited_page": "Chronic Pain:forty"}, "cited_page"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_invalid_parameters_are_form_errors_with_no_results(corpus, params, field):
    results = item_search(item_filterset(params))
    assert field in results.filterset.errors
    assert results.facets is None and results.items == []


def test_similar_decisions_share_treatment_wording_or_a_cited_page(corpus):
    detail = letter_detail(pk=corpus["norco"].letter_id)
    norco = next(i for i in detail.items if i.pk == corpus["norco"].pk)
    assert [o["treatment"] for o in norco.similar_treatment] == ["NORCO 10/325 mg #120"]
    assert [o["treatment"] for o in norco.similar_citation] == ["NORCO 10/325 mg #120"]
    flexeril = next(i for i in detail.items if i.pk == corpus["flexeril"].pk)
    assert flexeril.similar_treatment == [] and flexeril.similar_citation == []
    # Another item of the same letter is not a "similar decision", however alike.
    esi = corpus["esi"]
    make_decision(esi.letter, treatment=esi.treatment, cites=[("MTUS", CHRONIC_PAIN, [46])])
    esi = letter_detail(pk=corpus["esi"].letter_id).items[0]
    assert esi.similar_treatment == [] and esi.similar_citation == []


def test_reviewer_citation_columns_from_a_real_letter(letters_dir):
    call_command("ingest", str(letters_dir), "--workers=1")
    norco = DisputedItem.objects.get(treatment="Norco 10/325mg, #120")
    assert norco.reviewer_guidelines == ["MTUS"]
    assert norco.reviewer_documents == [CHRONIC_PAIN]
    assert norco.reviewer_pages == [f"{CHRONIC_PAIN}:91"]
    two = DisputedItem.objects.get(treatment__startswith="Left L4-L5")
    assert two.reviewer_pages == [f"{LOW_BACK}:300", f"{CHRONIC_PAIN}:46"]


def test_migration_backfill_writes_what_ingest_writes(letters_dir):
    """Items stored before the search columns existed get the same values from the migration."""
    from importlib import import_module

    migration = import_module("decisions.migrations.0002_item_search_columns")
    call_command("ingest", str(letters_dir), "--workers=1")
    expected = {
        item.pk: (item.reviewer_guidelines, item.reviewer_documents, item.reviewer_pages)
        for item in DisputedItem.objects.all()
    }
    DisputedItem.objects.update(reviewer_guidelines=[], reviewer_documents=[], reviewer_pages=[])
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL_REVIEWER_CITATIONS)
    backfilled = {
        item.pk: (item.reviewer_guidelines, item.reviewer_documents, item.reviewer_pages)
        for item in DisputedItem.objects.all()
    }
    assert backfilled == expected
