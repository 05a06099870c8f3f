"""The whole current result set as CSV or JSON, streamed row by row from the database."""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse

from ..filters import OUTCOME_MEANINGS
from ..selectors import EXPORT_COLUMNS, item_export_rows, item_filterset

COLUMNS = ("url", *EXPORT_COLUMNS[:6], "outcome_meaning", *EXPORT_COLUMNS[6:])

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
    """Add each item's address and what its outcome means, in column order."""
    for row in rows:
        path = reverse("decisions:letter-detail", args=[row["letter_id"]])
        row["url"] = request.build_absolute_uri(f"{path}#item-{row['position']}")
        row["outcome_meaning"] = OUTCOME_MEANINGS[row["outcome"]]
        yield {column: row[column] for column in COLUMNS}


class _Echo:
    """csv.writer writes into this and gets the line back, so nothing accumulates."""

    def write(self, value: str) -> str:
        return value


def _csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row.values()])


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = "; ".join(value)
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """One JSON array, written an element at a time."""
    separator = "[\n"
    for row in rows:
        yield separator + json.dumps(row, cls=DjangoJSONEncoder)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"
