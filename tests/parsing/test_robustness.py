"""Each seed, as other extractors would have written it, parses to the same letter."""

from __future__ import annotations

import re

import pytest

from decisions.parsing import parse_letter
from tests.helpers import SEED_NAMES, seed_text
from tests.parsing.markers import without_blank_lines


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def form_feeds(text: str) -> str:
    """A form feed at every page-break residue and every tenth line, as pdftotext writes pages."""
    lines = re.sub(r"\n{4,}", "\n\f\n", text).split("\n")
    return "\n".join(line + "\f" if n % 10 == 9 else line for n, line in enumerate(lines))


def single_spaced(text: str) -> str:
    """One line per visual line, a blank line between paragraphs (page residue: blank lines)."""
    return re.sub(r"(?m)^ $", "", text.replace("\n\n", "\n"))


def typographic(text: str) -> str:
    """Curly quotes and en/em dashes, as word processors and some PDF tools write them."""
    text = re.sub(r"'", "\u2019", text)
    text = re.sub(r"(?<=\d)-(?=\d)", "\u2013", text)
    return text.replace(" - ", " \u2014 ").replace("-year", "\u2011year")


def trailing_spaces_stripped(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


def non_breaking_spaces(text: str) -> str:
    return text.replace("  ", "\u00a0 ")


@pytest.mark.parametrize(
    "variant",
    [
        crlf,
        form_feeds,
        single_spaced,
        without_blank_lines,
        typographic,
        trailing_spaces_stripped,
        non_breaking_spaces,
    ],
)
@pytest.mark.parametrize("name", SEED_NAMES)
def test_variant_parses_like_the_original(name, variant):
    original = seed_text(name)
    changed = variant(original)
    assert changed != original
    assert parse_letter(changed) == parse_letter(original)


def test_typographic_variant_really_changed_quotes_and_dashes():
    text = typographic(seed_text(SEED_NAMES[1]))
    assert "\u2019" in text and "\u2013" in text
