"""The words the search, its pages and its files share: one module, imported by the parameters,
the planner, the letter page, the export and the template tags, so none of them imports
another's vocabulary.

Highlighting: letter text is untrusted, so Postgres marks matches with two Unicode
noncharacters (reserved for internal use, never in interchange text) and the template filter
`marked` escapes the whole string before turning them into <mark> elements.
"""

from __future__ import annotations

from functools import partial

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import models

from ..models import DisputedItem, Outcome

# The text-search configuration of the search vectors (migration 0004) and of every query.
SEARCH_CONFIG = "english"

HIGHLIGHT_START = "\ufdd0"
HIGHLIGHT_STOP = "\ufdd1"

# What each outcome means for the treatment; shown wherever an outcome is. Looked up by the
# stored string (an Outcome is one), so its keys are typed as strings.
OUTCOME_MEANINGS: dict[str, str] = {
    Outcome.UPHELD: "Upheld: treatment denied",
    Outcome.OVERTURNED: "Overturned: treatment approved",
}


class Sort(models.TextChoices):
    """The result orders; the `sort` parameter left empty means relevance with a query, newest
    without one."""

    RELEVANCE = "relevance", "Best match"
    NEWEST = "newest", "Newest decisions first"
    OLDEST = "oldest", "Oldest decisions first"


class Scope(models.TextChoices):
    """Where the query must match (issue 13): anywhere in the decision (the default), or in
    the treatment requested and its generic names only, so that a drug's rate counts its
    requests and not every rationale that names it."""

    ALL = "all", "Anywhere in the decision"
    TREATMENT = "treatment", "In the treatment requested"


def search_query(text: str) -> SearchQuery:
    """The websearch query: "exact phrase", OR, -exclude, English stemming."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


# A text with the query's matches between the highlight markers.
headline = partial(
    SearchHeadline,
    config=SEARCH_CONFIG,
    start_sel=HIGHLIGHT_START,
    stop_sel=HIGHLIGHT_STOP,
)


def page_label(key: str) -> str:
    """A cited-page key as readers write it: "Chronic Pain Medical Treatment Guidelines, p. 46"."""
    split = DisputedItem.split_page_key(key)
    return f"{split[0]}, p. {split[1]}" if split else key
