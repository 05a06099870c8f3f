"""How the pages write counts, rates and facet values: shared by the Django templates (their
filters, decisions/templatetags), the Jinja2 fragments (decisions/jinja.py), the facet links
(decisions/links.py) and the statistics page's charts. Text, not escaped: the templates escape
every value they show."""

from __future__ import annotations

from collections.abc import Callable
from typing import SupportsInt

from django.contrib.humanize.templatetags.humanize import intcomma

from .display import category_label, drug_class_label, guideline_label
from .search.vocabulary import OUTCOME_MEANINGS, page_label


def outcome_meaning(outcome: str) -> str:
    return OUTCOME_MEANINGS.get(outcome, outcome)


def cited_page(key: str) -> str:
    return page_label(key)


FACET_LABELS: dict[str, Callable[[str], str]] = {
    "outcome": outcome_meaning,
    "guideline": guideline_label,
    "cited_page": cited_page,
    "category": category_label,
    "drug_class": drug_class_label,
    "mismatch": lambda value: (
        "IMR reviewer relied on a different guideline than the claims administrator"
    ),
}


def breakdown_label(value: str, facet: str) -> str:
    """A facet value as a statistics table's row names it: the search page's label (a
    category's or drug class's name, a guideline's, a cited page's), and for the guideline
    disagreement, whether the reviewer relied on another guideline: yes or no."""
    if facet == "mismatch":
        return "yes" if value == "true" else "no"
    label = FACET_LABELS.get(facet)
    return label(value) if label else value


def thousands(value: str | SupportsInt | None) -> str:
    """A count with its thousands separated, as Django's `intcomma` writes it in the site's one
    locale (en-us: commas, groups of three). An integer is formatted here: `intcomma` goes
    through the locale machinery, some twenty calls a number, and a results page writes up to
    250 counts (its facets: three a value). Anything else is left to `intcomma`."""
    if type(value) is int:
        return f"{value:,}"
    return intcomma(value)


def percent(rate: float | None) -> str:
    if rate is None:
        return ""
    if 0 < rate < 0.01:
        return "under 1%"
    return f"{rate:.0%}"
