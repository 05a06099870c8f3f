"""The Django templates' own filters and tags: highlighting, paragraphs, the parser's notes,
outcome words, counts, a patient, times, and the `jinja` tag that renders a page's Jinja2
body (decisions/jinja.py). The labels and links the Jinja2 bodies write are
decisions/labels.py's and decisions/links.py's."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django import template
from django.template import Context, engines
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .. import display, labels
from ..search.vocabulary import HIGHLIGHT_START, HIGHLIGHT_STOP

if TYPE_CHECKING:
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


register.filter("outcome_meaning", labels.outcome_meaning)
register.filter("thousands", labels.thousands, is_safe=True)
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
def jinja(context: Context, name: str) -> SafeString:
    """The Jinja2 fragment `name` (decisions/jinja.py) rendered with this template's context:
    where a page's loops are, the values Django's template language would resolve one by one."""
    template = engines["jinja2"].get_template(name)
    values = cast(dict[str, Any], context.flatten())
    return mark_safe(template.render(values, context.get("request")))
