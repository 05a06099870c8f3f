"""Age, sex and date of injury only where the letter states them, in the phrasings letters use."""

from __future__ import annotations

from datetime import date

import pytest

from decisions.parsing import Patient, parse_letter
from tests.parsing.letters import letter


def patient_of(summary: str) -> Patient:
    return parse_letter(letter(summary=summary)).patient


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            (
                " is a 42 year old man who sustained a work related injury to the cervical spine"
                " on\nNovember 2, 2012."
            ),
            Patient(42, "male", date(2012, 11, 2)),
        ),
        (
            "The patient is a 57 year old male with a date of injury of 7/28/2008.",
            Patient(57, "male", date(2008, 7, 28)),
        ),
        (
            (
                "The applicant is a 34 year-old individual who reported an industrial injury on"
                " 5/22/02."
            ),
            Patient(34, None, date(2002, 5, 22)),
        ),
        (
            "This 48-year-old female sustained an industrial injury on 5/22/99.",
            Patient(48, "female", date(1999, 5, 22)),
        ),
        (
            "This is a 61 year old gentleman with a date of injury 3/4/2011.",
            Patient(61, "male", date(2011, 3, 4)),
        ),
        (
            "A 39 year-old lady, DOI: 1/2/2003, has neck pain.",
            Patient(39, "female", date(2003, 1, 2)),
        ),
        (
            "The applicant is a 45-year-old right-handed woman. Date of injury: 10-15-2012.",
            Patient(45, "female", date(2012, 10, 15)),
        ),
        (
            "The applicant is a 50-year-old employee of a female-owned company.",
            Patient(50, None, None),
        ),
        (
            "The applicant is a 44 year old applicant who was injured on Sept. 3, 2011.",
            Patient(44, None, date(2011, 9, 3)),
        ),
        (
            "The patient reports a date of injury of November 2 2012 at work.",
            Patient(None, None, date(2012, 11, 2)),
        ),
        (
            "associated with an industrial injury of December 31, 2013.Thus far, she improved.",
            Patient(None, None, date(2013, 12, 31)),
        ),
        (
            "He was injured at work while lifting boxes on 6/1/2010. She and her husband came.",
            Patient(None, None, date(2010, 6, 1)),
        ),
        # Pronouns are never used for sex; a year alone is no date of injury.
        (
            "She has a 2013 date of injury. Her pain is 6/10. Seen on 5/5/2014.",
            Patient(None, None, None),
        ),
        (
            "The patient has a 10 year old injury to the knee, injured in 2003.",
            Patient(None, None, None),
        ),
        ("The patient is a male with knee pain.", Patient(None, "male", None)),
        # Other ways to state an age; the sex is read where the phrase states it.
        (
            "The patient is a 42 y/o female, DOI 2008-07-28.",
            Patient(42, "female", date(2008, 7, 28)),
        ),
        ("The patient is a 42-yr-old man.", Patient(42, "male", None)),
        (
            "The patient is a woman aged 42, injured on 28 July 2008.",
            Patient(42, "female", date(2008, 7, 28)),
        ),
        ("The patient, a man, is 42 years of age.", Patient(42, None, None)),
        ("He is a male, 42 years of age.", Patient(42, "male", None)),
        ("The patient is a forty-two year old man.", Patient(42, "male", None)),
        ("The patient is a nineteen-year-old woman.", Patient(19, "female", None)),
        (
            "The date of injury (DOI) of July 28th, 2008 is stated.",
            Patient(None, None, date(2008, 7, 28)),
        ),
        ("The injury date of 07.28.2008 is stated.", Patient(None, None, date(2008, 7, 28))),
        ("DOI: 28-Jul-2008.", Patient(None, None, date(2008, 7, 28))),
        ("The date of the injury was 7/28/2008.", Patient(None, None, date(2008, 7, 28))),
        (
            "The worker is a 51-year-old female who injured her lower back while lifting boxes on"
            " 03/14/2017.",
            Patient(51, "female", date(2017, 3, 14)),
        ),
        ("The patient is a male, 42 years old.", Patient(42, "male", None)),
        ("The patient's age is 42.", Patient(42, None, None)),
        # The date of another clause is not the injury's.
        ("He was injured at work and was seen on 5/5/2014.", Patient(None, None, None)),
        # Two-digit years: 00-29 are 20xx, the rest 19xx.
        ("Industrial injury on 5/22/30.", Patient(None, None, date(1930, 5, 22))),
        # Numbers that are no calendar date give nothing rather than a guess.
        ("The date of injury is 13/45/2010.", Patient(None, None, None)),
        # "Injured" as an adjective names no injury date; the injury and its date share a sentence.
        ("The injured worker had an MRI performed on August 23 2022.", Patient(None, None, None)),
        ("He has an injury to the back. On 5/5/2014 he saw a doctor.", Patient(None, None, None)),
    ],
)
def test_patient(summary, expected):
    assert patient_of(summary) == expected
