"""The whole current result set as CSV or JSON, streamed from the database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain, islice
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from ..search import item_filterset
from ..selectors.export import EXPORT_COLUMNS, item_export_csv, item_export_rows

# Rows per chunk of the JSON response: tens of kilobytes, memory still flat.
ROWS_PER_CHUNK = 100


def export_csv(request: HttpRequest) -> HttpResponseBase:
    filterset = item_filterset(request.GET)
    if not filterset.is_valid():
        return invalid_parameters(filterset.errors)
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(EXPORT_COLUMNS)  # as COPY ends lines
    records = item_export_csv(filterset, _letters_url(request))
    content = chain([header.getvalue().encode()], records)
    return _attachment(content, "text/csv; charset=utf-8", "csv")


def export_json(request: HttpRequest) -> HttpResponseBase:
    filterset = item_filterset(request.GET)
    if not filterset.is_valid():
        return invalid_parameters(filterset.errors)
    rows = item_export_rows(filterset, _letters_url(request))
    return _attachment(_json_chunks(rows), "application/json", "json")


def invalid_parameters(errors: Mapping[str, Any]) -> HttpResponse:
    """A 400 naming each invalid parameter (a form's errors): files have no page to show them."""
    listed = "; ".join(f"{name}: {' '.join(e)}" for name, e in errors.items())
    return HttpResponseBadRequest(f"Invalid search parameters: {listed}", content_type="text/plain")


def _attachment(content: Iterable, content_type: str, extension: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="imr-decisions.{extension}"'
    return response


def _letters_url(request: HttpRequest) -> str:
    """The absolute address a letter's id completes (reverse() per row cost a third of an
    export's time)."""
    letter_zero = request.build_absolute_uri(reverse("decisions:letter-detail", args=[0]))
    return letter_zero.removesuffix("0/")


def _json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """One JSON array, written ROWS_PER_CHUNK elements at a time: the server writes each chunk
    to the socket, and a write per row cost more than encoding the row."""
    rows = iter(rows)
    separator = "[\n"
    while batch := list(islice(rows, ROWS_PER_CHUNK)):
        elements = ",\n".join(json.dumps(row, cls=DjangoJSONEncoder) for row in batch)
        yield separator + elements
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"
