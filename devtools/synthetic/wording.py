"""Small rules of the letters' English: how dates, lists, nouns and drug names are written.

Pure functions of their arguments (no draws), shared by the facts, the rendering and the
expected parse, so that a value reads the same wherever it appears.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(d: date, comma: bool = True) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}{',' if comma else ''} {d.year}"


def numeric_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def padded_date(d: date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def short_year_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year % 100:02d}"


def iso_date(d: date) -> str:
    return d.isoformat()


def ordinal_date(d: date) -> str:
    suffix = "th" if d.day in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
    return f"{MONTHS[d.month - 1]} {d.day}{suffix}, {d.year}"


def day_month_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


# How a summary writes the date of injury, the seeds' forms first and twice as often; two-digit
# years (last) only where they cannot mislead.
INJURY_DATE_FORMS = (
    long_date,
    numeric_date,
    padded_date,
    long_date,
    numeric_date,
    padded_date,
    iso_date,
    ordinal_date,
    day_month_date,
    short_year_date,
)


def clean(text: str) -> str:
    """A paragraph as the parser must return it: runs of spaces collapsed, ends stripped. The
    sources hold no other whitespace, and str.replace is several times faster than split/join."""
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip()


def restored(sentences: list[str], gap: str) -> str:
    """A paragraph as the parser must return it. Sentences an extraction ran together (no gap:
    "2013.Thus far") are taken apart where the next one opens with a capitalised word and the
    stop ends a word of two letters or more; the parser leaves "2013.12/11/2020", "noted.MRI"
    or "Vitamin D.Work" (an initial?) as they are, where a reader cannot tell."""
    if gap:
        return clean(gap.join(sentences))
    paragraph = sentences[0]
    for sentence in sentences[1:]:
        last_word = paragraph.rsplit(" ", 1)[-1]
        apart = (
            sentence[:1].isupper()
            and sentence[1:2].islower()
            and last_word.endswith(".")
            and len(last_word) > 2
        )
        paragraph += (" " if apart else "") + sentence
    return clean(paragraph)


def join_words(words: list[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@cache
def page_list(pages: str) -> tuple[int, ...]:
    """Pages as the contract expands them: "46 of 127" -> [46], "176-177" -> [176, 177]."""
    result: list[int] = []
    for part in pages.split(","):
        part = part.strip().split(" of ")[0]
        if "-" in part:
            first, last = part.split("-")
            result.extend(range(int(first), int(last) + 1))
        elif part:
            result.append(int(part))
    return tuple(result)


MASS_NOUNS = frozenset(
    (
        "therapy",
        "acupuncture",
        "treatment",
        "care",
        "sedation",
        "guidance",
        "myelography",
        "equipment",
        "testing",
        "conditioning",
        "psychotherapy",
        "manipulation",
        "food",
        "surgery",
    )
)
LEVEL_SEPARATOR = re.compile(r", | and ")
DRUG_PREFIX = re.compile(
    r"^(?:Retrospective request(?: for)?:? |Medical food: |Compound cream: |Compounded topical: )"
)


@cache
def drug_name(heading: str) -> str:
    """The drug a heading names, for the rationale to repeat: its words before the strength,
    quantity or a parenthesis ("Tramadol ER 150mg #60" -> "Tramadol ER")."""
    words = []
    for word in DRUG_PREFIX.sub("", heading).split():
        if any(ch.isdigit() or ch in "#(," for ch in word):
            break
        words.append(word)
    return " ".join(words)


def decapitalize(text: str) -> str:
    """Lower-case a sentence's first word to continue another, unless it is an acronym ("MRI")."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def with_article(noun: str) -> str:
    """ "a TENS unit", "an MRI ...", but "physical therapy", "trigger point injections", "Norco"."""
    words = noun.split()
    if (
        (noun[:1].isupper() and not noun[:2].isupper())
        or noun.startswith("the ")
        or MASS_NOUNS.intersection(words)
        or (words[-1].endswith("s") and not words[-1].endswith("ss"))
    ):
        return noun
    return (
        "an "
        if noun[:1].lower() in "aeio" or noun[:2] in ("MR", "EM", "NC", "IV", "FR", "SI")
        else "a "
    ) + noun


def notice_treatment(heading: str, pharmaceutical: bool) -> str:
    """The 2013 letters name a request inside a sentence: "the request for a 28 day ... program"."""
    if pharmaceutical:
        return heading
    words = heading.split(" ", 1)
    first = words[0] if words[0][:2].isupper() else words[0].lower()
    phrase = " ".join([first, *words[1:]])
    return with_article(phrase) if not phrase[:1].isupper() or phrase[:2].isupper() else phrase
