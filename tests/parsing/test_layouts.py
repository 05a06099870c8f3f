"""The case-header and 2013 notice layouts, and letters the parser must refuse."""

from __future__ import annotations

from datetime import date

import pytest

from decisions.parsing import Citation, ParseError, Patient, Reviewer, parse_letter
from tests.helpers import seed_text
from tests.parsing.letters import NOTICE, double_spaced, item, letter

HEADER = [
    "Case Number: CM13-0012345 Date Assigned: 10/01/2013\n"
    "Date of Injury: 05/22/2002 Decision Date: 01/15/2014\n"
    "UR Denial Date: 08/20/2013 Priority: Standard\n"
    "Application Received: 08/27/2013"
]
DOCUMENTS = (
    "DOCUMENTS REVIEWED\n"
    "Application of Independent Medical Review\n"
    "Utilization Review Determination dated 8/20/2013\n"
    "\u2022 Medical Treatment Utilization Schedule (MTUS)"
)
DECISIONS_HEADING = (
    "IMR DECISION(S) AND RATIONALE(S)\nThe Final Determination was based on decisions for the"
    " disputed items/services set forth below:"
)


def test_case_header():
    parsed = parse_letter(letter(header=HEADER))
    assert parsed.layout == "case-header"
    assert parsed.case_number == "CM13-0012345"
    assert parsed.date_assigned == date(2013, 10, 1)
    assert parsed.decision_date == date(2014, 1, 15)
    assert parsed.ur_denial_date == date(2013, 8, 20)
    assert parsed.application_received == date(2013, 8, 27)
    # The header's date of injury is the patient's, over the summary's 7/28/2008.
    assert parsed.patient == Patient(57, "male", date(2002, 5, 22))
    assert parsed.documents_reviewed is None


def test_case_header_with_documents_reviewed_and_the_other_decisions_heading():
    parsed = parse_letter(
        letter(header=HEADER, documents=DOCUMENTS, issues_heading=DECISIONS_HEADING)
    )
    assert parsed.layout == "case-header"
    assert parsed.documents_reviewed == (
        "Application of Independent Medical Review",
        "Utilization Review Determination dated 8/20/2013",
        "Medical Treatment Utilization Schedule (MTUS)",
    )
    assert (
        parsed.case_summary
        == "The patient is a 57 year old male with a date of injury of 7/28/2008. He has low back"
        " pain."
    )
    assert [(i.treatment, i.outcome) for i in parsed.items] == [("Lumbar ESI L4-5", "upheld")]


def test_header_values_are_kept_only_as_stated():
    header = ["Case Number: CM14-0100001\nDate Assigned: pending\nUR Denial Date:  8/20/13"]
    parsed = parse_letter(letter(header=header))
    assert (
        parsed.case_number,
        parsed.date_assigned,
        parsed.decision_date,
        parsed.ur_denial_date,
    ) == ("CM14-0100001", None, None, date(2013, 8, 20))


CHRONIC_PAIN = "Chronic Pain Medical Treatment Guidelines"


def test_notice_2013():
    parsed = parse_letter(double_spaced(NOTICE))
    assert parsed.layout == "notice-2013"
    assert parsed.case_number == "CM13-0000123"
    assert parsed.decision_date == date(2013, 9, 26)
    assert parsed.ur_denial_date == date(2013, 7, 15)
    assert (parsed.date_assigned, parsed.application_received, parsed.documents_reviewed) == (
        None,
        None,
        None,
    )
    pmr = "Physical Medicine and Rehabilitation"
    assert parsed.reviewer == Reviewer(pmr, None, ("California",), specialty_canonical=pmr)
    assert parsed.patient == Patient(44, "female", date(2010, 1, 15))
    assert parsed.warnings == ()
    assert all(item.warnings == () for item in parsed.items)
    # The disclaimer is boilerplate, like the standard layout's introduction.
    assert (
        parsed.case_summary
        == '"The patient is a 44 year-old female with a date of Injury of 8/28/2001. The provider '
        'submitted a request for 28 days of a functional restoration program."'
    )
    first, second = parsed.items
    assert (first.treatment, first.outcome) == ("a 28 day functional restoration program", "upheld")
    assert (
        first.claims_administrator_basis.text
        == "The Claims Administrator based its decision on the Chronic Pain Medical Treatment"
        " Guidelines (2009), Chronic pain programs (functional restoration programs), pages"
        " 30-32, which is part of MTUS."
    )
    assert first.claims_administrator_basis.citations == (
        Citation(
            "MTUS",
            CHRONIC_PAIN,
            "Chronic pain programs (functional restoration programs)",
            (30, 31, 32),
            "Chronic Pain Medical Treatment Guidelines (2009), Chronic pain programs (functional "
            "restoration programs), pages 30-32",
        ),
    )
    assert first.reviewer_basis.citations == (
        Citation(
            "MTUS",
            CHRONIC_PAIN,
            "Chronic pain programs",
            (30, 31, 32),
            "MTUS Chronic Pain Medical Treatment Guidelines, Chronic pain programs, pages 30-32",
        ),
    )
    assert (
        first.rationale
        == "The guidelines require an adequate and thorough evaluation first.\n\nThe request for a"
        " 28 day functional restoration program is not medically necessary and appropriate."
    )
    assert (second.treatment, second.outcome) == ("Norco 10/325mg #90", "overturned")
    assert second.claims_administrator_basis.citations == ()
    assert [(c.topic, c.pages) for c in second.reviewer_basis.citations] == [
        ("Opioids", tuple(range(74, 97)))
    ]
    assert second.rationale.startswith("The patient has documented functional improvement.")


def test_notice_2013_as_published_single_spaced_with_the_findings_twice():
    findings = NOTICE[2].split("\n", 1)[1].replace("is not medically", "is notmedically")
    published = [
        (
            "MAXIMUS FEDERAL SERVICES, INC. Notice of Independent Medical Review Determination"
            " Dated: 9/26/2013"
        ),
        findings,
        (
            "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE\nA decision has been made for each"
            " of the treatment and/or services that were in dispute:"
        ),
        findings,
        *NOTICE[3:],
    ]
    parsed = parse_letter("\n\n".join(published))
    assert parsed.decision_date == date(2013, 9, 26)
    assert parsed.case_number is None
    assert [(i.treatment, i.outcome) for i in parsed.items] == [
        ("a 28 day functional restoration program", "upheld"),
        ("Norco 10/325mg #90", "overturned"),
    ]


def test_notice_finding_without_rationale_block():
    with pytest.raises(
        ParseError,
        match=(
            r"^item 2 \('Norco 10/325mg #90'\): no '2\) Regarding the request for \.\.\.' rationale"
            r" block$"
        ),
    ):
        parse_letter(double_spaced(NOTICE[:-3]))


def test_notice_rationale_block_without_finding():
    findings = NOTICE[2].rsplit("\n2)", 1)[0]
    with pytest.raises(
        ParseError, match=r"^rationale block 2 \('Norco 10/325mg #90'\) has no finding"
    ):
        parse_letter(double_spaced([*NOTICE[:2], findings, *NOTICE[3:]]))


def test_notice_findings_that_disagree():
    conflicting = NOTICE[2].replace("is not medically", "is medically")
    with pytest.raises(ParseError, match=r"^finding 1 is stated twice, differently$"):
        parse_letter(double_spaced([*NOTICE[:3], conflicting, *NOTICE[3:]]))


def test_notice_block_without_rationale():
    blocks = [p for p in NOTICE if not p.startswith("Rationale for the Decision:\nThe patient")]
    with pytest.raises(
        ParseError,
        match=r"^item 2 \('Norco 10/325mg #90'\): no 'Rationale for the Decision:' paragraph$",
    ):
        parse_letter(double_spaced(blocks))


def test_notice_without_case_summary_is_kept_with_a_warning():
    without = [p for p in NOTICE if not p.startswith("Case Summary:")]
    parsed = parse_letter(double_spaced(without))
    assert (parsed.case_summary, parsed.patient) == ("", Patient(None, None, date(2010, 1, 15)))
    assert [(w.code, w.field, w.quote) for w in parsed.warnings] == [
        ("section-missing", "case_summary", "Case Summary:"),
        ("section-missing", "patient", "Case Summary:"),
    ]
    assert parsed.items == parse_letter(double_spaced(NOTICE)).items


def seed_cut_after(marker: str, occurrence: int = 1) -> str:
    text = seed_text("001_a9c19067578e5f47.txt")
    at = -1
    for _ in range(occurrence):
        at = text.index(marker, at + 1)
    return text[: at + len(marker)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"^empty text: no letter to parse$"),
        (" \n\n \r\n\f\n", r"^empty text: no letter to parse$"),
        (
            "Shopping list: milk, eggs.\n",
            (
                r"^no 'IMR ISSUES, DECISIONS AND RATIONALES' section: not an IMR final"
                r" determination letter or an unknown layout$"
            ),
        ),
        (
            "CLINICAL CASE SUMMARY\n\nA patient.\n",
            r"^no 'IMR ISSUES, DECISIONS AND RATIONALES' section: not an IMR",
        ),
        # Truncated inside the items: after item 2's MAXIMUS guideline, after item 3's heading.
        (
            seed_cut_after("Steroid Injections Page(s): 46.", 2),
            r"^item 2 \('Thoracic ESI at T7-8'\): no 'Decision rationale:' paragraph$",
        ),
        (
            seed_cut_after("Norco 10/325mg, #120: Overturned"),
            r"^item 3 \('Norco 10/325mg, #120'\): no 'Claims Administrator guideline:' paragraph$",
        ),
        (letter() + letter(), r"^two 'HOW THE IMR FINAL DETERMINATION WAS MADE' sections$"),
    ],
)
def test_refused(text, message):
    with pytest.raises(ParseError, match=message):
        parse_letter(text)


@pytest.mark.parametrize(
    ("text", "warnings"),
    [
        # The credentials under a heading the parser does not know: before the first section.
        (
            letter().replace("HOW THE IMR FINAL DETERMINATION WAS MADE", "HOW IT WAS MADE"),
            [("text-outside-sections", "letter"), ("section-missing", "reviewer")],
        ),
        # The summary under a heading it does not know: the end of the credentials section.
        (
            letter().replace("CLINICAL CASE SUMMARY", "SUMMARY"),
            [("section-missing", "case_summary"), ("section-missing", "patient")],
        ),
        (
            letter(summary=" "),
            [("section-missing", "case_summary"), ("section-missing", "patient")],
        ),
    ],
)
def test_a_section_other_than_the_items_missing_is_a_warning(text, warnings):
    """The items and outcomes are certain without it: the letter is kept, saying what is null."""
    parsed = parse_letter(text)
    assert [(w.code, w.field) for w in parsed.warnings] == warnings
    assert parsed.items == parse_letter(letter()).items


def test_the_items_section_heading_must_stand_on_its_own_line():
    text = letter().replace(
        "IMR ISSUES, DECISIONS AND RATIONALES", "See IMR ISSUES, DECISIONS AND RATIONALES"
    )
    with pytest.raises(ParseError, match=r"^no 'IMR ISSUES, DECISIONS AND RATIONALES' section"):
        parse_letter(text)


def test_two_items_keep_letter_order():
    parsed = parse_letter(letter(items=[item("B: Overturned"), item("A: Upheld")]))
    assert [(i.treatment, i.outcome) for i in parsed.items] == [
        ("B", "overturned"),
        ("A", "upheld"),
    ]
