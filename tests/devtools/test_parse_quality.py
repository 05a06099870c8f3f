"""Parse quality as numbers: what a report counts right, wrong and warned."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from devtools.parse_quality import FIELDS, QualityReport, check_corpus, comparable
from devtools.synthetic import generate_letter, letter_path, write_corpus

SEED = 41


def expected_letter(index: int = 0) -> dict:
    return generate_letter(SEED, index)[1]


def test_a_parse_equal_to_its_truth_is_right_in_every_field():
    report = QualityReport()
    expected = expected_letter()
    report.add("0.txt", copy.deepcopy(expected), expected)
    assert (report.letters, report.whole, report.refused) == (1, 1, 0)
    assert all(report.accuracy(name) == 1 for name in FIELDS)


def test_a_wrong_field_counts_against_that_field_only():
    expected = expected_letter()
    parsed = copy.deepcopy(expected)
    parsed["patient"]["age"] = (expected["patient"]["age"] or 0) + 1
    parsed["items"][0]["reviewer_basis"]["citations"][0]["guideline"] = "OTHER?"
    report = QualityReport()
    report.add("0.txt", parsed, expected)
    assert report.whole == 0
    assert report.accuracy("age") == 0
    assert report.right["reviewer_families"] == report.total["reviewer_families"] - 1
    assert report.accuracy("sex") == report.accuracy("treatment") == 1


def test_a_refused_letter_is_wrong_everywhere_and_its_reason_kept():
    expected = expected_letter()
    report = QualityReport()
    report.add("0.txt", None, expected, "no items section")
    assert (report.refused, report.refusals) == (1, ["0.txt: no items section"])
    assert all(report.right[name] == 0 for name in FIELDS)


def test_warnings_compare_by_code_and_field():
    expected = expected_letter()
    parsed = copy.deepcopy(expected)
    parsed["warnings"] = [
        {"code": "specialty-unknown", "field": "reviewer.specialty", "message": "m", "quote": "q"}
    ]
    report = QualityReport()
    report.add("0.txt", parsed, expected)
    assert report.with_warnings == 1 and report.accuracy("letter warnings") == 0
    expected["warnings"] = [{"code": "specialty-unknown", "field": "reviewer.specialty"}]
    assert comparable(parsed) == comparable(expected)


def test_check_corpus_parses_what_write_corpus_wrote(tmp_path: Path):
    write_corpus(tmp_path, 40, SEED, workers=1, with_truth=True)
    truth = letter_path(tmp_path, SEED, 3, ".json")
    broken = json.loads(truth.read_text())
    broken["items"][0]["outcome"] = "partially overturned"
    truth.write_text(json.dumps(broken))
    report = check_corpus(tmp_path, 40)
    assert (report.letters, report.refused, report.whole) == (40, 0, 39)
    assert report.total["outcome"] - report.right["outcome"] == 1
    assert report.lines()[0].startswith("40 letters: 39 parsed exactly as expected")
