"""The disputed items of the standard and case-header layouts.

Each item is a heading "<treatment>: Upheld|Overturned" followed by three labelled paragraphs
("Claims Administrator guideline:", "MAXIMUS guideline:", "Decision rationale:"); a rationale
may run over several paragraphs. A heading is recognised as the paragraph right before a
labelled one, whatever its words, so a treatment can hold commas, slashes, '#', digits and
colons, wrap onto a second line, and an outcome word the parser does not know is reported
rather than read as rationale text. The outcome is what follows the heading's last colon.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .citations import parse_basis
from .errors import ParseError
from .model import Item, Outcome
from .sections import ISSUES
from .text import join_lines

CLAIMS = "Claims Administrator guideline:"
REVIEWER = "MAXIMUS guideline:"
RATIONALE = "Decision rationale:"
_LABELS = {label[:-1].lower(): label for label in (CLAIMS, REVIEWER, RATIONALE)}
_LABEL = re.compile(
    r"^(?P<label>Claims Administrator guideline|MAXIMUS guideline|Decision rationale)[ ]*:[ ]*",
    re.IGNORECASE,
)
# A label always starts a paragraph, even where the extraction lost the break before it.
_LINE_BEFORE_LABEL = re.compile(
    r"\n(?<=[^\n]\n)"
    r"(?=(?i:claims administrator guideline|maximus guideline|decision rationale)[ ]*:)"
)
_INTRODUCTION = re.compile(
    r"The\s+Final\s+Determination\s+was\s+based\s+on\s+decisions\s+for\s+the\s+disputed\s+"
    r"items/services\s+set\s+forth\s+below:?",
    re.IGNORECASE,
)
_KNOWN_HEADING = re.compile(r":\s*(?i:upheld|overturned)\.?$")
_HEADING = re.compile(r"^(?P<treatment>.*):(?P<outcome>[^:]*)$")
_OUTCOMES: dict[str, Outcome] = {"upheld": "upheld", "overturned": "overturned"}


@dataclass
class _Draft:
    heading: str
    parts: dict[str, list[str]] = field(default_factory=dict)


def parse_items(section: str) -> tuple[Item, ...]:
    """The items of the decisions section (in `text.document` form), in letter order."""
    body = section.strip("\n")
    introduction = _INTRODUCTION.match(body)
    if introduction:
        body = body[introduction.end() :]
    paragraphs = _LINE_BEFORE_LABEL.sub("\n\n", body).split("\n\n")
    blocks = [_labelled(block) for block in paragraphs if block.strip()]
    drafts = _drafts(_recover_headings(blocks))
    if not drafts:
        raise ParseError(f"no items in the {ISSUES!r} section")
    return tuple(_item(number, draft) for number, draft in enumerate(drafts, start=1))


Block = tuple[str, str | None]  # a paragraph (without its label) and its label, if any


def _labelled(block: str) -> Block:
    block = block.strip("\n")
    match = _LABEL.match(block)
    return (block[match.end() :], _LABELS[match["label"].lower()]) if match else (block, None)


def _recover_headings(blocks: list[Block]) -> list[Block]:
    """Give back the headings that extractions without paragraph breaks glue to a paragraph.

    Without a break, a heading ends the previous item's last labelled paragraph; since the
    next item's first label follows it directly, the heading is that paragraph's last line.
    """
    out: list[Block] = []
    for (block, label), (_, following) in zip(blocks, [*blocks[1:], ("", None)]):
        if label and following == CLAIMS and "\n" in block:
            head, heading = block.rsplit("\n", 1)
            out += [(head, label), (heading, None)]
        else:
            out.append((block, label))
    return out


def _drafts(blocks: list[Block]) -> list[_Draft]:
    drafts: list[_Draft] = []
    current: _Draft | None = None
    part: str | None = None
    for (block, label), (_, following) in zip(blocks, [*blocks[1:], ("", None)]):
        if label is None and (following or _KNOWN_HEADING.search(block)):
            current, part = _Draft(block), None
            drafts.append(current)
        elif label is not None:
            if current is None:
                raise ParseError(f"{label!r} paragraph before the first item heading")
            if label in current.parts:
                raise ParseError(
                    f"{_where(len(drafts), current)}: two {label!r} paragraphs (a heading missing?)"
                )
            part = label
            current.parts[part] = [block]
        elif current is not None and part is not None:
            current.parts[part].append(block)
        # Anything else precedes the first heading: the section's introductory words.
    return drafts


def _split_heading(heading: str) -> tuple[str, str]:
    """Treatment and outcome word of a heading (one line); empty strings where absent."""
    match = _HEADING.match(heading)
    return (match["treatment"].strip(), match["outcome"].strip(" .")) if match else ("", "")


def _where(number: int, draft: _Draft) -> str:
    return _named(number, _split_heading(join_lines(draft.heading))[0])


def _named(number: int, treatment: str) -> str:
    return f"item {number} ({treatment!r})" if treatment else f"item {number}"


def _item(number: int, draft: _Draft) -> Item:
    heading = join_lines(draft.heading)
    treatment, word = _split_heading(heading)
    if not treatment or not word:
        raise ParseError(f"item {number}: heading {heading!r} has no ': Upheld' or ': Overturned'")
    where = _named(number, treatment)
    outcome = _OUTCOMES.get(word.lower())
    if outcome is None:
        raise ParseError(f"{where}: unknown outcome {word!r} (expected 'Upheld' or 'Overturned')")
    parts = {label: _part(where, label, draft.parts.get(label)) for label in _LABELS.values()}
    return Item(
        treatment=treatment,
        outcome=outcome,
        rationale=parts[RATIONALE],
        claims_administrator_basis=parse_basis(parts[CLAIMS]),
        reviewer_basis=parse_basis(parts[REVIEWER]),
    )


def _part(where: str, label: str, blocks: list[str] | None) -> str:
    if blocks is None:
        raise ParseError(f"{where}: no {label!r} paragraph")
    text = "\n\n".join(joined for block in blocks if (joined := join_lines(block)))
    if not text:
        raise ParseError(f"{where}: empty {label!r} paragraph")
    return text
