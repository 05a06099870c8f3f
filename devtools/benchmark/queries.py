"""What the benchmark asks: the analyst queries of issues #5 and #13, and the export it times.

A query's `page_base` is where its repetitions start paging (each repetition asks the next
page, so no cache keyed on the request can answer a repeat); every other key is a GET
parameter of the search page.
"""

from __future__ import annotations

QUERIES: list[tuple[str, dict[str, str | int]]] = [
    (
        '"epidural steroid injection", overturned',
        {"q": "epidural steroid injection", "outcome": "overturned"},
    ),
    ("norco, with facets", {"q": "norco"}),
    (
        "specialty + outcome, newest first",
        {"specialty": "Orthopaedic Surgery", "outcome": "upheld", "sort": "newest"},
    ),
    ('phrase "functional restoration program"', {"q": '"functional restoration program"'}),
    ("unfiltered list, page 500+", {"page_base": 500}),
    (
        "citing MTUS Chronic Pain p. 46",
        {"cited_page": "Chronic Pain Medical Treatment Guidelines:46"},
    ),
    ("rare term testosterone, with facets", {"q": "testosterone"}),
    # Issue 13: what items request, by generic drug and by category.
    ("drug=hydrocodone, with facets", {"drug": "hydrocodone"}),
    ("category=injection, overturned", {"category": "injection", "outcome": "overturned"}),
]
# The statistics page (issue 14) of a search: its repetitions cycle through the periods.
STATISTICS_QUERIES: list[tuple[str, dict[str, str | int]]] = [
    ("statistics, unfiltered", {}),
    ("statistics, norco", {"q": "norco"}),
    ("statistics, specialty", {"specialty": "Orthopaedic Surgery"}),
]
EXPORT_PARAMS = {"outcome": "overturned"}
