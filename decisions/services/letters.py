"""Rows for one parsed letter: the letter, its items and their citations.

Creation (ingest) and re-parsing both build rows here, so the copies of letter values kept on
item rows for the search can never drift from the letter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace

from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    OperationalError,
    connection,
    transaction,
)
from django.utils import timezone
from psycopg.types.json import Jsonb

from .. import schema
from ..extraction import LetterKind
from ..facets import FACETS
from ..models import Citation, DisputedItem, IngestRun, Letter, Party
from ..parsing import Basis, Item, ParseWarning
from ..parsing import Letter as ParsedLetter
from ..parsing.model import Citation as ParsedCitation
from ..specialties import grouping_name
from ..taxonomy import classify
from .bulk import allocate_ids, copy_instances, copy_rows
from .metadata import give_kept_values, write_conflicts


def refusal(exc: DatabaseError) -> str | None:
    """Why the database refused a letter for what it holds, in the database's words, or None
    when the error is not the letter's doing (a lost connection, a deadlock) and stops the run.

    A letter's values can break the schema (DataError: a 500-character specialty), a constraint
    (IntegrityError: the same letter stored by another ingest at once), or a limit of Postgres
    (class 54, program_limit_exceeded: a rationale of 1 MB of distinct words, too long for its
    search vector), which psycopg, and so Django, raise as an OperationalError. Only the first
    line of the message: Postgres adds the SQL it was running.
    """
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or ""
    if isinstance(exc, DataError | IntegrityError) or (
        isinstance(exc, OperationalError) and sqlstate.startswith("54")
    ):
        return str(exc).split("\n", 1)[0]
    return None


def letter_fields(parsed: ParsedLetter) -> dict:
    """The Letter columns a parse determines (everything but identity, source and provenance)."""
    return {
        "layout": parsed.layout,
        "case_number": parsed.case_number,
        "case_number_source": parsed.case_number_source,
        "date_assigned": parsed.date_assigned,
        "decision_date": parsed.decision_date,
        "ur_denial_date": parsed.ur_denial_date,
        "application_received": parsed.application_received,
        "reviewer_specialty": parsed.reviewer.specialty,
        "reviewer_subspecialty": parsed.reviewer.subspecialty,
        "reviewer_specialty_canonical": grouping_name(
            parsed.reviewer.specialty, parsed.reviewer.specialty_canonical
        ),
        "reviewer_subspecialty_canonical": grouping_name(
            parsed.reviewer.subspecialty, parsed.reviewer.subspecialty_canonical
        ),
        "reviewer_licensed_in": list(parsed.reviewer.licensed_in),
        "patient_age": parsed.patient.age,
        "patient_sex": parsed.patient.sex,
        "date_of_injury": parsed.patient.date_of_injury,
        "case_summary": parsed.case_summary,
        "documents_reviewed": (
            None if parsed.documents_reviewed is None else list(parsed.documents_reviewed)
        ),
        "warnings": warning_records(parsed.warnings),
        "warning_codes": sorted({w.code for w in all_warnings(parsed)}),
    }


def with_kept_case_number(parsed: ParsedLetter, stored: Letter) -> ParsedLetter:
    """A re-parse of `stored` keeping the case number a later copy's file name gave it (which
    its own text and file name cannot give again), unless the text now states one."""
    if (
        parsed.case_number is None
        and stored.case_number
        and stored.case_number_source == Letter.CaseNumberSource.FILE_NAME
    ):
        return replace(parsed, case_number=stored.case_number, case_number_source="file_name")
    return parsed


def letters_give_case_numbers(numbers: dict[int | None, str | None]) -> list[int]:
    """Give stored letters without a case number the one a later copy's file name carries
    (letter id -> number); the ids of the letters given one. A letter that has a number keeps
    it, whatever the copy's name says."""
    ids = [pk for pk, number in numbers.items() if pk is not None and number]
    if not ids:
        return []
    # One conditional update each: a letter given a number meanwhile (by another ingest, or a
    # re-parse) keeps it.
    return [
        pk
        for pk in ids
        if Letter.objects.filter(pk=pk, case_number__isnull=True).update(
            case_number=numbers[pk], case_number_source=Letter.CaseNumberSource.FILE_NAME
        )
    ]


def all_warnings(parsed: ParsedLetter) -> list[ParseWarning]:
    """The letter's warnings, then each item's, in letter order."""
    return [*parsed.warnings, *(w for item in parsed.items for w in item.warnings)]


def warning_records(warnings: Iterable[ParseWarning]) -> list[dict]:
    """Warnings as stored (JSON): {code, field, message, quote} each, as the contract has them."""
    return [asdict(warning) for warning in warnings]


def guideline_mismatch(item: Item) -> bool | None:
    """Did the IMR reviewer rely on a guideline family the claims administrator did not?

    Null when either side cites nothing: there is nothing to compare, and calling that a
    mismatch would flood the filter with every "did not cite any medical evidence" item.
    """
    claims = _families(item.claims_administrator_basis)
    reviewer = _families(item.reviewer_basis)
    if not claims or not reviewer:
        return None
    return claims != reviewer


def _families(basis: Basis | None) -> frozenset[str]:
    return frozenset(c.guideline for c in basis.citations) if basis else frozenset()


def _item_values(
    letter: Letter, position: int, item: Item, dwc: tuple[str | None, str | None]
) -> dict:
    """An item row's stored values, by attribute name (the id is assigned by the caller);
    `dwc` is the DWC's category and sub-category of the item, if its case's rows give them."""
    return {
        "letter_id": letter.pk,
        "position": position,
        "treatment": item.treatment,
        "rationale": item.rationale,
        "claims_administrator_basis": _basis_text(item.claims_administrator_basis),
        "reviewer_basis": _basis_text(item.reviewer_basis),
        "warnings": Jsonb(warning_records(item.warnings)),
        "patient_age": letter.patient_age,
        "patient_sex": letter.patient_sex,
        "date_of_injury": letter.date_of_injury,
        "decision_date": letter.decision_date or letter.dwc_decision_date,
        "generic_names": list(classify(item.treatment).generic_names),
        "received_date": letter.application_received or letter.dwc_received_date,
        "dwc_category": dwc[0],
        "dwc_subcategory": dwc[1],
        **_facet_values(letter, item),
    }


def _facet_values(letter: Letter, item: Item) -> dict:
    """The item's value of every facet column (decisions/facets.py), by column, in their
    order: a facet added to the list without its value here fails every ingest at once."""
    requested = classify(item.treatment)  # the second call for an item is a cache hit
    values = {
        "category": requested.category.value,
        "drug_class": None if requested.drug_class is None else requested.drug_class.value,
        "outcome": item.outcome,
        "reviewer_specialty_canonical": letter.reviewer_specialty_canonical,
        "guideline_mismatch": guideline_mismatch(item),
        **reviewer_citation_columns(item.reviewer_basis.citations if item.reviewer_basis else ()),
    }
    return {facet.column: values[facet.column] for facet in FACETS}


# Makes the combinations of a batch's items that are not stored yet (see combinations_create),
# as the item trigger would: the same statement over the batch's values, a JSON array.
_COMBINATIONS = schema.insert_combinations(
    f"jsonb_to_recordset(%s::jsonb) AS r ({schema.typed_columns()})"
)


def combinations_create(pairs: list[tuple[Letter, ParsedLetter]]) -> None:
    """Store, in a transaction of their own, the facet combinations the items of `pairs` will
    need (with no items yet: the item trigger counts them).

    The item trigger makes missing combinations itself (decisions/schema.py), but a
    combination it inserts stays locked until the batch commits, and a concurrent writer whose
    batch has the same new combination waits for that whole batch. Made ahead and committed at
    once, they are only found. Values the schema cannot hold (a specialty too long) fail the
    batch's own transaction as they did before, which pins them on their letter; here they
    only mean the trigger makes what was not made ahead, so that error is not reported twice.
    """
    combinations = [
        _facet_values(letter, item) for letter, parsed in pairs for item in parsed.items
    ]
    if not combinations:
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_COMBINATIONS, [json.dumps(combinations)])
    except DataError:
        pass


def reviewer_citation_columns(
    citations: Iterable[ParsedCitation | Citation],
) -> dict[str, list[str]]:
    """The item's copies of its reviewer citations, which the search filters and facets read.

    Accepts parsed citations or stored Citation rows (same attribute names), so rows built by
    hand in tests get exactly what ingest writes. Sorted, without repeats: an item citing page
    46 twice is still one item citing page 46.
    """
    citations = list(citations)
    return {
        "reviewer_guidelines": sorted({c.guideline for c in citations}),
        "reviewer_documents": sorted({c.document for c in citations if c.document}),
        "reviewer_pages": sorted(
            {
                DisputedItem.page_key(c.document, page)
                for c in citations
                if c.document
                for page in c.pages
            }
        ),
    }


def _basis_text(basis: Basis | None) -> str | None:
    return None if basis is None else basis.text


def _citation_values(item_id: int, item: Item) -> Iterator[dict]:
    for party, basis in (
        (Party.CLAIMS_ADMINISTRATOR.value, item.claims_administrator_basis),
        (Party.REVIEWER.value, item.reviewer_basis),
    ):
        if basis is None:
            continue
        for position, citation in enumerate(basis.citations, start=1):
            yield {
                "item_id": item_id,
                "party": party,
                "position": position,
                "guideline": citation.guideline,
                "document": citation.document,
                "topic": citation.topic,
                "pages": list(citation.pages),
                "text": citation.text,
            }


def items_create(
    pairs: list[tuple[Letter, ParsedLetter]],
    dwc: dict[int, list[tuple[str | None, str | None]]] | None = None,
) -> None:
    """Insert the items and citations of stored letters: three statements for any number.

    `dwc` gives, by letter id, its items' DWC categories in position order (see
    metadata.give_kept_values); other letters' items have none.

    Rows go to COPY as plain values: building model instances for them cost more than
    Postgres spends storing them. The items go last (the citations' foreign key is checked at
    commit): their statement's trigger locks the shared count rows (decisions/schema.py), and
    a concurrent writer waits for those locks until this transaction ends.
    """
    given = dwc or {}
    no_dwc = (None, None)
    parsed_items = [
        (letter, position, item, given[letter.pk][position - 1] if letter.pk in given else no_dwc)
        for letter, parsed in pairs
        for position, item in enumerate(parsed.items, start=1)
    ]
    ids = allocate_ids(DisputedItem, len(parsed_items))
    copy_rows(
        Citation,
        (
            values
            for pk, (_, _, item, _) in zip(ids, parsed_items, strict=True)
            for values in _citation_values(pk, item)
        ),
    )
    copy_rows(
        DisputedItem,
        (
            {"id": pk, **_item_values(letter, position, item, given_dwc)}
            for pk, (letter, position, item, given_dwc) in zip(ids, parsed_items, strict=True)
        ),
    )


@dataclass(frozen=True)
class NewLetter:
    """What storing a letter needs besides its parse: identity, source and the kept original."""

    parsed: ParsedLetter
    sha256: str
    fingerprint: str
    source_name: str
    kind: LetterKind
    raw_text: str
    original_path: str | None


def letters_create(
    new: list[NewLetter], *, run: IngestRun, on_stored: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Store new letters whole in one transaction; returns sha256 -> id of each.

    The caller has checked that none is stored yet. If another ingest stores one of them
    meanwhile, a unique index (sha256, or the content fingerprint) fails this call, as does any
    other database error; the caller then stores the letters one by one with `letter_create`,
    which tells a duplicate from a failure and pins a failure on the letter that caused it.

    `on_stored` hears how many letters were stored, in their transaction, so that what it
    records (the run's count) commits with them or not at all. It is called last, after the
    item triggers have locked the shared count rows: every writer then takes the run's row after
    those, in the same order, so two writers never wait for each other in a cycle.

    Letters whose case's DWC rows are already kept are written with their values
    (metadata.give_kept_values), not updated after.
    """
    rows = [_letter_row(spec, run) for spec in new]
    combinations_create([(row, spec.parsed) for row, spec in zip(rows, new, strict=True)])
    with transaction.atomic():
        for row, pk in zip(rows, allocate_ids(Letter, len(rows)), strict=True):
            row.pk = pk
        dwc, conflicts = give_kept_values(
            [
                (row, [i.outcome for i in spec.parsed.items])
                for row, spec in zip(rows, new, strict=True)
            ]
        )
        copy_instances(Letter, rows)
        items_create([(row, spec.parsed) for row, spec in zip(rows, new, strict=True)], dwc)
        write_conflicts(conflicts, [])
        if on_stored is not None:
            on_stored(len(rows))
    return {row.sha256: row.pk for row in rows}


def letter_create(
    spec: NewLetter, *, run: IngestRun, on_stored: Callable[[int], None] | None = None
) -> Letter | None:
    """Store one letter whole, or return None when its file (SHA-256) or its content
    (fingerprint) is already stored.

    `on_stored` as for `letters_create`: called in the letter's transaction when it is stored.
    Its case's kept DWC rows give it their values as `letters_create` gives them.
    """
    row = _letter_row(spec, run)
    with transaction.atomic():
        row.pk = allocate_ids(Letter, 1)[0]
        dwc, conflicts = give_kept_values([(row, [i.outcome for i in spec.parsed.items])])
        Letter.objects.bulk_create([row], ignore_conflicts=True)
        # ON CONFLICT DO NOTHING says nothing of what it did: the row is there if it was ours.
        if not Letter.objects.filter(pk=row.pk).exists():
            return None
        items_create([(row, spec.parsed)], dwc)
        write_conflicts(conflicts, [])
        if on_stored is not None:
            on_stored(1)
    return row


def _letter_row(spec: NewLetter, run: IngestRun) -> Letter:
    letter = Letter(
        sha256=spec.sha256,
        fingerprint=spec.fingerprint,
        source_name=spec.source_name[:1000],
        original_kind=spec.kind,
        raw_text=spec.raw_text,
        ingest_run=run,
        **letter_fields(spec.parsed),
    )
    if spec.original_path:
        letter.original_file.name = spec.original_path
    return letter


def letter_replace_parse(letter: Letter, parsed: ParsedLetter) -> None:
    """Apply a new parse to a stored letter in place: its id and URL stay, items are rebuilt,
    with what its case's kept DWC rows give them (written once, as ingest writes them)."""
    with transaction.atomic():
        for name, value in letter_fields(parsed).items():
            setattr(letter, name, value)
        letter.parsed_at = timezone.now()
        dwc, conflicts = give_kept_values([(letter, [item.outcome for item in parsed.items])])
        letter.save()
        letter.items.all().delete()
        items_create([(letter, parsed)], dwc)
        write_conflicts(conflicts, [letter.pk])
