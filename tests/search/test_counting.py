"""Counting: facet values, their counts and overturn rates, and every way the search counts
giving what a plain reference gives.

The search answers from the smallest source that can (see decisions/search/counting.py):
FacetCount, FacetCombination, a query's search entries, or the items. Each path is held here
against a reference that uses none of them: the items filtered with the ORM, the search vector
computed on the fly from the text (as the item's generated column once was), and the facets
counted in Python. That corpus is 150 synthetic letters, ingested for real, so the values are
as varied as the benchmark's.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, TextField, Value
from django.test.utils import CaptureQueriesContext

from decisions.models import DisputedItem, SearchIndexRegistration
from decisions.search import FacetValue, ItemFilter, item_filterset, item_search
from decisions.search.counting import FACET_LIMITS
from decisions.search.vocabulary import Sort, search_query
from tests.factories import make_letter
from tests.helpers import (
    CHRONIC_PAIN,
    LOW_BACK,
    PER_PAGE,
    filled,
    found,
    make_decision,
    plan_of,
    reads,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"outcome": "overturned"},
        {"guideline": "MTUS", "specialty": "Orthopaedic Surgery"},
        {"document": CHRONIC_PAIN, "outcome": "upheld", "mismatch": "on"},
        {"q": "norco OR imaging", "cited_page": f"{CHRONIC_PAIN}:91"},
        {"age_max": "50", "guideline": "ODG", "document": LOW_BACK},
        {"guideline": "MTUS", "document": LOW_BACK, "outcome": "upheld"},
        {"cited_page": f"{CHRONIC_PAIN}:91", "specialty": "Physical Medicine and Rehabilitation"},
    ],
)
def test_facet_counts_equal_the_results_of_choosing_that_value(six_decisions, params):
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
                    len(found(overturned)),
                    len(found(everything)),
                ), (facet, value)


def test_facets_list_every_value_once_with_counts(six_decisions):
    facets = item_search(item_filterset({})).facets
    counts = {facet: {v.value: v.hits for v in values} for facet, values in facets.values.items()}
    assert counts["outcome"] == {"upheld": 4, "overturned": 2}
    assert counts["guideline"] == {"MTUS": 6, "ODG": 1}
    assert counts["document"] == {CHRONIC_PAIN: 4, LOW_BACK: 2, "Low Back Chapter": 1}
    assert counts["cited_page"][f"{CHRONIC_PAIN}:91"] == 2
    assert counts["mismatch"] == {"true": 2}
    # Grouped under the vocabulary's names; the letters keep their wording.
    assert counts["specialty"] == {
        "Orthopaedic Surgery": 2,
        "Occupational Medicine": 2,
        "Physical Medicine and Rehabilitation": 2,
    }
    assert (facets.total, facets.overturned, facets.decided) == (6, 2, 6)
    ortho = next(v for v in facets.values["specialty"] if v.value == "Orthopaedic Surgery")
    assert ortho.overturn_rate == 0.5


def test_facets_show_the_most_frequent_values_first_up_to_a_limit(six_decisions):
    letter = make_letter()
    for page in range(1, 14):
        for _ in range(page % 4 + 1):
            make_decision(letter, cites=[("MTUS", CHRONIC_PAIN, [page])])
    pages = item_search(item_filterset({})).facets.values["cited_page"]
    assert len(pages) == 10
    assert [v.hits for v in pages] == sorted((v.hits for v in pages), reverse=True)


# (source the summary reads, parameters); "{specialty}" etc. are filled from the corpus.
CASES = [
    ("facetcount", {}),
    ("facetcount", {"page": "3"}),
    ("facetcount", {"outcome": "upheld"}),
    ("facetcombination", {"specialty": "{specialty}", "outcome": "upheld", "sort": "newest"}),
    ("facetcombination", {"cited_page": "{page}", "sort": "oldest"}),
    ("facetcombination", {"cited_page": "{rare_page}", "sort": "newest"}),
    ("facetcount", {"guideline": "MTUS", "page": "2"}),
    ("facetcount", {"mismatch": "on", "outcome": "overturned"}),
    ("facetcount", {"document": CHRONIC_PAIN}),
    ("facetcombination", {"document": CHRONIC_PAIN, "specialty": "{specialty}"}),
    ("facetcombination", {"guideline": "MTUS", "cited_page": "{page}", "outcome": "upheld"}),
    ("facetcombination", {"guideline": "ODG", "mismatch": "on", "sort": "oldest", "page": "2"}),
    ("facetcount", {"category": "injection", "outcome": "overturned"}),
    ("facetcount", {"drug_class": "opioid", "page": "2"}),
    ("facetcombination", {"drug_class": "opioid", "specialty": "{specialty}"}),
    ("searchentry", {"q": "norco"}),
    ("searchentry", {"q": "pain", "category": "pharmaceutical", "sort": "newest"}),
    ("searchentry", {"q": "hydrocodone"}),
    ("searchentry", {"q": "cyclobenzaprine OR acetaminophen", "outcome": "upheld"}),
    ("searchentry", {"q": "norco", "page": "2", "outcome": "upheld"}),
    ("searchentry", {"q": "epidural steroid injection", "outcome": "overturned"}),
    ("searchentry", {"q": '"functional restoration program"', "sort": "newest"}),
    # Phrases: alone, with words and a negation beside them, a compound word's longer phrase,
    # one over a stop word, and alternatives.
    ("searchentry", {"q": '"physical therapy"', "outcome": "upheld"}),
    ("searchentry", {"q": '"epidural steroid injection" pain -opioids', "outcome": "overturned"}),
    ("searchentry", {"q": '"anti-inflammatory medications"', "page": "2"}),
    ("searchentry", {"q": '"activity and functional restoration"', "specialty": "{specialty}"}),
    ("searchentry", {"q": '"home exercise program" OR "functional restoration program"'}),
    ("searchentry", {"q": "injection", "specialty": "{specialty}", "sort": "oldest"}),
    ("searchentry", {"q": "pain -opioids", "guideline": "MTUS", "page": "2"}),
    ("searchentry", {"q": "therapy OR injection", "cited_page": "{page}", "mismatch": "on"}),
    ("disputeditem", {"sex": "female"}),
    ("searchentry", {"drug": "hydrocodone"}),
    ("searchentry", {"drug": "Norco", "category": "pharmaceutical", "outcome": "upheld"}),
    ("searchentry", {"q": "pain", "drug": "cyclobenzaprine", "sort": "oldest"}),
    ("disputeditem", {"drug": "hydrocodone", "sex": "female"}),
    ("disputeditem", {"sex": "male", "specialty": "{specialty}", "outcome": "upheld"}),
    ("disputeditem", {"q": "norco", "age_min": "40"}),
    ("disputeditem", {"q": '"physical therapy" -opioids', "sex": "female", "sort": "oldest"}),
    ("disputeditem", {"treatment": "{treatment}", "sort": "oldest"}),
    ("disputeditem", {"injured_from": "2010-01-01", "q": "pain", "guideline": "MTUS"}),
]


def facet_values(row: dict) -> dict[str, list[str]]:
    """An item's values of each facet, as the facets spell them."""
    mismatch = row["guideline_mismatch"]
    return {
        "outcome": [row["outcome"]],
        "specialty": [row["reviewer_specialty_canonical"]]
        if row["reviewer_specialty_canonical"]
        else [],
        "guideline": row["reviewer_guidelines"],
        "document": row["reviewer_documents"],
        "cited_page": row["reviewer_pages"],
        "mismatch": [] if mismatch is None else [str(mismatch).lower()],
        "category": [row["category"]],
        "drug_class": [row["drug_class"]] if row["drug_class"] else [],
    }


def reference(
    params: dict,
) -> tuple[int, int, int, dict[str, list[FacetValue]], list[int], int | None]:
    """(total, overturned, decided, facet values, page ids, undated count) the plain way; the
    undated count in a date order only, as the page says it."""
    filterset = item_filterset(params)
    assert filterset.is_valid(), filterset.errors
    data = filterset.form.cleaned_data
    conditions = filterset.conditions()
    outcome = data["outcome"]
    conditions.pop("outcome", None)
    query = conditions.pop("q", None) and search_query(data["q"])
    # The treatment is searched with its generic names.
    names = Func(
        F("generic_names"), Value(" "), function="array_to_string", output_field=TextField()
    )
    items = DisputedItem.objects.annotate(
        document=SearchVector("treatment", names, weight="A", config="english")
        + SearchVector("rationale", weight="B", config="english"),
        treatment_only=SearchVector("treatment", names, config="english"),
    ).filter(*conditions.values())
    if query is not None:
        items = items.filter(document=query).annotate(
            in_treatment=ExpressionWrapper(Q(treatment_only=query), output_field=BooleanField())
        )
    columns = ["id", "decision_date", *(c for c in ("in_treatment",) if query is not None)]
    rows = list(
        items.values(
            *columns,
            "outcome",
            "reviewer_specialty_canonical",
            "guideline_mismatch",
            "reviewer_guidelines",
            "reviewer_documents",
            "reviewer_pages",
            "category",
            "drug_class",
        )
    )
    chosen = {**data, "mismatch": "true" if data["mismatch"] else ""}
    values = {}
    for facet in ItemFilter.FACETS:
        hits, overturned, decided = Counter(), Counter(), Counter()
        for row in rows:
            for value in facet_values(row)[facet]:
                decided[value] += 1
                overturned[value] += row["outcome"] == "overturned"
                hits[value] += facet == "outcome" or outcome in ("", row["outcome"])
        ranked = sorted((v for v in hits if hits[v]), key=lambda v: (-hits[v], v))
        shown = ranked[: FACET_LIMITS[facet]]
        values[facet] = [
            FacetValue(v, hits[v], overturned[v], decided[v], v == chosen[facet])
            for v in shown
            if v == chosen[facet] or not chosen[facet] or facet == "outcome"
        ]
    values["mismatch"] = [v for v in values["mismatch"] if v.value == "true"]
    listed = [row for row in rows if outcome in ("", row["outcome"])]
    sort = data["sort"] or (Sort.RELEVANCE if query is not None else Sort.NEWEST)

    def dated(row: dict) -> tuple:
        return (row["decision_date"] is not None, row["decision_date"] or date.min)

    if sort == Sort.OLDEST:  # undated last in either order
        listed.sort(key=lambda r: (not dated(r)[0], dated(r)[1], r["id"]))
    else:
        listed.sort(key=lambda r: (*dated(r), r["id"]), reverse=True)
        if sort == Sort.RELEVANCE:  # treatment matches first, a stable sort keeps the rest
            listed.sort(key=lambda r: r["in_treatment"], reverse=True)
    page = data["page"] or 1
    ids = [row["id"] for row in listed[(page - 1) * PER_PAGE : page * PER_PAGE]]
    overturned_total = sum(1 for row in rows if row["outcome"] == "overturned")
    undated = None
    if listed and sort != Sort.RELEVANCE:
        undated = sum(row["decision_date"] is None for row in listed)
    return len(listed), overturned_total, len(rows), values, ids, undated


def summary_statements(captured) -> list[str]:
    """The statements that counted facet values (`counting._count`)."""
    return [q["sql"] for q in captured if "json_build_array(facet, value, hits" in q["sql"]]


def test_every_path_gives_what_the_reference_gives(synthetic_corpus, both_ways):
    """Both ways (`both_ways`): a query's or a drug's matches counted in Postgres, or read
    from the search index; the other sources are Postgres' either way."""
    for source, params in CASES:
        params = filled(params, synthetic_corpus)
        with CaptureQueriesContext(connection) as captured:
            results = item_search(item_filterset(params), per_page=PER_PAGE)
        total, overturned, decided, values, ids, undated = reference(params)
        facets = results.facets
        assert (facets.total, facets.overturned, facets.decided) == (total, overturned, decided)
        assert facets.values == values, params
        assert [result.item.pk for result in results.items] == ids, params
        assert results.undated == undated, params
        assert total, params  # every case has results, or it would test little
        counted = summary_statements(captured)
        if source in ("searchentry", "facetcombination") and both_ways == "index":
            # From the index, a query's matches counted by combination are counted by value
            # in memory (decisions/search/combination_values.py), and so are the combinations
            # a page of facet filters allows, once an index keeps their values apart by
            # database: no statement does.
            assert counted == [], params
            continue
        # What the counts read: the page's ids and undated count, which a page filtered by a
        # combination's values gets from the same statement, come after them.
        summary = counted[0].split("-- the page's ids")[0]
        tables = ("facetcount", "facetcombination", "searchentry", "disputeditem")
        read = [t for t in tables if f"decisions_{t}" in summary]
        assert read[-1] == source, (params, read)  # the widest table it reads


def test_the_cases_cover_real_results(synthetic_corpus):
    """Guard against a corpus in which the cases above would compare empty pages."""
    assert item_search(item_filterset({"q": '"functional restoration program"'})).facets.total
    assert item_search(item_filterset({})).undated  # the date orders' undated count is tested
    cited_page = filled({"cited_page": "{page}"}, synthetic_corpus)
    assert item_search(item_filterset(cited_page)).facets.total > 5


def test_a_query_with_an_outcome_picks_its_page_among_the_matched_combinations(synthetic_corpus):
    """The outcome filter is checked against the combinations the matches were counted in,
    not by looking up each match's combination (one index read per match at scale)."""
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset({"q": "pain", "outcome": "overturned"}))
    assert results.items and {r.item.outcome for r in results.items} == {"overturned"}
    summary = reads(captured)[0]
    assert plan_of(summary).count("on decisions_facetcombination ") == 1, plan_of(summary)


@pytest.mark.parametrize(
    ("params", "index"),
    [
        # Counted from the combinations, which the filter's index finds: the same statement
        # picks the page and counts the undated results among their entries.
        (
            {"specialty": "{specialty}", "outcome": "upheld", "sort": "newest"},
            "combination_specialty_idx",
        ),
        ({"cited_page": "{page}"}, "combination_pages_idx"),
    ],
)
def test_a_page_filtered_by_facet_values_reads_the_combinations_once(
    synthetic_corpus, params, index
):
    """The summary finds the combinations through the filter's index (a walk of the whole
    table otherwise: the search plans without sequential scans, 2,338 pages at 100,000
    letters) and, in the same statement, the page's ids and the undated count, by one of two
    routes (`counting._listed_entries`): each listed combination's entries by key, or a walk
    of an entry date index probing a hash of the listed ids. Not a statement each that reads
    the combinations again."""
    params = filled(params, synthetic_corpus)
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset(params), per_page=PER_PAGE)
    assert results.items and results.undated is not None
    assert [r.item.pk for r in results.items] == reference(params)[4]
    statements = reads(captured)
    assert len(statements) == 2, statements  # the summary, the page's rows by key
    summary, rows = (plan_of(sql) for sql in statements)
    assert summary.count("on decisions_facetcombination") == 1, summary
    assert index in summary, summary
    # The walks keep their hash (a join here would look every combination up by key and sort
    # all their entries: 28,914 for a page of 20 at 100,000 letters).
    assert summary.count("(hashed SubPlan") == 2, summary  # the page, the undated count
    assert "decisions_disputeditem_pkey" in rows and "decisions_facetcombination" not in rows


def test_with_an_index_registered_a_page_of_facet_filters_counts_by_value_in_memory(
    synthetic_corpus,
):
    """Once an index is registered (the process keeps the combinations' values by its
    registration), the summary reads the allowed combinations' ids and counts, the page's ids
    and the undated count, by the same routes and indexes as above; the process counts them by
    value. The page equals the reference's."""
    SearchIndexRegistration.objects.create()
    params = filled({"specialty": "{specialty}", "outcome": "upheld"}, synthetic_corpus)
    item_search(item_filterset(params))  # the combinations' values met
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset(params), per_page=PER_PAGE)
    total, overturned, decided, values, ids, undated = reference(params)
    facets = results.facets
    assert (facets.total, facets.overturned, facets.decided) == (total, overturned, decided)
    assert facets.values == values
    assert [r.item.pk for r in results.items] == ids and results.undated == undated
    assert summary_statements(captured) == []  # no statement counts by value
    statements = reads(captured)
    assert len(statements) == 2, statements  # the summary, the page's rows by key
    summary = plan_of(statements[0])
    assert summary.count("on decisions_facetcombination") == 1, summary
    assert "combination_specialty_idx" in summary and summary.count("(hashed SubPlan") == 2


@pytest.mark.parametrize(("per_page", "walked"), [(1, True), (1000, False)])
def test_a_page_by_facet_values_walks_the_date_index_only_when_its_entries_are_many(
    synthetic_corpus, per_page, walked
):
    """The walk reads about (offset + limit) * all entries / listed entries of them: taken
    when the listed entries, squared, exceed (offset + limit) * all entries; else each listed
    combination's entries by key (a rare cited page: 50 entries by key, where the walk would
    read thousands)."""
    params = filled({"specialty": "{specialty}", "outcome": "upheld"}, synthetic_corpus)
    total = reference(params)[0]
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset(params), per_page=per_page)
    listed = [r.item.pk for r in results.items]
    assert listed[:1] == reference(params)[4][:1] and len(listed) == min(per_page, total)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {reads(captured)[0]}")
        plan = [row[0] for row in cursor.fetchall()]
        cursor.execute("RESET enable_seqscan")
    # The page's walk: the scan its hash filters (the other route is the planner's choice).
    probe = next(n for n, line in enumerate(plan) if "(hashed SubPlan" in line)
    walk = next(line for line in reversed(plan[:probe]) if "Scan" in line)
    assert ("never executed" not in walk) == walked, "\n".join(plan)
    assert "entry_newest_idx" in walk or not walked, "\n".join(plan)
