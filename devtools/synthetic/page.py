"""The letter as a PDF text extractor emits it: visual lines, page breaks, and the
extraction's artifacts (CRLF, form feeds, page residue, hyphen breaks, typographic quotes,
single spacing), each in a few percent of letters, as in the published record.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache, lru_cache

# Each artifact in a few percent of letters, independently. Natural page breaks (one extra
# empty visual line every ~45 lines, as in all three seeds) are not an artifact: every
# double-spaced letter has them.
ARTIFACT_RATES = {
    "crlf": 0.03,
    "form_feed": 0.03,
    "long_page_residue": 0.04,
    "hyphen_break": 0.12,
    "typographic": 0.03,
    "single_spaced": 0.04,
}


@dataclass(frozen=True)
class Style:
    """How this letter's text was produced: the reviewer's habits and the extraction's quirks."""

    width: int
    sentence_gap: str
    summary_gap: str
    artifacts: frozenset[str]


def style(rng: random.Random) -> Style:
    artifacts = frozenset(name for name, rate in ARTIFACT_RATES.items() if rng.random() < rate)
    sentence_gap = "  " if rng.random() < 0.25 else " "
    summary_gap = rng.choice(("", " ", "  ")) if rng.random() < 0.08 else sentence_gap
    return Style(
        width=rng.randint(88, 98),
        sentence_gap=sentence_gap,
        summary_gap=summary_gap,
        artifacts=artifacts,
    )


class Page:
    """Visual lines as a PDF text extractor emits them, then the extraction's artifacts."""

    def __init__(self, style: Style):
        self.style = style
        self.lines: list[str] = []
        self.hyphens = "hyphen_break" in style.artifacts

    def line(self, text: str) -> None:
        self.lines.append(text + " ")

    def blank(self) -> None:
        self.lines.append(" ")

    def paragraph(self, text: str, repeated: bool = False) -> None:
        """Add a wrapped paragraph; `repeated` ones (boilerplate, guideline bases) recur across
        letters, so their line breaks are worth remembering."""
        wrap = _wrap_repeated if repeated else _wrap
        self.lines.extend(wrap(text, self.style.width, self.hyphens))

    def text(self, rng: random.Random) -> str:
        artifacts = self.style.artifacts
        single = "single_spaced" in artifacts
        residue = [""] * (rng.randint(2, 3) if "long_page_residue" in artifacts else 1)
        feed = "\f" if "form_feed" in artifacts else ""
        lines = self.lines
        out: list[str] = []
        start, stop = 0, rng.randint(35, 39)
        while stop < len(lines) - 1:
            out.extend(lines[start:stop])
            out.extend(residue)
            start, stop = stop, stop + rng.randint(44, 47)
            if feed:
                out.append(feed + lines[start])
                start += 1
        out.extend(lines[start:])
        # The seeds end with the last paragraph break and one or two more empty lines.
        separator = "\n" if single else "\n\n"
        text = separator.join(out) + separator + separator * rng.randint(0, 1) + "\n"
        if "typographic" in artifacts:
            text = _typographic(text, rng)
        if "crlf" in artifacts:
            text = text.replace("\n", "\r\n")
        return text


@cache
def _line_pattern(width: int, hyphens: bool) -> re.Pattern[str]:
    """One visual line: as many characters as fit, ending before a run of spaces (which stays on
    the line, as PDF extractors leave it), at the paragraph's end, or, when the extraction
    hyphenates, right after an in-word hyphen; a word longer than the line stands alone."""
    after_hyphen = r"(?<=\S-)(?=\S)|" if hyphens else ""
    return re.compile(rf".{{1,{width}}}(?:{after_hyphen} +|$)|\S+ *")


def _wrap(paragraph: str, width: int, hyphens: bool) -> list[str]:
    """Greedy line filling like the PDFs': the extractor adds a space after the paragraph's last
    line; a line broken after a hyphen has none ("L5-" in the seeds)."""
    lines = _line_pattern(width, hyphens).findall(paragraph)
    lines[-1] += " "
    return lines


_wrap_repeated = lru_cache(maxsize=8192)(_wrap)

OPENING_QUOTE = re.compile(r'"(?=\w)')
HYPHEN = re.compile(r"-")


def _typographic(text: str, rng: random.Random) -> str:
    """What other PDF tools emit: curly quotes and apostrophes, and some hyphens as en/em dashes."""
    text = OPENING_QUOTE.sub("\u201c", text).replace('"', "\u201d").replace("'", "\u2019")
    dash = "\u2013" if rng.random() < 0.8 else "\u2014"
    return HYPHEN.sub(lambda _: dash if rng.random() < 0.5 else "-", text)
