"""Counts by combination turned into counts by facet value in the process's memory
(decisions/search/combination_values.py) give exactly the rows Postgres' statement gives
(`counting._count`) for the same counts: values, order among equal counts, limits, the
outcome filter. And the values are read once per combination, in the search's snapshot."""

from __future__ import annotations

import itertools
import random

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from decisions.models import FacetCombination, Outcome
from decisions.search import combination_values, counting
from decisions.search.arrays import bigint_array
from tests.factories import make_item

pytestmark = pytest.mark.django_db


def statement_rows(counts: dict[int, tuple[int, int]], outcome: str, limits, by_value: bool):
    """The rows `counting._count` gives for the same counts, the combinations' values joined
    in Postgres."""
    given = (
        f"""SELECT c.*, k.n FROM unnest(%s::bigint[], %s::bigint[]) AS k (id, n)
        JOIN {FacetCombination._meta.db_table} AS c ON c.id = k.id""",
        [bigint_array(counts), bigint_array([n for n, _ in counts.values()])],
    )
    values = counting._combination_values(given, by_value)
    return counting._count(values, outcome, limits).rows


def some_counts(seed: int) -> dict[int, tuple[int, int]]:
    """Half the corpus' combinations with small counts: many values tie."""
    rng = random.Random(seed)
    combinations = sorted(FacetCombination.objects.values_list("pk", flat=True))
    chosen = rng.sample(combinations, len(combinations) // 2)
    return {pk: (rng.randint(1, 4), rng.randint(0, 1)) for pk in chosen}


@pytest.mark.parametrize("outcome", ["", Outcome.UPHELD, Outcome.OVERTURNED])
@pytest.mark.parametrize(
    "limits",
    [counting.FACET_LIMITS, {}, {"specialty": 1, "cited_page": 2, "outcome": 1}],
    ids=["the page's", "all", "few"],
)
def test_the_rows_are_the_statements(synthetic_corpus, outcome, limits):
    for seed in range(3):
        counts = some_counts(seed)
        rows, _ = combination_values.summary_rows(
            None, counts, outcome, limits, by_value=True, in_treatment=False
        )
        assert rows == statement_rows(counts, outcome, limits, True)
        assert len({row[0] for row in rows}) > 5  # most facets have values here


def test_by_outcome_only_and_the_treatments_matches(synthetic_corpus):
    counts = some_counts(4)
    rows, in_treatment = combination_values.summary_rows(
        None, counts, "", {}, by_value=False, in_treatment=True
    )
    assert rows == statement_rows(counts, "", {}, False)
    outcomes = dict(FacetCombination.objects.filter(pk__in=counts).values_list("pk", "outcome"))
    expected = {o: sum(t for pk, (_, t) in counts.items() if outcomes[pk] == o) for o in Outcome}
    assert in_treatment == [
        ["outcome", o.value, n, n if o == Outcome.OVERTURNED else 0, n]
        for o, n in sorted(expected.items())
        if n
    ]


def test_no_counts_no_rows(db):
    counted = combination_values.summary_rows(None, {}, "", {}, by_value=True, in_treatment=True)
    assert counted == ([], [])


def test_values_are_read_once_per_registration(synthetic_corpus):
    """A process's first search of a registered database reads every combination's values;
    later ones read only combinations made since; another database's are read again."""
    counts = some_counts(5)
    first, later = dict(list(counts.items())[:5]), counts

    def statements(registration: int, asked: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            combination_values.summary_rows(
                registration, asked, "", {}, by_value=True, in_treatment=False
            )
        return len(captured)

    assert statements(1, first) == 1  # every combination's
    assert statements(1, first) == 0  # known
    assert statements(1, later) == 0  # known too
    made_since = make_item(reviewer_specialty_canonical="A Specialty Made Since")
    combination = made_since.search.combination_id
    assert statements(1, {combination: (1, 0)}) == 1  # the one made since, alone
    assert statements(1, {combination: (1, 0)}) == 0
    assert statements(2, first) == 1  # another database's: read again


def test_a_combination_the_snapshot_does_not_hold(synthetic_corpus):
    newest = FacetCombination.objects.order_by("-pk").values_list("pk", flat=True)[0]
    with pytest.raises(combination_values.Unknown):
        combination_values.summary_rows(
            3, {newest + 1000: (1, 0)}, "", {}, by_value=True, in_treatment=False
        )


def test_a_first_read_cut_short_is_not_kept(synthetic_corpus, monkeypatch):
    """Every combination's values read by a first search that fails half way (its statement
    out of time) are dropped, not kept half-read: the next search reads them all again."""
    first = FacetCombination.objects.order_by("pk").values_list("pk", flat=True)[0]
    counts = {first: (1, 0), **some_counts(5)}  # the first read reaches the first one
    add = combination_values.Known.add

    def cut_short(self, rows):
        add(self, itertools.islice(rows, 10))
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(combination_values.Known, "add", cut_short)
    with pytest.raises(OperationalError):
        combination_values.summary_rows(4, counts, "", {}, by_value=True, in_treatment=False)
    monkeypatch.setattr(combination_values.Known, "add", add)
    with CaptureQueriesContext(connection) as captured:
        rows, _ = combination_values.summary_rows(
            4, counts, "", {}, by_value=True, in_treatment=False
        )
    (read,) = captured  # every combination's values, again: not only those missing
    assert "ANY(" not in read["sql"]
    assert rows == statement_rows(counts, "", {}, by_value=True)
