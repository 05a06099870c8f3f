"""The expected parses have the contract's shape and say what the letters say."""

from __future__ import annotations

import re
from datetime import date

from decisions.guidelines import ACOEM_CHAPTERS, CHRONIC_PAIN, POSTSURGICAL
from decisions.parsing.diagnostics import CODES
from devtools.synthetic.vocabulary import UNKNOWN_SPECIALTIES
from tests.helpers import LETTER_KEYS

from .helpers import HEADER_DATES, corpus, paragraphs

ITEM_KEYS = [
    "treatment",
    "outcome",
    "rationale",
    "claims_administrator_basis",
    "reviewer_basis",
    "warnings",
]
CITATION_KEYS = ["guideline", "document", "topic", "pages", "text"]
MTUS_DOCUMENTS = {CHRONIC_PAIN, POSTSURGICAL} | {
    f"ACOEM Chapter {n} {title}" for n, title in ACOEM_CHAPTERS.items()
}


def assert_clean(value: str) -> None:
    assert (
        value
        and value == value.strip()
        and "  " not in value
        and "\n" not in value
        and value.isascii()
    ), value


def test_expected_dicts_have_the_contract_shape():
    for _, expected in corpus():
        assert list(expected) == LETTER_KEYS
        assert expected["layout"] in ("standard", "case-header", "notice-2013")
        for key in HEADER_DATES:
            assert expected[key] is None or date.fromisoformat(expected[key])
        assert expected["case_number"] is None or re.fullmatch(
            r"CM\d\d-\d{7}", expected["case_number"]
        )
        reviewer, patient = expected["reviewer"], expected["patient"]
        assert list(reviewer) == [
            "specialty",
            "subspecialty",
            "licensed_in",
            "specialty_canonical",
            "subspecialty_canonical",
        ] and list(patient) == [
            "age",
            "sex",
            "date_of_injury",
        ]
        assert_clean(reviewer["specialty"])
        assert (
            reviewer["subspecialty"] is None
            or reviewer["subspecialty"].strip() == reviewer["subspecialty"]
        )
        assert reviewer["licensed_in"] and all(isinstance(s, str) for s in reviewer["licensed_in"])
        assert patient["age"] is None or 18 <= patient["age"] <= 75
        assert patient["sex"] in ("male", "female", None)
        assert patient["date_of_injury"] is None or date.fromisoformat(patient["date_of_injury"])
        for paragraph in expected["case_summary"].split("\n\n"):
            assert_clean(paragraph)
        assert expected["documents_reviewed"] is None or all(
            d == d.strip() and d for d in expected["documents_reviewed"]
        )
        assert (reviewer["specialty_canonical"] is None) == (
            reviewer["specialty"] in UNKNOWN_SPECIALTIES
        )
        assert expected["items"]
        for warning in expected["warnings"]:
            assert list(warning) == ["code", "field"] and warning["code"] in CODES
        for item in expected["items"]:
            for warning in item["warnings"]:
                assert list(warning) == ["code", "field"] and warning["code"] in CODES
            assert list(item) == ITEM_KEYS
            assert item["outcome"] in ("upheld", "overturned")
            assert_clean(item["treatment"])
            for paragraph in item["rationale"].split("\n\n"):
                assert_clean(paragraph)
            for key in ("claims_administrator_basis", "reviewer_basis"):
                assert list(item[key]) == ["text", "citations"]
                assert_clean(item[key]["text"])
                for citation in item[key]["citations"]:
                    assert_citation(citation, item[key]["text"])


def assert_citation(citation: dict, basis: str) -> None:
    assert list(citation) == CITATION_KEYS
    assert_clean(citation["text"])
    assert citation["text"] in basis
    pages = citation["pages"]
    assert (
        all(isinstance(p, int) and p > 0 for p in pages)
        and pages == sorted(set(pages))
        and len(pages) <= 100
    )
    guideline, document = citation["guideline"], citation["document"]
    if guideline == "MTUS":
        assert document is None or document in MTUS_DOCUMENTS
        assert document is not None or citation["topic"]
    elif guideline == "ACOEM":
        assert (
            document in MTUS_DOCUMENTS - {CHRONIC_PAIN, POSTSURGICAL} and citation["topic"] is None
        )
    elif guideline == "ODG":
        assert document.endswith("Chapter") and citation["topic"] and pages == []
    else:
        assert (
            guideline == "OTHER" and document is None and citation["topic"] is None and pages == []
        )
    if citation["topic"] is not None:
        assert_clean(citation["topic"])
        assert citation["topic"] in citation["text"]


def test_expected_values_are_what_the_text_says():
    for text, expected in corpus():
        # A reader takes apart the words a 2013 extraction ran together, and reads labels,
        # headings and outcome words in any case.
        found = [p.replace("is notmedically", "is not medically") for p in paragraphs(text)]
        flat = " ".join(found)
        lowered = {p.lower() for p in found}
        notice = expected["layout"] == "notice-2013"
        summary = expected["case_summary"].split("\n\n")
        # Sentences the extraction ran together ("2013.Thus") are expected apart.
        apart = {re.sub(r"\.(?=[A-Z][a-z])", ". ", p) for p in found}
        assert all(p in found or p in apart for p in summary)
        for n, item in enumerate(expected["items"], 1):
            rationale = item["rationale"].split("\n\n")
            ca, reviewer = (
                item["claims_administrator_basis"]["text"],
                item["reviewer_basis"]["text"],
            )
            if notice:
                assert f"{n}) Regarding the request for {item['treatment']}:" in found
                assert ca in found and reviewer in found
                assert f"Rationale for the Decision: {rationale[0]}" in found
                verdict = (
                    "is not medically necessary"
                    if item["outcome"] == "upheld"
                    else "is medically necessary"
                )
                assert (
                    f"{n}) MAXIMUS Federal Services, Inc. has determined the request for "
                    f"{item['treatment']} {verdict} and appropriate." in flat
                )
            else:
                heading = f"{item['treatment']}: {item['outcome']}".lower()
                assert heading in lowered or f"{heading}." in lowered or f"{heading};" in lowered
                assert f"claims administrator guideline: {ca}".lower() in lowered
                assert f"maximus guideline: {reviewer}".lower() in lowered
                assert f"decision rationale: {rationale[0]}".lower() in lowered
            assert all(p in found for p in rationale[1:])
            last = item["rationale"].rsplit(". ", 1)[-1]
            if item["outcome"] == "upheld":
                assert "not medically necessary" in item["rationale"] or "non-certification" in last
            else:
                assert "medically necessary" in last and "not medically necessary" not in last
        if expected["documents_reviewed"]:
            assert " ".join(["DOCUMENTS REVIEWED", *expected["documents_reviewed"]]) in found
            assert "IMR DECISION(S) AND RATIONALE(S)" in flat
        if expected["case_number"]:
            assert expected["case_number"] in flat
        reviewer = expected["reviewer"]
        assert reviewer["specialty"] in flat and all(
            state in flat for state in reviewer["licensed_in"]
        )
        if reviewer["subspecialty"]:
            assert (
                f"subspecialty in {reviewer['subspecialty']} and" in flat
                or f"Specialty: {reviewer['specialty']}, {reviewer['subspecialty']}" in flat
            )
        age = expected["patient"]["age"]
        assert age is None or re.search(rf"\b{age}(?:[ -]years?[ -]old| y/o|-yr-old)\b", summary[0])
