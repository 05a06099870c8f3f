"""The export: every result of a search, in the page's order, as CSV records or JSON objects.

The results' ids come from the search's planner (`decisions.search.item_ids`), so the file
holds what the pages list, in their order; the rows are then read a chunk of ids at a time,
so memory stays flat however many rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import islice

from django.db import connection

from ..models import DisputedItem, Letter, Outcome
from ..search import ItemFilter, item_ids
from ..search.arrays import bigint_array
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


# One chunk of the export's rows: a row per listed id, in the list's order (the query's
# ORDER BY). The rows are read in id order (the tables' physical order), then put in the
# list's: at a million letters, reading a chunk in list order went to a random page per row
# (7,000 rows/s from the page cache), in id order to neighbouring ones (31,000 rows/s).
_CHUNK_ROWS = f"""
    FROM (
        SELECT * FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS listed (id, place)
        ORDER BY id
    ) AS listed
    JOIN {DisputedItem._meta.db_table} AS i ON i.id = listed.id
    JOIN {Letter._meta.db_table} AS l ON l.id = i.letter_id
"""

# The codes of the parser's warnings about the row's values: the letter's and the item's.
# (Codes are the parser's own words, never letter text.) In code point order, as Python sorts.
# Most rows have none, and for them the list's subquery was a quarter of the whole export's
# time: they are told apart first (`_NO_WARNINGS`).
_NO_WARNINGS = "l.warnings = '[]' AND i.warnings = '[]'"
_WARNING_CODES = (
    "ARRAY(SELECT DISTINCT w ->> 'code' COLLATE \"C\""
    " FROM jsonb_array_elements(l.warnings || i.warnings) AS w ORDER BY 1)"
)
_URL = "%(letters_url)s || i.letter_id || '/#item-' || i.position"
_OUTCOME_MEANING = (
    "CASE i.outcome WHEN %(upheld)s THEN %(upheld_means)s"
    " WHEN %(overturned)s THEN %(overturned_means)s END"
)

# The CSV's cells, encoded by Postgres (COPY).
_CSV_CELLS = {
    "url": _URL,
    "letter_id": "i.letter_id",
    "position": "i.position",
    "case_number": _csv_cell("l.case_number"),
    "decision_date": "to_char(i.decision_date, 'YYYY-MM-DD')",
    "treatment": _csv_cell("i.treatment"),
    "outcome": "i.outcome",
    "outcome_meaning": _OUTCOME_MEANING,
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
    "warnings": f"CASE WHEN {_NO_WARNINGS} THEN ''"
    f" ELSE array_to_string({_WARNING_CODES}, '; ') END",
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
        SELECT {", ".join(_CSV_CELLS.values())} {_CHUNK_ROWS} ORDER BY listed.place
    ) TO STDOUT WITH (FORMAT csv)
"""


def _json_value(expression: str) -> str:
    """SQL for a value's JSON text as Python's `json` writes it, `null` when missing (Postgres
    writes text beyond ASCII as it is: see `_ascii_escaped`). A date is an ISO date string,
    as DjangoJSONEncoder writes it."""
    return f"coalesce(to_json({expression})::text, 'null')"


def _json_list(expression: str) -> str:
    """SQL for an array's JSON text as Python's `json` writes it: ", " between the values
    (Postgres's own array_to_json writes ",")."""
    return (
        f"CASE WHEN cardinality({expression}) = 0 THEN '[]' ELSE '[' || array_to_string("
        f"ARRAY(SELECT to_json(value)::text FROM unnest({expression}) AS value), ', ') || ']' END"
    )


# The JSON's values, each as JSON text, with the CSV's meanings; lists are lists.
_JSON_VALUES = {
    "url": _json_value(_URL),
    "letter_id": "i.letter_id::text",
    "position": "i.position::text",
    "case_number": _json_value("l.case_number"),
    "decision_date": _json_value("i.decision_date"),
    "treatment": _json_value("i.treatment"),
    "outcome": _json_value("i.outcome"),
    "outcome_meaning": _json_value(_OUTCOME_MEANING),
    "reviewer_specialty": _json_value("i.reviewer_specialty_canonical"),
    "patient_age": _json_value("i.patient_age"),
    "patient_sex": _json_value("i.patient_sex"),
    "date_of_injury": _json_value("i.date_of_injury"),
    "reviewer_guidelines": _json_list("i.reviewer_guidelines"),
    "reviewer_documents": _json_list("i.reviewer_documents"),
    "reviewer_pages": _json_list("i.reviewer_pages"),
    "guideline_mismatch": _json_value("i.guideline_mismatch"),
    "claims_administrator_basis": _json_value("i.claims_administrator_basis"),
    "reviewer_basis": _json_value("i.reviewer_basis"),
    "rationale": _json_value("i.rationale"),
    "warnings": f"CASE WHEN {_NO_WARNINGS} THEN '[]' ELSE {_json_list(_WARNING_CODES)} END",
    "category": _json_value("i.category"),
    "drug_class": _json_value("i.drug_class"),
    "generic_names": _json_list("i.generic_names"),
    "dwc_category": _json_value("i.dwc_category"),
    "dwc_subcategory": _json_value("i.dwc_subcategory"),
}
assert tuple(_JSON_VALUES) == EXPORT_COLUMNS
# A row's JSON object, in one line: the rows are never Python objects (building a dict per row
# and encoding it held the JSON export near 12,000 rows/s).
_JSON_OBJECT = " || ', ' || ".join(
    f"'{json.dumps(column)}: ' || {value}" for column, value in _JSON_VALUES.items()
)
# (Joined in Python: string_agg(... ORDER BY place) sorted the chunk's wide objects once more
# and was slower, 1.6-2.0 s against 1.5-1.6 s for 70,550 rows.)
_JSON_CHUNK = f"SELECT '{{' || {_JSON_OBJECT} || '}}' {_CHUNK_ROWS} ORDER BY listed.place"

# Characters Python's `json` escapes (ensure_ascii) and Postgres's does not: beyond ASCII, and
# DEL. Only inside strings: the JSON's own syntax is ASCII.
_NOT_ASCII = re.compile("[\x7f-\U0010ffff]")


def _ascii_escaped(text: str) -> str:
    """JSON text with every character beyond ASCII escaped as Python's `json` escapes it."""
    if text.isascii() and "\x7f" not in text:
        return text
    return _NOT_ASCII.sub(lambda match: json.dumps(match.group())[1:-1], text)


def _params(letters_url: str) -> dict[str, str]:
    """A chunk statement's parameters but its ids: the address and the outcomes' words are
    values, never SQL text (the address comes from the request's Host)."""
    return {
        "letters_url": letters_url,
        "upheld": Outcome.UPHELD.value,
        "upheld_means": OUTCOME_MEANINGS[Outcome.UPHELD],
        "overturned": Outcome.OVERTURNED.value,
        "overturned_means": OUTCOME_MEANINGS[Outcome.OVERTURNED],
    }


def item_export_json(filterset: ItemFilter, letters_url: str) -> Iterator[str]:
    """Every result of a valid search as JSON objects of EXPORT_COLUMNS, in the page's order,
    one a line: a chunk of them at a time, the lines joined by a comma and a line break.
    `letters_url` is the address a letter id completes.

    Postgres writes each object's text, in the bytes Python's `json.dumps` of the row would
    give (tests pin them), and Python joins a chunk's into one string.
    """
    params = _params(letters_url)
    with connection.cursor() as cursor:
        for chunk in _export_chunks(filterset):
            cursor.execute(_JSON_CHUNK, {**params, "ids": bigint_array(chunk)})
            yield _ascii_escaped(",\n".join([line for (line,) in cursor.fetchall()]))


def item_export_csv(filterset: ItemFilter, letters_url: str) -> Iterator[bytes]:
    """Every result of a valid search as CSV records of EXPORT_COLUMNS (no header line), in the
    page's order, a chunk of records at a time; `letters_url` is the address a letter id
    completes.

    Postgres encodes the CSV itself (COPY ... TO STDOUT): building and quoting each row in
    Python capped a large export near 8,000 rows a second. COPY hands over one record at a
    time; a chunk's are passed on as one block, because the server writes each block to the
    socket (a write per record cost a third of the export's time over HTTP).
    """
    params = _params(letters_url)
    with connection.cursor() as cursor:
        for chunk in _export_chunks(filterset):
            with cursor.cursor.copy(_CSV_CHUNK, {**params, "ids": bigint_array(chunk)}) as copy:
                yield b"".join(copy)


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
