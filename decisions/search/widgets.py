"""The search form's widgets, cheaper to render than Django's own and writing the same HTML.

The search page renders its whole form on every results page: some 25 fields, seven of them
selects with 45 options between them. Django renders a widget through templates, a select
including one for each option and one more for each option's attributes; that was a tenth of
a results page's Python time (BENCHMARKS.md, session 6).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.safestring import SafeString


class Select(forms.Select):
    """Django's select written by one template (Django's attributes template inlined), where
    Django includes a template for each option and another for each one's attributes: the
    search form's selects hold some 45 options, rendered on every results page. The HTML is
    Django's: a Select's option has no attribute but `selected` (`option_inherits_attrs` is
    False), and the choices' values are strings, written as they are."""

    template_name = "decisions/widgets/select.html"

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        """The select's HTML, rendered once for each name, value, attributes and choices and
        kept: it is all that the HTML depends on, and every results page renders the same
        seven selects, mostly empty."""
        key = (
            name,
            tuple(self.format_value(value)),
            tuple({**self.attrs, **(attrs or {})}.items()),
            tuple(self.choices),
            renderer,
        )
        html = _RENDERED_SELECTS.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(_RENDERED_SELECTS) < RENDERED_SELECTS_MAX:
                _RENDERED_SELECTS[key] = html
        return html


# Bounded: the values are the requests' (an invalid one is rendered too), and each select's
# valid ones number a few dozen.
RENDERED_SELECTS_MAX = 1000
_RENDERED_SELECTS: dict[tuple[object, ...], SafeString] = {}


# Django's date.html only includes input.html: a level less for six fields a page.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_INPUT.template_name = "django/forms/widgets/input.html"
