"""The items of the 2013 notices: numbered findings, then one rationale block per finding.

The findings carry the outcome ("1) MAXIMUS Federal Services, Inc. has determined the request
for <treatment> is [not] medically necessary and appropriate."; "not" means the denial is
upheld) and the treatment as written. Published notices repeat the list (a summary box and the
decision page; extraction may also drop the space in "notmedically"), so a finding stated twice
alike counts once. Each finding needs its block "N) Regarding the request for <treatment>:"
holding the claims administrator's and the expert reviewer's bases and "Rationale for the
Decision:"; a finding without a block, or a block without a finding, fails the letter.
"""
from __future__ import annotations

import re

from .citations import parse_basis
from .errors import ParseError
from .model import Basis, Item, Outcome
from .sections import NOTICE_DECISIONS
from .text import lowered, one_line, reflow

RATIONALE = "Rationale for the Decision:"
_AUTHOR = "maximus federal services"
# Searched in lower-cased copies, led by a literal (see `text.lowered`); the finding's number is
# read from the few characters before it, and a treatment running into the next finding
# means the first one has no verdict.
_FINDING = re.compile(
    rf"{_AUTHOR},? inc\.?,? has determined (?:that )?the request for (?P<treatment>.+?) is "
    r"(?P<negation>not\s*)?medically necessary(?: and appropriate)?\."
)
_FINDING_NUMBER = re.compile(r"(?<!\d)(?P<number>\d+)\)\s*$")
_FINDING_NUMBER_WINDOW = 8
_BLOCK = re.compile(r"\n(?P<number>\d+)\)[ ]*regarding the request for\b")
_BLOCK_HEAD = re.compile(
    r"^\d+\)\s*Regarding the request for\s+(?P<treatment>.+?):\s*"
    r"(?=The Claims Administrator\b|The Expert Reviewer\b|$)",
    re.IGNORECASE,
)
_RATIONALE = re.compile(r"\nrationale for the decision\b[ ]*:?")
_REVIEWER_BASIS = re.compile(r"the expert reviewer\b")


def parse_notice_items(preamble: str, section: str) -> tuple[Item, ...]:
    """Items from the findings (in the preamble) and the decision section's blocks."""
    findings = _findings(one_line(preamble))
    if not findings:
        raise ParseError(
            "no findings ('1) MAXIMUS Federal Services, Inc. has determined the request for ...') "
            f"before the {NOTICE_DECISIONS!r} section"
        )
    blocks = _blocks(section)
    for number, block in blocks.items():
        if number not in findings:
            treatment = _BLOCK_HEAD.match(one_line(block))
            named = f" ({treatment['treatment']!r})" if treatment else ""
            raise ParseError(
                f"rationale block {number}{named} has no finding in the determination list"
            )
    return tuple(
        _item(number, treatment, outcome, blocks.get(number))
        for number, (treatment, outcome) in sorted(findings.items())
    )


def _findings(text: str) -> dict[int, tuple[str, Outcome]]:
    low = lowered(text)
    findings: dict[int, tuple[str, Outcome]] = {}
    for match in _FINDING.finditer(low):
        if _AUTHOR in match["treatment"]:
            continue
        window = max(0, match.start() - _FINDING_NUMBER_WINDOW)
        number = _FINDING_NUMBER.search(low, window, match.start())
        treatment = text[match.start("treatment") : match.end("treatment")].strip()
        finding = (treatment, "upheld" if match["negation"] is not None else "overturned")
        key = int(number["number"]) if number else 1
        if findings.setdefault(key, finding) != finding:
            raise ParseError(f"finding {key} is stated twice, differently")
    return findings


def _blocks(section: str) -> dict[int, str]:
    """Each block in `text.document` form, from its "N) Regarding" line on."""
    section = "\n" + section
    starts = list(_BLOCK.finditer(lowered(section)))
    blocks: dict[int, str] = {}
    for start, end in zip(starts, [*(s.start() for s in starts[1:]), len(section)]):
        number = int(start["number"])
        if number in blocks:
            raise ParseError(
                f"two rationale blocks numbered {number} in the {NOTICE_DECISIONS!r} section"
            )
        blocks[number] = section[start.start() + 1 : end]
    return blocks


def _item(number: int, treatment: str, outcome: Outcome, block: str | None) -> Item:
    where = f"item {number} ({treatment!r})"
    if block is None:
        raise ParseError(f"{where}: no '{number}) Regarding the request for ...' rationale block")
    rationale_label = _RATIONALE.search(lowered(block))
    if rationale_label is None:
        raise ParseError(f"{where}: no {RATIONALE!r} paragraph")
    rationale = reflow(block[rationale_label.end() :])
    if not rationale:
        raise ParseError(f"{where}: empty {RATIONALE!r} paragraph")
    head = one_line(block[: rationale_label.start()])
    match = _BLOCK_HEAD.match(head)
    if match is None:
        raise ParseError(
            f"{where}: its rationale block does not open 'N) Regarding the request for ...:'"
        )
    bases = head[match.end() :]
    reviewer_at = _REVIEWER_BASIS.search(lowered(bases))
    split = reviewer_at.start() if reviewer_at else len(bases)
    return Item(
        treatment=treatment,
        outcome=outcome,
        rationale=rationale,
        claims_administrator_basis=_basis(bases[:split]),
        reviewer_basis=_basis(bases[split:]),
    )


def _basis(text: str) -> Basis | None:
    """A basis sentence, or None where the notice has none for this party."""
    text = text.strip()
    return parse_basis(text) if text else None
