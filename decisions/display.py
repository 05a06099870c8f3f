"""Display values the pages show, as text: labels of stored codes, a patient, a day, a citation.

Plain functions of stored values, shared by the template tags (decisions/templatetags, which
register them as filters and tags) and by the search's result rows (`search.paging`), which
compose a row's text once in Python: a results page shows twenty rows, and in a template each
part of a row is a lookup, a filter call and an `if`, its largest cost (BENCHMARKS.md, session
8). The text is not escaped here: the templates escape it where they show it, as they escape
every value (letter text is untrusted).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils.dateformat import format as date_format

from . import facets
from .facets import Guideline

if TYPE_CHECKING:
    from .search.paging import CitedRow

GUIDELINE_LABELS: dict[str, str] = dict(Guideline.choices)
# By the stored string (a taxonomy enum is one).
CATEGORY_LABELS: dict[str, str] = {
    value.value: label for value, label in facets.CATEGORY_LABELS.items()
}
DRUG_CLASS_LABELS: dict[str, str] = {
    value.value: label for value, label in facets.DRUG_CLASS_LABELS.items()
}
# A day as the pages write it ("Mar 3, 2015"): the `date` filter's format of every day shown.
DAY_FORMAT = "M j, Y"


def guideline_label(code: str) -> str:
    return GUIDELINE_LABELS.get(code, code)


def guideline_labels(codes: Iterable[str]) -> str:
    """Guideline families named in a sentence: "MTUS, ODG"."""
    return ", ".join(guideline_label(code) for code in codes)


def category_label(value: str) -> str:
    return CATEGORY_LABELS.get(value, value)


def drug_class_label(value: str) -> str:
    return DRUG_CLASS_LABELS.get(value, value)


def patient(age: int | None, sex: str | None) -> str:
    """A patient's age and sex, each "not stated" when the letter does not state it."""
    if age is None and not sex:
        return "not stated"
    shown_age = "age not stated" if age is None else f"{age} years"
    return f"{shown_age}, {sex or 'sex not stated'}"


def day(value: date | None) -> str:
    """A day as the `date` filter writes it with DAY_FORMAT (which names no localized format,
    so the filter formats it as it is); "" for none."""
    return "" if value is None else _day(value)


@lru_cache(maxsize=8192)
def _day(value: date) -> str:
    """Kept by day: a results page shows ~40 days, mostly days other pages showed, and
    Django's formatter costs ~15 µs a call (about 0.5 ms a page). One language (USE_I18N is
    off), so a day is always written alike."""
    return date_format(value, DAY_FORMAT)


def citation(cited: CitedRow) -> str:
    """A citation in a result's list: "MTUS · Chronic Pain Medical Treatment Guidelines ·
    Opioids, p. 46, 47" (the family's label, then what the letter names of it)."""
    text = guideline_label(cited["guideline"])
    if cited["document"]:
        text = f"{text} · {cited['document']}"
    if cited["topic"]:
        text = f"{text} · {cited['topic']}"
    if cited["pages"]:
        text = f"{text}, p. {', '.join(map(str, cited['pages']))}"
    return text
