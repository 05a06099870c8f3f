"""One name per specialty: the vocabulary's lookup, and the data it is read from."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from decisions.parsing.specialties import CANONICAL_NAMES, canonical_specialty

DATA = Path(__file__).resolve().parents[2] / "decisions" / "parsing" / "data" / "specialties.toml"


@pytest.mark.parametrize(
    ("canonical", "spellings"),
    [
        (
            "Physical Medicine and Rehabilitation",
            [
                "Physical Medicine and Rehabilitation",
                "Physical Medicine & Rehabilitation",
                "physical medicine  &  rehabilitation",
                "PHYSICAL MEDICINE AND REHABILITATION",
                "Physical Medicine & Rehab",
                "PM&R",
                "Physiatry",
            ],
        ),
        ("Orthopaedic Surgery", ["Orthopedic Surgery", "Orthopaedic Surgery", "orthopedics"]),
        ("Pain Medicine", ["Pain Medicine", "Pain Management", "pain management."]),
        ("Family Medicine", ["Family Medicine", "Family Practice"]),
        ("General Surgery", ["General Surgery", "Surgery"]),
        ("Neurological Surgery", ["Neurological Surgery", "Neurosurgery"]),
        (
            "Occupational Medicine",
            ["Occupational Medicine", "Occupational & Environmental Medicine"],
        ),
        (
            "Endocrinology, Diabetes and Metabolism",
            ["Endocrinology", "Endocrinology, Diabetes & Metabolism"],
        ),
        (
            "Consultation-Liaison Psychiatry",
            ["Psychosomatic Medicine", "Consultation Liaison Psychiatry"],
        ),
        (
            "Otolaryngology - Head and Neck Surgery",
            ["Otolaryngology", "Otolaryngology-Head & Neck Surgery"],
        ),
        # Names ABMS certificates had before a renaming, or go by, kept as aliases.
        (
            "Urogynecology and Reconstructive Pelvic Surgery",
            [
                "Urogynecology and Reconstructive Pelvic Surgery",
                "Female Pelvic Medicine & Reconstructive Surgery",
            ],
        ),
        ("Chemical Pathology", ["Chemical Pathology", "Pathology - Chemical"]),
        (
            "Neurology with Special Qualification in Child Neurology",
            ["Neurology with Special Qualification in Child Neurology", "Child Neurology"],
        ),
        (
            "Health Care Administration, Leadership, and Management",
            [
                "Health Care Administration, Leadership, and Management",
                "Healthcare Administration, Leadership and Management",
            ],
        ),
        # Licensed professions, named as a field whatever the letter calls its members.
        (
            "Chiropractic",
            ["Chiropractic", "Chiropractor", "a Licensed Chiropractor", "Doctor of Chiropractic"],
        ),
        ("Acupuncture", ["Acupuncture", "Acupuncturist", "Licensed Acupuncturist"]),
        ("Psychology", ["Psychology", "Psychologist", "Clinical Psychologist"]),
        ("Podiatry", ["Podiatry", "Podiatrist", "Podiatric Surgery", "Podiatric Medicine"]),
        ("Physical Therapy", ["Physical Therapy", "Physical Therapist"]),
    ],
)
def test_spellings_of_one_specialty_give_its_one_name(canonical, spellings):
    assert {canonical_specialty(spelling) for spelling in spellings} == {canonical}
    assert canonical in CANONICAL_NAMES


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "Integrative Medicine",
        "Sports Medicine and Spine Surgery",  # two names in one
        "Chiropractor and Acupuncturist",
        "Anesthesiology/Pain Medicine",  # a pair: the reviewer parser splits it
        "Orthopedic",  # part of a name is no name
        "Medicine",
        "California",
    ],
)
def test_names_outside_the_vocabulary_have_none(name):
    assert canonical_specialty(name) is None


def test_every_certificate_and_profession_of_the_data_is_its_own_canonical_name():
    with DATA.open("rb") as file:
        data = tomllib.load(file)
    names = [
        name
        for group in (*data["boards"], *data["osteopathic"])
        for name in (*group["specialties"], *group["subspecialties"])
    ] + [name for group in (*data["professions"], *data["letters"]) for name in group["names"]]
    assert {canonical_specialty(name) for name in names} == set(names) == CANONICAL_NAMES
    assert {canonical_specialty(alias) for alias in data["aliases"]} <= CANONICAL_NAMES
    assert len(data["boards"]) == 24  # the ABMS member boards
