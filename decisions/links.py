"""The links a page writes: its own query string with one parameter set or removed, a page
with its key, a facet value's choice, an item's place in its letter. The Jinja2 fragments call
them (decisions/jinja.py) with their context, which holds the request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from weakref import WeakKeyDictionary

from django.http import HttpRequest
from django.urls import reverse

from .labels import FACET_LABELS, percent, thousands
from .search.keys import PAGING_PARAMETERS

if TYPE_CHECKING:
    from .search.counting import FacetValue

# A template's context: what these functions read of it is its request.
Context = Mapping[str, Any]


def query_with(context: Context, name: str, value: object) -> str:
    """The current query string with one parameter set, back to page 1 unless it is the page."""
    parts = dict(_encoded_parameters(context["request"]))
    parts[name] = _encoded(name, [value])
    return _query_string(parts.values())


def page_query(context: Context, number: int, direction: str = "", key: str = "") -> str:
    """The current query string at page `number`, with the page key its link carries (the
    parameter `direction`, decisions/search/keys.py) when there is one."""
    parts = dict(_encoded_parameters(context["request"]))
    parts["page"] = _encoded("page", [number])
    if key:
        parts[direction] = _encoded(direction, [key])
    return _query_string(parts.values())


def query_without(context: Context, *names: str) -> str:
    parts = _encoded_parameters(context["request"])
    return _query_string(part for name, part in parts.items() if name not in names)


def facet_links(
    context: Context, name: str, values: Iterable[FacetValue]
) -> list[dict[str, object]]:
    """The values of the facet `name` as its list shows them: the label, the counts as
    written, and the link that chooses the value (the chosen one's removes it). Composed here,
    once a value, rather than by five filters and a tag in the template: a page lists up to
    70 values."""
    label = FACET_LABELS.get(name)
    return [
        {
            "active": value.active,
            "href": (
                query_without(context, name)
                if value.active
                else query_with(context, name, value.value)
            ),
            "label": value.value if label is None else label(value.value),
            "hits": thousands(value.hits),
            "overturned": thousands(value.overturned),
            "decided": thousands(value.decided),
            "overturn_rate": percent(value.overturn_rate),
        }
        for value in values
    ]


# Each request's parameters but the page, encoded once: a results page makes some 60 links
# from them (a facet's each value, the orders, the pages, the filters to remove), each
# changing one parameter. Copying the request's QueryDict for each (a deep copy) cost more
# than the rest of the link, and encoding every parameter again for each half of it.
_ENCODED: WeakKeyDictionary[HttpRequest, dict[str, str]] = WeakKeyDictionary()


def _encoded_parameters(request: HttpRequest) -> dict[str, str]:
    """Each of the request's parameters but the page and its key, in their order, as its
    part of a query string ("" when it has no value); not to be changed in place."""
    parts = _ENCODED.get(request)
    if parts is None:
        parts = {k: _encoded(k, v) for k, v in request.GET.lists() if k not in PAGING_PARAMETERS}
        _ENCODED[request] = parts
    return parts


def _encoded(name: str, values: Sequence[object]) -> str:
    """Only values that are not empty: a submitted form's empty fields do not clutter links."""
    return urlencode([(name, v) for v in values if v != ""])


def _query_string(parts: Iterable[str]) -> str:
    return "?" + "&".join(part for part in parts if part)


def item_url(letter_id: int, position: int, query: str = "") -> str:
    """An item's place in its letter, carrying the search so the letter highlights it."""
    path = reverse("decisions:letter-detail", args=[letter_id])
    search = "?" + urlencode({"q": query}) if query else ""
    return f"{path}{search}#item-{position}"
