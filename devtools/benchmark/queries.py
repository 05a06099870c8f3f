"""What the benchmark asks: the analyst queries of issues #5 and #13, and the export it times.

A query's `page_base` is where its repetitions start paging (each repetition asks the next
page, so no cache keyed on the request can answer a repeat); every other key is a GET
parameter of the search page. Each query is also asked of the peer (Datasette over a SQLite
copy, devtools/benchmark/peer.py), translated from these parameters, and counted in the
generator's expected parses (devtools/benchmark/truth.py): the parameters are the one
statement of what a query means.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    label: str
    params: dict[str, str | int] = field(default_factory=dict)
    # The peer is asked for the page's facets too. The app counts every facet on every page;
    # the Datasette figures asked for facets only on the queries so labelled.
    facets: bool = False


QUERIES: list[Query] = [
    Query(
        '"epidural steroid injection", overturned',
        {"q": "epidural steroid injection", "outcome": "overturned"},
    ),
    Query("norco, with facets", {"q": "norco"}, facets=True),
    Query(
        "specialty + outcome, newest first",
        {"specialty": "Orthopaedic Surgery", "outcome": "upheld", "sort": "newest"},
    ),
    Query('phrase "functional restoration program"', {"q": '"functional restoration program"'}),
    Query("unfiltered list, page 500+", {"page_base": 500}),
    Query(
        "citing MTUS Chronic Pain p. 46",
        {"cited_page": "Chronic Pain Medical Treatment Guidelines:46"},
    ),
    Query("rare term testosterone, with facets", {"q": "testosterone"}, facets=True),
    # Issue 13: what items request, by generic drug and by category.
    Query("drug=hydrocodone, with facets", {"drug": "hydrocodone"}, facets=True),
    Query("category=injection, overturned", {"category": "injection", "outcome": "overturned"}),
]
# The statistics page (issue 14) of a search: its repetitions cycle through the periods.
STATISTICS_QUERIES: list[Query] = [
    Query("statistics, unfiltered"),
    Query("statistics, norco", {"q": "norco"}),
    Query("statistics, specialty", {"specialty": "Orthopaedic Surgery"}),
]
# The exports timed: a filter, and the broad term issue 15 names (217,322 rows at a million
# letters).
EXPORTS: list[dict[str, str]] = [{"outcome": "overturned"}, {"q": "norco"}]
