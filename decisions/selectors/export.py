"""The export: every result of a search, in the page's order, as CSV records or row dicts.

The results' ids come from the search's planner (`decisions.search.item_ids`), so the file
holds what the pages list, in their order; the rows are then read a chunk of ids at a time,
so memory stays flat however many rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.db import connection
from django.db.models import F

from ..models import DisputedItem, Letter, Outcome
from ..search import ItemFilter, item_ids
from ..search.vocabulary import OUTCOME_MEANINGS

EXPORT_CHUNK = 2000

# The export's columns, in order; the citation columns are the IMR reviewer's. `url` and
# `outcome_meaning` are not stored: the export adds them for readers of the file alone.
EXPORT_COLUMNS = (
    "url",
    "letter_id",
    "position",
    "case_number",
    "decision_date",
    "treatment",
    "outcome",
    "outcome_meaning",
    "reviewer_specialty",
    "patient_age",
    "patient_sex",
    "date_of_injury",
    "reviewer_guidelines",
    "reviewer_documents",
    "reviewer_pages",
    "guideline_mismatch",
    "claims_administrator_basis",
    "reviewer_basis",
    "rationale",
    "warnings",
    # What the item requests (decisions/taxonomy), last so that the columns before keep their
    # places in files read by position.
    "category",
    "drug_class",
    "generic_names",
    # The DWC's own category of the request (decisions/services/metadata.py), beside ours.
    "dwc_category",
    "dwc_subcategory",
)
# Read from the item row as named; the others are derived, come from the letter, or are
# read under another name.
_STORED_COLUMNS = [
    c
    for c in EXPORT_COLUMNS
    if c not in ("url", "outcome_meaning", "case_number", "warnings", "reviewer_specialty")
]

# Spreadsheet programs run a cell that starts with one of these as a formula; letter text is
# untrusted, so such cells get a leading apostrophe (OWASP's advice for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A CSV cell written in Python with FORMULA_STARTS defused, as `_csv_cell` does in SQL."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_cell(expression: str) -> str:
    """SQL for a text cell with FORMULA_STARTS defused (`expression` is ours, never input)."""
    starts = ", ".join(f"chr({ord(c)})" for c in FORMULA_STARTS)
    return (
        f"CASE WHEN left({expression}, 1) IN ({starts})"
        f" THEN chr(39) || {expression} ELSE {expression} END"
    )


# One chunk of the CSV export: a row per listed id, in the list's order, encoded by Postgres.
# The rows are read in id order (the tables' physical order), then put in the list's: at a
# million letters, reading a chunk in list order went to a random page per row (7,000 rows/s
# from the page cache), in id order to neighbouring ones (31,000 rows/s).
_CSV_CELLS = {
    "url": "%(letters_url)s || i.letter_id || '/#item-' || i.position",
    "letter_id": "i.letter_id",
    "position": "i.position",
    "case_number": _csv_cell("l.case_number"),
    "decision_date": "to_char(i.decision_date, 'YYYY-MM-DD')",
    "treatment": _csv_cell("i.treatment"),
    "outcome": "i.outcome",
    "outcome_meaning": "CASE i.outcome WHEN %(upheld)s THEN %(upheld_means)s"
    " WHEN %(overturned)s THEN %(overturned_means)s END",
    # The name the specialty is grouped under, as the facets and the filter have it.
    "reviewer_specialty": _csv_cell("i.reviewer_specialty_canonical"),
    "patient_age": "i.patient_age",
    "patient_sex": "i.patient_sex",
    "date_of_injury": "to_char(i.date_of_injury, 'YYYY-MM-DD')",
    "reviewer_guidelines": _csv_cell("array_to_string(i.reviewer_guidelines, '; ')"),
    "reviewer_documents": _csv_cell("array_to_string(i.reviewer_documents, '; ')"),
    "reviewer_pages": _csv_cell("array_to_string(i.reviewer_pages, '; ')"),
    "guideline_mismatch": "CASE i.guideline_mismatch WHEN true THEN 'yes' WHEN false THEN 'no' END",
    "claims_administrator_basis": _csv_cell("i.claims_administrator_basis"),
    "reviewer_basis": _csv_cell("i.reviewer_basis"),
    "rationale": _csv_cell("i.rationale"),
    # The codes of the parser's warnings about the row's values: the letter's and the item's.
    # (Codes are the parser's own words, never letter text.) In code point order, as Python
    # sorts the JSON's. Most rows have none, and for them the list's subquery was a quarter of
    # the whole export's time: they are told apart first.
    "warnings": "CASE WHEN l.warnings = '[]' AND i.warnings = '[]' THEN ''"
    " ELSE array_to_string(ARRAY(SELECT DISTINCT w ->> 'code' COLLATE \"C\""
    " FROM jsonb_array_elements(l.warnings || i.warnings) AS w ORDER BY 1), '; ') END",
    # The taxonomy's own words, never letter text: nothing to defuse. Empty for non-drugs.
    "category": "i.category",
    "drug_class": "i.drug_class",
    "generic_names": "array_to_string(i.generic_names, '; ')",
    # From the DWC's file, which an admin loaded: defused like letter text.
    "dwc_category": _csv_cell("i.dwc_category"),
    "dwc_subcategory": _csv_cell("i.dwc_subcategory"),
}
assert tuple(_CSV_CELLS) == EXPORT_COLUMNS
_CSV_CHUNK = f"""
    COPY (
        SELECT {", ".join(_CSV_CELLS.values())}
        FROM (
            SELECT * FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS listed (id, place)
            ORDER BY id
        ) AS listed
        JOIN {DisputedItem._meta.db_table} AS i ON i.id = listed.id
        JOIN {Letter._meta.db_table} AS l ON l.id = i.letter_id
        ORDER BY listed.place
    ) TO STDOUT WITH (FORMAT csv)
"""


def item_export_rows(filterset: ItemFilter, letters_url: str) -> Iterator[dict]:
    """Every result of a valid search as dicts of EXPORT_COLUMNS, in the page's order: the
    JSON export's rows, the CSV's values before encoding. `letters_url` is the address a
    letter id completes."""
    for chunk in _export_chunks(filterset):
        rows = (
            DisputedItem.objects.filter(pk__in=chunk)
            .order_by()
            .values(
                "id",
                *_STORED_COLUMNS,
                case_number=F("letter__case_number"),
                reviewer_specialty=F("reviewer_specialty_canonical"),
                item_warnings=F("warnings"),
                letter_warnings=F("letter__warnings"),
            )
        )
        by_id = {row["id"]: row for row in rows}
        for pk in chunk:
            row = by_id[pk]
            row["url"] = f"{letters_url}{row['letter_id']}/#item-{row['position']}"
            row["outcome_meaning"] = OUTCOME_MEANINGS[row["outcome"]]
            warnings = row["letter_warnings"] + row["item_warnings"]
            row["warnings"] = sorted({warning["code"] for warning in warnings})
            yield {column: row[column] for column in EXPORT_COLUMNS}


def item_export_csv(filterset: ItemFilter, letters_url: str) -> Iterator[bytes]:
    """Every result of a valid search as CSV records of EXPORT_COLUMNS (no header line), in the
    page's order; `letters_url` is the address a letter id completes.

    Postgres encodes the CSV itself (COPY ... TO STDOUT) and Python only passes its blocks on:
    building and quoting each row in Python capped a large export near 8,000 rows a second.
    """
    params = {
        "letters_url": letters_url,
        "upheld": Outcome.UPHELD.value,
        "upheld_means": OUTCOME_MEANINGS[Outcome.UPHELD],
        "overturned": Outcome.OVERTURNED.value,
        "overturned_means": OUTCOME_MEANINGS[Outcome.OVERTURNED],
    }
    for chunk in _export_chunks(filterset):
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(_CSV_CHUNK, {**params, "ids": chunk}) as copy,
        ):
            yield from (bytes(block) for block in copy)


def _export_chunks(filterset: ItemFilter) -> Iterator[list[int]]:
    """The results' ids in the page's order, EXPORT_CHUNK at a time.

    The ids come from a server-side cursor and each chunk's rows are then read by primary key,
    so memory stays flat however many rows. (One query joining the items, their letters and the
    order had Postgres hash every item and sort them all: 80 s for 300,000 rows at a million
    letters.)
    """
    ids = item_ids(filterset).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(ids, EXPORT_CHUNK)):
        yield chunk
