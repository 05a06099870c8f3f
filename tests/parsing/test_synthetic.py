"""The parser against the synthetic corpus's expected parses: the contract checked both ways."""

from __future__ import annotations

import pytest

from decisions.parsing import letter_to_dict, parse_letter
from decisions.parsing.specialties import canonical_specialty
from devtools.parse_quality import comparable, warning_keys
from devtools.synthetic.vocabulary import CANONICAL_SPECIALTY, UNKNOWN_SPECIALTIES
from tests.parsing.synthetic import generate_letter

LETTERS = 600
WIDER = 4000  # a specialty outside the vocabulary is drawn for about 1 letter in 700


@pytest.mark.parametrize("seed", [1, 2])
def test_parser_returns_the_expected_parse_of_every_synthetic_letter(seed):
    """Warnings included, by code and field: the variants meant to warn must warn, and no
    other letter may."""
    mismatches = []
    for index in range(LETTERS):
        text, expected = generate_letter(seed, index)
        if comparable(letter_to_dict(parse_letter(text))) != comparable(expected):
            mismatches.append(index)
    assert mismatches == []


def test_the_sample_covers_every_layout_and_a_wider_one_every_warning_drawn():
    letters = [generate_letter(1, index) for index in range(WIDER)]
    assert {e["layout"] for _, e in letters[:LETTERS]} == {"standard", "case-header", "notice-2013"}
    warned = [(text, e) for text, e in letters if warning_keys(e)]
    assert {code for _, e in warned for code, _ in warning_keys(e)} == {
        "specialty-unknown",
        "outcome-loose",
        "basis-unread",
    }
    assert all(comparable(letter_to_dict(parse_letter(t))) == comparable(e) for t, e in warned)


def test_the_generator_and_the_parser_give_a_specialty_the_same_one_name():
    """Written apart (the generator's reviewers.toml, the parser's vocabulary), they agree."""
    assert {name: canonical_specialty(name) for name in CANONICAL_SPECIALTY} == CANONICAL_SPECIALTY
    assert all(canonical_specialty(name) is None for name in UNKNOWN_SPECIALTIES)
