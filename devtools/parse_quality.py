"""How well the parser reads a corpus with expected parses: field by field, and whole letters.

Why: "the parser passes its tests" says nothing about how often a field is wrong on letters
worded like the record; this module counts it on a corpus `generate_corpus --with-truth` wrote
(each <index>.txt beside its <index>.json), so that `generate_corpus --check` and the
benchmark report parse quality as numbers. A warning is compared by its code and field only:
the expected parse cannot know the parser's message and quote.

The fields are the case number (from the header, else the file's name) and the issue's checked
fields (specialty, subspecialty, states of licensure, age,
sex, date of injury, the number of items, each item's treatment and outcome, and both parties'
citation families and pages), the canonical specialty names, and the warnings. A letter the
parser refuses counts as wrong in every field. No Django: worker processes use it as is.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from decisions.parsing import ParseError, letter_to_dict, parse_letter
from devtools.synthetic import LETTERS_PER_SHARD, shard_folder

REVIEWER_FIELDS = (
    "specialty",
    "subspecialty",
    "specialty_canonical",
    "subspecialty_canonical",
    "licensed_in",
)
PATIENT_FIELDS = ("age", "sex", "date_of_injury")
PARTIES = ("claims_administrator", "reviewer")
ITEM_FIELDS = (
    "treatment",
    "outcome",
    *(f"{party}_{what}" for party in PARTIES for what in ("families", "pages")),
    "item warnings",
)
FIELDS = (
    "case_number",
    *REVIEWER_FIELDS,
    *PATIENT_FIELDS,
    "items",
    *ITEM_FIELDS,
    "letter warnings",
)


def warning_keys(parse: dict) -> list[tuple[str, str]]:
    """A parse's warnings (the letter's and its items') by code and field, sorted."""
    warnings = [*parse["warnings"], *(w for item in parse["items"] for w in item["warnings"])]
    return sorted((w["code"], w["field"]) for w in warnings)


def comparable(parse: dict) -> dict:
    """A parse in the contract's JSON shape with each warning reduced to its code and field,
    so that a parser's output and an expected parse compare with ==."""
    return {
        **parse,
        "warnings": _keys(parse["warnings"]),
        "items": [{**item, "warnings": _keys(item["warnings"])} for item in parse["items"]],
    }


def _keys(warnings: list[dict]) -> list[dict]:
    return sorted(
        ({"code": w["code"], "field": w["field"]} for w in warnings),
        key=lambda w: (w["code"], w["field"]),
    )


def _item_values(item: dict) -> dict[str, Any]:
    values: dict[str, Any] = {
        "treatment": item["treatment"],
        "outcome": item["outcome"],
        "item warnings": _keys(item["warnings"]),
    }
    for party in PARTIES:
        basis = item[f"{party}_basis"]
        citations = [] if basis is None else basis["citations"]
        values[f"{party}_families"] = [c["guideline"] for c in citations]
        values[f"{party}_pages"] = [c["pages"] for c in citations]
    return values


@dataclass
class QualityReport:
    """Counts over a corpus: per field, how many values the parser got right of how many."""

    letters: int = 0
    refused: int = 0
    whole: int = 0  # letters whose parse is the expected one in every field
    with_warnings: int = 0  # letters the parser warned about
    expected_with_warnings: int = 0  # letters drawn to carry a warning
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    refusals: list[str] = field(default_factory=list)  # "<file>: <reason>", the first few

    def add(self, name: str, parsed: dict | None, expected: dict, reason: str = "") -> None:
        self.letters += 1
        self.expected_with_warnings += bool(warning_keys(expected))
        if parsed is None:
            self.refused += 1
            if len(self.refusals) < _KEPT_REFUSALS:
                self.refusals.append(f"{name}: {reason}")
        else:
            self.with_warnings += bool(warning_keys(parsed))
            self.whole += comparable(parsed) == comparable(expected)
        for checked, got, want in _pairs(parsed, expected):
            self.total[checked] += 1
            self.right[checked] += parsed is not None and got == want

    def merge(self, other: QualityReport) -> None:
        self.letters += other.letters
        self.refused += other.refused
        self.whole += other.whole
        self.with_warnings += other.with_warnings
        self.expected_with_warnings += other.expected_with_warnings
        self.right.update(other.right)
        self.total.update(other.total)
        self.refusals += other.refusals[: _KEPT_REFUSALS - len(self.refusals)]

    def accuracy(self, name: str) -> float:
        return self.right[name] / self.total[name] if self.total[name] else 1.0

    def lines(self) -> list[str]:
        """The report as lines of text: the letters, then one line per field."""
        share = 1 / max(self.letters, 1)
        lines = [
            f"{self.letters:,} letters: {self.whole:,} parsed exactly as expected"
            f" ({self.whole * share:.2%}), {self.refused:,} refused ({self.refused * share:.2%}),"
            f" {self.with_warnings:,} with warnings ({self.with_warnings * share:.2%};"
            f" {self.expected_with_warnings:,} drawn to carry one)",
            f"{'field':<28} {'right':>10} {'of':>10} {'accuracy':>9}",
        ]
        lines += [
            f"{name:<28} {self.right[name]:>10,} {self.total[name]:>10,}"
            f" {self.accuracy(name):>9.3%}"
            for name in FIELDS
        ]
        lines += [f"refused: {refusal}" for refusal in self.refusals]
        return lines


_KEPT_REFUSALS = 5


def _pairs(parsed: dict | None, expected: dict) -> list[tuple[str, Any, Any]]:
    """Each checked value as (field, parsed, expected), an item's fields once per item; an item
    the parse lacks compares as None (a refused letter's values are all None, and counted
    wrong by the caller)."""
    pairs: list[tuple[str, Any, Any]] = [
        ("case_number", parsed and parsed["case_number"], expected["case_number"])
    ]
    for name in REVIEWER_FIELDS:
        pairs.append((name, parsed and parsed["reviewer"][name], expected["reviewer"][name]))
    for name in PATIENT_FIELDS:
        pairs.append((name, parsed and parsed["patient"][name], expected["patient"][name]))
    parsed_items = [] if parsed is None else parsed["items"]
    pairs.append(("items", None if parsed is None else len(parsed_items), len(expected["items"])))
    pairs.append(
        (
            "letter warnings",
            None if parsed is None else _keys(parsed["warnings"]),
            _keys(expected["warnings"]),
        )
    )
    for number, want in enumerate(expected["items"]):
        got = _item_values(parsed_items[number]) if number < len(parsed_items) else {}
        pairs += [(name, got.get(name), value) for name, value in _item_values(want).items()]
    return pairs


def parsed_or_refusal(text: str, file_name: str | None = None) -> tuple[dict | None, str]:
    """The parser's JSON for a letter, or None and the reason it refuses the letter."""
    try:
        return letter_to_dict(parse_letter(text, file_name=file_name)), ""
    except ParseError as error:
        return None, str(error)


def _check_shard(folder: Path) -> QualityReport:
    """Every letter of one shard folder beside its expected parse, read with its file's name
    (which gives a letter without a header its case number)."""
    report = QualityReport()
    for truth in sorted(folder.glob("*.json")):
        text_path = truth.with_suffix(".txt")
        expected = json.loads(truth.read_text(encoding="utf-8"))
        text = text_path.read_text(encoding="utf-8")
        parsed, reason = parsed_or_refusal(text, text_path.name)
        report.add(text_path.name, parsed, expected, reason)
    return report


def check_corpus(out_dir: Path, letters: int, workers: int = 1) -> QualityReport:
    """Parse letters 0..letters-1 of a corpus `write_corpus` wrote with its truths, and compare
    each with its expected parse, split over `workers` processes by shard.

    Raises FileNotFoundError, naming the folder, when a shard holds fewer expected parses than
    letters (a corpus written without --with-truth).
    """
    folders = [shard_folder(Path(out_dir), start) for start in range(0, letters, LETTERS_PER_SHARD)]
    for start, folder in zip(range(0, letters, LETTERS_PER_SHARD), folders, strict=True):
        wanted = min(LETTERS_PER_SHARD, letters - start)
        if sum(1 for _ in folder.glob("*.json")) < wanted:
            raise FileNotFoundError(f"{folder}: fewer than {wanted} expected parses (.json)")
    report = QualityReport()
    if workers <= 1 or len(folders) <= 1:
        for folder in folders:
            report.merge(_check_shard(folder))
        return report
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(min(workers, len(folders))) as pool:
        for result in pool.imap_unordered(_check_shard, folders):
            report.merge(result)
    return report
