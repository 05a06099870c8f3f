"""Case numbers from file names and typed text, written one way
(decisions/parsing/case_numbers.py), and the parser's choice between the text's and the file's."""

from __future__ import annotations

import pytest

from decisions.parsing import parse_letter
from decisions.parsing.case_numbers import canonical, in_file_name
from devtools.synthetic import generate_letter

from ..helpers import SEED_NAMES, seed_text


@pytest.mark.parametrize(
    "name",
    [
        "CM13-0000123.pdf",
        "cm13-0000123.pdf",
        "CM130000123.pdf",
        "CM13-0000123_redacted.pdf",
        "CM13-0000123 (1).PDF",
        "CM13-0000123-final.txt",
        "CM13-0000123.txt",
        "CM13-0000123",
        "2013/CM13-0000123.pdf",
        "uploads\\2013\\CM13-0000123.pdf",
    ],
)
def test_a_file_named_by_its_case_gives_the_case_in_one_form(name):
    assert in_file_name(name) == "CM13-0000123"


@pytest.mark.parametrize(
    "name",
    [
        "letter.pdf",
        "copy of CM13-0000123.pdf",  # someone's name for the file, not the DWC's
        "CM13-00001234.pdf",  # eight digits: not a case number
        "CM13-000012.pdf",  # six
        "CM13-0000123abc.pdf",  # runs into other words
        "CM13-0000123/letter.pdf",  # a folder named like a case says nothing of its files
        "XX13-0000123.pdf",
        "",
    ],
)
def test_other_names_give_no_case(name):
    assert in_file_name(name) is None


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("CM15-0123456", "CM15-0123456"),
        ("cm15-0123456", "CM15-0123456"),
        ("CM150123456", "CM15-0123456"),
        ("  cm150123456 ", "CM15-0123456"),
    ],
)
def test_typed_case_numbers_are_written_one_way(typed, written):
    assert canonical(typed) == written


@pytest.mark.parametrize("typed", ["norco", "CM15-0123456 norco", "CM15-012345", "15-0123456"])
def test_text_that_is_not_one_case_number_is_none(typed):
    assert canonical(typed) is None


def header_letter() -> tuple[str, str]:
    """A generated letter whose header states its case number, and that number."""
    for index in range(200):
        text, expected = generate_letter(7, index)
        if expected["case_number"]:
            return text, expected["case_number"]
    raise AssertionError("no generated letter with a case header")


def test_a_letter_without_a_case_number_takes_its_file_names():
    letter = parse_letter(seed_text(SEED_NAMES[0]), file_name="2015/cm150123456_redacted.pdf")
    assert (letter.case_number, letter.case_number_source) == ("CM15-0123456", "file_name")
    assert letter.layout == "standard"  # the file's name is no header
    assert letter.warnings == parse_letter(seed_text(SEED_NAMES[0])).warnings


def test_a_file_named_otherwise_gives_nothing():
    letter = parse_letter(seed_text(SEED_NAMES[0]), file_name="letter 12.txt")
    assert (letter.case_number, letter.case_number_source) == (None, None)


def test_the_letters_own_case_number_stands_and_another_in_the_file_name_is_warned():
    text, number = header_letter()
    same = parse_letter(text, file_name=f"{number}.pdf")
    assert (same.case_number, same.case_number_source) == (number, "letter")
    assert "case-number-file-name" not in {w.code for w in same.warnings}

    other = parse_letter(text, file_name="CM99-0000001.pdf")
    assert (other.case_number, other.case_number_source) == (number, "letter")
    (warning,) = [w for w in other.warnings if w.code == "case-number-file-name"]
    assert (warning.field, warning.quote) == ("case_number", "CM99-0000001.pdf")
    assert "CM99-0000001" in warning.message and number in warning.message
