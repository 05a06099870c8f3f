"""The letter page: a letter with its items, both parties' citations and similar decisions,
in four queries whatever the letter's size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from ..models import Citation, DisputedItem, Letter, Party
from ..search.vocabulary import headline, search_query
from .similar import item_similar


@dataclass(frozen=True)
class LetterDetail:
    """A letter with its items in order; each item has `claims_cited` and `reviewer_cited`
    (Citation rows) and `similar_treatment` and `similar_citation` (dicts of other items).

    With a query, `letter.summary_marked`, `item.treatment_marked` and `item.rationale_marked`
    hold the whole texts with highlight sentinels.
    """

    letter: Letter
    items: list[DisputedItem]
    query: str


def letter_detail(*, pk: int, query: str = "") -> LetterDetail | None:
    """Four queries whatever the letter's size: letter, items, citations, similar decisions."""
    letters = Letter.objects.defer("raw_text")
    items = DisputedItem.objects.order_by("position").prefetch_related(
        Prefetch("citations", queryset=Citation.objects.order_by("party", "position"))
    )
    if query:
        letters = letters.annotate(
            summary_marked=headline("case_summary", search_query(query), highlight_all=True)
        )
        items = items.annotate(
            treatment_marked=headline("treatment", search_query(query), highlight_all=True),
            rationale_marked=headline("rationale", search_query(query), highlight_all=True),
        )
    letter = letters.filter(pk=pk).first()
    if letter is None:
        return None
    items = list(items.filter(letter=letter))
    for item in items:
        cited = list(item.citations.all())
        item.claims_cited = [c for c in cited if c.party == Party.CLAIMS_ADMINISTRATOR]
        item.reviewer_cited = [c for c in cited if c.party == Party.REVIEWER]
    similar = item_similar(items)
    for item in items:
        item.similar_treatment = similar.get((item.pk, "treatment"), [])
        item.similar_citation = similar.get((item.pk, "citation"), [])
    return LetterDetail(letter=letter, items=items, query=query)
