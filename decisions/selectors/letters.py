"""The letter page: a letter with its items, both parties' citations and similar decisions,
in four queries whatever the letter's size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from ..models import Citation, DisputedItem, Letter, Party
from ..search.vocabulary import headline, search_query
from .similar import SimilarRow, item_similar


@dataclass(frozen=True)
class ItemDetail:
    """An item as the letter page shows it: both parties' citations and similar decisions."""

    item: DisputedItem
    claims_cited: list[Citation]
    reviewer_cited: list[Citation]
    similar_treatment: list[SimilarRow]
    similar_citation: list[SimilarRow]


@dataclass(frozen=True)
class LetterDetail:
    """A letter with its items in order.

    With a query, `letter.summary_marked`, and each item's `treatment_marked` and
    `rationale_marked`, hold the whole texts with highlight sentinels.
    """

    letter: Letter
    items: list[ItemDetail]
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
    rows = list(items.filter(letter=letter))
    similar = item_similar(rows)
    details = []
    for item in rows:
        cited = list(item.citations.all())
        details.append(
            ItemDetail(
                item=item,
                claims_cited=[c for c in cited if c.party == Party.CLAIMS_ADMINISTRATOR],
                reviewer_cited=[c for c in cited if c.party == Party.REVIEWER],
                similar_treatment=similar.get((item.pk, "treatment"), []),
                similar_citation=similar.get((item.pk, "citation"), []),
            )
        )
    return LetterDetail(letter=letter, items=details, query=query)
