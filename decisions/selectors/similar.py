"""Similar decisions: recent decisions in other letters on the same treatment wording, on the
same generic drugs (whatever the brand or wording: decisions/taxonomy), or citing a page the IMR
reviewer cited, shown beside each item of the letter page."""

from __future__ import annotations

from typing import TypedDict, cast

from django.db import connection

from ..models import DisputedItem

SIMILAR_PER_KIND = 3


class SimilarRow(TypedDict):
    """Another letter's item, as the letter page lists it."""

    id: int
    letter_id: int
    position: int
    treatment: str
    outcome: str
    reviewer_specialty_canonical: str | None


# The columns of a SimilarRow, in its order.
FIELDS = tuple(SimilarRow.__annotations__)

# What each kind matches on, the item's value as the one parameter. The same drugs: the same
# set of generic names, read from its index in newest order (decisions/schema.py DRUG_SET;
# its condition repeated, so that Postgres can use the partial index). A cited page: the
# array cast to the column's type, so that Postgres can use its GIN index.
MATCHES = {
    "treatment": "treatment_key = %s",
    "drug": (
        "generic_names <> '{}'"
        " AND decisions_drug_set(generic_names) = decisions_drug_set(%s::varchar[])"
    ),
    "citation": "reviewer_pages && %s::varchar[]",
}

# One part per item and kind: the newest items of other letters that match, a LIMIT over an
# index: the treatment-key and drug-set B-trees (already in newest order), the reviewer-pages
# GIN index, or the newest-first index for a page many items cite. Every
# part is planned with its own values, so Postgres picks the cheaper for each. The first
# column numbers the part. Written as SQL, not built by the ORM: the ORM compiled each part
# afresh, about 2 ms of Python per letter, most of the letter page's cost.
PART = (
    f"(SELECT %s, {', '.join(FIELDS)} FROM decisions_disputeditem"
    " WHERE letter_id <> %s AND {match}"
    f" ORDER BY decision_date DESC NULLS LAST, id DESC LIMIT {SIMILAR_PER_KIND})"
)
PARTS = {kind: PART.format(match=match) for kind, match in MATCHES.items()}


def item_similar(items: list[DisputedItem]) -> dict[tuple[int, str], list[SimilarRow]]:
    """Recent decisions in other letters on the same treatment wording, requesting the same
    generic drugs (the same set: a Norco request's are hydrocodone and acetaminophen, as a
    Vicodin request's; hydrocodone alone is another request), and citing a page the reviewer
    cited, newest first, keyed by (item id, "treatment" |
    "drug" | "citation"); one statement (PARTS, in UNION ALL) for all items.
    """
    keys: list[tuple[int, str]] = []  # what each part is about, by its number
    sql: list[str] = []
    params: list[int | str | list[str]] = []
    for item in items:
        matches: dict[str, str | list[str]] = {"treatment": item.treatment_key}
        if item.generic_names:
            matches["drug"] = item.generic_names
        if item.reviewer_pages:
            matches["citation"] = item.reviewer_pages
        for kind, value in matches.items():
            sql.append(PARTS[kind])
            params.extend((len(keys), item.letter_id, value))
            keys.append((item.pk, kind))
    if not keys:
        return {}
    found: dict[tuple[int, str], list[SimilarRow]] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        for part, *values in cursor.fetchall():
            found.setdefault(keys[part], []).append(
                cast(SimilarRow, dict(zip(FIELDS, values, strict=True)))
            )
    return found
