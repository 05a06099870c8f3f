"""Guideline citations in the bases of a decision, named canonically (CONTRACT.md).

A standard paragraph reads "Decision based on <citation>[, <citation>...]": each citation ends
after its "Page(s): <pages>" group, and those after the first inherit the paragraph's family
(MTUS or Non-MTUS). The 2013 notices write a sentence instead ("The Expert Reviewer based
his/her decision on the MTUS Chronic Pain Medical Treatment Guidelines, Chronic pain programs,
pages 30-32."), where "which is [not] part of MTUS" marks the family and "and the
<guideline>" separates citations. Canonical documents let a facet group one document however a
letter spells it; the citation's text is kept as written.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from ..guidelines import ACOEM_CHAPTERS, CHRONIC_PAIN, POSTSURGICAL, acoem_chapter
from .model import Basis, Citation, Guideline
from .numbers import CHAPTER_DIGITS, PAGE_DIGITS, bounded
from .text import lowered

Family = Literal["MTUS", "Non-MTUS"] | None

# A chapter title as letters write it: with or without commas and hyphens between its words.
_CHAPTER_TITLES = {
    number: re.compile(r"[\s,:-]*" + r"[\s,-]+".join(re.split(r"[\s,-]+", title.lower())) + r"\b")
    for number, title in ACOEM_CHAPTERS.items()
}

# Searched in lower-cased copies, with a leading literal where the text may be long (see
# `text.lowered`); "x(?<![a-z]x)" checks a word boundary without losing that literal.
_BASED_ON = re.compile(r"based (?:on|(?P<sentence>(?:its|their|his/her|his|her) decision on))\s+")
# The end of a 2013 basis sentence: its family clause and full stop belong to no citation.
_SENTENCE_END = re.compile(
    r",?\s*(?P<clause>which (?:is|are) (?P<negation>not )?(?:a )?part of (?:the )?mtus\b)?\.?$"
)
_PAGE_NUMBERS = r"\d+\b(?:\s*-\s*\d+\b)?(?:\s+of\s+\d+\b)?"
_PAGES = rf"{_PAGE_NUMBERS}(?:\s*(?:,|\band\b)\s*{_PAGE_NUMBERS})*"
# Where one citation ends and the next begins: after a "Page(s):" group (which belongs to the
# citation, with a full stop right after it), or at a separator (which belongs to neither).
_CITATION_END = re.compile(
    rf"(?P<pages>page\(s\):?\s*{_PAGES}\.?)"
    r"|(?P<separator>,?\s+and\s+(?:the\s+)?(?=(?:mtus|non-mtus|acoem|american college"
    r"|official disability|odg|chronic pain|post-?surgical)\b))"
)
_PAGES_IN_CITATION = re.compile(rf"p(?<![a-z]p)(?:age\(s\):?|ages?|p?\.)\s*(?P<pages>{_PAGES})")
_PAGE_SEPARATOR = re.compile(r"\s*(?:,|\band\b)\s*")
_PAGE_TOTAL = re.compile(r"\s+of\s+\d+$")
_RANGE_LIMIT = 100

_NON_MTUS_MARK = re.compile(r"^(?:the\s+)?non-mtus(?:\s+citations?)?\b[\s:,-]*")
_EDITION_2009 = r"(?:\s*\((?:effective july 18, )?2009\))?"
_MTUS_MARK = re.compile(rf"^(?:the\s+)?(?:ca\s+)?mtus\b{_EDITION_2009}[\s/:,-]*")
_ODG = re.compile(r"o(?:fficial disability guidelines(?:\s*\(odg\))?|dg(?<![a-z]odg)\b)[\s,:-]*")
_ACOEM = re.compile(
    r"a(?:merican college of occupational and environmental medicine|coem(?<![a-z]acoem)\b)"
)
_ACOEM_CHAPTER = re.compile(r"chapter\s+(?P<number>\d+)\b")
_CHRONIC_PAIN = re.compile(rf"chronic pain (?:medical )?treatment guidelines\b{_EDITION_2009}")
_POSTSURGICAL = re.compile(r"post-?surgical treatment guidelines\b")
_TOPIC_EDGES = " ,.;:-"


# Longer paragraphs are parsed every time: a cache of 4096 paragraphs of any length could hold
# gigabytes of a few hostile files for the life of an ingest worker.
_CACHED_LENGTH = 2000


def parse_basis(text: str) -> Basis:
    """A basis paragraph (without its label) and the citations it names.

    Text before "Decision based on" ("The Claims Administrator did not base their decision on
    the MTUS.") is part of the basis text, not a citation; a paragraph that bases the decision
    on nothing ("did not cite any medical evidence") has no citations. In a 2013 sentence the
    citations are the words after "decision on the", without the family clause and full stop.

    Cached: letters repeat the same few basis paragraphs word for word (within one letter and
    across thousands), and a `Basis` is immutable, so parses can share one.
    """
    return _cached_basis(text) if len(text) <= _CACHED_LENGTH else _basis(text)


def _basis(text: str) -> Basis:
    flat = " ".join(text.split())
    based_on = _BASED_ON.search(lowered(flat))
    if based_on is None:
        return Basis(text=text, citations=())
    cited = flat[based_on.end() :]
    family: Family = None
    if based_on["sentence"]:
        if cited[:4].lower() == "the ":
            cited = cited[4:]
        end = _SENTENCE_END.search(lowered(cited))
        assert end is not None  # every part of the pattern is optional
        if end["clause"]:
            family = "Non-MTUS" if end["negation"] else "MTUS"
        cited = cited[: end.start()]
    return Basis(text=text, citations=_citations(cited, family))


_cached_basis = lru_cache(maxsize=4096)(_basis)


def _citations(text: str, family: Family) -> tuple[Citation, ...]:
    pieces = []
    start = 0
    for end in _CITATION_END.finditer(lowered(text)):
        if end["pages"]:
            pieces.append(text[start : end.end()])
        elif end.start() > start:
            pieces.append(text[start : end.start()])
        start = end.end()
    pieces.append(text[start:])
    pieces = [piece for raw in pieces if (piece := raw.strip(" ,"))]
    if not pieces:
        return ()
    family = _family(pieces[0]) or family
    return tuple(_citation(piece, _family(piece) or family) for piece in pieces)


def _family(piece: str) -> Family:
    low = lowered(piece)
    if _NON_MTUS_MARK.match(low):
        return "Non-MTUS"
    if _MTUS_MARK.match(low):
        return "MTUS"
    return None


def _citation(piece: str, family: Family) -> Citation:
    pages_match = _PAGES_IN_CITATION.search(lowered(piece))
    if pages_match:
        pages = _pages(pages_match["pages"])
        body = f"{piece[: pages_match.start()]} {piece[pages_match.end() :]}"
    else:
        pages, body = (), piece
    body = _without(body.strip(), _NON_MTUS_MARK if family == "Non-MTUS" else _MTUS_MARK)
    guideline, document, topic = _name(body, family)
    return Citation(guideline=guideline, document=document, topic=topic, pages=pages, text=piece)


def _without(text: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(lowered(text))
    return f"{text[: match.start()]}{text[match.end() :]}" if match else text


def _name(body: str, family: Family) -> tuple[Guideline, str | None, str | None]:
    """Guideline, canonical document and topic of a citation body (pages already removed).

    ODG is never part of MTUS, so naming it wins over an inherited family; ACOEM is its own
    guideline only outside MTUS, whose chapters it otherwise is.
    """
    low = lowered(body)
    odg = _ODG.search(low)
    if odg:
        return ("ODG", *_odg_document(body[odg.end() :]))
    acoem = _ACOEM.search(low)
    if family != "MTUS" and acoem:
        chapter = _chapter(low)
        if chapter:
            return ("ACOEM", *_acoem_chapter(*chapter, body, low))
        return "ACOEM", None, _topic(body[acoem.end() :])
    if family == "Non-MTUS":
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
    """46 -> (46,); 46 of 127 -> (46,); 176-177 -> (176, 177); 46, 49 -> (46, 49).

    A range is expanded only when it is ascending and spans at most 100 pages; otherwise its
    two ends are kept as written rather than guessing what an odd range means. A number of
    more digits than a page can have is no page: it is left out (the citation's text keeps it).
    """
    pages: list[int] = []
    for part in _PAGE_SEPARATOR.split(spec):
        first, _, last = _PAGE_TOTAL.sub("", part).partition("-")
        start = bounded(first.strip(), PAGE_DIGITS)
        end = bounded(last.strip(), PAGE_DIGITS) if last else None
        if start is not None and end is not None and start <= end < start + _RANGE_LIMIT:
            pages.extend(range(start, end + 1))
        else:
            pages.extend(page for page in (start, end) if page is not None)
    return tuple(pages)
