"""The Jinja2 fragments (decisions/jinja.py) escape as Django's templates escape, and use the
Django templates' own filters, not copies of them."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from decisions.jinja import escaped
from decisions.templatetags.decisions_display import register

HOSTILE = [
    "<script>alert('x')</script>",
    'a "quoted" & <b>bold</b>',
    "it's",
    "",
    None,
    0,
    1234567,
    2.5,
    True,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_is_escaped_as_django_escapes_it(value):
    assert escaped(value) == conditional_escape(value)
    rendered = engines["jinja2"].from_string("{{ value }}").render({"value": value})
    assert rendered == conditional_escape(value)


def test_markup_marked_safe_is_shown_as_it_is():
    safe = mark_safe("<mark>Norco</mark>")
    assert engines["jinja2"].from_string("{{ value }}").render({"value": safe}) == safe


def test_the_fragments_filters_are_the_django_templates_own():
    filters = engines["jinja2"].env.filters  # type: ignore[attr-defined]
    shared = [name for name in register.filters if name in filters]
    assert {"marked", "paragraphs", "parse_notes", "outcome_meaning", "thousands"} <= set(shared)
    for name in shared:
        assert filters[name] is register.filters[name], name
