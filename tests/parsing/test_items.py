"""Item headings, outcomes and parts of the standard layout."""

from __future__ import annotations

import pytest

from decisions.parsing import ParseError, parse_letter
from tests.parsing.letters import item, letter


@pytest.mark.parametrize(
    ("heading", "treatment", "outcome"),
    [
        ("Cervical ESI C5-6: Upheld", "Cervical ESI C5-6", "upheld"),
        ("Norco 10/325mg, #120: Overturned", "Norco 10/325mg, #120", "overturned"),
        (
            "Left L4-L5, L5-S1 Epidural Steroid Injection under Fluoroscopic Guidance x3:  Upheld",
            "Left L4-L5, L5-S1 Epidural Steroid Injection under Fluoroscopic Guidance x3",
            "upheld",
        ),
        # Colons inside the treatment, and a heading wrapped onto a second line.
        (
            (
                "Retrospective request for Norco 10/325mg #90, DOS: 1/2/2014, and\nurine drug"
                " screen x1: Overturned"
            ),
            "Retrospective request for Norco 10/325mg #90, DOS: 1/2/2014, and urine drug screen x1",
            "overturned",
        ),
        (
            "Physical therapy 2x6: lumbar spine:\nUpheld",
            "Physical therapy 2x6: lumbar spine",
            "upheld",
        ),
        ("Cyclobenzaprine 7.5mg #60: UPHELD", "Cyclobenzaprine 7.5mg #60", "upheld"),
        (
            "Compound cream \u201cflurbiprofen\u201d \u2013 120g: Overturned",
            'Compound cream "flurbiprofen" - 120g',
            "overturned",
        ),
    ],
)
def test_heading(heading, treatment, outcome):
    [parsed] = parse_letter(letter(items=[item(heading)])).items
    assert (parsed.treatment, parsed.outcome) == (treatment, outcome)


@pytest.mark.parametrize("word", ["Partially Overturned", "Modified", "Upheld in part", "Denied"])
def test_unknown_outcome_fails_the_letter_naming_item_and_word(word):
    text = letter(items=[item(), item(f"Norco 10/325mg #90: {word}")])
    with pytest.raises(
        ParseError, match=rf"^item 2 \('Norco 10/325mg #90'\): unknown outcome '{word}'"
    ):
        parse_letter(text)


def test_heading_without_outcome():
    with pytest.raises(
        ParseError, match=r"^item 1: heading 'Lumbar ESI L4-5' has no ': Upheld' or ': Overturned'"
    ):
        parse_letter(letter(items=[item("Lumbar ESI L4-5")]))


@pytest.mark.parametrize(
    ("missing", "label"),
    [
        ({"claims": None}, "Claims Administrator guideline:"),
        ({"reviewer": None}, "MAXIMUS guideline:"),
        ({"rationale": None}, "Decision rationale:"),
    ],
)
def test_item_missing_a_part(missing, label):
    text = letter(
        items=[item(), item("Thoracic ESI at T7-8: Upheld", **missing), item("MRI: Overturned")]
    )
    with pytest.raises(
        ParseError, match=rf"^item 2 \('Thoracic ESI at T7-8'\): no '{label}' paragraph$"
    ):
        parse_letter(text)


def test_empty_rationale():
    with pytest.raises(
        ParseError, match=r"^item 1 \('Lumbar ESI L4-5'\): empty 'Decision rationale:' paragraph$"
    ):
        parse_letter(letter(items=[item(rationale="")]))


def test_missing_heading_between_items():
    text = letter(items=[item(), item()[1:]])
    with pytest.raises(
        ParseError,
        match=r"^item 1 \('Lumbar ESI L4-5'\): two 'Claims Administrator guideline:' paragraphs",
    ):
        parse_letter(text)


def test_label_before_any_heading():
    with pytest.raises(
        ParseError,
        match=r"^'Claims Administrator guideline:' paragraph before the first item heading$",
    ):
        parse_letter(letter(items=[item()[1:]]))


def test_no_items():
    with pytest.raises(
        ParseError, match=r"^no items in the 'IMR ISSUES, DECISIONS AND RATIONALES' section$"
    ):
        parse_letter(letter(items=[]))


def test_rationale_of_several_paragraphs_keeps_them():
    parts = item()
    parts[3:] = [
        "Decision rationale: First paragraph of the\nrationale.",
        "Criteria for ESI:\n1) radiculopathy.",
        "Therefore not necessary.",
    ]
    [parsed] = parse_letter(letter(items=[parts])).items
    assert (
        parsed.rationale
        == "First paragraph of the rationale.\n\nCriteria for ESI: 1) radiculopathy.\n\nTherefore"
        " not necessary."
    )


def test_basis_running_over_lines_and_several_citations():
    text = letter(
        items=[
            item(
                reviewer=(
                    "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints\nPage(s):"
                    " 300,Chronic Pain Treatment Guidelines imaging studies\nPage(s): 46."
                )
            )
        ]
    )
    [parsed] = parse_letter(text).items
    assert (
        parsed.reviewer_basis.text
        == "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 300,Chronic Pain "
        "Treatment Guidelines imaging studies Page(s): 46."
    )
    assert [(c.document, c.topic, c.pages) for c in parsed.reviewer_basis.citations] == [
        ("ACOEM Chapter 12 Low Back Complaints", None, (300,)),
        ("Chronic Pain Medical Treatment Guidelines", "imaging studies", (46,)),
    ]


def test_non_mtus_bases_through_the_letter():
    text = letter(
        items=[
            item(
                claims=(
                    "The Claims Administrator did not cite any medical evidence for its decision."
                ),
                reviewer=(
                    "The Expert Reviewer did not base their decision on the MTUS. Decision based on"
                    " Non-MTUS\nCitation Official Disability Guidelines (ODG), Neck Chapter, MRI"
                ),
            )
        ]
    )
    [parsed] = parse_letter(text).items
    assert (
        parsed.claims_administrator_basis.text
        == "The Claims Administrator did not cite any medical evidence for its decision."
    )
    assert parsed.claims_administrator_basis.citations == ()
    assert [(c.guideline, c.document, c.topic) for c in parsed.reviewer_basis.citations] == [
        ("ODG", "Neck Chapter", "MRI")
    ]


@pytest.mark.parametrize(
    "numbering", ["1. ", "2) ", "(3) ", "Item 1: ", "Item #2 - ", "Issue 3. ", "Request 4: "]
)
def test_numbering_before_a_treatment_is_not_the_treatment(numbering):
    parsed = parse_letter(letter(items=[item(f"{numbering}Norco 10/325mg #90: Upheld")]))
    assert [(i.treatment, i.outcome) for i in parsed.items] == [("Norco 10/325mg #90", "upheld")]
    assert parsed.items[0].warnings == ()


@pytest.mark.parametrize("label", ["UR guideline:", "Utilization Review Guideline:"])
def test_the_claims_administrators_label_as_utilization_review(label):
    text = letter(items=[item()]).replace("Claims Administrator guideline:", label)
    [parsed] = parse_letter(text).items
    assert parsed.claims_administrator_basis.citations[0].pages == (46,)
