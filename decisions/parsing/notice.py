"""The items of the 2013 notices: numbered findings, then one rationale block per finding.

The findings carry the outcome ("1) MAXIMUS Federal Services, Inc. has determined the request
for <treatment> is [not] medically necessary and appropriate."; "not" means the denial is
upheld) and the treatment as written. Published notices repeat the list (a summary box and the
decision page; extraction may also drop the space in "notmedically"), so a finding stated twice
alike counts once ("the requested <treatment>" reads as "the request for <treatment>"). Each
finding needs its block "N) Regarding the request for <treatment>:"
holding the claims administrator's and the expert reviewer's bases and "Rationale for the
Decision:"; a finding without a block, or a block without a finding, fails the letter.
"""

from __future__ import annotations

import re

from .citations import read_basis
from .errors import ParseError, quoted
from .model import Basis, Item, Outcome, ParseWarning
from .numbers import ITEM_DIGITS, bounded
from .sections import NOTICE_DECISIONS
from .text import lowered, one_line, reflow

RATIONALE = "Rationale for the Decision:"
_AUTHOR = "maximus federal services"
# Searched in lower-cased copies, led by a literal (see `text.lowered`). A finding's treatment
# runs from its opening words to its verdict, searched for once in the text up to the next
# mention of MAXIMUS (a lazy treatment before the verdict would re-scan the rest of the text
# from every opening); a finding whose verdict is missing there has none. Its number is read
# from the few characters before it; a finding or block numbered with more than three digits
# fails the letter, as a block without its finding does.
_FINDING = re.compile(
    rf"{_AUTHOR},? inc\.?,? (?:has )?determined (?:that )?the request(?: for|ed) "
)
_VERDICT = re.compile(
    r" is (?P<negation>not\s*)?medically\s*necessary(?:\s*(?:and|or)\s*appropriate)?\."
)
_FINDING_NUMBER = re.compile(r"\(?(?P<number>\d+)[.)]\s*$")
_FINDING_NUMBER_WINDOW = 8
_BLOCK = re.compile(r"\n\(?(?P<number>\d+)[.)][ ]*regarding the request(?: for|ed)\b")
_BLOCK_HEAD = re.compile(r"\(?\d+[.)]\s*regarding the request(?: for|ed)\s+")
# The colon closing a block's "N) Regarding the request for <treatment>:" line; a line that
# lost its colon ends where a basis sentence (or, with none, the block's head) does.
_BLOCK_HEAD_END = re.compile(
    r"(?::\s*|\s)(?:the claims administrator\b|the expert reviewer\b)|:?\s*$"
)
_RATIONALE = re.compile(r"\nrationale for (?:the )?decision\b[ ]*:?")
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
            head = _block_head(one_line(block))
            named = f" ({quoted(head[0])})" if head else ""
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
        following = low.find(_AUTHOR, match.end())
        verdict = _VERDICT.search(low, match.end() + 1, len(low) if following < 0 else following)
        if verdict is None:
            continue
        treatment = text[match.end() : verdict.start()].strip()
        outcome: Outcome = "upheld" if verdict["negation"] is not None else "overturned"
        finding = (treatment, outcome)
        key = _finding_number(low, match.start())
        if findings.setdefault(key, finding) != finding:
            raise ParseError(f"finding {key} is stated twice, differently")
    return findings


def _finding_number(low: str, start: int) -> int:
    """The "N)" right before a finding; 1 for a finding without a number (a notice of one)."""
    window = max(0, start - _FINDING_NUMBER_WINDOW)
    number = _FINDING_NUMBER.search(low, window, start)
    if number is None:
        return 1
    if number.start() > 0 and low[number.start() - 1].isdecimal():
        # More digits than the window shows.
        raise _not_an_item_number("finding", f"...{number['number']}")
    return _item_number(number["number"], "finding")


def _item_number(digits: str, what: str) -> int:
    number = bounded(digits, ITEM_DIGITS)
    if number is None:
        raise _not_an_item_number(what, digits)
    return number


def _not_an_item_number(what: str, digits: str) -> ParseError:
    return ParseError(f"{what} numbered {quoted(digits)}: not an item number")


def _blocks(section: str) -> dict[int, str]:
    """Each block in `text.document` form, from its "N) Regarding" line on."""
    section = "\n" + section
    starts = list(_BLOCK.finditer(lowered(section)))
    blocks: dict[int, str] = {}
    ends = [s.start() for s in starts[1:]] + [len(section)]
    for start, end in zip(starts, ends, strict=False):  # no blocks: `ends` has the section's
        number = _item_number(start["number"], "rationale block")
        if number in blocks:
            raise ParseError(
                f"two rationale blocks numbered {number} in the {NOTICE_DECISIONS!r} section"
            )
        blocks[number] = section[start.start() + 1 : end]
    return blocks


def _item(number: int, treatment: str, outcome: Outcome, block: str | None) -> Item:
    where = f"item {number} ({quoted(treatment)})"
    if block is None:
        raise ParseError(f"{where}: no '{number}) Regarding the request for ...' rationale block")
    rationale_label = _RATIONALE.search(lowered(block))
    if rationale_label is None:
        raise ParseError(f"{where}: no {RATIONALE!r} paragraph")
    rationale = reflow(block[rationale_label.end() :])
    if not rationale:
        raise ParseError(f"{where}: empty {RATIONALE!r} paragraph")
    head = _block_head(one_line(block[: rationale_label.start()]))
    if head is None:
        raise ParseError(
            f"{where}: its rationale block does not open 'N) Regarding the request for ...:'"
        )
    bases = head[1]
    reviewer_at = _REVIEWER_BASIS.search(lowered(bases))
    split = reviewer_at.start() if reviewer_at else len(bases)
    field = f"items[{number - 1}]"
    claims, claims_warnings = _basis(bases[:split], f"{field}.claims_administrator_basis")
    reviewer, reviewer_warnings = _basis(bases[split:], f"{field}.reviewer_basis")
    return Item(
        treatment=treatment,
        outcome=outcome,
        rationale=rationale,
        claims_administrator_basis=claims,
        reviewer_basis=reviewer,
        warnings=claims_warnings + reviewer_warnings,
    )


def _block_head(text: str) -> tuple[str, str] | None:
    """The treatment a block's "N) Regarding the request for <treatment>:" names, and the text
    after that colon; None when the block does not open so."""
    low = lowered(text)
    opening = _BLOCK_HEAD.match(low)
    if opening is None:
        return None
    end = _BLOCK_HEAD_END.search(low, opening.end() + 1)
    if end is None:
        return None
    return text[opening.end() : end.start()], text[end.start() + 1 :]


def _basis(text: str, field: str) -> tuple[Basis | None, tuple[ParseWarning, ...]]:
    """A basis sentence, or None where the notice has none for this party, and its warnings."""
    text = text.strip()
    if not text:
        return None, ()
    read = read_basis(text)
    return read.basis, tuple(problem.at(field) for problem in read.problems)
