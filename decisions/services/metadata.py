"""Apply the DWC's metadata to stored letters: fill what a letter does not state, never what
it does, and keep every disagreement for an admin to see.

One service behind `manage.py apply_metadata`, `manage.py ingest --metadata` and ingest itself
(a case's rows may come before its letter: they are kept as `DwcCase` rows and applied when
the letter is stored, and again after a re-parse).

What a case's rows do to its letters (every stored letter with that case number):
- the DWC's decision and received dates are kept beside the letter's own
  (`Letter.dwc_decision_date`, `dwc_received_date`); an item's `decision_date`, which "newest
  first" and the date filters read, is the letter's date, else the DWC's;
- when the rows are as many as the letter's items, each item gets the DWC's category and
  sub-category by position, and a decision that differs from the letter's is a conflict;
  otherwise the number of items is the conflict and only the letter's values apply;
- a date of injury, or a specialty (compared by grouping name, decisions/specialties.py), that
  differs from the letter's is a conflict. The letter's value always stands.
Conflicts are stored (`MetadataConflict`, one per letter, field and item) and replaced each
time a letter's rows are applied, so the list always says how the two sources differ now.

Files are read a batch of cases at a time: a file of the whole record never sits in memory,
and what a batch found (its bad rows and conflicts) goes to the caller's `report` as soon as
the batch is applied, never kept for the whole file. A run that stops leaves whole batches
kept and applied; running the file again is harmless (the same rows write nothing new).

Beside a concurrent ingest (or another file, or a re-parse), each application of kept rows:
- reads the kept rows only after they are committed: a batch's rows are kept in one
  transaction and applied in the next. A letter about to be written takes its case's kept rows
  as they are then (`give_kept_values`: written once with its values, not inserted then
  updated). Keeping rows and writing letters with them take turns on one advisory lock
  (`KEPT_ROWS_LOCK`: keeping holds it alone, writers share it, each to its transaction's
  end), so for a letter stored while its case's rows are loaded one side always sees the
  other: rows kept first are read by the letter's writer, a letter written first is read by
  the load's application, which comes after its rows' commit. Without the turns, a writer
  could read no rows, the rows commit and be applied to the letters committed so far, and the
  letter commit last with neither side having applied them. (Ingest used to apply the kept
  rows again after each batch instead: the same guarantee for ~4% of its database time.)
- locks the letters it applies to, in id order, before it reads their kept rows: two
  applications to one letter take turns (never a deadlock), and the later reads the latest
  rows, so a letter never keeps an older file's values than its case's kept rows;
- changes dates and DWC categories, which no facet counts, so the item trigger moves search
  entries in place and counts nothing (decisions/schema.py); its look-up of the items'
  combinations still waits for an uncommitted ingest batch that added to one of them, and
  then goes on: ingest's batches wait for nothing applying holds, so the two never deadlock.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection, transaction
from django.db.models import QuerySet

from ..dwc_metadata import BadRow, CaseRows, read_metadata
from ..models import DisputedItem, DwcCase, Letter, MetadataConflict
from ..specialties import grouping_name_of

BATCH_SIZE = 1000

# The advisory lock that keeping rows (exclusive) and writing letters with them (shared) take
# turns on (the module's docstring says why): pg_advisory_xact_lock(key, 0), the key "IMRk" in
# ASCII, beside the upload locks' "IMRu" (decisions/services/upload_jobs.py).
KEPT_ROWS_LOCK = 0x494D526B
_KEEPING = "SELECT pg_advisory_xact_lock(%s, 0)"
_WRITING_LETTERS = "SELECT pg_advisory_xact_lock_shared(%s, 0)"

_LETTERS = """
UPDATE decisions_letter AS l
SET dwc_decision_date = v.decision_date, dwc_received_date = v.received_date
FROM unnest(%s::bigint[], %s::date[], %s::date[]) AS v (id, decision_date, received_date)
WHERE l.id = v.id
  AND (l.dwc_decision_date, l.dwc_received_date)
      IS DISTINCT FROM (v.decision_date, v.received_date)
"""

# Only the items whose values change: the item trigger then moves their search entries to the
# new date in place, without parsing their words again (decisions/schema.py).
_ITEMS = """
UPDATE decisions_disputeditem AS i
SET decision_date = v.decision_date, received_date = v.received_date,
    dwc_category = v.category, dwc_subcategory = v.subcategory
FROM unnest(%s::bigint[], %s::date[], %s::date[], %s::text[], %s::text[])
    AS v (id, decision_date, received_date, category, subcategory)
WHERE i.id = v.id
  AND (i.decision_date, i.received_date, i.dwc_category, i.dwc_subcategory)
      IS DISTINCT FROM (v.decision_date, v.received_date, v.category, v.subcategory)
"""


@dataclass(frozen=True)
class Conflict:
    letter_id: int
    case_number: str
    field: MetadataConflict.Field
    position: int | None
    letter_value: str
    dwc_value: str
    source_name: str  # the DWC file that says otherwise

    def describe(self) -> str:
        where = f" item {self.position}" if self.position else ""
        return (
            f"{self.case_number}{where}: {self.field.label}: the letter says "
            f"{self.letter_value}, the DWC's data {self.dwc_value} (the letter's stands)"
        )


@dataclass
class MetadataSummary:
    source_name: str
    cases: int = 0  # cases read from the file
    items: int = 0  # rows read (one per item)
    letters: int = 0  # stored letters the rows applied to
    pending: int = 0  # cases with no stored letter yet: kept, applied when one is stored
    skipped: int = 0  # rows that could not be read (each reported)
    conflicts: int = 0  # disagreements with the letters (each reported, and stored)

    def describe(self) -> str:
        return (
            f"{self.source_name}: {self.cases} cases ({self.items} rows) read, applied to "
            f"{self.letters} stored letters, {self.pending} cases kept for letters not stored "
            f"yet; {self.conflicts} conflicts, {self.skipped} rows skipped"
        )


# What a load reports after each batch: the totals so far, and the batch's bad rows and
# conflicts (the caller prints or stores them; the service keeps neither).
Report = Callable[[MetadataSummary, list[BadRow], list[Conflict]], None]


def load_metadata(
    lines: Iterable[str],
    source_name: str,
    *,
    batch_size: int = BATCH_SIZE,
    report: Report | None = None,
) -> MetadataSummary:
    """Keep a DWC metadata file's cases and apply them to the stored letters they name.

    `lines` is the file's text, line by line. Raises dwc_metadata.MetadataFileError when the
    file as a whole cannot be read (its header lacks a column); bad rows are skipped, counted
    and handed to `report` with the batch they were read in.
    """
    summary = MetadataSummary(source_name)
    bad_rows: list[BadRow] = []
    for batch in _batches(read_metadata(lines), batch_size, bad_rows):
        with transaction.atomic():
            _keep(batch, source_name)
        # Applied once committed (the module's docstring says why).
        numbers = {case.case_number for case in batch}
        applied, conflicts = _apply(Letter.objects.filter(case_number__in=list(numbers)))
        summary.cases += len(batch)
        summary.items += sum(len(case.items) for case in batch)
        summary.letters += len(applied)
        summary.pending += len(numbers - applied)
        _reported(summary, report, bad_rows, conflicts)
    if bad_rows:  # rows after the last case
        _reported(summary, report, bad_rows, [])
    return summary


def _reported(
    summary: MetadataSummary,
    report: Report | None,
    bad_rows: list[BadRow],
    conflicts: list[Conflict],
) -> None:
    """Count what a batch found and hand it to `report`; `bad_rows` is emptied for the next."""
    summary.skipped += len(bad_rows)
    summary.conflicts += len(conflicts)
    if report is not None:
        report(summary, list(bad_rows), conflicts)
    bad_rows.clear()


def apply_stored_metadata(letter_ids: Iterable[int]) -> list[Conflict]:
    """Apply the kept DWC rows to these stored letters, if any name them: letters that a later
    copy's file name has just given a case number (letters written with their case's kept rows
    get them as they are written: `give_kept_values`)."""
    ids = list(letter_ids)
    # Without any DWC data loaded, one trivial query.
    if not ids or not DwcCase.objects.exists():
        return []
    letters = Letter.objects.filter(pk__in=ids)
    numbers = list(letters.exclude(case_number=None).values_list("case_number", flat=True))
    # Looked up by number (an index probe each): as a subquery, Postgres hashed the whole table.
    kept = DwcCase.objects.filter(case_number__in=numbers).values_list("case_number", flat=True)
    named = list(kept)
    return _apply(letters.filter(case_number__in=named))[1] if named else []


def give_kept_values(
    letters: list[tuple[Letter, list[str]]],
) -> tuple[dict[int, list[tuple[str | None, str | None]]], list[Conflict]]:
    """Give letters about to be stored (ids assigned, not written yet) what their case's kept
    rows say, by the same rules as applying them to stored letters; `letters` pairs each
    with its items' outcomes, in position order.

    Sets each letter's DWC dates (its items' dates follow from them, decisions/services/
    letters.py); returns each letter's items' (category, sub-category) by position, and the
    conflicts, for the caller to write with the rows. Rows written with their values are
    written once: applied afterwards, each letter and item, and its search entry, would be
    written twice, and a load with its metadata first would double both tables.

    To be called in the transaction that writes the letters: no rows are kept from here to its
    end (KEPT_ROWS_LOCK), so rows kept later are applied to these letters by their own load.
    """
    _take_turns(keeping=False)
    numbers = [letter.case_number for letter, _ in letters if letter.case_number]
    cases = DwcCase.objects.in_bulk(numbers, field_name="case_number") if numbers else {}
    categories: dict[int, list[tuple[str | None, str | None]]] = {}
    conflicts: list[Conflict] = []
    for letter, outcomes in letters:
        case = cases.get(letter.case_number or "")
        if case is None:
            continue
        new = _StoredLetter(
            letter.pk,
            case.case_number,
            letter.decision_date,
            letter.date_of_injury,
            letter.reviewer_specialty_canonical,
            letter.application_received,
            [(0, position, outcome) for position, outcome in enumerate(outcomes, start=1)],
        )
        letter.dwc_decision_date, letter.dwc_received_date = case.decision_date, case.received_date
        categories[letter.pk] = [row[3:] for row in _item_rows(new, case)]
        conflicts += _conflicts(new, case)
    return categories, conflicts


def _take_turns(*, keeping: bool) -> None:
    """Take KEPT_ROWS_LOCK, alone to keep rows, shared to write letters with them, until the
    transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("KEPT_ROWS_LOCK is held to a transaction's end: take it in one")
    with connection.cursor() as cursor:
        cursor.execute(_KEEPING if keeping else _WRITING_LETTERS, [KEPT_ROWS_LOCK])


def _batches(
    results: Iterator[CaseRows | BadRow], size: int, bad_rows: list[BadRow]
) -> Iterator[list[CaseRows]]:
    """The file's cases in lists of `size`; its bad rows go to `bad_rows` as they come."""

    def cases() -> Iterator[CaseRows]:
        for result in results:
            if isinstance(result, BadRow):
                bad_rows.append(result)
            else:
                yield result

    stream = cases()
    while batch := list(islice(stream, size)):
        yield batch


def _keep(batch: list[CaseRows], source_name: str) -> None:
    """Store the cases' rows, replacing what an earlier file said of the same cases, in the
    caller's transaction, which letters are not written with kept rows beside (KEPT_ROWS_LOCK)."""
    _take_turns(keeping=True)
    rows = [
        DwcCase(
            case_number=case.case_number,
            decision_date=case.decision_date,
            date_of_injury=case.date_of_injury,
            received_date=case.received_date,
            specialty=case.specialty,
            items=[
                {
                    "category": item.category,
                    "subcategory": item.subcategory,
                    "decision": item.decision,
                    "line": item.line,
                }
                for item in case.items
            ],
            source_name=source_name,
            first_line=case.first_line,
        )
        for case in batch
    ]
    # A case twice in one batch (its rows split in the file): the later rows win, as they
    # would in a later batch.
    unique = {row.case_number: row for row in rows}
    DwcCase.objects.bulk_create(
        # In case-number order, so that two files loaded at once lock shared cases in the same
        # order, and neither waits for the other in a cycle.
        sorted(unique.values(), key=lambda row: row.case_number),
        update_conflicts=True,
        unique_fields=["case_number"],
        update_fields=[
            "decision_date",
            "date_of_injury",
            "received_date",
            "specialty",
            "items",
            "source_name",
            "first_line",
            "loaded_at",
        ],
    )


@dataclass
class _StoredLetter:
    id: int
    case_number: str
    decision_date: datetime.date | None
    date_of_injury: datetime.date | None
    specialty: str | None  # the grouping name
    received: datetime.date | None  # the letter's application_received
    items: list[tuple[int, int, str]] = field(default_factory=list)  # (id, position, outcome)


def _letters_of(letters: QuerySet[Letter]) -> list[_StoredLetter]:
    """These letters with their items, each letter locked (in id order) until the caller's
    transaction ends. FOR NO KEY UPDATE: what the DWC dates' update takes anyway, and it lets
    rows that refer to the letter (its conflicts) be written meanwhile."""
    letters = letters.select_for_update(no_key=True, of=("self",)).order_by("pk")
    found = {
        pk: _StoredLetter(pk, number or "", decided, injured, specialty, received)
        for pk, number, decided, injured, specialty, received in letters.values_list(
            "pk",
            "case_number",
            "decision_date",
            "date_of_injury",
            "reviewer_specialty_canonical",
            "application_received",
        )
    }
    items = DisputedItem.objects.filter(letter_id__in=list(found)).order_by("letter_id", "position")
    for letter_id, pk, position, outcome in items.values_list(
        "letter_id", "pk", "position", "outcome"
    ):
        found[letter_id].items.append((pk, position, outcome))
    return list(found.values())


def _apply(letters: QuerySet[Letter]) -> tuple[set[str], list[Conflict]]:
    """Apply their case's kept rows to these letters, in a transaction of its own: the case
    numbers applied, and the conflicts found. The rows are read once the letters are locked
    (the module's docstring says why)."""
    with transaction.atomic():
        stored = _letters_of(letters)
        numbers = [letter.case_number for letter in stored]
        cases = DwcCase.objects.in_bulk(numbers, field_name="case_number") if numbers else {}
        return _applied([letter for letter in stored if letter.case_number in cases], cases)


def _applied(
    applied: list[_StoredLetter], cases: dict[str, DwcCase]
) -> tuple[set[str], list[Conflict]]:
    letter_rows: list[tuple] = []
    item_rows: list[tuple] = []
    conflicts: list[Conflict] = []
    for letter in applied:
        case = cases[letter.case_number]
        letter_rows.append((letter.id, case.decision_date, case.received_date))
        item_rows += _item_rows(letter, case)
        conflicts += _conflicts(letter, case)
    if applied:
        _write(letter_rows, item_rows, conflicts, [letter.id for letter in applied])
    return {letter.case_number for letter in applied}, conflicts


def _item_rows(letter: _StoredLetter, case: DwcCase) -> list[tuple]:
    """(id, decision date, received date, DWC category, sub-category) of each item: the
    category only where the DWC's rows are as many as the letter's items, so a position names
    the same item. The dates are the letter's, else the DWC's, as ingest fills them."""
    date = letter.decision_date or case.decision_date
    received = letter.received or case.received_date
    if len(case.items) != len(letter.items):
        return [(pk, date, received, None, None) for pk, _, _ in letter.items]
    return [
        (pk, date, received, row["category"], row["subcategory"])
        for (pk, _, _), row in zip(letter.items, case.items, strict=True)
    ]


def _conflicts(letter: _StoredLetter, case: DwcCase) -> list[Conflict]:
    """Where the DWC's rows say otherwise than the letter (whose values stand)."""
    Field = MetadataConflict.Field
    found: list[tuple[MetadataConflict.Field, int | None, object, object]] = []
    if len(case.items) != len(letter.items):
        found.append((Field.ITEMS, None, len(letter.items), len(case.items)))
    else:
        found += [
            (Field.DECISION, position, outcome, row["decision"])
            for (_, position, outcome), row in zip(letter.items, case.items, strict=True)
            if row["decision"] and row["decision"] != outcome
        ]
    ours, theirs = letter.date_of_injury, case.date_of_injury
    if ours and theirs and ours != theirs:
        found.append((Field.DATE_OF_INJURY, None, ours.isoformat(), theirs.isoformat()))
    dwc_specialty = grouping_name_of(case.specialty)
    if letter.specialty and dwc_specialty and letter.specialty != dwc_specialty:
        found.append((Field.SPECIALTY, None, letter.specialty, case.specialty))
    return [
        Conflict(
            letter.id, letter.case_number, what, position, str(mine), str(dwc), case.source_name
        )
        for what, position, mine, dwc in found
    ]


def _write(
    letter_rows: list[tuple],
    item_rows: list[tuple],
    conflicts: list[Conflict],
    letter_ids: list[int],
) -> None:
    """The batch's dates, item values and conflicts (each letter's replaced), in the caller's
    transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_LETTERS, [list(column) for column in zip(*letter_rows, strict=True)])
        if item_rows:
            cursor.execute(_ITEMS, [list(column) for column in zip(*item_rows, strict=True)])
    write_conflicts(conflicts, letter_ids)


def write_conflicts(conflicts: list[Conflict], letter_ids: list[int]) -> None:
    """Make these letters' stored conflicts the ones given: only those that are new or
    changed are written, and those no longer found deleted, so applying the same rows again
    writes nothing."""
    wanted = {(c.letter_id, c.field.value, c.position): _conflict_row(c) for c in conflicts}
    stored = {
        (row.letter_id, row.field, row.position): row
        for row in MetadataConflict.objects.filter(letter_id__in=letter_ids)
    }
    gone = [row.pk for key, row in stored.items() if key not in wanted]
    if gone:
        MetadataConflict.objects.filter(pk__in=gone).delete()
    MetadataConflict.objects.bulk_create(
        [row for key, row in wanted.items() if _differs(stored.get(key), row)],
        # Another transaction applying the same case at once (an ingest beside apply_metadata)
        # may have listed the same disagreement meanwhile: one row stays, with the latest values.
        update_conflicts=True,
        unique_fields=["letter", "field", "position"],
        update_fields=["case_number", "letter_value", "dwc_value", "source_name", "found_at"],
    )


def _conflict_row(c: Conflict) -> MetadataConflict:
    return MetadataConflict(
        letter_id=c.letter_id,
        case_number=c.case_number,
        field=c.field,
        position=c.position,
        letter_value=c.letter_value[:200],
        dwc_value=c.dwc_value[:200],
        source_name=c.source_name,
    )


def _differs(stored: MetadataConflict | None, wanted: MetadataConflict) -> bool:
    said = ("case_number", "letter_value", "dwc_value", "source_name")
    return stored is None or any(getattr(stored, a) != getattr(wanted, a) for a in said)
