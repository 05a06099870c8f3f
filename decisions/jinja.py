"""The Jinja2 environment of the pages' hot fragments (settings.TEMPLATES, `templates/fragments/`).

The busiest pages' bodies are rendered by Jinja2, which compiles a template to Python: each
value shown costs a fraction of what Django's template language spends resolving and escaping
it, which was most of a page's Python time (BENCHMARKS.md, session 8). They are a results
page's body (its form, results, facets and pages), a statistics page's body (its charts and
tables) and a letter page's items (their citations and similar decisions). The site's layout
(templates/base.html, with the account links) and the other pages stay Django templates; a
page includes its Jinja2 body with the `jinja` tag (decisions/templatetags/decisions_display.py).
Form widgets are still rendered by Django's templates (the form renderer, and
decisions/search/widgets.py).

The filters and functions are the Django templates' own (the same Python functions, named
alike), and every value is escaped as Django escapes it (`escaped`): letter text is untrusted,
and a fragment writes what the Django template it replaced wrote, byte for byte.
"""

from __future__ import annotations

import html
from typing import Any

from django.template.defaultfilters import capfirst, join, pluralize, truncatewords, urlencode
from django.urls import reverse
from django.utils.safestring import SafeString
from jinja2 import Environment, pass_context

from . import display, labels, links
from .templatetags import decisions_display as tags


def escaped(value: object) -> object:
    """Every value a fragment shows, before Jinja2 escapes it: escaped as Django's
    `conditional_escape` does (markupsafe writes ' and " as &#39; and &#34;, Django as &#x27;
    and &quot;), and marked safe so that Jinja2 leaves it as it is. A safe string (a filter's
    markup, a form's widget) is shown as it is, as in a Django template."""
    if hasattr(value, "__html__"):
        return value
    return SafeString(html.escape(str(value)))


def _with_request(function: Any) -> Any:
    """A tag that reads the request from its Django context, called with the fragment's
    context (which has the request too)."""
    return pass_context(lambda context, *args: function(context, *args))


def environment(**options: Any) -> Environment:
    # A template's last newline kept, as Django keeps it.
    env = Environment(**options, finalize=escaped, keep_trailing_newline=True)
    env.filters.update(
        {
            "marked": tags.marked,
            "paragraphs": tags.paragraphs,
            "parse_notes": tags.parse_notes,
            "outcome_meaning": labels.outcome_meaning,
            "guideline_label": display.guideline_label,
            "cited_page": labels.cited_page,
            "breakdown_label": labels.breakdown_label,
            "thousands": labels.thousands,
            "percent": labels.percent,
            # Django's, for their escaping and their words.
            "capfirst": capfirst,
            "join": join,
            "pluralize": pluralize,
            "truncatewords": truncatewords,
            "urlencode": urlencode,
        }
    )
    env.globals.update(
        {
            "url": lambda name, *args: reverse(name, args=args),
            "item_url": links.item_url,
            "patient": display.patient,
            "query_with": _with_request(links.query_with),
            "query_without": _with_request(links.query_without),
            "page_query": _with_request(links.page_query),
            "facet_links": _with_request(links.facet_links),
        }
    )
    return env
