"""The three real letters, every field checked against values read off the letters by hand."""

from __future__ import annotations

from datetime import date

import pytest

from decisions.parsing import Citation, Letter, Patient, Reviewer, parse_letter
from tests.helpers import seed_text

SEED_000, SEED_001, SEED_002 = (
    "000_f81e84064fb33700.txt",
    "001_a9c19067578e5f47.txt",
    "002_ff6d3744d5ceadfe.txt",
)
CHRONIC_PAIN = "Chronic Pain Medical Treatment Guidelines"


def parse_seed(name: str) -> Letter:
    return parse_letter(seed_text(name))


def first_sentence(text: str) -> str:
    return text.split(". ")[0] + "."


def mtus(topic: str | None, pages: tuple[int, ...], text: str) -> Citation:
    return Citation(guideline="MTUS", document=CHRONIC_PAIN, topic=topic, pages=pages, text=text)


@pytest.mark.parametrize("name", [SEED_000, SEED_001, SEED_002])
def test_seed_header_fields_are_absent(name):
    letter = parse_seed(name)
    assert letter.layout == "standard"
    assert letter.case_number is None
    assert letter.date_assigned is None
    assert letter.decision_date is None
    assert letter.ur_denial_date is None
    assert letter.application_received is None
    assert letter.documents_reviewed is None


@pytest.mark.parametrize(
    ("name", "reviewer", "patient"),
    [
        (
            SEED_000,
            Reviewer(
                "Neurology",
                "Neuromuscular Medicine",
                ("California",),
                "Neurology",
                "Neuromuscular Medicine",
            ),
            Patient(42, "male", date(2012, 11, 2)),
        ),
        (
            SEED_001,
            Reviewer("Occupational Medicine", None, ("California",), "Occupational Medicine"),
            Patient(None, None, date(2013, 12, 31)),
        ),
        (
            SEED_002,
            # The letter's words, and the one name of each.
            Reviewer(
                "Anesthesiology",
                "Pain Management",
                ("California",),
                "Anesthesiology",
                "Pain Medicine",
            ),
            Patient(None, None, None),
        ),
    ],
)
def test_seed_reviewer_and_patient(name, reviewer, patient):
    letter = parse_seed(name)
    assert letter.reviewer == reviewer
    assert letter.patient == patient


@pytest.mark.parametrize("name", [SEED_000, SEED_001, SEED_002])
def test_seeds_are_read_whole_without_warnings(name):
    letter = parse_seed(name)
    assert letter.warnings == ()
    assert all(item.warnings == () for item in letter.items)


def test_seed_000_case_summary():
    summary = parse_seed(SEED_000).case_summary
    assert summary.count("\n\n") == 0
    assert summary.startswith(
        "is a 42 year old man who sustained a work related injury to the cervical spine on November"
        " 2, 2012. According to the notes of of June 12 2013 and July 10 2013, the patient was"
        " complaining"
    )
    assert (
        "The pain level was 6/10 aggravated by He underwent physical therapy with some relief."
        in summary
    )
    assert summary.endswith(
        "The provider is requesting authorization for cervical epidural injection to manage the"
        " patient pain."
    )


def test_seed_001_case_summary_restores_lost_sentence_breaks_and_joins_the_page_break():
    summary = parse_seed(SEED_001).case_summary
    assert summary.count("\n\n") == 0
    assert summary.startswith(
        "The applicant is a represented employee, who has filed a claims for neck and mid back pain"
        " reportedly associated with an industrial injury of December 31, 2013. Thus far, the"
        " applicant has been treated with the following: Analgesic medications;"
    )
    assert (
        "an associated RFA form of October 24, 2014. The applicant's attorney subsequently"
        " appealed. In an October 21, 2014" in summary
    )
    assert "The applicant's neck pain is reportedly severe. 9/10 pain was noted." in summary
    assert (
        "It was not stated whether these medications requests were first-time requests or renewal "
        "requests. In a November 4, 2014 appeal letter" in summary
    )
    assert summary.endswith("herniations of both the cervical and thoracic spines.")


def test_seed_002_case_summary_joins_hyphenated_line_ends():
    summary = parse_seed(SEED_002).case_summary
    assert summary.count("\n\n") == 0
    assert summary.startswith(
        "9/15/14 Progress note was in a handwritten and box-check off format."
    )
    assert "There was reduced sensation bilaterally at L5-S1 and positive SLR." in summary
    assert summary.endswith("but probably not compressing or displacing the exiting nerve roots.")


def test_no_summary_or_rationale_keeps_pdf_line_breaks_or_double_spaces():
    for name in (SEED_000, SEED_001, SEED_002):
        letter = parse_seed(name)
        texts = [letter.case_summary] + [item.rationale for item in letter.items]
        for text in texts:
            assert "\n" not in text and "  " not in text and text == text.strip()


SEED_000_CLAIMS = "Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 46."


def test_seed_000_items():
    items = parse_seed(SEED_000).items
    assert [(i.treatment, i.outcome) for i in items] == [
        ("Cervical ESI C5-6", "upheld"),
        ("Cervical ESI C6-7", "upheld"),
        ("Cervical Myelography", "upheld"),
        ("Cervical Epidurogram", "upheld"),
        ("IV Sodium", "upheld"),
    ]
    for item in items:
        assert item.claims_administrator_basis.text == SEED_000_CLAIMS
        assert item.claims_administrator_basis.citations == (
            mtus(None, (46,), "MTUS Chronic Pain Treatment Guidelines Page(s): 46."),
        )
    topics = [
        "Epidural Steroid Injections",
        "Epidural Steroid Injections",
        "Epidural Steroid Injection",
        "Epidural Steroid Injections",
        "Epidural Steroid Injection",
    ]
    for item, topic in zip(items, topics, strict=True):
        written = f"MTUS Chronic Pain Treatment Guidelines {topic} Page(s): 46."
        assert item.reviewer_basis.text == f"Decision based on {written}"
        assert item.reviewer_basis.citations == (mtus(topic, (46,), written),)


def test_seed_000_rationales():
    items = parse_seed(SEED_000).items
    opening = (
        "According to MTUS guidelines, epidural steroid injection is recommended as an option for "
        "the treatment of radicular pain."
    )
    assert first_sentence(items[0].rationale) == opening
    assert items[0].rationale.endswith(
        "Therefore, the requested for interlaminar C5-6 epidural steroid injection is not medically"
        " necessary."
    )
    assert first_sentence(items[1].rationale) == opening
    assert items[1].rationale.endswith(
        "Therefore, the requested for interlaminar C6-7 epidural steroid injection is nor medically"
        " necessary."
    )
    assert (
        items[2].rationale
        == "As the cervical epidural steroid injection is not medically necessary, the requested "
        "cervical myelography is not medically necessary"
    )
    assert (
        items[3].rationale
        == "As the requested cervical epidural injection is not medically necessary, the requested "
        "Cervical Epidurogram is not medically necessary"
    )
    assert (
        items[4].rationale
        == "As the requested cervical epidural injection is not medically necessary, the request"
        " for "
        "IV sedation is not needed and is not medically necessary."
    )


def test_seed_001_items():
    items = parse_seed(SEED_001).items
    assert [(i.treatment, i.outcome) for i in items] == [
        ("Cervical ESI (epidural steroid injection) at C6-7", "upheld"),
        ("Thoracic ESI at T7-8", "upheld"),
        ("Norco 10/325mg, #120", "overturned"),
        ("Flexeril 7.5mg, #60", "upheld"),
    ]
    claims = [
        "epidural steroid injections",
        "epidural steroid injections",
        "opioids",
        "muscle relaxants",
    ]
    reviewer = [
        ("Epidural Steroid Injections", 46),
        ("Epidural Steroid Injections", 46),
        ("Hydrocodone-Acetaminophen", 91),
        ("Cyclobenzaprine", 41),
    ]
    for item, claims_topic, (topic, page) in zip(items, claims, reviewer, strict=True):
        written = f"MTUS Chronic Pain Treatment Guidelines {claims_topic}."
        assert item.claims_administrator_basis.text == f"Decision based on {written}"
        assert item.claims_administrator_basis.citations == (mtus(claims_topic, (), written),)
        written = f"MTUS Chronic Pain Treatment Guidelines {topic} Page(s): {page}."
        assert item.reviewer_basis.text == f"Decision based on {written}"
        assert item.reviewer_basis.citations == (mtus(topic, (page,), written),)


def test_seed_001_rationales():
    items = parse_seed(SEED_001).items
    assert (
        first_sentence(items[0].rationale)
        == "As noted on page 46 of the MTUS Chronic Pain Medical Treatment Guidelines, one of the"
        " purposes of the epidural steroid injection therapy is to facilitate progress in more"
        " active treatment programs in an effort to avoid surgery."
    )
    assert items[0].rationale.endswith(
        "The request, thus, is at odds with MTUS principles and parameters. Therefore, the request"
        " is not medically necessary."
    )
    assert (
        first_sentence(items[1].rationale)
        == "As noted on page 46 of the MTUS Chronic Pain Medical Treatment Guidelines, one of the"
        " primary goals of epidural steroid injection therapy is to facilitate progress in more"
        " active treatment programs in an effort to avoid surgery."
    )
    assert items[1].rationale.endswith(
        "in an effort to avoid surgery. Therefore, the request is not medically necessary."
    )
    assert (
        first_sentence(items[2].rationale)
        == "The request in question appears to represent a first-time request for Norco, initiated"
        " on October 20, 2014."
    )
    assert items[2].rationale.endswith(
        "Introduction of Norco was, consequently, indicated on October 20, 2014. Therefore, the"
        " request was medically necessary."
    )
    assert (
        first_sentence(items[3].rationale)
        == "As noted on page 41 of the MTUS Chronic Pain Medical Treatment Guidelines, the addition"
        " of cyclobenzaprine or Flexeril to other agents is not recommended."
    )
    assert items[3].rationale.endswith("Therefore, the request was not medically necessary.")


def test_seed_002_item():
    [item] = parse_seed(SEED_002).items
    assert (
        item.treatment
        == "Left L4-L5, L5-S1 Epidural Steroid Injection under Fluoroscopic Guidance x3"
    )
    assert item.outcome == "upheld"
    assert (
        item.claims_administrator_basis.text
        == "Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 46."
    )
    assert item.claims_administrator_basis.citations == (
        mtus(None, (46,), "MTUS Chronic Pain Treatment Guidelines Page(s): 46."),
    )
    assert (
        item.reviewer_basis.text
        == "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 300,Chronic Pain "
        "Treatment Guidelines imaging studies and/or electrodiagnostic testing Page(s): 46."
    )
    assert item.reviewer_basis.citations == (
        Citation(
            guideline="MTUS",
            document="ACOEM Chapter 12 Low Back Complaints",
            topic=None,
            pages=(300,),
            text="MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 300",
        ),
        mtus(
            "imaging studies and/or electrodiagnostic testing",
            (46,),
            "Chronic Pain Treatment Guidelines imaging studies and/or electrodiagnostic testing"
            " Page(s): 46.",
        ),
    )
    assert (
        first_sentence(item.rationale)
        == "Medical necessity for the requested ESI at L4-5 and L5-S1 is not established."
    )
    assert "Although the patient has a 2013 date of injury, extent and duration" in item.rationale
    assert item.rationale.endswith(
        "It is not entirely clear the duration of sensory loss at L5-S1. Recommend"
        " non-certification."
    )
