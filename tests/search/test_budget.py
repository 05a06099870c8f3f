"""Time budgets: a search whose statements run past IMR_SEARCH_STATEMENT_MS still answers,
with what it could count and read in time, and says what it left out."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from html import unescape

import pytest
from django.db import connection

from decisions.search import item_filterset, item_search
from tests.factories import make_item, make_letter
from tests.helpers import links

pytestmark = pytest.mark.django_db


@contextmanager
def overrunning(*statements: tuple[str, int]):
    """Search statements that run past the budget: ("summary", 1) is the first summary (counts
    by value), ("summary", 2) the second (the total alone), ("rows", 1) the page's rows. They
    sleep instead, and Postgres cancels them as it would a slow one."""
    seen: Counter = Counter()

    def wrapper(execute, sql, params, many, context):
        kind = "summary" if "json_agg" in sql else "rows" if "decisions_citation" in sql else ""
        seen[kind] += 1
        if (kind, seen[kind]) in statements:
            return execute("SELECT pg_sleep(1)", None, many, context)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


@pytest.fixture
def budget(settings):
    settings.IMR_SEARCH_STATEMENT_MS = 100


def test_counts_by_value_over_budget_leave_the_total_and_the_results(client, seeds, budget):
    with overrunning(("summary", 1)):
        response = client.get("/", {"q": "injection"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "8 decisions matching “injection”" in html  # counted again, alone
    assert html.count('class="result"') == 8
    assert "Counts are partial" in html
    assert 'class="facet"' not in html


def test_a_total_over_budget_leaves_the_results_and_the_next_page(client, budget):
    letter = make_letter()
    for n in range(25):
        make_item(letter, treatment=f"Norco {n}")
    with overrunning(("summary", 1), ("summary", 2)):
        first = client.get("/").content.decode()
    assert "Not counted" in first and "decisions</h2>" not in first
    assert first.count('class="result"') == 20
    assert "Page 1" in first
    # The next page's link carries the last row's key (decisions/search/keys.py).
    (next_page,) = [href for href in links(first) if href.startswith("?page=2&after=")]
    with overrunning(("summary", 1), ("summary", 2)):
        second = client.get(f"/{next_page}").content.decode()
    assert second.count('class="result"') == 5
    assert "?page=1" in links(second) and "?page=3" not in links(second)
    with overrunning(("summary", 1), ("summary", 2)):
        past = client.get("/", {"page": "9"}).content.decode()
    assert "There are no results on page 9" in past


def test_uncounted_pages_by_their_links_forwards_and_back(client, budget):
    letter = make_letter()
    for n in range(45):
        make_item(letter, treatment=f"Norco {n}")

    def visit(url: str) -> tuple[list[str], dict[str, str]]:
        with overrunning(("summary", 1), ("summary", 2)):
            html = client.get(url).content.decode()
        assert "Not counted" in html
        pages = dict(re.findall(r'<a href="\?([^"]*)" rel="(next|prev)"', html))
        return re.findall(r'#item-(\d+)"', html), {rel: unescape(q) for q, rel in pages.items()}

    first, links_1 = visit("/")
    second, links_2 = visit(f"/?{links_1['next']}")
    third, links_3 = visit(f"/?{links_2['next']}")
    assert [len(set(shown)) for shown in (first, second, third)] == [20, 20, 5]
    assert "after=" in links_2["next"] and "next" not in links_3
    back, links_back = visit(f"/?{links_3['prev']}")
    assert "before=" in links_3["prev"] and back == second
    assert "after=" in links_back["next"] and links_back["prev"] == "page=1"


def test_rows_over_budget_give_a_page_that_says_so(client, seeds, budget):
    with overrunning(("rows", 1)):
        response = client.get("/", {"q": "injection"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "took longer than the site allows" in html
    assert 'class="result"' not in html


def test_statements_past_the_budget_are_cancelled_by_postgres(seeds, budget):
    """The budget is Postgres' statement_timeout, set inside the search's transaction."""
    with overrunning(("summary", 1), ("summary", 2)):
        results = item_search(item_filterset({}))
    assert results.facets.total is None and results.facets.values == {}
    assert len(results.items) == 10
    assert item_search(item_filterset({})).facets.total == 10  # the next search counts again


def test_a_split_over_budget_leaves_todays_headline(client, seeds, budget):
    """Scoped to the treatment, the split is a count of its own (the second summary): over
    budget, the page is the same without it. A page that could not count its values in time
    spends no more on it (no third summary)."""
    params = {"q": "norco", "scope": "treatment"}
    assert 'class="scope-split"' in client.get("/", params).content.decode()
    with overrunning(("summary", 2)):
        html = client.get("/", params).content.decode()
    assert "1 decision matching “norco”" in html and html.count('class="result"') == 1
    assert 'class="scope-split"' not in html and 'class="scope-line"' in html
    seen: list[str] = []

    def summaries(execute, sql, params, many, context):
        seen.extend(["summary"] if "json_agg" in sql else [])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(summaries), overrunning(("summary", 1)):
        html = client.get("/", params).content.decode()
    assert "Counts are partial" in html and 'class="scope-split"' not in html
    assert len(seen) == 2  # by value (over budget), then the total alone


def test_statistics_over_budget_still_count_the_trend(client, budget):
    """A query's statistics count its matches by period in the statement that counts them by
    value; when that one runs past the budget, the periods are counted on their own."""
    for month in (1, 5):
        make_item(make_letter(decision_date=f"2020-{month:02}-01"), treatment="Injection")
    with overrunning(("summary", 1)):
        html = client.get("/stats/", {"q": "injection"}).content.decode()
    assert "counting these decisions by value took longer" in html
    assert "counting these decisions by date took longer" not in html
    assert "<svg" in html and '<th scope="row">2020-Q2</th>' in html
