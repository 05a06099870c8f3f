"""The letter page: a letter with its items, both parties' citations, similar decisions and
the parser's warnings beside the values they concern, in four queries whatever the letter's
size; and the warnings of freshly loaded letters, for the upload report."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch

from ..models import Citation, DisputedItem, Letter, MetadataConflict, Party
from ..search.vocabulary import headline, search_query
from .similar import SimilarRow, item_similar

# Where the page shows each value a warning's `field` may name ("reviewer.specialty",
# "items[2].reviewer_basis.citations[1]"): the value's place on the page and its label there.
# A field named nowhere here is still listed in the letter's summary of warnings.
LETTER_PLACES = {
    "reviewer.specialty": ("specialty", "Reviewer specialty"),
    "reviewer.subspecialty": ("subspecialty", "Subspecialty"),
    "reviewer.licensed_in": ("licensed_in", "Licensed in"),
    "patient.age": ("patient", "Patient"),
    "patient.sex": ("patient", "Patient"),
    "patient.date_of_injury": ("date_of_injury", "Date of injury"),
    "case_number": ("case_number", "Case number"),
    "decision_date": ("decision_date", "Decision date"),
    "ur_denial_date": ("ur_denial_date", "UR denial date"),
    "date_assigned": ("date_assigned", "Date assigned"),
    "application_received": ("application_received", "Application received"),
    "case_summary": ("case_summary", "Clinical case summary"),
    "documents_reviewed": ("documents_reviewed", "Documents reviewed"),
}
# An item's labels follow its number ("Item 2, what the IMR reviewer relied on").
ITEM_PLACES = {
    "treatment": ("treatment", "treatment"),
    "outcome": ("outcome", "outcome"),
    "claims_administrator_basis": (
        "claims_administrator_basis",
        "what the claims administrator relied on",
    ),
    "reviewer_basis": ("reviewer_basis", "what the IMR reviewer relied on"),
    "rationale": ("rationale", "decision rationale"),
}
# An item's warning may name its field from the letter ("items[2].rationale") or the item.
_ITEM_FIELD = re.compile(r"^items\[\d+\]\.")


@dataclass(frozen=True)
class WarningNote:
    """One of the parser's warnings as the pages show it, and which value it concerns."""

    code: str
    field: str
    message: str
    quote: str
    item: int | None = None  # the position of the item it is about, if any
    place: str = ""  # where the page shows the value (LETTER_PLACES, ITEM_PLACES); "" nowhere
    label: str = ""  # the value's label there, "" when it has no place

    @classmethod
    def of(cls, warning: dict, item: int | None = None) -> WarningNote:
        """A stored warning ({code, field, message, quote}), of the letter or of item `item`."""
        if item is None:
            places, path = LETTER_PLACES, warning["field"]
        else:
            places, path = ITEM_PLACES, _ITEM_FIELD.sub("", warning["field"], count=1)
        # The value itself ("reviewer.specialty") or a part of it ("reviewer_basis.citations[1]").
        place, label = next(
            (
                places[p]
                for p in places
                if path == p or (path.startswith(p) and path[len(p)] in ".[")
            ),
            ("", ""),
        )
        return cls(
            code=warning["code"],
            field=warning["field"],
            message=warning["message"],
            quote=warning["quote"],
            item=item,
            place=place,
            label=label,
        )


@dataclass(frozen=True)
class ItemDetail:
    """An item as the letter page shows it: both parties' citations, similar decisions, and
    its warnings: `notes` by place (ITEM_PLACES) and `other_notes`, those with no place."""

    item: DisputedItem
    claims_cited: list[Citation]
    reviewer_cited: list[Citation]
    similar_treatment: list[SimilarRow]
    similar_drug: list[SimilarRow]
    similar_citation: list[SimilarRow]
    notes: dict[str, list[WarningNote]] = field(default_factory=dict)
    other_notes: list[WarningNote] = field(default_factory=list)


@dataclass(frozen=True)
class LetterDetail:
    """A letter with its items in order.

    With a query, `letter.summary_marked`, and each item's `treatment_marked` and
    `rationale_marked`, hold the whole texts with highlight sentinels. `notes` are the letter's
    own warnings by place (LETTER_PLACES); `all_notes` every warning, the letter's and then
    each item's.
    """

    letter: Letter
    items: list[ItemDetail]
    query: str
    notes: dict[str, list[WarningNote]] = field(default_factory=dict)
    all_notes: list[WarningNote] = field(default_factory=list)
    # Where the DWC's metadata says otherwise than the letter (whose values stand).
    conflicts: list[MetadataConflict] = field(default_factory=list)


def by_place(notes: Iterable[WarningNote]) -> defaultdict[str, list[WarningNote]]:
    """Notes by the place of their value; a place without any reads as an empty list."""
    placed: defaultdict[str, list[WarningNote]] = defaultdict(list)
    for note in notes:
        placed[note.place].append(note)
    return placed


def letter_detail(*, pk: int, query: str = "") -> LetterDetail | None:
    """Five queries whatever the letter's size: letter, items, citations, similar decisions,
    and where the DWC's metadata disagrees with the letter."""
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
    letter_notes = [WarningNote.of(warning) for warning in letter.warnings]
    all_notes = list(letter_notes)
    details = []
    for item in rows:
        cited = list(item.citations.all())
        item_notes = [WarningNote.of(warning, item.position) for warning in item.warnings]
        notes = by_place(item_notes)
        other_notes = notes.pop("", [])
        all_notes.extend(item_notes)
        details.append(
            ItemDetail(
                item=item,
                claims_cited=[c for c in cited if c.party == Party.CLAIMS_ADMINISTRATOR],
                reviewer_cited=[c for c in cited if c.party == Party.REVIEWER],
                similar_treatment=similar.get((item.pk, "treatment"), []),
                similar_drug=similar.get((item.pk, "drug"), []),
                similar_citation=similar.get((item.pk, "citation"), []),
                notes=notes,
                other_notes=other_notes,
            )
        )
    return LetterDetail(
        letter=letter,
        items=details,
        query=query,
        notes=by_place(letter_notes),
        all_notes=all_notes,
        conflicts=list(letter.metadata_conflicts.all()),
    )


def letters_warnings(letter_ids: Iterable[int]) -> dict[int, list[WarningNote]]:
    """Every warning of each letter that has any, the letter's own and then its items' in
    order, by letter id: two queries whatever the number of letters."""
    ids = list(letter_ids)
    found: dict[int, list[WarningNote]] = {}
    warned = Letter.objects.filter(pk__in=ids).exclude(warning_codes=[])
    for pk, warnings in warned.values_list("pk", "warnings"):
        found[pk] = [WarningNote.of(warning) for warning in warnings]
    items = (
        DisputedItem.objects.filter(letter_id__in=list(found))
        .exclude(warnings=[])
        .order_by("letter_id", "position")
        .values_list("letter_id", "position", "warnings")
    )
    for letter_id, position, warnings in items:
        found[letter_id].extend(WarningNote.of(warning, position) for warning in warnings)
    return found


def warning_code_counts() -> list[tuple[str, int]]:
    """How many letters have each warning code, most first: the review queue's choices.

    One pass over the codes of the warned letters alone, in their index (letter_warned_idx,
    an index-only scan), never over the wide letter table; the letters' own condition is the
    ORM's, so it is the index's, word for word.
    """
    warned = Letter.objects.exclude(warning_codes=[]).values("warning_codes")
    sql, params = warned.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, count(*) FROM ({sql}) AS l, unnest(l.warning_codes) AS code"
            " GROUP BY code ORDER BY count(*) DESC, code",
            params,
        )
        return cursor.fetchall()


def letters_with_case_number(number: str, *, at_most: int = 2) -> list[int]:
    """The ids of up to `at_most` letters with this case number (in its one form), oldest
    first: the search box tells one letter (go to it) from several (list them) or none."""
    return list(
        Letter.objects.filter(case_number=number)
        .order_by("pk")
        .values_list("pk", flat=True)[:at_most]
    )
