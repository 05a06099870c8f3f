"""One citation of a basis, read: the source it names (guideline, canonical document, topic)
and the pages it cites.

Why apart from citations.py: that module splits a basis paragraph into citations (what
introduces them, where one ends, what is boilerplate); this one names what a single citation
cites, which is where the guideline tables (MTUS documents, ACOEM chapters, ODG's chapter
segments) and the page grammar live. Both work on lower-cased copies made by `text.lowered`
("x(?<![a-z]x)" checks a word boundary without losing a leading literal).
"""

from __future__ import annotations

import re
from typing import Literal

from ..guidelines import ACOEM_CHAPTERS, CHRONIC_PAIN, POSTSURGICAL, acoem_chapter
from .diagnostics import Problem
from .model import Citation, Guideline
from .numbers import CHAPTER_DIGITS, PAGE_DIGITS, bounded
from .text import lowered

Family = Literal["MTUS", "Non-MTUS"] | None

# A chapter title as letters write it: with or without commas and hyphens between its words.
_CHAPTER_TITLES = {
    number: re.compile(r"[\s,:-]*" + r"[\s,-]+".join(re.split(r"[\s,-]+", title.lower())) + r"\b")
    for number, title in ACOEM_CHAPTERS.items()
}
_PAGE_NUMBER = r"\d+\b(?: ?(?:-|to|through|thru) ?\d+\b)?(?: of \d+\b)?"
PAGES = rf"{_PAGE_NUMBER}(?:(?:,? ?(?:&|\band\b)|,) ?{_PAGE_NUMBER})*"
# "Page(s): 46", "pages 30-32", "Page 127", "pg. 5", "pp. 5-7", "p. 5".
PAGE_MARK = r"p(?<![a-z]p)(?:age\(s\)|ages?|gs?|p)?\.? ?:? ?"
# A page reference by its word (not "pg", which also reads as an author's initials).
_PAGE_WORD = re.compile(r"p(?<![a-z]p)(?:age\(s\)|ages?)(?![a-z])")
_PAGES_IN_CITATION = re.compile(rf"{PAGE_MARK}(?P<pages>{PAGES})")
_PAGE_SEPARATOR = re.compile(r"\s*(?:,?\s*(?:&|\band\b)|,)\s*")
_PAGE_RANGE = re.compile(r"\s*(?:-|\bto\b|\bthrough\b|\bthru\b)\s*")
_PAGE_TOTAL = re.compile(r"\s+of\s+\d+$")
_RANGE_LIMIT = 100

_NON_MTUS_MARK = re.compile(
    r"^(?:the\s+)?non[- ]?mtus(?:\s+(?:citations?|references?|sources?))?\b[\s:,-]*"
)
_EDITION_2009 = r"(?:\s*\((?:effective july 18, )?2009\))?"
_MTUS_MARK = re.compile(rf"^(?:the\s+)?(?:ca\s+|california\s+)?mtus\b{_EDITION_2009}[\s/:,-]*")
_ODG = re.compile(r"o(?:fficial disability guidelines(?:\s*\(odg\))?|dg(?<![a-z]odg)\b)[\s,:-]*")
_ACOEM = re.compile(
    r"a(?:merican college of occupational and environmental medicine|coem(?<![a-z]acoem)\b)"
)
_ACOEM_CHAPTER = re.compile(r"chapter\s+(?P<number>\d+)\b")
_CHRONIC_PAIN = re.compile(rf"chronic pain (?:medical )?(?:treatment )?guidelines\b{_EDITION_2009}")
_POSTSURGICAL = re.compile(r"post-?surgical treatment guidelines\b")
# Named sources that are neither MTUS, ODG nor ACOEM (guideline OTHER), and MTUS sources with
# no canonical document: a citation naming one of them is a citation of a known source.
_OTHER_SOURCE = re.compile(
    r"uptodate\b|drugs\.com|physicians'? desk reference|\(pdr\)|work loss data institute"
    r"|\bjournal\b|\bet al\b|\bpubmed\b|\bmedline\b"
)
_MTUS_SOURCE = re.compile(
    r"mtus\b|acupuncture medical treatment guidelines|medical treatment utilization"
)
# The kinds of source a citation may name (ODG, ACOEM, the Chronic Pain and Postsurgical
# guidelines), found in one pass; naming two kinds, it is two citations run together.
_SOURCE_KINDS = re.compile(
    r"(?P<odg>official disability guidelines|odg(?<![a-z]odg)\b)"
    r"|(?P<acoem>american college of occupational and environmental medicine"
    r"|acoem(?<![a-z]acoem)\b)"
    r"|(?P<chronic>chronic pain (?:medical )?(?:treatment )?guidelines\b)"
    r"|(?P<postsurgical>post-?surgical treatment guidelines\b)"
)
_TOPIC_EDGES = " ,.;:-"


def only_a_mark(low: str) -> bool:
    """Whether a span holds no more than a family mark ("Non-MTUS Citation", "CA MTUS")."""
    stripped = low.strip(" ,;")
    for mark in (_NON_MTUS_MARK, _MTUS_MARK):
        found = mark.match(stripped)
        if found and found.end() == len(stripped):
            return True
    return False


def family_of(piece: str) -> Family:
    low = lowered(piece)
    if _NON_MTUS_MARK.match(low):
        return "Non-MTUS"
    if _MTUS_MARK.match(low):
        return "MTUS"
    return None


def citation(piece: str, family: Family, problems: list[Problem], *, explicit: bool) -> Citation:
    """One citation. `explicit`: its family is stated (its own mark, or a 2013 family clause),
    not taken from the citation before it."""
    low = lowered(piece)
    pages_match = _PAGES_IN_CITATION.search(low)
    if pages_match:
        pages = _pages(pages_match["pages"])
        body = f"{piece[: pages_match.start()]} {piece[pages_match.end() :]}"
    else:
        pages, body = (), piece
    body = _without(body.strip(), _NON_MTUS_MARK if family == "Non-MTUS" else _MTUS_MARK)
    low = lowered(body)
    if _PAGE_WORD.search(low):
        problems.append(
            Problem("pages-unread", "a page reference whose numbers the parser cannot read", piece)
        )
    guideline, document, topic = _name(body, low, family, explicit)
    if not explicit and not (
        guideline in ("ODG", "ACOEM")
        or document is not None
        or _MTUS_SOURCE.search(low)
        or _OTHER_SOURCE.search(low)
    ):
        problems.append(
            Problem(
                "citation-unrecognised",
                f"a citation of no source the parser knows, read as {guideline}",
                piece,
            )
        )
    if guideline == "ACOEM" and family is None:
        problems.append(
            Problem(
                "citation-unrecognised",
                "ACOEM cited with no family: read as ACOEM, which may be the chapter MTUS adopted",
                piece,
            )
        )
    if len({kind.lastgroup for kind in _SOURCE_KINDS.finditer(low)}) > 1:
        problems.append(
            Problem(
                "citation-mixed",
                f"one citation naming several sources, read as {guideline}",
                piece,
            )
        )
    return Citation(guideline=guideline, document=document, topic=topic, pages=pages, text=piece)


def _without(text: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(lowered(text))
    return f"{text[: match.start()]}{text[match.end() :]}" if match else text


def _name(
    body: str, low: str, family: Family, explicit: bool
) -> tuple[Guideline, str | None, str | None]:
    """Guideline, canonical document and topic of a citation body (pages already removed).

    ODG is never part of MTUS, so naming it wins over any family; ACOEM is its own guideline
    only outside MTUS, whose chapters it otherwise is; an MTUS document named after a
    non-MTUS citation is MTUS, unless the citation itself says it is not.
    """
    odg = _ODG.search(low)
    if odg:
        return ("ODG", *_odg_document(body[odg.end() :]))
    acoem = _ACOEM.search(low)
    if family != "MTUS" and acoem:
        chapter = _chapter(low)
        if chapter:
            return ("ACOEM", *_acoem_chapter(*chapter, body, low))
        return "ACOEM", None, _topic(body[acoem.end() :])
    if family == "Non-MTUS" and explicit:
        return "OTHER", None, None
    document = _mtus_document(body, low, acoem is not None)
    if document is not None:
        return ("MTUS", *document)
    if family == "MTUS":
        return "MTUS", None, _topic(body)
    return "OTHER", None, None


def _mtus_document(body: str, low: str, names_acoem: bool) -> tuple[str, str | None] | None:
    chapter = _chapter(low) if names_acoem else None
    if chapter:
        return _acoem_chapter(*chapter, body, low)
    for pattern, document in ((_CHRONIC_PAIN, CHRONIC_PAIN), (_POSTSURGICAL, POSTSURGICAL)):
        match = pattern.search(low)
        if match:
            return document, _topic(body[match.end() :])
    return None


def _chapter(low: str) -> tuple[re.Match[str], int] | None:
    """The first "Chapter N" and its number; None when there is none, or N has more digits
    than a chapter number (then the citation names no chapter)."""
    chapter = _ACOEM_CHAPTER.search(low)
    number = bounded(chapter["number"], CHAPTER_DIGITS) if chapter else None
    return None if chapter is None or number is None else (chapter, number)


def _acoem_chapter(
    chapter: re.Match[str], number: int, body: str, low: str
) -> tuple[str, str | None]:
    """The chapter under its canonical title; the topic is what follows the written title."""
    title = ACOEM_CHAPTERS.get(number)
    if title is None:
        return f"ACOEM Chapter {number}", _topic(body[chapter.end() :])
    written = _CHAPTER_TITLES[number].match(low, chapter.end())
    topic = body[written.end() if written else chapter.end() :]
    return acoem_chapter(number), _topic(topic)


def _odg_document(rest: str) -> tuple[str | None, str | None]:
    """ODG names a chapter segment ("Neck Chapter") and then the topic ("MRI")."""
    segments = [segment.strip() for segment in rest.split(",")]
    for index, segment in enumerate(segments):
        if "chapter" in segment.lower():
            return _topic(segment), _topic(", ".join(segments[index + 1 :]))
    return None, _topic(rest)


def _topic(text: str) -> str | None:
    return " ".join(text.split()).strip(_TOPIC_EDGES) or None


def _pages(spec: str) -> tuple[int, ...]:
    """46 -> (46,); 46 of 127 -> (46,); 176-177 and 176 to 177 -> (176, 177); 46, 49 -> (46, 49).

    A range is expanded only when it is ascending and spans at most 100 pages; otherwise its
    two ends are kept as written rather than guessing what an odd range means. A number of
    more digits than a page can have is no page: it is left out (the citation's text keeps it).
    """
    pages: list[int] = []
    for part in _PAGE_SEPARATOR.split(spec):
        first, *last = _PAGE_RANGE.split(_PAGE_TOTAL.sub("", part), maxsplit=1)
        start = bounded(first.strip(), PAGE_DIGITS)
        end = bounded(last[0].strip(), PAGE_DIGITS) if last else None
        if start is not None and end is not None and start <= end < start + _RANGE_LIMIT:
            pages.extend(range(start, end + 1))
        else:
            pages.extend(page for page in (start, end) if page is not None)
    return tuple(pages)
