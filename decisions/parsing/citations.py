"""Guideline citations in the bases of a decision, named canonically (CONTRACT.md), and the
words of a basis that are in no citation.

A standard paragraph reads "Decision based on <citation>[, <citation>...]": each citation ends
after its page group ("Page(s): 46", "pages 30-32", "pg. 5") or where another source starts
("..., Non-MTUS Citation ...", "... and the Official Disability Guidelines ..."), and each
takes the family its words mark (MTUS or Non-MTUS), else the family of the citation before it.
A paragraph may hold several such sentences ("Decision based on MTUS ... . Decision based on
Non-MTUS Citation ..."), each starting its own citations. The 2013 notices write a sentence
instead ("The Expert Reviewer based his/her decision on the MTUS Chronic Pain Medical Treatment
Guidelines, Chronic pain programs, pages 30-32."), where "which is [not] part of MTUS" marks
the family. What one citation names (guideline, canonical document, topic, pages) is read by
sources.py. Canonical documents let a facet group one document however a letter spells it; the
citation's text is kept as written.

Every word of a paragraph is accounted for: it is in a citation, in known boilerplate ("The
Claims Administrator did not base their decision on the MTUS."), or reported as a problem (a
sentence the parser does not know, a citation whose source it does not know, page numbers it
cannot read), so that a family or page the parser is unsure of never stands in silence.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .diagnostics import Problem
from .model import Basis, Citation
from .sources import PAGE_MARK, PAGES, Family, citation, family_of, only_a_mark
from .text import lowered

# Searched in lower-cased copies of a paragraph on one line with single spaces (see
# `text.lowered`); "x(?<![a-z]x)" checks a word boundary without losing a leading literal.
_PARTY = r"(?:claims administrator|expert reviewer|reviewer|utilization review(?:er)?)"
_MTUS = r"(?:ca |california )?mtus\b"  # "MTUS", "CA MTUS", "California MTUS"
# What introduces citations: "Decision based on" (also "Decision was based upon", a sentence
# opening "Based on"), and the 2013 sentences "<party> based its decision on the". Found by
# "based" or "relied" (a pattern led by a few letters is found fast; one led by optional words
# is tried at every position), then the words before it are read back (`_introductions`).
_INTRO = re.compile(
    r"(?:based|relied)(?<![a-z]based)(?<![a-z]relied) (?:(?P<sentence>(?:its|their|his/her|his"
    r"|her) decision (?:up)?on(?: the)?)|(?:up)?on:?) ?"
)
# (A sentence's start: the paragraph's, or after a full stop, or after boilerplate blanked out.)
_BEFORE_STANDARD = re.compile(r"(?:(?:the |this )?decision (?:was )?)$|(?:^ *|\. *)$")
_BEFORE_SENTENCE = re.compile(rf"(?:the {_PARTY} )?(?:also )?$")
_BEFORE_WINDOW = 40
# Sentences of a basis that cite nothing and say nothing a reader of the citations needs.
_BOILERPLATE = re.compile(
    rf"(?:the {_PARTY} did not (?:base (?:their|its|his/her|his|her) decision on"
    rf" (?:the )?{_MTUS}|cite any [^.]{{0,60}}?\bfor (?:its|their|his/her|his|her)"
    rf" decision)|the {_PARTY} found (?:that )?(?:the |no section of the )?{_MTUS}"
    r"[^.]{0,80}"
    r"|per the strength of evidence hierarchy established by the california department of"
    r" industrial relations, division of workers'? compensation,?)\.?"
)
# The family clause of a 2013 sentence, which belongs to no citation.
_FAMILY_CLAUSE = re.compile(
    rf",? ?which (?:is|are) (?P<negation>not )?(?:a )?part of (?:the )?{_MTUS}\.?"
)
# Where a source starts: a family mark or a source the parser knows by name.
_SOURCE = (
    rf"(?:non[- ]?mtus\b|(?:the )?{_MTUS}|official disability guidelines|odg\b"
    r"|american college of occupational|acoem\b|chronic pain (?:medical )?(?:treatment )?guidelines"
    r"|post-?surgical treatment guidelines|acupuncture medical treatment guidelines"
    r"|uptodate\b|drugs\.com|physicians'? desk reference|work loss data institute)"
)
# Where one citation ends and the next begins: after a page group (which belongs to the
# citation, with a full stop right after it), after a full stop before another source (which
# stays with the citation it ends), or at a separator before another source (which belongs to
# neither); "Non-MTUS" always starts a citation.
_CITATION_END = re.compile(
    rf"(?P<pages>{PAGE_MARK}{PAGES}\.?)"
    rf"|(?P<stop>\.) (?={_SOURCE})"
    rf"|(?:,? and(?: the)? |[,;] ?)(?={_SOURCE})| (?=non[- ]?mtus\b)"
)
_UNREAD_EDGES = " ,.;:-"


class ReadBasis(NamedTuple):
    """A basis and what in it the parser could not read (empty when everything was)."""

    basis: Basis
    problems: tuple[Problem, ...]


# Longer paragraphs are parsed every time: a cache of 4096 paragraphs of any length could hold
# gigabytes of a few hostile files for the life of an ingest worker.
_CACHED_LENGTH = 2000


def read_basis(text: str) -> ReadBasis:
    """A basis paragraph (without its label), the citations it names, and its problems.

    Boilerplate sentences ("The Claims Administrator did not base their decision on the
    MTUS.", "... did not cite any medical evidence for its decision.") are part of the basis
    text, not citations, and cite nothing. Each "Decision based on" (or 2013 "<party> based
    its decision on the") starts citations that run to the next one; in a 2013 sentence they
    end at the family clause. Words before the first of them that are no boilerplate, a
    sentence that introduces nothing, and citations the parser cannot place are problems.

    Cached: letters repeat the same few basis paragraphs word for word (within one letter and
    across thousands), and the result is immutable, so parses can share one.
    """
    return _cached_basis(text) if len(text) <= _CACHED_LENGTH else _read(text)


def parse_basis(text: str) -> Basis:
    """The basis of `read_basis`, without its problems."""
    return read_basis(text).basis


def _read(text: str) -> ReadBasis:
    flat = " ".join(text.split())
    low = lowered(flat)
    spans = [match.span() for match in _BOILERPLATE.finditer(low)]
    if spans:
        flat, low = _blanked(flat, spans), _blanked(low, spans)
    problems: list[Problem] = []
    intros = _introductions(low)
    if not intros:
        if _starts_with_source(low):
            sources = _citations(flat, None, explicit=False, problems=problems)
            return ReadBasis(Basis(text, tuple(sources)), _collapsed(problems))
        _unread(flat, problems)
        return ReadBasis(Basis(text, ()), _collapsed(problems))
    _unread(flat[: intros[0].start], problems)
    citations: list[Citation] = []
    ends = [intro.start for intro in intros[1:]] + [len(flat)]
    for intro, end in zip(intros, ends, strict=True):
        cited = flat[intro.end : end]
        parts = _clauses(cited, problems) if intro.sentence else [(cited, None)]
        if not any(part.strip(_UNREAD_EDGES) for part, _ in parts):
            problems.append(
                Problem(
                    "basis-unread",
                    "the paragraph introduces a citation and names none",
                    flat[intro.start : end],
                )
            )
            continue
        for part, family in parts:
            citations += _citations(part, family, explicit=family is not None, problems=problems)
    return ReadBasis(Basis(text, tuple(citations)), _collapsed(problems))


# What joins two citations of a 2013 sentence, each with its family clause ("..., which is
# part of MTUS, and the Official Disability Guidelines ..., which is not part of MTUS.").
_NEXT_CLAUSE = re.compile(r"[,;]? ?(?:and|as well as) (?:the )?")
_WORD = re.compile(r"\w")


def _clauses(cited: str, problems: list[Problem]) -> list[tuple[str, Family]]:
    """The words of a 2013 sentence's citations, each run with the family its clause states
    ("which is [not] part of MTUS"); without a clause, the words up to the sentence's stop.
    Words after the last clause are boilerplate or reported. (One lower-cased copy, searched
    from each clause on: the cost stays linear however many clauses a sentence holds.)"""
    low = lowered(cited)
    parts: list[tuple[str, Family]] = []
    start = 0
    while True:
        clause = _FAMILY_CLAUSE.search(low, start)
        if clause is None:
            if not parts:
                return [(cited.rstrip(" ").removesuffix("."), None)]
            _unread(cited[start:], problems)
            return parts
        parts.append((cited[start : clause.start()], "Non-MTUS" if clause["negation"] else "MTUS"))
        joined = _NEXT_CLAUSE.match(low, clause.end())
        if joined is None or _WORD.search(low, joined.end()) is None:
            _unread(cited[clause.end() :], problems)
            return parts
        start = joined.end()


_cached_basis = lru_cache(maxsize=4096)(_read)


class _Introduction(NamedTuple):
    start: int  # where its words start ("Decision based on", "The Expert Reviewer based ...")
    end: int  # where the citations start
    sentence: bool  # a 2013 sentence, whose citations end at a family clause


def _introductions(low: str) -> list[_Introduction]:
    """Each introduction of citations in a paragraph, with the words before its verb that
    belong to it: "Decision [was]" (or a sentence's start) before "based on", "The <party>
    [also]" before "based its decision on"; "based on" elsewhere introduces nothing."""
    found = []
    for verb in _INTRO.finditer(low):
        window = max(0, verb.start() - _BEFORE_WINDOW)
        if verb["sentence"]:
            before = _BEFORE_SENTENCE.search(low, window, verb.start())
        else:
            before = _BEFORE_STANDARD.search(low, window, verb.start())
            if before is None:
                continue
        start = before.start() if before else verb.start()
        found.append(_Introduction(start, verb.end(), bool(verb["sentence"])))
    return found


def _collapsed(problems: list[Problem]) -> tuple[Problem, ...]:
    """One problem per code: the first, its message counting the places when there are more.
    A paragraph is one field; a warning per word run of a damaged paragraph says no more."""
    first: dict[str, Problem] = {}
    counts: dict[str, int] = {}
    for problem in problems:
        first.setdefault(problem.code, problem)
        counts[problem.code] = counts.get(problem.code, 0) + 1
    return tuple(
        problem
        if counts[code] == 1
        else Problem(code, f"{problem.message} ({counts[code]} places)", problem.words)
        for code, problem in first.items()
    )


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span replaced by spaces, so that indexes still match."""
    parts, start = [], 0
    for first, last in spans:
        parts += [text[start:first], " " * (last - first)]
        start = last
    parts.append(text[start:])
    return "".join(parts)


_SOURCE_AT_START = re.compile(rf" *{_SOURCE}")


def _starts_with_source(low: str) -> bool:
    """Whether a paragraph without "Decision based on" opens with a source it cites."""
    return _SOURCE_AT_START.match(low) is not None


def _unread(words: str, problems: list[Problem]) -> None:
    """Report words that are in no citation and no boilerplate."""
    rest = " ".join(words.split()).strip(_UNREAD_EDGES)
    if rest:
        problems.append(
            Problem("basis-unread", "words of the basis in no citation the parser read", rest)
        )


def _citations(
    text: str, family: Family, *, explicit: bool, problems: list[Problem]
) -> list[Citation]:
    """The citations of one introduction's words. The first takes `family` (explicit: stated
    by a 2013 family clause) unless it marks its own; each later one marks its own or takes
    the family of the one before it."""
    low = lowered(text)
    pieces = []
    start = 0
    for end in _CITATION_END.finditer(low):
        if end["pages"]:
            piece_end = end.end()
        elif end["stop"]:
            piece_end = end.start() + 1
        else:
            piece_end = end.start()
        if not low[start:piece_end].strip(" ,;"):
            start = end.end()  # a separator right after a page group
            continue
        if only_a_mark(low[start:piece_end]):
            continue  # "Non-MTUS Citation" before the source it introduces
        pieces.append(text[start:piece_end])
        start = end.end()
    pieces.append(text[start:])
    citations = []
    for raw in pieces:
        piece = raw.strip(" ,;")
        if not piece:
            continue
        own = family_of(piece)
        if (own or family) == "MTUS":
            piece = _first_sentence(piece, problems)
        citations.append(citation(piece, own or family, problems, explicit=explicit or bool(own)))
        family, explicit = own or family, False
    return citations


# A sentence ending inside an MTUS citation: its stop after a word, then a capitalised word.
# (Not in other citations: a journal reference is sentences of its own, "J Pain. 2009".)
_SENTENCE_END = re.compile(r"\. (?<=[a-z0-9)]\. )(?=[A-Z][a-z])")


def _first_sentence(piece: str, problems: list[Problem]) -> str:
    """An MTUS citation up to the end of its sentence; the sentences after it, which no
    introduction or source starts, are reported ("... opioids. The reviewer agrees.")."""
    end = _SENTENCE_END.search(piece)
    if end is None:
        return piece
    _unread(piece[end.end() :], problems)
    return piece[: end.start() + 1]
