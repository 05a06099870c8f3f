"""The whole current result set as CSV or JSON, streamed from the database."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from ..search import item_filterset
from ..selectors.export import EXPORT_COLUMNS, item_export_csv, item_export_json


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
    objects = item_export_json(filterset, _letters_url(request))
    return _attachment(_json_array(objects), "application/json", "json")


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


def _json_array(chunks: Iterable[str]) -> Iterator[bytes]:
    """One JSON array of the chunks' objects, a line each, written a chunk at a time."""
    separator = "[\n"
    for chunk in chunks:
        yield (separator + chunk).encode()
        separator = ",\n"
    yield b"[]\n" if separator == "[\n" else b"\n]\n"
