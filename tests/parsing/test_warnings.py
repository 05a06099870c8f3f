"""Never half-right in silence: each warning code, on the words that raise it.

A letter whose items and outcomes are certain is returned; what the parser did not understand
is a warning naming the field (a path into the contract's JSON, items counted from 0) and
quoting the words. The value it concerns is null or as written, never a guess.
"""

from __future__ import annotations

from datetime import date

import pytest

from decisions.parsing import Letter, ParseError, parse_letter
from decisions.parsing.diagnostics import CODES
from tests.parsing.letters import CLAIMS, item, letter

INTRO = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE\nMAXIMUS Federal Services sent the complete case file"
    " to a physician reviewer."
)


def warned(parsed: Letter) -> list[tuple[str, str]]:
    return [(w.code, w.field) for w in parsed.warnings] + [
        (w.code, w.field) for one in parsed.items for w in one.warnings
    ]


def quotes(parsed: Letter) -> list[str]:
    return [w.quote for w in parsed.warnings] + [w.quote for i in parsed.items for w in i.warnings]


def with_credentials(credentials: str) -> Letter:
    return parse_letter(letter(how=f"{INTRO}\n{credentials}"))


def test_a_whole_letter_has_no_warnings():
    parsed = parse_letter(letter())
    assert warned(parsed) == []


def test_every_code_has_a_meaning_and_no_two_codes_share_one():
    assert all(CODES.values()) and len(set(CODES.values())) == len(CODES)


# --- The reviewer ---------------------------------------------------------------------------


def test_credentials_that_name_no_specialty():
    parsed = with_credentials(
        "The reviewer\u2019s credentials are on file and he/she is licensed to practice in"
        " California."
    )
    assert (parsed.reviewer.specialty, parsed.reviewer.licensed_in) == (None, ("California",))
    assert warned(parsed) == [("specialty-not-found", "reviewer.specialty")]
    assert "credentials are on file" in quotes(parsed)[0]


@pytest.mark.parametrize(
    ("credentials", "field", "written"),
    [
        (
            "The expert reviewer is Board Certified in Integrative Medicine and is licensed to"
            " practice in California.",
            "reviewer.specialty",
            "Integrative Medicine",
        ),
        (
            "The expert reviewer is Board Certified in Internal Medicine, has a subspecialty in"
            " Hospitalist Care and is licensed to practice in California.",
            "reviewer.subspecialty",
            "Hospitalist Care",
        ),
        (
            "The Expert Reviewer has the following credentials:\n"
            "State(s) of Licensure: California\nCertification(s)/Specialty: Wound Care",
            "reviewer.specialty",
            "Wound Care",
        ),
    ],
)
def test_a_specialty_outside_the_vocabulary_is_kept_as_written(credentials, field, written):
    parsed = with_credentials(credentials)
    value, canonical = (
        (parsed.reviewer.specialty, parsed.reviewer.specialty_canonical)
        if field == "reviewer.specialty"
        else (parsed.reviewer.subspecialty, parsed.reviewer.subspecialty_canonical)
    )
    assert (value, canonical) == (written, None)
    assert warned(parsed) == [("specialty-unknown", field)]
    assert quotes(parsed) == [written]


def test_credentials_that_name_no_state():
    parsed = with_credentials("The expert reviewer is Board Certified in Neurology.")
    assert parsed.reviewer.licensed_in == ()
    assert warned(parsed) == [("licensure-not-found", "reviewer.licensed_in")]


def test_a_licensure_that_is_no_state_is_kept_as_written():
    parsed = with_credentials(
        "The expert reviewer is Board Certified in Neurology and is licensed to practice in"
        " Calfornia and Nevada."
    )
    assert parsed.reviewer.licensed_in == ("Calfornia", "Nevada")
    assert warned(parsed) == [("licensure-unknown", "reviewer.licensed_in")]
    assert quotes(parsed) == ["Calfornia"]


# --- The patient ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "code", "field", "patient"),
    [
        (
            "The patient is a forty-something year old man with neck pain.",
            "age-unread",
            "patient.age",
            (None, "male", None),
        ),
        (
            "The patient is a 42 year old, right-handed male with neck pain.",
            "sex-unread",
            "patient.sex",
            (42, None, None),
        ),
        (
            "The patient has a date of injury of 13/45/2010 and neck pain.",
            "date-unread",
            "patient.date_of_injury",
            (None, None, None),
        ),
        (
            "The patient was injured on February 30, 2012.",
            "date-unread",
            "patient.date_of_injury",
            (None, None, None),
        ),
        (
            "DOI: 2012-13-01. The patient has neck pain.",
            "date-unread",
            "patient.date_of_injury",
            (None, None, None),
        ),
        (
            # A date in the injury's sentence that another clause ties to something else.
            "He was injured at work and was seen on 5/5/2014.",
            "date-unread",
            "patient.date_of_injury",
            (None, None, None),
        ),
    ],
)
def test_a_patient_phrase_that_gave_no_value(summary, code, field, patient):
    parsed = parse_letter(letter(summary=summary))
    assert (parsed.patient.age, parsed.patient.sex, parsed.patient.date_of_injury) == patient
    assert warned(parsed) == [(code, field)]


def test_a_header_date_that_is_no_date():
    header = ["Case Number: CM14-0100001 Date of Injury: 02/30/2012\nUR Denial Date: 8/20/13"]
    parsed = parse_letter(letter(header=header, summary="The patient has neck pain."))
    assert (parsed.patient.date_of_injury, parsed.ur_denial_date) == (None, date(2013, 8, 20))
    assert warned(parsed) == [("date-unread", "patient.date_of_injury")]
    assert quotes(parsed)[0].startswith("Date of Injury: 02/30/2012")


# --- The items ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "outcome"),
    [
        ("MRI: Upheld;", "upheld"),
        ("MRI: Over-turned", "overturned"),
        ("MRI: Denial upheld", "upheld"),
        ("MRI: Overturn", "overturned"),
        ("MRI - Upheld", "upheld"),
        ("MRI Overturned", "overturned"),
    ],
)
def test_an_outcome_read_loosely(heading, outcome):
    parsed = parse_letter(letter(items=[item(heading), item("Norco 10/325mg: Upheld")]))
    assert [(i.treatment, i.outcome) for i in parsed.items] == [
        ("MRI", outcome),
        ("Norco 10/325mg", "upheld"),
    ]
    assert warned(parsed) == [("outcome-loose", "items[0].outcome")]


@pytest.mark.parametrize(
    "word", ["Partially Overturned", "Modified", "Withdrawn", "Upheld in part"]
)
def test_an_outcome_that_cannot_be_read_refuses_the_letter(word):
    with pytest.raises(ParseError, match=r"^item 1 \('MRI'\): unknown outcome"):
        parse_letter(letter(items=[item(f"MRI: {word}")]))


@pytest.mark.parametrize(
    ("claims", "code", "unread"),
    [
        (
            "The reviewer also read the treating physician's report. " + CLAIMS,
            "basis-unread",
            "The reviewer also read the treating physician's report",
        ),
        ("Decision based on", "basis-unread", "Decision based on"),
        (
            "Decision based on MTUS Chronic Pain Treatment Guidelines opioids. The reviewer agrees"
            " with utilization review.",
            "basis-unread",
            "The reviewer agrees with utilization review",
        ),
        ("Guidelines were reviewed by the utilization reviewer.", "basis-unread", None),
        (
            "Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 46, Opioids"
            " Page(s): 80.",
            "citation-unrecognised",
            "Opioids Page(s): 80.",
        ),
        (
            "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Official Disability"
            " Guidelines Low Back Chapter",
            "citation-mixed",
            None,
        ),
        (
            "Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): forty-six.",
            "pages-unread",
            None,
        ),
        (
            # ACOEM with no family: its own guideline, or the chapter MTUS adopted?
            "Decision based on ACOEM Chapter 12 Low Back Complaints Page(s): 303.",
            "citation-unrecognised",
            "ACOEM Chapter 12 Low Back Complaints Page(s): 303.",
        ),
    ],
)
def test_basis_words_in_no_citation(claims, code, unread):
    parsed = parse_letter(letter(items=[item(claims=claims)]))
    assert warned(parsed) == [(code, "items[0].claims_administrator_basis")]
    if unread is not None:
        assert quotes(parsed) == [unread]


def test_a_basis_sentence_of_known_boilerplate_is_no_warning():
    for boilerplate in (
        "The Claims Administrator did not base their decision on the MTUS.",
        "The Claims Administrator did not cite any medical evidence for its decision.",
        "The Claims Administrator did not cite any evidence-based criteria for its decision.",
    ):
        parsed = parse_letter(letter(items=[item(claims=boilerplate)]))
        assert warned(parsed) == [], boilerplate


def test_warnings_name_the_item_they_concern():
    parsed = parse_letter(
        letter(
            items=[item("MRI: Upheld"), item("Norco: Overturned.", reviewer="Decision based on")]
        )
    )
    assert warned(parsed) == [("basis-unread", "items[1].reviewer_basis")]
    assert parsed.items[0].warnings == ()


def test_text_before_the_first_section():
    parsed = parse_letter(letter(header=["Independent Medical Review Final Determination Letter"]))
    assert warned(parsed) == [("text-outside-sections", "letter")]
    assert quotes(parsed) == ["Independent Medical Review Final Determination Letter"]


def test_a_paragraph_gives_one_warning_per_code_counting_its_places():
    parsed = parse_letter(
        letter(
            items=[
                item(
                    claims="Decision based on. Decision based on. " + CLAIMS,
                    reviewer="Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 46,"
                    " Opioids Page(s): 80, Weaning Page(s): 124.",
                )
            ]
        )
    )
    [claims, reviewer] = parsed.items[0].warnings
    assert (claims.code, claims.message) == (
        "basis-unread",
        "the paragraph introduces a citation and names none (2 places)",
    )
    assert (reviewer.code, reviewer.quote) == ("citation-unrecognised", "Opioids Page(s): 80")
    assert reviewer.message.endswith("(2 places)")


def test_several_licensures_that_are_no_state_give_one_warning():
    parsed = parse_letter(
        letter(
            how="HOW THE IMR FINAL DETERMINATION WAS MADE\nThe expert reviewer is Board Certified"
            " in Neurology and is licensed to practice in Calfornia, Nevada and Oregn."
        )
    )
    assert parsed.reviewer.licensed_in == ("Calfornia", "Nevada", "Oregn")
    [warned] = parsed.warnings
    assert (warned.code, warned.quote) == ("licensure-unknown", "Calfornia")
    assert warned.message.endswith("(2 values)")
