"""The whole current result set as CSV or JSON, streamed row by row from the database."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse

from ..filters import OUTCOME_MEANINGS
from ..selectors import EXPORT_COLUMNS, item_export_rows, item_filterset

COLUMNS = ("url", *EXPORT_COLUMNS[:6], "outcome_meaning", *EXPORT_COLUMNS[6:])
# Rows per chunk of the response: tens of kilobytes, memory still flat.
ROWS_PER_CHUNK = 100

# Spreadsheet programs run a cell that starts with one of these as a formula; letter text is
# untrusted, so such cells get a leading apostrophe (OWASP's advice for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, _csv_chunks, "text/csv; charset=utf-8", "csv")


def export_json(request: HttpRequest) -> HttpResponse:
    return _export(request, _json_chunks, "application/json", "json")


def _export(
    request: HttpRequest,
    encode: Callable[[Iterable[dict]], Iterator[str]],
    content_type: str,
    extension: str,
) -> HttpResponse:
    filterset = item_filterset(request.GET)
    if not filterset.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in filterset.errors.items())
        return HttpResponseBadRequest(
            f"Invalid search parameters: {errors}", content_type="text/plain"
        )
    rows = _with_links(request, item_export_rows(filterset))
    response = StreamingHttpResponse(encode(rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="imr-decisions.{extension}"'
    return response


def _with_links(request: HttpRequest, rows: Iterable[dict]) -> Iterator[dict]:
    """Add each item's address and what its outcome means, in column order.

    Letter addresses differ only in the id that ends them, so one is reversed and the others
    are formatted from it: reverse() per row took a third of a large export's time.
    """
    letters = request.build_absolute_uri(reverse("decisions:letter-detail", args=[0]))
    letters = letters.removesuffix("0/")
    for row in rows:
        row["url"] = f"{letters}{row['letter_id']}/#item-{row['position']}"
        row["outcome_meaning"] = OUTCOME_MEANINGS[row["outcome"]]
        yield {column: row[column] for column in COLUMNS}


def _csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    yield _csv_text([COLUMNS])
    for batch in _batches(rows):
        yield _csv_text([_csv_cell(value) for value in row.values()] for row in batch)


def _csv_text(lines: Iterable[Iterable[str]]) -> str:
    """Lines as CSV, written by csv.writer into a buffer that holds one chunk."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue()


def _csv_cell(value) -> str:
    if type(value) is not str:  # most cells are text: one test for them
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        value = "; ".join(value) if isinstance(value, list) else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """One JSON array, written a batch of elements at a time."""
    separator = "[\n"
    for batch in _batches(rows):
        elements = ",\n".join(json.dumps(row, cls=DjangoJSONEncoder) for row in batch)
        yield separator + elements
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


def _batches(rows: Iterable[dict]) -> Iterator[list[dict]]:
    """Rows in batches of ROWS_PER_CHUNK: the server writes each chunk to the socket, and a
    write per row cost more than encoding the row."""
    rows = iter(rows)
    while batch := list(islice(rows, ROWS_PER_CHUNK)):
        yield batch
