"""The parser against the synthetic corpus's expected parses: the contract checked both ways."""

from __future__ import annotations

import pytest

from decisions.parsing import letter_to_dict, parse_letter
from tests.parsing.synthetic import generate_letter

LETTERS = 600


@pytest.mark.parametrize("seed", [1, 2])
def test_parser_returns_the_expected_parse_of_every_synthetic_letter(seed):
    mismatches = []
    for index in range(LETTERS):
        text, expected = generate_letter(seed, index)
        if letter_to_dict(parse_letter(text)) != expected:
            mismatches.append(index)
    assert mismatches == []


def test_the_sample_covers_every_layout():
    layouts = {generate_letter(1, index)[1]["layout"] for index in range(LETTERS)}
    assert layouts == {"standard", "case-header", "notice-2013"}
