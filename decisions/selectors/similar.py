"""Similar decisions: recent decisions in other letters on the same treatment wording, on the
same generic drugs (whatever the brand or wording: decisions/taxonomy), or citing a page the IMR
reviewer cited, shown beside each item of the letter page."""

from __future__ import annotations

from typing import TypedDict, cast

from django.db.models import F, QuerySet, Value

from ..models import DisputedItem

SIMILAR_PER_KIND = 3

# Newest decisions first, over items.
NEWEST = (F("decision_date").desc(nulls_last=True), F("id").desc())


class SimilarRow(TypedDict):
    """Another letter's item, as the letter page lists it."""

    id: int
    letter_id: int
    position: int
    treatment: str
    outcome: str
    reviewer_specialty_canonical: str | None


def item_similar(items: list[DisputedItem]) -> dict[tuple[int, str], list[SimilarRow]]:
    """Recent decisions in other letters on the same treatment wording, requesting the same
    generic drugs (all of the item's: a Norco request's are hydrocodone and acetaminophen),
    and citing a page the reviewer cited, keyed by (item id, "treatment" | "drug" |
    "citation"); one query for all items.

    Each part is a LIMIT over an index: the treatment-key B-tree (already in newest order), and
    the generic-names and reviewer-pages GIN indexes (or the newest-first index, for a drug
    many items request).
    """
    fields = tuple(SimilarRow.__annotations__)
    parts: list[QuerySet] = []
    for item in items:
        others = DisputedItem.objects.exclude(letter_id=item.letter_id).order_by(*NEWEST)
        matches = {"treatment": others.filter(treatment_key=item.treatment_key)}
        if item.generic_names:
            matches["drug"] = others.filter(generic_names__contains=item.generic_names)
        if item.reviewer_pages:
            matches["citation"] = others.filter(reviewer_pages__overlap=item.reviewer_pages)
        parts.extend(
            qs.values(*fields, source=Value(item.pk), kind=Value(kind))[:SIMILAR_PER_KIND]
            for kind, qs in matches.items()
        )
    if not parts:
        return {}
    found: dict[tuple[int, str], list[SimilarRow]] = {}
    for row in parts[0].union(*parts[1:], all=True):
        similar = cast(SimilarRow, {name: row[name] for name in fields})  # the row's own fields
        found.setdefault((row["source"], row["kind"]), []).append(similar)
    return found
