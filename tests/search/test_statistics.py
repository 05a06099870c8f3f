"""Statistics of a search: per period and per facet value, the page and its CSV tables, counted
as the search page and the export count."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.charts import bar_chart
from decisions.facets import FACETS, OUTCOME
from decisions.models import DisputedItem
from decisions.search import Period, item_filterset, item_search, search_statistics
from tests.factories import make_item, make_letter
from tests.helpers import CHRONIC_PAIN, filled, make_decision, reads

pytestmark = pytest.mark.django_db

D = datetime.date


def counted(first: str, value: str, items: int, overturned: int, decided: int, rate: str) -> dict:
    """A row of a statistics CSV, as csv.DictReader reads it."""
    return {
        first: value,
        "items": str(items),
        "overturned": str(overturned),
        "decided": str(decided),
        "overturn_rate": rate,
    }


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def export_rows(client, params: dict) -> list[dict[str, str]]:
    response = client.get("/export.csv", params)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def dated():
    """Decisions over 2020: January (2, one overturned), none in February, April (1
    overturned), and one without a date."""
    for decided, outcome in [
        (D(2020, 1, 5), "overturned"),
        (D(2020, 1, 31), "upheld"),
        (D(2020, 4, 1), "overturned"),
        (None, "upheld"),
    ]:
        make_decision(
            make_letter(decision_date=decided),
            outcome=outcome,
            cites=[("MTUS", CHRONIC_PAIN, [46])],
        )


def test_months_from_the_first_to_the_last_with_empty_ones_and_the_undated(client, dated):
    rows = csv_rows(client.get("/stats.csv", {"period": "month"}))
    assert rows == [
        counted("period", "2020-01", 2, 1, 2, "0.5000"),
        counted("period", "2020-02", 0, 0, 0, ""),
        counted("period", "2020-03", 0, 0, 0, ""),
        counted("period", "2020-04", 1, 1, 1, "1.0000"),
        counted("period", "", 1, 0, 1, "0.0000"),
    ]


@pytest.mark.parametrize(
    ("period", "labels"),
    [
        ("quarter", ["2020-Q1", "2020-Q2", ""]),
        ("year", ["2020", ""]),
        ("", ["2020-Q1", "2020-Q2", ""]),
    ],
)
def test_quarters_by_default_and_years(client, dated, period, labels):
    rows = csv_rows(client.get("/stats.csv", {"period": period} if period else {}))
    assert [row["period"] for row in rows] == labels


def test_the_outcome_filter_counts_its_items_and_the_rates_ignore_it(client, dated):
    rows = csv_rows(client.get("/stats.csv", {"outcome": "upheld"}))
    assert rows[0] == counted("period", "2020-Q1", 1, 1, 2, "0.5000")


def test_a_breakdown_per_facet_value(client, dated):
    rows = csv_rows(client.get("/stats.csv", {"by": "document"}))
    assert rows == [counted("document", CHRONIC_PAIN, 4, 2, 4, "0.5000")]
    pages = csv_rows(client.get("/stats.csv", {"by": "page"}))
    assert [row["cited_page"] for row in pages] == [f"{CHRONIC_PAIN}:46"]


def test_every_facet_but_the_outcome_is_broken_down(client, dated):
    stats = search_statistics(_valid({}), Period.QUARTER)
    assert stats.breakdowns is not None
    assert set(stats.breakdowns) == {facet.name for facet in FACETS if facet is not OUTCOME}
    for facet in stats.breakdowns:
        assert client.get("/stats.csv", {"by": facet}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"outcome": "upheld"},
        {"guideline": "MTUS"},
        {"document": CHRONIC_PAIN, "outcome": "upheld"},
        # FacetCount gives neither the specialty nor a cited page, but their months are counted.
        {"specialty": "Occupational Medicine"},
        {"cited_page": f"{CHRONIC_PAIN}:46", "outcome": "overturned"},
    ],
)
def test_where_the_page_reads_facet_counts_the_trend_reads_the_month_counts(client, dated, params):
    """Not the results' search entries: the maintained month counts, whatever the period
    (their counts are held against the export's by test_the_periods_count_what_the_export_lists)."""
    for period in ("month", "quarter", "year"):
        with CaptureQueriesContext(connection) as captured:
            csv_rows(client.get("/stats.csv", {**params, "period": period}))
        (statement,) = reads(captured)
        assert "decisions_periodcount" in statement
        assert "decisions_searchentry" not in statement
        assert "decisions_disputeditem" not in statement


def test_a_month_whose_items_are_gone_leaves_the_range(client, dated):
    """Its count rows stay at 0: they must not stretch the first-to-last periods."""
    DisputedItem.objects.filter(decision_date__month=1).delete()
    rows = csv_rows(client.get("/stats.csv", {"period": "month"}))
    assert [row["period"] for row in rows] == ["2020-04", ""]


@pytest.mark.parametrize(
    "query", ["period=week", "by=outcome", "decided_from=2020-02-30", "outcome=maybe"]
)
def test_bad_parameters_are_a_400_for_the_csv_and_errors_on_the_page(client, dated, query):
    assert client.get(f"/stats.csv?{query}").status_code == 400
    response = client.get(f"/stats/?{query}")
    assert response.status_code == 200
    assert "Please check the search" in response.content.decode()


PARAMETER_SETS = [
    {},
    {"outcome": "upheld"},
    {"q": "{treatment_word}"},
    {"specialty": "{specialty}"},
    {"guideline": "MTUS"},
    {"outcome": "overturned", "cited_page": "{page}"},
    {"q": "{treatment_word}", "outcome": "upheld", "guideline": "ODG"},
    {"sex": "female"},
    {"decided_from": "2016-01-01", "decided_to": "2019-12-31"},
    {"q": '"medically necessary"', "specialty": "{specialty}"},
    # The taxonomy's filters: a drug is matched on the search entries like a query.
    {"drug": "hydrocodone"},
    {"category": "injection", "outcome": "overturned"},
    {"drug_class": "opioid", "q": "{treatment_word}", "scope": "treatment"},
]


@pytest.mark.parametrize("params", PARAMETER_SETS)
def test_the_periods_count_what_the_export_lists(client, synthetic_corpus, both_ways, params):
    """By month, the finest period (the coarser ones are sums of months: the tests above)."""
    period = "month"
    corpus = {**synthetic_corpus, "treatment_word": synthetic_corpus["treatment"].split()[0]}
    params = filled(params, corpus)
    exported = export_rows(client, params)
    by_period: Counter[str] = Counter()
    for row in exported:
        by_period[_period_of(row["decision_date"], period)] += 1
    rows = csv_rows(client.get("/stats.csv", {**params, "period": period}))
    assert {row["period"]: int(row["items"]) for row in rows if int(row["items"])} == by_period
    assert sum(int(row["items"]) for row in rows) == len(exported)
    # The page counts the periods with the breakdowns (for a query, in the same pass over its
    # matches): the same rows as the CSV's.
    stats = search_statistics(_valid(params), Period.MONTH)
    assert stats.periods is not None and stats.undated is not None
    on_page = [*stats.periods, stats.undated]
    assert [
        counted("period", row.label, row.items, row.overturned, row.decided, "") for row in on_page
    ] == [{**row, "overturn_rate": ""} for row in rows]


@pytest.mark.parametrize("params", PARAMETER_SETS)
def test_the_breakdowns_count_what_the_search_page_counts(
    client, synthetic_corpus, both_ways, params
):
    corpus = {**synthetic_corpus, "treatment_word": synthetic_corpus["treatment"].split()[0]}
    filterset = _valid(filled(params, corpus))
    page = item_search(filterset)
    stats = search_statistics(filterset, Period.QUARTER)
    assert page.facets is not None and stats.breakdowns is not None
    assert stats.facets.total == page.facets.total
    for facet, values in page.facets.values.items():
        if facet in stats.breakdowns:
            counted = {
                row.label: (row.items, row.overturned, row.decided)
                for row in stats.breakdowns[facet]
            }
            for value in values:
                assert counted[value.value] == (value.hits, value.overturned, value.decided)
    exported = export_rows(client, filled(params, corpus))
    specialties = Counter(
        row["reviewer_specialty"] for row in exported if row["reviewer_specialty"]
    )
    assert {row.label: row.items for row in stats.breakdowns["specialty"]} == specialties


def _period_of(date: str, period: str) -> str:
    if not date:
        return ""
    day = datetime.date.fromisoformat(date)
    return {
        "month": f"{day:%Y-%m}",
        "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        "year": str(day.year),
    }[period]


def _valid(params: dict):
    filterset = item_filterset(params)
    assert filterset.is_valid(), filterset.errors
    return filterset


@pytest.mark.parametrize(
    ("params", "statements"),
    # A query's matches are counted by period in the pass that counts them by value.
    [({}, 2), ({"q": "norco", "outcome": "upheld"}, 1), ({"sex": "female"}, 2)],
)
def test_the_statements_do_not_grow_with_the_number_of_periods(client, params, statements):
    for year in range(2014, 2024):
        make_item(make_letter(decision_date=D(year, 3, 1), patient_sex="female"))
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/stats/", {**params, "period": "month"}).content.decode()
    assert "<svg" in html
    assert len(reads(captured)) == statements


def test_the_page_shows_the_chart_the_tables_and_links(client, dated):
    html = client.get("/stats/", {"guideline": "MTUS"}).content.decode()
    assert '<svg viewBox="0 0 640 220" role="img" aria-labelledby="chart-1-title"' in html
    assert '<title id="chart-1-title">Decisions</title>' in html
    assert html.count("<rect") == 2 * 2  # two quarters, two charts
    assert '<th scope="row">2020-Q2</th>' in html
    assert "1 decision without a decision date is not in the table" in html
    assert "/stats.csv?guideline=MTUS&amp;period=quarter" in html
    assert "/stats.csv?guideline=MTUS&amp;by=specialty" in html
    assert 'href="/?guideline=MTUS"' in html  # back to the results


def test_the_breakdowns_name_values_as_the_search_page_does(client):
    make_decision(make_letter(), treatment="Norco 10/325mg #120", outcome="overturned")
    make_decision(make_letter(), treatment="Physical therapy x6", outcome="upheld")
    html = client.get("/stats/").content.decode()
    for label in ("Pharmaceutical", "Physical therapy", "Opioid"):
        assert f'<th scope="row">{label}</th>' in html
    assert "physical_therapy" not in html.replace("by=", "")


def test_the_search_page_links_to_the_statistics_of_the_same_search(client, dated):
    html = client.get("/", {"guideline": "MTUS", "page": "1", "sort": "oldest"}).content.decode()
    assert 'href="/stats/?guideline=MTUS"' in html


def test_a_bar_chart_scales_to_a_round_number_and_labels_every_few_periods():
    labels = [f"2020-{m:02d}" for m in range(1, 13)] + [f"2021-{m:02d}" for m in range(1, 13)]
    chart = bar_chart("t", "d", labels, [30] * 23 + [0], str)
    assert [tick.label for tick in chart.y_ticks] == ["0", "25.0", "50"]
    assert chart.bars[0].height == chart.bars[1].height > 0 == chart.bars[-1].height
    assert len(chart.x_ticks) == 8 and chart.x_ticks[0].label == "2020-01"
