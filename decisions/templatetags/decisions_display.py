"""Display helpers for the pages: highlighting, outcome words, query links, times."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, SupportsInt, cast
from urllib.parse import urlencode
from weakref import WeakKeyDictionary

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest
from django.template import Context, engines
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .. import display
from ..display import category_label, drug_class_label, guideline_label
from ..search.keys import PAGING_PARAMETERS
from ..search.vocabulary import HIGHLIGHT_START, HIGHLIGHT_STOP, OUTCOME_MEANINGS, page_label

if TYPE_CHECKING:
    from ..search.counting import FacetValue
    from ..selectors.letters import WarningNote

register = template.Library()

_MARKED = re.compile(f"{HIGHLIGHT_START}(.*?){HIGHLIGHT_STOP}", re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@register.filter
def marked(text: str | None) -> SafeString:
    """Escape untrusted text, then turn highlight sentinels into <mark> elements.

    Only whole sentinel pairs become tags, so the markup is always balanced; a stray sentinel
    is dropped.
    """
    html = _MARKED.sub(r"<mark>\1</mark>", escape(text or ""))
    return mark_safe(html.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, ""))


@register.filter
def paragraphs(text: str | None) -> SafeString:
    """Text stored as paragraphs separated by a blank line, as <p> elements, highlights kept."""
    parts = (part.strip() for part in _PARAGRAPH_BREAK.split(text or ""))
    return mark_safe("".join(f"<p>{marked(part)}</p>" for part in parts if part))


@register.filter
def parse_notes(notes: Iterable[WarningNote]) -> SafeString:
    """The parser's notes on a value, a paragraph each. A filter, not an included template: a
    letter page has some thirty places for notes, most of them with none."""
    return format_html_join(
        "",
        '<p class="parse-note"><span class="parse-note__badge">Parser unsure</span> {}{}</p>',
        (
            (
                note.message,
                format_html(' It read: <q class="parse-note__quote">{}</q>', note.quote)
                if note.quote
                else "",
            )
            for note in notes
        ),
    )


@register.filter
def outcome_meaning(outcome: str) -> str:
    return OUTCOME_MEANINGS.get(outcome, outcome)


register.filter(guideline_label)


@register.filter
def cited_page(key: str) -> str:
    return page_label(key)


_FACET_LABELS: dict[str, Callable[[str], str]] = {
    "outcome": outcome_meaning,
    "guideline": guideline_label,
    "cited_page": cited_page,
    "category": category_label,
    "drug_class": drug_class_label,
    "mismatch": lambda value: (
        "IMR reviewer relied on a different guideline than the claims administrator"
    ),
}


@register.filter
def breakdown_label(value: str, facet: str) -> str:
    """A facet value as a statistics table's row names it: the search page's label (a
    category's or drug class's name, a guideline's, a cited page's), and for the guideline
    disagreement, whether the reviewer relied on another guideline: yes or no."""
    if facet == "mismatch":
        return "yes" if value == "true" else "no"
    label = _FACET_LABELS.get(facet)
    return label(value) if label else value


@register.filter(is_safe=True)
def thousands(value: str | SupportsInt | None) -> str:
    """A count with its thousands separated, as Django's `intcomma` writes it in the site's one
    locale (en-us: commas, groups of three). An integer is formatted here: `intcomma` goes
    through the locale machinery, some twenty calls a number, and a results page writes up to
    250 counts (its facets: three a value). Anything else is left to `intcomma`."""
    if type(value) is int:
        return f"{value:,}"
    return intcomma(value)


@register.filter
def percent(rate: float | None) -> str:
    if rate is None:
        return ""
    if 0 < rate < 0.01:
        return "under 1%"
    return f"{rate:.0%}"


register.simple_tag(display.patient)


@register.filter
def local_time(value: datetime) -> SafeString:
    """A stored time as the site shows times: local, with its zone ("Dec 6, 2026, 6:30 a.m.
    PST", imr_site/formats), in a <time> element that keeps the exact instant to the second."""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        date_format(local, "DATETIME_FORMAT"),
    )


@register.simple_tag(takes_context=True)
def query_with(context: Context, name: str, value: object) -> str:
    """The current query string with one parameter set, back to page 1 unless it is the page."""
    parts = dict(_encoded_parameters(context["request"]))
    parts[name] = _encoded(name, [value])
    return _query_string(parts.values())


@register.simple_tag(takes_context=True)
def page_query(context: Context, number: int, direction: str = "", key: str = "") -> str:
    """The current query string at page `number`, with the page key its link carries (the
    parameter `direction`, decisions/search/keys.py) when there is one."""
    parts = dict(_encoded_parameters(context["request"]))
    parts["page"] = _encoded("page", [number])
    if key:
        parts[direction] = _encoded(direction, [key])
    return _query_string(parts.values())


@register.simple_tag(takes_context=True)
def query_without(context: Context, *names: str) -> str:
    parts = _encoded_parameters(context["request"])
    return _query_string(part for name, part in parts.items() if name not in names)


@register.simple_tag(takes_context=True)
def facet_links(
    context: Context, name: str, values: Iterable[FacetValue]
) -> list[dict[str, object]]:
    """The values of the facet `name` as its list shows them: the label, the counts as
    written, and the link that chooses the value (the chosen one's removes it). Composed here,
    once a value, rather than by five filters and a tag in the template: a page lists up to
    70 values."""
    label = _FACET_LABELS.get(name)
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


@register.simple_tag
def item_url(letter_id: int, position: int, query: str = "") -> str:
    """An item's place in its letter, carrying the search so the letter highlights it."""
    path = reverse("decisions:letter-detail", args=[letter_id])
    search = "?" + urlencode({"q": query}) if query else ""
    return f"{path}{search}#item-{position}"


@register.simple_tag(takes_context=True)
def jinja(context: Context, name: str) -> SafeString:
    """The Jinja2 fragment `name` (decisions/jinja.py) rendered with this template's context:
    where a page's loops are, the values Django's template language would resolve one by one."""
    template = engines["jinja2"].get_template(name)
    values = cast(dict[str, Any], context.flatten())
    return mark_safe(template.render(values, context.get("request")))
