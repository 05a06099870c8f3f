"""From extraction artifacts to clean paragraphs."""

from __future__ import annotations

import pytest

from decisions.parsing.text import document, normalize_characters, one_line, paragraphs, reflow


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # The seeds: an empty line after every line, a line of one space between paragraphs.
        (
            "First line \n\nsecond line. \n\n \n\nNext paragraph. \n\n",
            ["First line second line.", "Next paragraph."],
        ),
        # Page-break residue (a run of empty lines) in double-spaced text, mid-sentence or not.
        (
            "It was not stated \n\n\n\n\n\nwhether it was. \n\n \n\nNext. \n\n",
            ["It was not stated whether it was.", "Next."],
        ),
        ("It ended. \n\n\n\n\n\nThen more. \n\n \n\nNext. \n\n", ["It ended. Then more.", "Next."]),
        # Double spacing whose paragraph lines lost their space: two or more empty lines break.
        (
            "First line\n\nsecond line.\n\n\n\nNext paragraph\n\nand more.\n\n",
            ["First line second line.", "Next paragraph and more."],
        ),
        # Single-spaced extraction: a blank line breaks a paragraph ...
        (
            "First line\nsecond line.\n\nNext paragraph.\n\n\nLast one.",
            ["First line second line.", "Next paragraph.", "Last one."],
        ),
        # ... or, in PDF text layers, a line of one space, and then empty lines are page breaks.
        (
            "First line\nsecond line.\n \nNext paragraph\n\nGoes on.\n \nLast one.",
            ["First line second line.", "Next paragraph Goes on.", "Last one."],
        ),
        # One line per paragraph, a blank line between them.
        (
            "One paragraph.\n\nAnother paragraph.\n\nA third.",
            ["One paragraph.", "Another paragraph.", "A third."],
        ),
        # A blank line mid-sentence is a page break, not a paragraph.
        ("It was not stated\n\nwhether it was.", ["It was not stated whether it was."]),
        ("a list of items,\n\nand more.", ["a list of items, and more."]),
        # CRLF and lone CR line ends.
        (
            "First line \r\n\r\nsecond. \r\n\r\n \r\n\r\nNext. \r\n\r\n",
            ["First line second.", "Next."],
        ),
        ("First line\rsecond.\r\rNext.", ["First line second.", "Next."]),
        # Form feeds (page breaks from other extractors) split lines, never paragraphs mid-sentence.
        ("It was not\fstated.\n\nNext.", ["It was not stated.", "Next."]),
        ("It was not \n\n\f\n\nstated. \n\n", ["It was not stated."]),
        # Hyphenated line ends join without a space and keep the hyphen.
        (
            "sensation at L5-\nS1 and\nRecommend non-\ncertification.",
            ["sensation at L5-S1 and Recommend non-certification."],
        ),
        # A hyphenated word is continued even across a page break.
        ("at L5-\n\n\n\n\nS1 level. \n\n \n\nNext. \n\n", ["at L5-S1 level.", "Next."]),
        # A suspended hyphen keeps its space.
        (
            "the specific short-\nand long-term goals, pre-\nor post-operative",
            ["the specific short- and long-term goals, pre- or post-operative"],
        ),
        # A dash standing alone at a line end is not a hyphenated word.
        ("pain -\nworse.", ["pain - worse."]),
        # Runs of spaces and tabs collapse; the letter's own missing spaces stay.
        ("in 2013.Thus  far,\tthe  applicant ", ["in 2013.Thus far, the applicant"]),
        ("", []),
        (" \n\n \n\n", []),
    ],
)
def test_paragraphs(raw, expected):
    assert paragraphs(document(raw)) == expected


def test_reflow_joins_paragraphs_with_one_blank_line_and_one_line_joins_them_with_a_space():
    doc = document("One \n\ntwo. \n\n \n\nThree. \n\n")
    assert reflow(doc) == "One two.\n\nThree."
    assert one_line(doc) == "One two. Three."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u2018single\u2019 \u201cdouble\u201d \u201elow\u201f", '\'single\' "double" "low"'),
        ("6\u20138/10 \u2014 L5\u2011S1 \u2212 x\u2010y", "6-8/10 - L5-S1 - x-y"),
        ("no\u00a0break\u2009thin", "no break thin"),
        ("soft\u00adhyphen\u200b \ufeffmark", "softhyphen mark"),
        ("\ufb01ne \ufb02ow", "fine flow"),
    ],
)
def test_normalize_characters(raw, expected):
    assert normalize_characters(raw) == expected


def test_document_keeps_one_stripped_line_per_visual_line():
    assert document("  HEADING  \n\nbody text \n\n") == "HEADING\nbody text"
