"""A query's results split by where it matched (issue 13): the requests for the treatment it
names, apart from the decisions that only mention it.

`q=norco` finds the Norco requests and every decision whose rationale names Norco (a Flexeril
request "not recommended with Norco"); the overturn rate of them all answers no one's
question. Whatever the scope the page lists, its headline tells both: the requests' total and
overturn rate, as `scope=treatment` lists and counts them, and how many more decisions
`scope=all` lists (the query matches their rationale, not the treatment requested).

One of the two is the page's own count. Scoped to all, the page's summary counts the other
too, in the same pass over the query's matches (`counting.Summary.in_treatment`: relevance
checks each match's treatment anyway). Otherwise (scoped to the treatment, or a filter only
the items answer) it is one more statement, counted by outcome alone by the same
`counting.summary` in the other scope. Either way the split is exactly what a click on either
part shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import counting
from .budget import within_budget
from .counting import Facets, Summary
from .parameters import ItemFilter
from .planning import Plan
from .vocabulary import Scope


@dataclass(frozen=True)
class ScopeSplit:
    """The requests for the treatment the query names, and the decisions besides them."""

    requested: Facets  # the results of scope=treatment: their total and overturn rate alone
    elsewhere: int  # how many more results scope=all has: the query matches outside the treatment


def scope_split(
    filterset: ItemFilter, plan: Plan, summary: Summary | None, facets: Facets
) -> ScopeSplit | None:
    """The split of a valid search's results (its `summary`, and the `facets` counted from
    it in the plan's scope), or None: without a query; when the query matches no treatment
    requested, whatever the outcome filter; when the page's counts or this one took longer
    than a search may (a page that could not count its values in time spends no more time on
    this one)."""
    if not plan.query or facets.total is None or not facets.by_value or not facets.decided:
        return None  # (no result whatever the outcome: no treatment requested matches either)
    if summary is not None and summary.in_treatment is not None:
        counted = counting.facets(filterset, summary.in_treatment, by_value=False)
    else:
        other = replace(plan, scope=Scope.TREATMENT if plan.scope == Scope.ALL else Scope.ALL)
        other_summary = within_budget(lambda: counting.summary(other, None, by_value=False))
        if other_summary is None:
            return None
        counted = counting.facets(filterset, other_summary.rows, by_value=False)
    requested, everywhere = (counted, facets) if plan.scope == Scope.ALL else (facets, counted)
    if not requested.decided or everywhere.total is None or requested.total is None:
        return None
    return ScopeSplit(
        requested=Facets(requested.total, requested.overturned, requested.decided, by_value=False),
        elsewhere=everywhere.total - requested.total,
    )
