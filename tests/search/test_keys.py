"""Page keys: the pages that "next" and "previous" links lead to are the pages by number, read
past the key along the order's index; a key not written for the page is ignored."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import decisions.search
from decisions.models import DisputedItem
from decisions.search import item_filterset, item_search
from decisions.search.keys import Direction, PageKey, context_of
from decisions.search.vocabulary import Sort
from tests.factories import make_item, make_letter
from tests.helpers import links, plan_of, reads

pytestmark = pytest.mark.django_db

D = datetime.date
PER_PAGE = 3
# Dated rows with ties on the date, then undated ones: with 3 results a page, a page ends
# inside a tie, and page 3 holds the last dated row and the first two undated, in either date
# order.
DATES = [D(2020, 2, 1)] * 2 + [D(2020, 1, 1)] * 3 + [D(2019, 5, 5), D(2018, 1, 1)] + [None] * 6


@pytest.fixture
def keyed(db):
    """Thirteen items that all match "norco", every other one in its treatment (relevance
    ranks those first), from two specialties (a facet filter the combinations answer)."""
    for n, date in enumerate(DATES):
        letter = make_letter(
            decision_date=date,
            patient_age=40,
            reviewer_specialty="Internal Medicine" if n % 3 else "Occupational Medicine",
        )
        treatment = f"Norco {n}" if n % 2 else f"Physical therapy {n}"
        make_item(letter, treatment=treatment, rationale="Norco was requested too.")


# Each path a page's ids can take (decisions/search/counting.py, paging.py), in each order.
SEARCHES = [
    {},  # the maintained counts; the page from the entries' date index
    {"sort": "oldest"},
    {"specialty": "Internal Medicine"},  # the combinations; the page in the same statement
    {"specialty": "Internal Medicine", "sort": "oldest"},
    {"q": "norco"},  # a query's matches, by relevance; the page among them
    {"q": "norco", "sort": "newest"},
    {"q": "norco", "sort": "oldest"},
    {"age_min": "18"},  # a filter only items answer; the page from the items' date index
    {"age_min": "18", "sort": "oldest"},
    {"age_min": "18", "q": "norco"},
]


def page(params: dict, **paging) -> decisions.search.ItemSearch:
    results = item_search(item_filterset({**params, **paging}), per_page=PER_PAGE)
    assert results.pagination is not None, results.filterset.errors
    return results


def ids(results) -> list[int]:
    return [result.item.pk for result in results.items]


@pytest.fixture
def given_keys(monkeypatch) -> list:
    """The keys the searches read (None: the page went by number)."""
    seen: list = []
    original = decisions.search._given_key

    def spy(*args):
        seen.append(original(*args))
        return seen[-1]

    monkeypatch.setattr(decisions.search, "_given_key", spy)
    return seen


@pytest.mark.parametrize("params", SEARCHES)
def test_following_the_links_gives_the_pages_by_number(keyed, both_ways, given_keys, params):
    results, followed = page(params, page=1), []
    pages = results.pagination.num_pages
    assert pages >= 3
    by_number = [ids(page(params, page=n)) for n in range(1, pages + 1)]
    assert len({pk for shown in by_number for pk in shown}) == results.facets.total
    while True:
        followed.append(ids(results))
        pagination = results.pagination
        if not pagination.has_next:
            break
        results = page(params, page=pagination.next_number, after=pagination.next_key)
    assert followed == by_number
    back = []
    while True:
        back.append(ids(results))
        pagination = results.pagination
        if not pagination.has_previous:
            break
        previous = {"page": pagination.previous_number}
        if pagination.previous_key:
            previous["before"] = pagination.previous_key
        results = page(params, **previous)
    assert back == by_number[::-1]
    # Every page but the first was read past its key, forwards and back (page 1 goes by
    # number).
    assert sum(key is not None for key in given_keys) == (pages - 1) + (pages - 2)


def test_the_key_is_the_boundary_rows_sort_values(keyed):
    first = page({}, page=1)
    context = context_of(Sort.NEWEST, 2, first.filterset.form.cleaned_data)
    key = PageKey.read(Direction.AFTER, first.pagination.next_key, context)
    last = first.items[-1].item
    assert key == PageKey(Direction.AFTER, last.decision_date, last.pk)
    third = page({}, page=3, after=page({}, page=2).pagination.next_key)
    assert third.pagination.next_key.startswith("undated_")  # past the dated rows
    relevance = page({"q": "norco"}, page=1).pagination.next_key
    assert relevance.startswith("t_2019-05-05_")  # the third of the treatment's matches


@pytest.mark.parametrize(
    "tamper",
    [
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),  # the signature
        lambda key: key.replace("2020", "2019", 1),  # the values
        lambda key: "undated_1",  # no signature
        lambda key: "x" * 10_000,
        lambda key: "",
        lambda key: "2020-01-01_1.x';--",
    ],
)
def test_a_tampered_key_is_ignored_and_the_page_goes_by_number(keyed, given_keys, tamper):
    key = page({}, page=1).pagination.next_key
    assert ids(page({}, page=2, after=tamper(key))) == ids(page({}, page=2))
    assert given_keys[1] is None


@pytest.mark.parametrize(
    ("direction", "elsewhere"),
    [
        (Direction.AFTER, {"page": 3}),  # another page
        (Direction.AFTER, {"page": 2, "sort": "oldest"}),  # another order
        (Direction.AFTER, {"page": 2, "specialty": "Internal Medicine"}),  # another search
        (Direction.BEFORE, {"page": 2}),  # the other direction
    ],
)
def test_a_key_carried_elsewhere_is_ignored(keyed, given_keys, direction, elsewhere):
    key = page({}, page=1).pagination.next_key
    assert ids(page(elsewhere, **{direction: key})) == ids(page(elsewhere))
    assert given_keys[1] is None


@pytest.mark.parametrize("params", SEARCHES)
def test_a_page_past_a_key_costs_the_statements_of_a_page_by_number(keyed, params):
    key = page(params, page=1).pagination.next_key
    with CaptureQueriesContext(connection) as by_number:
        page(params, page=2)
    with CaptureQueriesContext(connection) as by_key:
        page(params, page=2, after=key)
    assert len(by_key) == len(by_number)
    assert len(reads(by_key)) == len(reads(by_number))


@pytest.mark.parametrize(
    ("params", "index"),
    [({}, "entry_newest_idx"), ({"age_min": "18", "sort": "oldest"}, "item_oldest_idx")],
)
@pytest.mark.parametrize("dated", [True, False])
def test_a_page_past_a_key_reads_a_range_of_the_date_index(
    synthetic_corpus, given_keys, params, index, dated
):
    """The key is the index scan's condition: no OFFSET, no walk from the index's start."""
    filterset = item_filterset(params)
    assert filterset.is_valid()
    sort = Sort(params.get("sort", Sort.NEWEST))
    row = DisputedItem.objects.exclude(decision_date=None).order_by("decision_date", "pk")[5]
    key = PageKey(Direction.AFTER, row.decision_date if dated else None, row.pk)
    signed = key.sign(context_of(sort, 5, filterset.form.cleaned_data))
    with CaptureQueriesContext(connection) as captured:
        item_search(item_filterset({**params, "page": 5, "after": signed}), per_page=PER_PAGE)
    assert given_keys == [key]
    (statement,) = [sql for sql in reads(captured) if "decisions_citation" in sql]
    assert "OFFSET" not in statement
    plan = plan_of(statement)
    assert index in plan
    past = (
        r"ROW\(decision_date, (item_)?id\) [<>] ROW|\(decision_date IS NULL\) AND \((item_)?id [<>]"
    )
    assert re.search(rf"Index Cond: \(({past})", plan), plan


def test_the_links_carry_the_key_and_the_other_links_do_not(client):
    letter = make_letter(decision_date=D(2020, 1, 1))
    for n in range(45):
        make_item(letter, treatment=f"Norco {n}", position=n + 1)
    first = client.get("/", {"q": "norco"}).content.decode()
    (second,) = [href for href in links(first) if "page=2" in href]
    assert re.fullmatch(r"\?q=norco&page=2&after=t_2020-01-01_\d+\.[\w-]+", second)
    html = client.get(f"/{second}").content.decode()
    assert "Results 21–40 of 45" in html
    hrefs = links(html)
    (third,) = [href for href in hrefs if "page=3" in href]
    assert "&after=" in third
    (previous,) = [href for href in hrefs if "page=1" in href]
    assert previous == "?q=norco&page=1"  # the first page goes by number
    assert "Results 41–45 of 45" in client.get(f"/{third}").content.decode()
    # Facets, orders, the export and the statistics start again from page 1, without a key.
    assert [href for href in hrefs if "after=" in href or "before=" in href] == [third]
    others = [href for href in hrefs if href.startswith(("?", "/export", "/statistics"))]
    assert len([href for href in others if "page=" not in href]) > 5


@pytest.mark.parametrize("key", ["", "x", "undated_1.abc", "\x00", "2020-13-45_-1.x" * 500])
def test_no_key_makes_an_error_page(client, keyed, key):
    for direction in Direction:
        response = client.get("/", {"page": "2", direction: key})
        assert response.status_code == 200


def test_the_export_and_the_statistics_ignore_a_key(client, keyed):
    key = page({}, page=1).pagination.next_key
    for path in ("/export.csv", "/stats/"):
        plain = client.get(path)
        keyed_response = client.get(path, {"page": "2", "after": key})
        assert keyed_response.status_code == plain.status_code == 200
        # (The login link returns to the address as given.)
        login = re.compile(rb'"/accounts/login/[^"]*"')
        assert login.sub(b"", b"".join(keyed_response)) == login.sub(b"", b"".join(plain))
