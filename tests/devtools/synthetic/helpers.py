"""What the generator's tests share: one sample of letters, generated once per test run, and a
deliberately naive reader of letters.

The reader undoes the extraction artifacts, joins lines and splits at the one-space paragraph
lines; the tests demand that every expected paragraph is one of the letter's paragraphs, so an
expected dict that the text does not support fails there rather than in the parser's tests.
"""

from __future__ import annotations

from functools import cache

from devtools.synthetic import generate_letter

SEED = 20260101
SAMPLE = 2000

TYPOGRAPHIC = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
HEADER_DATES = ("date_assigned", "decision_date", "ur_denial_date", "application_received")


@cache
def corpus() -> tuple[tuple[str, dict], ...]:
    return tuple(generate_letter(SEED, index) for index in range(SAMPLE))


def paragraphs(text: str) -> list[str]:
    """The letter's paragraphs as a reader sees them, whatever the extraction did."""
    text = text.replace("\r\n", "\n").replace("\f", "").translate(TYPOGRAPHIC)
    result: list[str] = []
    current = ""
    for line in text.split("\n"):
        if line == "":
            continue  # the double spacing and page-break residue
        if not line.strip():
            if current.strip():
                result.append(" ".join(current.split()))
            current = ""
        elif current.endswith("-"):
            current += line  # "L5-" / "S1"
        else:
            current += " " + line
    if current.strip():
        result.append(" ".join(current.split()))
    return result


@cache
def all_items() -> tuple[dict, ...]:
    return tuple(item for _, expected in corpus() for item in expected["items"])
