"""The query-string contract: every filter alone and combined, the websearch syntax, invalid
values as form errors, and no results but through the planner."""

from __future__ import annotations

import itertools

import pytest

from decisions.search import item_filterset, item_search
from tests.helpers import CHRONIC_PAIN, LOW_BACK, TYPED_QUERIES, found, names

pytestmark = pytest.mark.django_db

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


@pytest.mark.parametrize(("params", "expected"), SINGLE_FILTERS)
def test_each_filter_alone(six_decisions, params, expected):
    assert set(found(params)) == names(six_decisions, *expected)


def test_filters_combine_freely(six_decisions):
    # Every pair of single filters gives exactly the intersection of their results.
    for (p1, e1), (p2, e2) in itertools.combinations(SINGLE_FILTERS, 2):
        if p1.keys() & p2.keys():
            continue
        assert set(found({**p1, **p2})) == names(six_decisions, *(set(e1) & set(e2))), (p1, p2)


def test_all_filters_at_once(six_decisions):
    params = {
        "q": "opioids",
        "outcome": "overturned",
        "specialty": "Occupational Medicine",
        "guideline": "MTUS",
        "document": CHRONIC_PAIN,
        "cited_page": f"{CHRONIC_PAIN}:91",
        "treatment": "Norco 10/325mg, #120",
        "injured_from": "2013-01-01",
        "injured_to": "2014-01-01",
        "age_min": "30",
        "age_max": "35",
        "sex": "female",
        "sort": "newest",
        "page": "1",
    }
    assert found(params) == ["Norco 10/325mg, #120"]
    assert found({**params, "mismatch": "on"}) == []


def test_websearch_syntax_stemming_and_treatment_matches(six_decisions):
    decisions = six_decisions
    assert set(found({"q": "injection"})) == names(decisions, "esi")  # "injections" stems alike
    assert set(found({"q": '"moderate to severe"'})) == names(decisions, "norco")
    assert set(found({"q": '"severe to moderate"'})) == set()
    assert set(found({"q": "imaging OR cyclobenzaprine"})) == names(decisions, "mri", "flexeril")
    assert set(found({"q": "norco -opioids"})) == names(decisions, "flexeril")
    # Only in the treatment, not in any rationale:
    assert set(found({"q": "MRI"})) == names(decisions, "mri")
    assert found({"q": "the"}) == []  # only a stop word: nothing, and no error


@pytest.mark.parametrize("text", TYPED_QUERIES)
def test_any_typed_query_is_a_search_never_an_error(six_decisions, text):
    results = item_search(item_filterset({"q": text}))
    assert results.facets is not None


@pytest.mark.parametrize(
    ("params", "field"),
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
def test_invalid_parameters_are_form_errors_with_no_results(six_decisions, params, field):
    results = item_search(item_filterset(params))
    assert field in results.filterset.errors
    assert results.facets is None and results.items == []


def test_the_filterset_has_no_results_of_its_own(django_assert_num_queries):
    """Results come from the planner only: the FilterSet's queryset would answer a query from
    the word index alone, and differently from the page."""
    filterset = item_filterset({"q": "norco"})
    assert filterset.is_valid()
    with django_assert_num_queries(0), pytest.raises(TypeError, match="item_search"):
        _ = filterset.qs


def test_two_searches_share_no_filter_or_form_state():
    """The filters are copied shallowly and the form class is made once (ItemFilter): each
    search still has its own filters, form fields, data and errors."""
    bad, good = item_filterset({"age_min": "x"}), item_filterset({"age_min": "3"})
    assert not bad.is_valid() and good.is_valid()
    assert "age_min" in bad.form.errors and not good.form.errors
    assert bad.filters["q"] is not good.filters["q"]
    assert (bad.filters["q"].parent, good.filters["q"].parent) == (bad, good)
    assert bad.form.fields["age_min"] is not good.form.fields["age_min"]
    assert type(bad.form) is type(good.form)
