"""Guideline citations in the bases of a decision, named canonically (CONTRACT.md).

A standard paragraph reads "Decision based on <citation>[, <citation>...]": each citation ends
after its "Page(s): <pages>" group, and those after the first inherit the paragraph's family
(MTUS or Non-MTUS). The 2013 notices write a sentence instead ("The Expert Reviewer based
his/her decision on the MTUS Chronic Pain Medical Treatment Guidelines, Chronic pain programs,
pages 30-32."), where "; " or "and the <guideline>" separates citations and "which is part of
MTUS" marks the family. Canonical documents let a facet group one document however a letter
spells it; the citation's text is always kept as written.
"""
from __future__ import annotations

import re
from typing import Literal

from .model import Basis, Citation, Guideline

Family = Literal["MTUS", "Non-MTUS"] | None

CHRONIC_PAIN = "Chronic Pain Medical Treatment Guidelines"
POSTSURGICAL = "Postsurgical Treatment Guidelines"
ACOEM_CHAPTERS = {
    1: "Prevention",
    2: "General Approach to Initial Assessment and Documentation",
    3: "Initial Approaches to Treatment",
    4: "Work-Relatedness",
    5: "Cornerstones of Disability Prevention and Management",
    6: "Pain, Suffering, and the Restoration of Function",
    7: "Independent Medical Examinations and Consultations",
    8: "Neck and Upper Back Complaints",
    9: "Shoulder Complaints",
    10: "Elbow Disorders",
    11: "Forearm, Wrist, and Hand Complaints",
    12: "Low Back Complaints",
    13: "Knee Complaints",
    14: "Ankle and Foot Complaints",
    15: "Stress-Related Conditions",
    16: "Eye",
}
# A chapter title as letters write it: with or without commas and hyphens between its words.
_CHAPTER_TITLES = {
    number: re.compile(r"[\s,:-]*" + r"[\s,-]+".join(re.split(r"[\s,-]+", title)) + r"\b", re.IGNORECASE)
    for number, title in ACOEM_CHAPTERS.items()
}

_BASED_ON = re.compile(
    r"\bDecision based on\s+|\bbased (?:its|their|his/her|his|her) decision on\s+", re.IGNORECASE
)
_PAGE_NUMBERS = r"\d+\b(?:\s*-\s*\d+\b)?(?:\s+of\s+\d+\b)?"
_PAGES = rf"{_PAGE_NUMBERS}(?:\s*(?:,|\band\b)\s*{_PAGE_NUMBERS})*"
# Where one citation ends and the next begins: after a "Page(s):" group (which belongs to the
# citation, with a full stop right after it), or at a separator (which belongs to neither).
_CITATION_END = re.compile(
    rf"(?P<pages>\bPage\(s\):?\s*{_PAGES}\.?)"
    r"|(?P<separator>\s*;\s*|,?\s+and\s+(?=(?:the\s+)?(?:MTUS|Non-MTUS|ACOEM|American College"
    r"|Official Disability|ODG|Chronic Pain|Post-?surgical)\b))",
    re.IGNORECASE,
)
_PAGES_IN_CITATION = re.compile(rf"\b(?:Page\(s\):?|pages?|pp?\.)\s*(?P<pages>{_PAGES})", re.IGNORECASE)
_PAGE_SEPARATOR = re.compile(r"\s*(?:,|\band\b)\s*", re.IGNORECASE)
_PAGE_TOTAL = re.compile(r"\s+of\s+\d+$")
_RANGE_LIMIT = 100

_NON_MTUS_MARK = re.compile(r"^(?:the\s+)?Non-MTUS(?:\s+Citations?)?\b[\s:,-]*", re.IGNORECASE)
_MTUS_MARK = re.compile(
    r"^(?:the\s+)?(?:CA\s+)?MTUS\b(?:\s*\((?:Effective July 18, )?2009\))?[\s/:,-]*", re.IGNORECASE
)
_PART_OF_MTUS = re.compile(
    r",?\s*which (?:is|are) (?P<negation>not )?(?:a )?part of (?:the )?MTUS\b\.?", re.IGNORECASE
)
_ODG = re.compile(
    r"(?:the\s+)?(?:Official Disability Guidelines(?:\s*\(ODG\))?|\bODG\b)[\s,:-]*", re.IGNORECASE
)
_ACOEM = re.compile(r"American College of Occupational and Environmental Medicine|\bACOEM\b", re.IGNORECASE)
_ACOEM_CHAPTER = re.compile(r"\bChapter\s+(?P<number>\d+)\b", re.IGNORECASE)
_CHRONIC_PAIN = re.compile(
    r"\bChronic Pain (?:Medical )?Treatment Guidelines\b(?:\s*\((?:Effective July 18, )?2009\))?",
    re.IGNORECASE,
)
_POSTSURGICAL = re.compile(r"\bPost-?surgical Treatment Guidelines\b", re.IGNORECASE)
_TOPIC_EDGES = " ,.;:-"


def parse_basis(text: str) -> Basis:
    """A basis paragraph (without its label) and the citations it names.

    Text before "Decision based on" ("The Claims Administrator did not base their decision on
    the MTUS.") is part of the basis text, not a citation; a paragraph that bases the decision
    on nothing ("did not cite any medical evidence") has no citations.
    """
    based_on = _BASED_ON.search(text)
    citations = _citations(" ".join(text[based_on.end() :].split())) if based_on else ()
    return Basis(text=text, citations=citations)


def _citations(text: str) -> tuple[Citation, ...]:
    pieces = []
    start = 0
    for end in _CITATION_END.finditer(text):
        if end["pages"]:
            pieces.append(text[start : end.end()])
        elif end.start() > start:
            pieces.append(text[start : end.start()])
        start = end.end()
    pieces.append(text[start:])
    pieces = [piece for raw in pieces if (piece := raw.strip(" ,;"))]
    if not pieces:
        return ()
    family = _family(pieces[0]) or _family_by_clause(text)
    return tuple(_citation(piece, _family(piece) or family) for piece in pieces)


def _family(piece: str) -> Family:
    if _NON_MTUS_MARK.match(piece):
        return "Non-MTUS"
    if _MTUS_MARK.match(piece):
        return "MTUS"
    return None


def _family_by_clause(text: str) -> Family:
    clause = _PART_OF_MTUS.search(text)
    if clause is None:
        return None
    return "Non-MTUS" if clause["negation"] else "MTUS"


def _citation(piece: str, family: Family) -> Citation:
    pages_match = _PAGES_IN_CITATION.search(piece)
    if pages_match:
        pages = _pages(pages_match["pages"])
        body = f"{piece[: pages_match.start()]} {piece[pages_match.end() :]}"
    else:
        pages, body = (), piece
    body = _PART_OF_MTUS.sub("", body)
    body = (_NON_MTUS_MARK if family == "Non-MTUS" else _MTUS_MARK).sub("", body.strip(), count=1)
    guideline, document, topic = _name(body, family)
    return Citation(guideline=guideline, document=document, topic=topic, pages=pages, text=piece)


def _name(body: str, family: Family) -> tuple[Guideline, str | None, str | None]:
    """Guideline, canonical document and topic of a citation body (pages already removed).

    ODG is never part of MTUS, so naming it wins over an inherited family; ACOEM is its own
    guideline only outside MTUS, whose chapters it otherwise is.
    """
    odg = _ODG.search(body)
    if odg:
        return ("ODG", *_odg_document(body[odg.end() :]))
    if family != "MTUS" and _ACOEM.search(body):
        chapter = _ACOEM_CHAPTER.search(body)
        if chapter:
            return ("ACOEM", *_acoem_chapter(chapter, body))
        return "ACOEM", None, _topic(_ACOEM.split(body, maxsplit=1)[-1])
    if family == "Non-MTUS":
        return "OTHER", None, None
    document = _mtus_document(body)
    if document is not None:
        return ("MTUS", *document)
    if family == "MTUS":
        return "MTUS", None, _topic(body)
    return "OTHER", None, None


def _mtus_document(body: str) -> tuple[str, str | None] | None:
    chapter = _ACOEM_CHAPTER.search(body) if _ACOEM.search(body) else None
    if chapter:
        return _acoem_chapter(chapter, body)
    for pattern, document in ((_CHRONIC_PAIN, CHRONIC_PAIN), (_POSTSURGICAL, POSTSURGICAL)):
        match = pattern.search(body)
        if match:
            return document, _topic(body[match.end() :])
    return None


def _acoem_chapter(chapter: re.Match[str], body: str) -> tuple[str, str | None]:
    """The chapter under its canonical title; the topic is what follows the written title."""
    number = int(chapter["number"])
    rest = body[chapter.end() :]
    title = ACOEM_CHAPTERS.get(number)
    if title is None:
        return f"ACOEM Chapter {number}", _topic(rest)
    written = _CHAPTER_TITLES[number].match(rest)
    return f"ACOEM Chapter {number} {title}", _topic(rest[written.end() :] if written else rest)


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
    two ends are kept as written rather than guessing what an odd range means.
    """
    pages: list[int] = []
    for part in _PAGE_SEPARATOR.split(spec):
        first, _, last = _PAGE_TOTAL.sub("", part).partition("-")
        start = int(first)
        if not last:
            pages.append(start)
            continue
        end = int(last)
        if start <= end < start + _RANGE_LIMIT:
            pages.extend(range(start, end + 1))
        else:
            pages.extend((start, end))
    return tuple(pages)
