"""Every way the search counts and pages gives what a plain reference gives.

The selectors answer a search from the smallest source that can (see their module
docstring): FacetCount, FacetCombination, a query's search entries, or the items. Each path
is held here against a reference that uses none of them: the items filtered with the ORM,
the search vector computed on the fly from the text (as the item's generated column once
was), and the facets counted in Python. The corpus is 150 synthetic letters, ingested for
real, so the values are as varied as the benchmark's.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.postgres.search import SearchVector
from django.core.management import call_command
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.test.utils import CaptureQueriesContext

from decisions.filters import ItemFilter, Sort, search_query
from decisions.models import DisputedItem
from decisions.selectors import FACET_LIMITS, FacetValue, item_filterset, item_search
from devtools.synthetic import generate_letter

pytestmark = pytest.mark.django_db

PER_PAGE = 7
CHRONIC_PAIN = "Chronic Pain Medical Treatment Guidelines"


@pytest.fixture
def corpus(tmp_path) -> dict[str, str]:
    """150 synthetic letters, ingested; returns frequent values to filter by."""
    for index in range(150):
        (tmp_path / f"{index:04d}.txt").write_text(generate_letter(5, index)[0], encoding="utf-8")
    call_command("ingest", str(tmp_path), "--workers=1", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics, as autovacuum keeps them, for realistic plans
    items = DisputedItem.objects.all()
    specialties = Counter(items.values_list("reviewer_specialty", flat=True))
    pages = Counter(p for pages in items.values_list("reviewer_pages", flat=True) for p in pages)
    treatments = Counter(items.values_list("treatment", flat=True))
    return {
        "specialty": specialties.most_common(1)[0][0],
        "page": pages.most_common(1)[0][0],
        "rare_page": pages.most_common()[-1][0],
        "treatment": treatments.most_common(1)[0][0],
    }


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
    ("searchentry", {"q": "norco"}),
    ("searchentry", {"q": "norco", "page": "2", "outcome": "upheld"}),
    ("searchentry", {"q": "epidural steroid injection", "outcome": "overturned"}),
    ("searchentry", {"q": '"functional restoration program"', "sort": "newest"}),
    # Phrases through the n-gram index (decisions/phrases.py): exact rewrites, with words and
    # a negation beside them, and a compound word's longer phrase, checked on each candidate.
    ("searchentry", {"q": '"physical therapy"', "outcome": "upheld"}),
    ("searchentry", {"q": '"epidural steroid injection" pain -opioids', "outcome": "overturned"}),
    ("searchentry", {"q": '"anti-inflammatory medications"', "page": "2"}),
    ("searchentry", {"q": '"activity and functional restoration"', "specialty": "{specialty}"}),
    ("searchentry", {"q": '"home exercise program" OR "functional restoration program"'}),
    ("searchentry", {"q": "injection", "specialty": "{specialty}", "sort": "oldest"}),
    ("searchentry", {"q": "pain -opioids", "guideline": "MTUS", "page": "2"}),
    ("searchentry", {"q": "therapy OR injection", "cited_page": "{page}", "mismatch": "on"}),
    ("disputeditem", {"sex": "female"}),
    ("disputeditem", {"sex": "male", "specialty": "{specialty}", "outcome": "upheld"}),
    ("disputeditem", {"q": "norco", "age_min": "40"}),
    ("disputeditem", {"q": '"physical therapy" -opioids', "sex": "female", "sort": "oldest"}),
    ("disputeditem", {"treatment": "{treatment}", "sort": "oldest"}),
    ("disputeditem", {"injured_from": "2010-01-01", "q": "pain", "guideline": "MTUS"}),
]


def filled(params: dict, corpus: dict) -> dict:
    return {key: value.format(**corpus) for key, value in params.items()}


def facet_values(row: dict) -> dict[str, list[str]]:
    """An item's values of each facet, as the facets spell them."""
    mismatch = row["guideline_mismatch"]
    return {
        "outcome": [row["outcome"]],
        "specialty": [row["reviewer_specialty"]] if row["reviewer_specialty"] else [],
        "guideline": row["reviewer_guidelines"],
        "document": row["reviewer_documents"],
        "cited_page": row["reviewer_pages"],
        "mismatch": [] if mismatch is None else [str(mismatch).lower()],
    }


def reference(params: dict) -> tuple[int, int, int, dict[str, list[FacetValue]], list[int]]:
    """(total, overturned, decided, facet values, page ids) the plain way."""
    filterset = item_filterset(params)
    assert filterset.is_valid(), filterset.errors
    data = filterset.form.cleaned_data
    conditions = filterset.conditions()
    outcome = data["outcome"]
    conditions.pop("outcome", None)
    query = conditions.pop("q", None) and search_query(data["q"])
    items = DisputedItem.objects.annotate(
        document=SearchVector("treatment", weight="A", config="english")
        + SearchVector("rationale", weight="B", config="english"),
        treatment_only=SearchVector("treatment", config="english"),
    ).filter(*conditions.values())
    if query is not None:
        items = items.filter(document=query).annotate(
            in_treatment=ExpressionWrapper(Q(treatment_only=query), output_field=BooleanField())
        )
    columns = ["id", "decision_date", *(c for c in ("in_treatment",) if query is not None)]
    rows = list(
        items.values(
            *columns, "outcome", "reviewer_specialty", "guideline_mismatch",
            "reviewer_guidelines", "reviewer_documents", "reviewer_pages",
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
    return len(listed), overturned_total, len(rows), values, ids


def summary_statement(captured) -> str:
    return next(q["sql"] for q in captured if "json_agg" in q["sql"])


def test_every_path_gives_what_the_reference_gives(corpus):
    for source, params in CASES:
        params = filled(params, corpus)
        with CaptureQueriesContext(connection) as captured:
            results = item_search(item_filterset(params), per_page=PER_PAGE)
        total, overturned, decided, values, ids = reference(params)
        facets = results.facets
        assert (facets.total, facets.overturned, facets.decided) == (total, overturned, decided)
        assert facets.values == values, params
        assert [item.pk for item in results.items] == ids, params
        summary = summary_statement(captured)
        tables = ("facetcount", "facetcombination", "searchentry", "disputeditem")
        read = [t for t in tables if f"decisions_{t}" in summary]
        assert read[-1] == source, (params, read)  # the widest table it reads
        assert total, params  # every case has results, or it would test little


def test_the_cases_cover_real_results(corpus):
    """Guard against a corpus in which the cases above would compare empty pages."""
    assert item_search(item_filterset({"q": '"functional restoration program"'})).facets.total
    assert item_search(item_filterset(filled({"cited_page": "{page}"}, corpus))).facets.total > 5


def plan_of(sql: str) -> str:
    """EXPLAIN with sequential scans off: on a corpus this small Postgres would rather read
    whole tables, so the plan shows which index it would use once they are large."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")


def reads(captured) -> list[str]:
    """The statements that read data: not transaction control or the search's settings."""
    control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "SELECT set_config")
    return [q["sql"] for q in captured if not q["sql"].lstrip().startswith(control)]


@pytest.mark.parametrize(
    "params,indexes",  # per statement, the indexes of which it must use one
    [
        # The list as it opens: counts by key, the page along the date index.
        ({}, [["facetcount_uniq"], ["entry_newest_idx"]]),
        ({"page": "3", "sort": "oldest"}, [["facetcount_uniq"], ["entry_oldest_idx"]]),
        # A facet filter: the page along the date index with the filter checked inside it,
        # or (few results) each matching combination's entries, newest first.
        (
            {"document": CHRONIC_PAIN, "outcome": "upheld"},
            [["facetcount_uniq"], ["entry_newest_idx", "entry_combination_idx"]],
        ),
        (
            {"guideline": "MTUS", "cited_page": "{page}"},
            [["facetcombination"], ["entry_newest_idx", "entry_combination_idx"]],
        ),
        # A query: its matches from the GIN index, the page's rows by primary key.
        ({"q": "norco"}, [["entry_search_vector_idx"], ["decisions_disputeditem_pkey"]]),
        # A phrase: Postgres parses the query first (no table), then its n-gram is looked up.
        (
            {"q": '"functional restoration program"', "outcome": "overturned"},
            [[], ["entry_phrase_ngrams_idx"], ["decisions_disputeditem_pkey"]],
        ),
    ],
)
def test_the_hot_statements_use_their_indexes(corpus, params, indexes):
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset(filled(params, corpus)), per_page=PER_PAGE)
    assert results.items
    statements = reads(captured)
    assert len(statements) == len(indexes)  # [the query's parse,] the summary, the page's rows
    for statement, names in zip(statements, indexes):
        plan = plan_of(statement)
        assert any(name in plan for name in names) if names else "Scan" not in plan, plan


def test_the_letter_page_reads_by_index(corpus):
    from decisions.selectors import letter_detail

    letter = DisputedItem.objects.order_by("-letter_id").first().letter
    with CaptureQueriesContext(connection) as captured:
        letter_detail(pk=letter.pk, query="pain")
    plans = [plan_of(sql) for sql in reads(captured)]
    assert len(plans) == 4
    assert "decisions_letter_pkey" in plans[0]
    assert "item_letter_position_uniq" in plans[1]
    assert "citation_item_party_position_uniq" in plans[2]
    # Similar decisions: a LIMIT over the treatment-key index, and over the pages' GIN index or
    # (a page many items cite) the date index, whichever Postgres finds cheaper.
    assert "item_treatment_key_idx" in plans[3]
    assert "item_reviewer_pages_idx" in plans[3] or "item_newest_idx" in plans[3]


def test_a_query_with_an_outcome_picks_its_page_among_the_matched_combinations(corpus):
    """The outcome filter is checked against the combinations the matches were counted in,
    not by looking up each match's combination (one index read per match at scale)."""
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset({"q": "pain", "outcome": "overturned"}))
    assert results.items and {item.outcome for item in results.items} == {"overturned"}
    summary = reads(captured)[0]
    assert plan_of(summary).count("on decisions_facetcombination ") == 1, plan_of(summary)
