"""The headline's split of a query's results (decisions/search/scopes.py): the requests for the
treatment it names, as scope=treatment counts them, and how many more decisions scope=all
finds, on every counting path, in either scope, at the cost of at most one statement."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import DisputedItem
from decisions.search import item_filterset, item_search, search_statistics
from decisions.search.statistics import Period
from decisions.search.vocabulary import search_query
from tests.factories import make_item, make_letter
from tests.helpers import filled, links, reads

pytestmark = pytest.mark.django_db


def split_of(params: dict) -> tuple[int, int, int, int] | None:
    """(requests listed, overturned, decided, more decisions) of the page's split, or None."""
    split = item_search(item_filterset(params)).split
    if split is None:
        return None
    requested = split.requested
    return (requested.total, requested.overturned, requested.decided, split.elsewhere)


def test_norco_on_the_fixtures_in_either_scope_and_on_every_path(seeds):
    """The issue's example: one Norco request, overturned, and a Flexeril request whose
    rationale mentions Norco. The same split whatever the scope, the order, or the source
    counted (the matches, or the items for a filter only they answer)."""
    for extra in ({}, {"sort": "newest"}, {"injured_from": "2000-01-01"}):
        for scope in ("", "all", "treatment"):
            assert split_of({"q": "norco", "scope": scope, **extra}) == (1, 1, 1, 1), extra
    # The outcome filter narrows both counts; the rate counts both outcomes, as the page does.
    assert split_of({"q": "norco", "outcome": "upheld"}) == (0, 1, 1, 1)
    assert split_of({"q": "norco", "outcome": "overturned", "scope": "treatment"}) == (1, 1, 1, 0)
    # No decision requests a treatment named "pain": no split.
    assert item_search(item_filterset({"q": "pain"})).facets.total
    assert split_of({"q": "pain"}) is None
    assert split_of({"q": "pain", "scope": "treatment"}) is None
    assert split_of({}) is None and split_of({"drug": "hydrocodone"}) is None


QUERIES = ["norco", "opioids", "injection", '"epidural steroid injection"', "therapy -physical"]
FILTERS = [
    {},
    {"sort": "oldest"},
    {"outcome": "upheld"},
    {"specialty": "{specialty}"},
    {"guideline": "MTUS", "outcome": "overturned"},
    {"age_min": "40"},  # the items' path
]


def reference(q: str, params: dict, *, in_treatment: bool) -> DisputedItem:
    """The results as a plain ORM query counts them, the query checked on the vectors."""
    rest = {key: value for key, value in params.items() if key not in ("sort", "outcome")}
    filterset = item_filterset(rest)
    assert filterset.is_valid()
    conditions = [c for name, c in filterset.conditions().items() if name != "q"]
    items = DisputedItem.objects.filter(*conditions, search__search_vector=search_query(q))
    if in_treatment:
        items = items.filter(search__treatment_vector=search_query(q))
    return items


def test_the_split_is_what_each_scope_lists(synthetic_corpus, both_ways):
    """On 150 generated letters: the requests' counts are scope=treatment's total and rate, the
    more decisions are scope=all's total less scope=treatment's, and both are a plain query's."""
    checked = 0
    for q in QUERIES:
        for params in FILTERS:
            params = filled({"q": q, **params}, synthetic_corpus)
            everywhere = item_search(item_filterset(params))
            scoped = item_search(item_filterset({**params, "scope": "treatment"}))
            assert scoped.split == everywhere.split, params
            treatment = reference(q, params, in_treatment=True)
            if not treatment.exists():
                assert everywhere.split is None, params
                continue
            outcome = params.get("outcome")
            listed = treatment.filter(outcome=outcome) if outcome else treatment
            anywhere = reference(q, params, in_treatment=False)
            anywhere = anywhere.filter(outcome=outcome) if outcome else anywhere
            split = everywhere.split
            assert split is not None, params
            requested = split.requested
            assert (requested.total, requested.overturned, requested.decided) == (
                scoped.facets.total,
                scoped.facets.overturned,
                scoped.facets.decided,
            ), params
            assert requested.total == listed.count(), params
            assert requested.decided == treatment.count(), params
            assert requested.overturned == treatment.filter(outcome="overturned").count()
            assert split.elsewhere == everywhere.facets.total - scoped.facets.total, params
            assert split.elsewhere == anywhere.count() - listed.count(), params
            checked += bool(split.elsewhere)
    assert checked > 5  # the cases include decisions that only mention the query


@pytest.mark.parametrize(
    ("params", "statements"),
    [
        # Scoped to all, the summary counts the requests in its own pass.
        ({"q": "norco"}, 2),
        ({"q": "norco", "sort": "newest"}, 3),  # + the undated results' count
        # Scoped to the treatment, one more count of the matches anywhere.
        ({"q": "norco", "scope": "treatment"}, 3),
        # Filtered by what only the items answer: one more count of the other scope.
        ({"q": "norco", "age_min": "1"}, 3),
        # No treatment requested matches: nothing more (scoped to it, no results, no rows).
        ({"q": "opioids"}, 2),
        ({"q": "opioids", "scope": "treatment"}, 1),
        ({"q": "nothingatall"}, 1),  # no results: no page to read either
    ],
)
def test_the_split_costs_at_most_one_statement(params, statements):
    letter = make_letter(patient_age=50)
    for n in range(3):
        make_item(letter, treatment=f"Norco {n}mg", rationale="Opioids for pain.")
    make_item(letter, treatment="Soma 350mg", rationale="Not with Norco.", outcome="overturned")
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset(params))
    assert len(reads(captured)) == statements
    if results.split:
        assert (results.split.requested.total, results.split.elsewhere) == (3, 1)


def headline(html: str) -> str:
    found = re.search(r'<p class="scope-split">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


def test_the_headline_words_and_links(client):
    letter = make_letter()
    make_item(letter, treatment="Norco 10/325mg #120", outcome="overturned")
    make_item(letter, treatment="Norco 5/325mg #60")
    for n in range(3):
        make_item(letter, treatment=f"Soma {n}", rationale="Not with Norco.")
    make_item(
        letter,
        treatment="Flexeril 10mg",
        rationale="Unlike Norco, it is indicated.",
        outcome="overturned",
    )
    html = client.get("/", {"q": "norco"}).content.decode()
    assert headline(html) == (
        "Requests for “norco”: 2 decisions, 50% overturned; "
        "4 more decisions mention “norco” in their rationales."
    )
    split = html[html.index('class="scope-split"') :]
    assert links(split)[:2] == ["?q=norco&scope=treatment", "?q=norco&scope=all"]
    assert "aria-current" not in split[: split.index("</p>")]  # scope=all lists both parts
    scoped = client.get("/", {"q": "norco", "scope": "treatment", "page": "1"}).content.decode()
    assert headline(scoped) == headline(html)
    assert '<a href="?q=norco&amp;scope=treatment" aria-current="true">' in scoped
    # The outcome filter narrows both parts; the rate counts both outcomes, as the page's does.
    upheld = client.get("/", {"q": "norco", "outcome": "upheld"}).content.decode()
    assert headline(upheld) == (
        "Requests for “norco”: 1 upheld decision, 50% overturned counting both outcomes; "
        "3 more upheld decisions mention “norco” in their rationales."
    )
    flexeril = client.get("/", {"q": "norco", "outcome": "overturned"}).content.decode()
    assert headline(flexeril) == (
        "Requests for “norco”: 1 overturned decision, 50% overturned counting both outcomes; "
        "1 more overturned decision mentions “norco” in its rationale."
    )
    # No more decisions: that part is left out. No request: today's scope line.
    only = client.get("/", {"q": "hydrocodone"}).content.decode()
    assert headline(only) == "Requests for “hydrocodone”: 2 decisions, 50% overturned."
    rationale = client.get("/", {"q": "indicated"}).content.decode()
    assert headline(rationale) == "" and 'class="scope-line"' in rationale


def test_the_query_is_shown_as_typed_and_escaped(client):
    make_item(treatment="Norco 10/325mg", rationale="Nothing else.")
    html = client.get("/", {"q": 'norco -"<script>x"'}).content.decode()
    assert "<script>x" not in html
    assert (
        headline(html)
        == "Requests for “norco -&quot;&lt;script&gt;x&quot;”: 1 decision, 0% overturned."
    )


def test_the_statistics_page_splits_its_headline_too(client, seeds):
    filterset = item_filterset({"q": "norco"})
    assert filterset.is_valid()
    split = search_statistics(filterset, Period.QUARTER).split
    assert split and (split.requested.total, split.elsewhere) == (1, 1)
    html = client.get("/stats/", {"q": "norco", "scope": "treatment"}).content.decode()
    assert headline(html) == (
        "Requests for “norco”: 1 decision, 100% overturned; "
        "1 more decision mentions “norco” in its rationale."
    )
    split_html = html[html.index('class="scope-split"') :]
    assert links(split_html)[:2] == ["?q=norco&scope=treatment", "?q=norco&scope=all"]
    # Its CSV tables count no split.
    with CaptureQueriesContext(connection) as captured:
        client.get("/stats.csv", {"q": "norco", "scope": "treatment", "by": "specialty"})
    assert len(reads(captured)) == 1
