"""No treatment can stall the classifier: its cost grows linearly with the treatment's length.

A treatment is a heading, a line or two; a damaged extraction can merge it with pages of what
follows, and a hostile file can hold anything. Each case repeats, to 50 KB and to 400 KB,
something some step starts on: phrases cut short before their last word, unknown words of
the length fuzzy matching looks at, misspelt service words (corrected in any request), one
word as long as the whole text, word endings that name a surgery, percent signs, accented
letters, words broken in two, a combination's strengths.
Quadratic work would take 64 times as long for the larger; the bound allows 24 (CPU time, best
of five runs, so a busy machine moves it little: at 20 and best of three it failed once on a
machine running five test suites).
"""

from __future__ import annotations

import time

import pytest

from decisions.taxonomy import Category, classify

SMALL, LARGE = 50_000, 400_000
GROWTH = 24
FLOOR = 0.002  # seconds: below this the small run's time is mostly noise


def repeated(phrase: str, size: int) -> str:
    return (phrase * (size // len(phrase) + 1))[:size]


CASES = {
    "drug names and dosage noise": "Norco 10/325mg, #120 QTY: 60 x 3 ",
    "phrases cut short": "functional capacity physical medicine and spinal cord ",
    "unknown words of fuzzy length": "Zqxwvut Hydrocodonx Gabapentinn ",
    "one long word": "a",
    "surgical endings": "trapeziectomy kyphoplasty ",
    "drug stems": "ilaprazole dexketoprofen ",
    "separators": "/-/#%,.;:()",
    "accented letters": "Flexéril café ",
    "digits": "0123456789",
    "words broken in two": "Cyclobenza prine Nor co Acupunct ure ",
    "service words broken in two": "Physical thera- py func tional ",
    "misspelt service words": "Physical therpay Pyschotherapy blcok restortion heading ",
    "strengths": "Hydrocodone 10/325 7.5 mg/ 325-",
    "separators outside ASCII": "Hydrocodone–APAP 10–325 “x” ",
}


def _cpu_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        classify(text)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("phrase", CASES.values(), ids=CASES)
def test_cost_grows_linearly(phrase):
    small = _cpu_seconds(repeated(phrase, SMALL))
    large = _cpu_seconds(repeated(phrase, LARGE))
    assert large <= GROWTH * max(small, FLOOR), (small, large)


def test_a_50_kb_treatment_is_classified_by_its_words():
    assert classify(repeated("Norco 10/325mg #120 ", SMALL)).category is Category.PHARMACEUTICAL
    assert classify("a" * SMALL).category is Category.OTHER
