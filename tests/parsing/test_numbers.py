"""Numbers of absurd length are no page, chapter, item number, date or age, and crash nothing.

Python refuses to convert more than 4,300 digits to an int; each place the parser reads a
number is fed one of 5,000 digits (and, where the number may have a few more digits than it
can mean, one of 6 or 7).
"""

from __future__ import annotations

from datetime import date

import pytest

from decisions.parsing import ParseError, parse_letter
from decisions.parsing.citations import parse_basis
from decisions.parsing.numbers import bounded
from tests.parsing.letters import NOTICE, double_spaced, letter

HUGE = "9" * 5000


def test_bounded():
    assert bounded("46", 5) == 46
    assert bounded("0000046", 5) == 46
    assert bounded("0", 5) == 0
    assert bounded("99999", 5) == 99999
    assert bounded("100000", 5) is None
    assert bounded(HUGE, 5) is None
    assert bounded("0" * 5000 + "7", 5) == 7


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (HUGE, ()),
        (f"46, {HUGE}", (46,)),
        (f"46-{HUGE}", (46,)),
        (f"{HUGE}-47", (47,)),
        (f"46 of {HUGE}", (46,)),
        ("123456", ()),
        ("99999", (99999,)),
    ],
)
def test_page_numbers_past_five_digits_are_no_pages(pages, expected):
    written = f"MTUS Chronic Pain Treatment Guidelines Page(s): {pages}."
    [citation] = parse_basis(f"Decision based on {written}").citations
    assert citation.pages == expected
    assert citation.text == written


@pytest.mark.parametrize("family", ["MTUS", "Non-MTUS Citation"])
@pytest.mark.parametrize("number", [HUGE, "1234"])
def test_chapter_numbers_past_three_digits_name_no_chapter(family, number):
    [citation] = parse_basis(
        f"Decision based on {family} ACOEM Chapter {number} Low Back Complaints Page(s): 300."
    ).citations
    assert citation.document is None
    assert citation.pages == (300,)


def _notice(findings: str, block: str) -> str:
    """The two-finding notice with its finding list and second block's opening replaced."""
    paragraphs = list(NOTICE)
    paragraphs[2] = findings
    paragraphs[11] = block
    return double_spaced(paragraphs)


@pytest.mark.parametrize("number", [HUGE, "1234"])
def test_rationale_block_number_past_three_digits_fails(number):
    text = _notice(NOTICE[2], f"{number}) Regarding the request for Norco 10/325mg #90:")
    with pytest.raises(
        ParseError, match=r"^rationale block numbered '(?:9{120}\.\.\.|1234)': not an item number$"
    ):
        parse_letter(text)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (HUGE, r"^finding numbered '\.\.\.9{6}': not an item number$"),
        ("1234", r"^finding numbered '1234': not an item number$"),
    ],
)
def test_finding_number_past_three_digits_fails(number, message):
    findings = NOTICE[2].replace("\n2) MAXIMUS", f"\n{number}) MAXIMUS")
    assert findings != NOTICE[2]
    with pytest.raises(ParseError, match=message):
        parse_letter(_notice(findings, NOTICE[11]))


@pytest.mark.parametrize(
    "written",
    [
        f"{HUGE}/28/2008",
        f"7/{HUGE}/2008",
        f"7/28/{HUGE}",
        f"July {HUGE}, 2008",
        f"July 28, {HUGE}",
        "13/45/2012",
    ],
)
def test_dates_with_absurd_numbers_are_no_dates(written):
    parsed = parse_letter(letter(summary=f"The patient has a date of injury of {written}."))
    assert parsed.patient.date_of_injury is None


def test_header_dates_with_absurd_numbers_are_no_dates():
    header = [f"Case Number: CM13-0012345 Date Assigned: 10/01/{HUGE}\nDecision Date: 01/15/2014"]
    parsed = parse_letter(letter(header=header))
    assert parsed.date_assigned is None
    assert parsed.decision_date == date(2014, 1, 15)


@pytest.mark.parametrize("age", [HUGE, "1234"])
def test_ages_of_more_than_three_digits_are_no_ages(age):
    parsed = parse_letter(letter(summary=f"The patient is a {age} year old male. He has pain."))
    assert parsed.patient.age is None
