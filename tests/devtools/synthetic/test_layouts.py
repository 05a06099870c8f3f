"""The text is laid out as the real letters are: their line format and their boilerplate, word
for word.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

from .helpers import corpus, paragraphs

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "letters"


def test_text_keeps_the_seed_format():
    """Every visual line ends with a space and is followed by an empty line, as in the seeds."""
    for text, _ in corpus()[:300]:
        body = text.replace("\r\n", "\n").replace("\f", "")
        if re.search(r"\S \n\S", body):
            continue  # the single-spaced extraction
        lines = body.split("\n")
        content = [line for line in lines if line]
        # (A word broken at its hyphen keeps the dash, typographic in another tool's extraction.)
        assert all(line.endswith((" ", "-", "\u2013", "\u2014")) for line in content)
        assert max(len(line) for line in content) <= 101
        assert re.search(r"\S \n\n \n\n\n(\n\n)?$", body) and "\n" * 9 not in body


# --- The seeds ------------------------------------------------------------------------------


@cache
def seed_paragraphs() -> dict[str, list[str]]:
    return {path.name: paragraphs(path.read_text()) for path in sorted(FIXTURES.glob("*.txt"))}


def test_seed_boilerplate_appears_word_for_word():
    generated = Counter(p for text, _ in corpus() for p in paragraphs(text))
    seeds = seed_paragraphs()
    assert len(seeds) == 3
    for name, found in seeds.items():
        how = next(p for p in found if p.startswith("HOW THE IMR FINAL DETERMINATION WAS MADE "))
        intro = next(p for p in found if p.startswith("CLINICAL CASE SUMMARY "))
        items = next(p for p in found if p.startswith("IMR ISSUES, DECISIONS AND RATIONALES "))
        for paragraph in (how, intro, items):
            assert generated[paragraph] > 0, (name, paragraph)


def test_seeds_read_like_the_generator_writes():
    """The seeds, read by the same reader, show the shapes the generator imitates."""
    for found in seed_paragraphs().values():
        assert any(
            p.startswith(
                "Claims Administrator guideline: "
                "Decision based on MTUS Chronic Pain Treatment Guidelines"
            )
            for p in found
        )
        assert any(re.fullmatch(r".+: (Upheld|Overturned)", p) for p in found)
    assert "sensation bilaterally at L5-S1 and positive SLR" in " ".join(
        seed_paragraphs()["002_ff6d3744d5ceadfe.txt"]
    )
