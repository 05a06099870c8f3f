"""Classify a disputed item's treatment, as written in the letter, by the rules of issue 13.

The words decide (vocabulary.py reads them from the data files): the category is the one of
the deciding phrase (services.toml explains the order of the groups); a pharmaceutical's drug
class is topical when the request is applied to the skin, else its controlling ingredient's
(drugs.toml, `precedence`). A treatment no phrase names is `other`, and `unclassified()`
lists the commonest of those, so the tables can grow.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .model import UNKNOWN, Category, Classification, DrugClass
from .vocabulary import Term, Vocabulary, vocabulary, words

# Treatments up to this length are cached: headings repeat across letters ("Norco 10/325mg
# #120"), and a bounded number of short keys bounds the memory the cache can hold. Longer
# texts (a heading merged with the text after it by a damaged extraction) are classified
# afresh, at a cost linear in their length.
_CACHED_LENGTH = 300
_CACHE_SIZE = 16_384

_DRUG_CATEGORIES = (Category.PHARMACEUTICAL, Category.INJECTION)

# Two strengths of a combination, "10/325", "7.5mg/325mg", "10-325": the second is group 1.
# The first number cannot start inside another (the look-behind) and each part after it is
# tried once, so the scan is linear in the text.
_STRENGTHS = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?\s*(?:mg\s*)?[/\-\u2013]\s*(\d+)(?!\.?\d)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class _Reading:
    classification: Classification
    recognised: bool  # some phrase named the request (it may still be `other`, on purpose)


def classify(treatment: str) -> Classification:
    """The category, drug class and generic names of `treatment` (a heading of a letter)."""
    return _read(treatment).classification


def _read(treatment: str) -> _Reading:
    if len(treatment) <= _CACHED_LENGTH:
        return _read_cached(treatment)
    return _reading(vocabulary(), treatment)


@lru_cache(maxsize=_CACHE_SIZE)
def _read_cached(treatment: str) -> _Reading:
    return _reading(vocabulary(), treatment)


def _reading(vocab: Vocabulary, treatment: str) -> _Reading:
    terms = list(vocab.terms(treatment))
    named = [
        (term.group, position, term.category)
        for position, term in enumerate(terms)
        if term.category is not None
    ]
    if not named:
        return _Reading(UNKNOWN, recognised=False)
    _group, _position, category = min(named)
    if category not in _DRUG_CATEGORIES:
        return _Reading(Classification(category), recognised=True)
    if any(term.by_form for term in terms):  # a product whose ingredients depend on its form
        forms = {term.form for term in terms if term.form}
        ingredients = (term.generics_given(forms) for term in terms)
    else:
        ingredients = (term.generics for term in terms)
    generics = tuple(dict.fromkeys(name for names in ingredients for name in names))
    if category is Category.INJECTION:
        return _Reading(Classification(category, None, generics), recognised=True)
    if len(generics) == 1 and generics[0] in vocab.partners:
        generics += _implied_partner(vocab, treatment, generics[0])
    drug_class = _drug_class(vocab, terms, generics, percent="%" in treatment)
    return _Reading(Classification(category, drug_class, generics), recognised=True)


def _implied_partner(vocab: Vocabulary, treatment: str, generic: str) -> tuple[str, ...]:
    """The ingredient a combination's second strength names when the request writes one
    generic (`generic`) and two strengths: "Hydrocodone 10/325" is hydrocodone with 325 mg of
    acetaminophen, as a pharmacist fills it, "Tramadol 37.5/325" Ultracet's two. Only for one
    named generic with a listed partner, and only at a strength the combination is made in
    (drugs.toml [implied_partners]); otherwise nothing is added."""
    seconds = {match[1] for match in _STRENGTHS.finditer(treatment)}
    for partner, strengths in vocab.partners[generic]:
        if not seconds.isdisjoint(strengths):
            return (partner,)
    return ()


def _drug_class(
    vocab: Vocabulary, terms: list[Term], generics: tuple[str, ...], *, percent: bool
) -> DrugClass:
    """Topical when the request is applied to the skin (a topical form or product, a
    compounded product not taken by mouth, a concentration in percent as compounded creams
    are written, an ingredient only ever applied to the skin), unless every ingredient acts
    through the skin on the whole body (a fentanyl patch is an opioid); else the class of the
    controlling ingredient, the first of `precedence` among the ingredients' and the class
    words' (a generic known by its ending brings its class as a class word); `other` when the
    request names neither."""
    classes = {vocab.classes[name] for name in generics if name in vocab.classes}
    classes.update(drug_class for term in terms for drug_class in term.drug_classes)
    applied_to_skin = (
        percent
        or DrugClass.TOPICAL in classes
        or any(term.topical for term in terms)
        or (any(term.compounded for term in terms) and not any(term.oral for term in terms))
    )
    systemic = bool(generics) and vocab.systemic_transdermal.issuperset(generics)
    if applied_to_skin and not systemic:
        return DrugClass.TOPICAL
    return next((each for each in vocab.precedence if each in classes), DrugClass.OTHER)


def generic_names_of(drug: str) -> tuple[str, ...]:
    """The generic names a drug name given alone stands for: a brand's ingredients ("Norco":
    hydrocodone, acetaminophen), a generic name or another spelling of one as that generic;
    () for a name the taxonomy does not know. Exact words only, no correction: a search
    parameter is read as typed, never guessed at."""
    return vocabulary().drug_names.get(tuple(words(drug)), ())


@dataclass(frozen=True, slots=True)
class Unclassified:
    """Treatments no phrase of the taxonomy named, grouped by their words without numbers."""

    words: str  # "iv sodium": the wording shared, lower case, numbers and "x" dropped
    count: int  # how many of the treatments given read so
    example: str  # the first of them, as written


def _counts_only(word: str) -> bool:
    """A number, or the "x" of "x 3" and "2x6": how much or how often, not what."""
    return word.isdigit() or word == "x"


def unclassified(treatments: Iterable[str], limit: int = 50) -> list[Unclassified]:
    """The `limit` commonest wordings among `treatments` that the taxonomy does not know,
    commonest first (ties in the order first seen): what the data files should learn next.

    Numbers and multiplication signs are dropped from the wording, so that "IV Sodium x2" and
    "IV Sodium" count as one.
    Treatments classified `other` on purpose (a gym membership) are not listed.
    """
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for treatment in treatments:
        if _read(treatment).recognised:
            continue
        key = " ".join(word for word in words(treatment) if not _counts_only(word))
        counts[key] += 1
        examples.setdefault(key, treatment)
    order = {key: position for position, key in enumerate(examples)}
    commonest = heapq.nsmallest(limit, counts, key=lambda key: (-counts[key], order[key]))
    return [Unclassified(key, counts[key], examples[key]) for key in commonest]
