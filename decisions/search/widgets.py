"""The search form's widgets: Django's, each rendered once for a value and kept.

The search page renders its whole form on every results page: some 25 fields, seven of them
selects with 45 options between them. Django renders a widget through templates, a select
including one for each option and one more for each option's attributes, an input including
its attributes' template: a tenth of a results page's Python time (BENCHMARKS.md, session 6),
and once the page's body was a Jinja2 template (decisions/jinja.py), a third of what was left
of its rendering (session 8). A widget's HTML depends only on its name, value, attributes and
choices, and most pages render the same empty fields, so each is rendered once and kept.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.hashable import make_hashable
from django.utils.safestring import SafeString


class Kept(forms.Widget):
    """A widget whose HTML is rendered once for each name, value, attributes, choices and
    format, and kept: all that Django's widgets write depends on. A value is kept with its type
    (1 and True, or "1" and 1, are not written alike)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        key = (
            type(self),
            self.template_name,
            name,
            type(value),
            make_hashable(value),
            tuple({**self.attrs, **(attrs or {})}.items()),
            tuple(getattr(self, "choices", ())),
            getattr(self, "format", None),
            renderer,
        )
        html = _RENDERED.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(_RENDERED) < RENDERED_MAX:
                _RENDERED[key] = html
        return html


# Bounded: the values are the requests' (an invalid one is rendered too), and each field's
# common ones number a few dozen.
RENDERED_MAX = 2000
_RENDERED: dict[tuple[object, ...], SafeString] = {}


class Select(Kept, forms.Select):
    """Django's select written by one template (Django's attributes template inlined), where
    Django includes a template for each option and another for each one's attributes. The
    HTML is Django's: a Select's option has no attribute but `selected`
    (`option_inherits_attrs` is False), and the choices' values are strings, written as they
    are."""

    template_name = "decisions/widgets/select.html"


class DateInput(Kept, forms.DateInput):
    # Django's date.html only includes input.html: a level less.
    template_name = "django/forms/widgets/input.html"


class NumberInput(Kept, forms.NumberInput):
    pass


class SearchInput(Kept, forms.SearchInput):
    pass


class CheckboxInput(Kept, forms.CheckboxInput):
    pass


class MultipleHiddenInput(Kept, forms.MultipleHiddenInput):
    pass


DATE_INPUT = DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
