"""Both credential shapes, with and without commas, one state or several."""

from __future__ import annotations

import pytest

from decisions.parsing import Reviewer, parse_letter
from tests.parsing.letters import letter

INTRO = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE\nMAXIMUS Federal Services sent the complete case file"
    " to a physician reviewer."
)


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        (
            (
                "The physician reviewer is Board Certified in Neurology, has a subspecialty in\n"
                "Neuromuscular Medicine and is licensed to practice in California."
            ),
            Reviewer(
                "Neurology",
                "Neuromuscular Medicine",
                ("California",),
                "Neurology",
                "Neuromuscular Medicine",
            ),
        ),
        (
            # No comma before "has a subspecialty": the "and" belongs to the specialty's name.
            (
                "The expert reviewer is Board Certified in Physical Medicine and Rehabilitation has"
                " a\nsubspecialty in Pain Medicine and is licensed to practice in California."
                " He/she has been"
            ),
            Reviewer(
                "Physical Medicine and Rehabilitation",
                "Pain Medicine",
                ("California",),
                "Physical Medicine and Rehabilitation",
                "Pain Medicine",
            ),
        ),
        (
            (
                "The expert reviewer is Board Certified in Internal Medicine and is licensed to"
                " practice in\nCalifornia, Nevada and Arizona. He/she has been in active clinical"
                " practice."
            ),
            Reviewer(
                "Internal Medicine",
                None,
                ("California", "Nevada", "Arizona"),
                "Internal Medicine",
            ),
        ),
        (
            (
                "The expert reviewer is Board Certified in Orthopedic Surgery, has a subspecialty"
                " in Sports\nMedicine and Spine Surgery, and is licensed to practice in California"
                " and Oregon."
            ),
            # Two subspecialties in one: no canonical name (a warning says so).
            Reviewer(
                "Orthopedic Surgery",
                "Sports Medicine and Spine Surgery",
                ("California", "Oregon"),
                "Orthopaedic Surgery",
            ),
        ),
        (
            (
                "The Expert Reviewer has the following credentials:\n"
                "State(s) of Licensure: California\n"
                "Certification(s)/Specialty: Emergency Medicine"
            ),
            Reviewer("Emergency Medicine", None, ("California",), "Emergency Medicine"),
        ),
        (
            (
                "The Expert Reviewer has the following credentials:\n"
                "Certification(s)/Specialty: Physical Medicine & Rehabilitation\n"
                "State(s) of Licensure: California, Nevada and Arizona"
            ),
            Reviewer(
                "Physical Medicine & Rehabilitation",
                None,
                ("California", "Nevada", "Arizona"),
                "Physical Medicine and Rehabilitation",
            ),
        ),
        (
            # Professions without boards name their licence instead.
            (
                "The expert reviewer is a Licensed Chiropractor and Acupuncturist and is licensed"
                " to practice in California."
            ),
            Reviewer("Chiropractor and Acupuncturist", None, ("California",)),
        ),
        (
            "The reviewer\u2019s credentials are on file.",
            Reviewer(None, None, ()),
        ),
    ],
)
def test_credentials(credentials, expected):
    assert parse_letter(letter(how=f"{INTRO}\n{credentials}")).reviewer == expected
