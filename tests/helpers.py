"""What the search and selectors tests share: decisions with citations, the search run the
plain way, and the statements a request ran with their plans."""

from __future__ import annotations

import re
from html import unescape

from django.db import connection

from decisions.models import DisputedItem, Party
from decisions.search import item_filterset, item_search
from decisions.services.letters import reviewer_citation_columns
from tests.factories import make_citation, make_item

CHRONIC_PAIN = "Chronic Pain Medical Treatment Guidelines"
LOW_BACK = "ACOEM Chapter 12 Low Back Complaints"
# Queries as people type them, none of them valid tsquery syntax: a search, never an error.
TYPED_QUERIES = ['"unclosed phrase', "-", "OR", "a & b | !c", "norco:*", "()<>"]
# Results per page over the synthetic corpus: few, so that its results span several pages.
PER_PAGE = 7


def make_decision(letter=None, *, cites=(), claims_cites=(), **fields) -> DisputedItem:
    """An item with reviewer (and claims administrator) citations, its search columns filled
    exactly as ingest fills them. `cites`: (guideline, document, pages) triples."""
    item = make_item(letter, **fields)
    for party, triples in ((Party.REVIEWER, cites), (Party.CLAIMS_ADMINISTRATOR, claims_cites)):
        for guideline, document, pages in triples:
            make_citation(item, party=party, guideline=guideline, document=document, pages=pages)
    columns = reviewer_citation_columns(item.citations.filter(party=Party.REVIEWER))
    DisputedItem.objects.filter(pk=item.pk).update(**columns)
    item.refresh_from_db()
    return item


def found(params: dict) -> list[str]:
    """Treatments listed for these parameters, in page order (all on one page)."""
    results = item_search(item_filterset(params), per_page=100)
    assert results.facets is not None, results.filterset.errors
    assert results.facets.total == len(results.items)
    return [result.item.treatment for result in results.items]


def names(decisions, *keys) -> set[str]:
    return {decisions[key].treatment for key in keys}


def filled(params: dict, corpus: dict) -> dict:
    """Parameters with "{specialty}" etc. filled from the synthetic corpus' frequent values."""
    return {key: value.format(**corpus) for key, value in params.items()}


def reads(captured) -> list[str]:
    """The statements that read data: not transaction control or the search's settings."""
    control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "SELECT set_config")
    return [q["sql"] for q in captured if not q["sql"].lstrip().startswith(control)]


def plan_of(sql: str) -> str:
    """EXPLAIN with sequential scans off: on a corpus this small Postgres would rather read
    whole tables, so the plan shows which index it would use once they are large."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def words_past_the_search_index(megabytes: float) -> str:
    """One line of about that many megabytes of words that all differ. Postgres keeps each
    distinct word of a text, with its positions, in the text's search vector, which holds at
    most 1 MB: a rationale holding 1 MB of such words cannot be indexed."""
    count = int(megabytes * 1_048_576 / 7)  # "w123456 " is 8 characters; most are shorter
    return " ".join(f"w{n}" for n in range(count))
