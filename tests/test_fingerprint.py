"""The content fingerprint: the same letter in any encoding or format, another letter otherwise."""

from __future__ import annotations

import dataclasses

import pytest

from decisions.extraction import extract_text
from decisions.fingerprint import content_fingerprint, reduced
from decisions.parsing import parse_letter
from tests.helpers import SEED_NAMES, seed_text
from tests.pdfs import text_pdf

LIMIT = 10 * 1024 * 1024


def fingerprint_of(data: bytes) -> str:
    return content_fingerprint(parse_letter(extract_text(data, max_bytes=LIMIT).text))


def typographic(text: str) -> str:
    """What a word processor makes of the letter: curly quotes, dashes."""
    return text.replace("'", "\u2019").replace(" - ", " \u2013 ").replace(", ", " \u2014 ", 1)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_the_same_letter_in_any_encoding_or_as_its_pdf_has_one_fingerprint(name):
    text = typographic(seed_text(name))
    assert text != seed_text(name)
    files = [
        text.encode("utf-8"),
        text.encode("utf-16"),  # with a byte-order mark
        text.encode("utf-16-le"),  # without
        text.encode("utf-16-be"),
        text.encode("cp1252"),
        text.replace("\n", "\r\n").encode("utf-8"),
        # The PDF's core font has no curly quotes: its text layer differs from the text file's.
        text_pdf(text),
    ]
    assert len({fingerprint_of(data) for data in files}) == 1
    assert fingerprint_of(files[0]) == content_fingerprint(parse_letter(seed_text(name)))


def test_the_fingerprint_is_of_case_summary_treatments_outcomes_and_rationales():
    letter = parse_letter(seed_text(SEED_NAMES[1]))
    first, second, *rest = letter.items
    same = [
        dataclasses.replace(letter, case_number="CM99-9999999", decision_date=None),
        dataclasses.replace(letter, case_summary=letter.case_summary.upper() + " ..."),
        dataclasses.replace(
            letter,
            items=(dataclasses.replace(first, claims_administrator_basis=None), second, *rest),
        ),
    ]
    other = [
        dataclasses.replace(letter, case_summary=letter.case_summary + " Two years later."),
        dataclasses.replace(
            letter, items=(dataclasses.replace(first, outcome="overturned"), second, *rest)
        ),
        dataclasses.replace(
            letter, items=(dataclasses.replace(first, treatment="Norco"), second, *rest)
        ),
        dataclasses.replace(
            letter,
            items=(dataclasses.replace(first, rationale=first.rationale + " 1"), second, *rest),
        ),
        dataclasses.replace(letter, items=(first, *rest)),
        # The same words, but the last of one item's rationale moved to the next item.
        dataclasses.replace(
            letter,
            items=(
                dataclasses.replace(first, rationale=first.rationale.rsplit(" ", 1)[0]),
                dataclasses.replace(
                    second, treatment=first.rationale.rsplit(" ", 1)[1] + second.treatment
                ),
                *rest,
            ),
        ),
    ]
    fingerprint = content_fingerprint(letter)
    assert [content_fingerprint(variant) for variant in same] == [fingerprint] * len(same)
    assert len({fingerprint, *(content_fingerprint(variant) for variant in other)}) == 1 + len(
        other
    )


def test_reduced_keeps_lower_case_ascii_letters_and_digits():
    assert reduced("Norco 10/325mg, #120") == b"norco10325mg120"
    assert reduced("RENÉE \u2013 Straße, \ufb01rst \u2018quoted\u2019 \u00bd") == (
        b"reneestrassefirstquoted12"
    )
    assert reduced("\u0416\u4e2d \t\f\n") == b""
