"""The disputed items of the standard and case-header layouts.

Each item is a heading "<treatment>: Upheld|Overturned" followed by three labelled paragraphs
("Claims Administrator guideline:", "MAXIMUS guideline:", "Decision rationale:"); a rationale
may run over several paragraphs. Items are found by their labels, which start lines, and a
heading by its place and shape: the line or few lines right above an item's first label. The
paragraph marks around a heading are not needed: extractions lose them, double them or have
none, and a rationale paragraph without its mark would otherwise run into the next heading.

Which lines above the label belong to the heading is read from the lines themselves. A line
ending a sentence ends the paragraph above the heading; a line ending in a comma or a joining
word ("and", "of", ...) runs on into the heading, and so does one ending in a colon when the
outcome word was wrapped onto a line of its own. A line ending otherwise belongs to the heading
only when it was wrapped (the next word would not have fitted on it), no paragraph mark follows
it, it reads as a treatment (no sentence ends inside it, no verdict, no lower-case start) and
the line above it ends a sentence, a verdict or a paragraph; or when the heading below it
starts in lower case. Where none of that tells, the letter fails rather than merge a
rationale's last line into a treatment. The treatment can so hold commas, slashes, '#', digits
and colons and wrap onto more lines; the outcome is what follows the heading's last colon, and
an outcome word the parser does not know is reported rather than read as rationale text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .citations import read_basis
from .diagnostics import warning
from .errors import ParseError, quoted
from .model import Item, Outcome
from .sections import ISSUES
from .text import join_lines, repaired

CLAIMS = "Claims Administrator guideline:"
REVIEWER = "MAXIMUS guideline:"
RATIONALE = "Decision rationale:"
_ORDER = (CLAIMS, REVIEWER, RATIONALE)  # an item's labels in letter order
# The labels as letters write them: any case, "guideline(s)", "Claims Administrator's",
# "MAXIMUS Federal Services guideline".
# "MAXIMUS", "IMR" and "Expert Reviewer" name the same party, "Claims Administrator",
# "Utilization Review" and "UR" the other; "Rationale for the decision".
_GUIDELINE = r"[ ]+guidelines?(?:\(s\))?(?:[ ]+(?:used|cited|relied[ ]+(?:up)?on))?"
_LABEL = re.compile(
    rf"(?:(?P<claims>(?:claims?[ ]+administrator(?:'s)?|utilization[ ]+review|ur){_GUIDELINE})"
    rf"|(?P<reviewer>(?:maximus(?:[ ]+federal[ ]+services)?|imr|(?:expert[ ]+)?reviewer(?:'s)?)"
    rf"{_GUIDELINE})"
    r"|(?P<rationale>(?:decision[ ]+)?rationale(?:[ ]+for[ ]+(?:the[ ]+)?decision)?))[ ]*:[ ]*",
    re.IGNORECASE,
)
_LABELS = {"claims": CLAIMS, "reviewer": REVIEWER, "rationale": RATIONALE}
_INTRODUCTION = re.compile(
    r"The\s+Final\s+Determination\s+was\s+based\s+on\s+decisions\s+for\s+the\s+disputed\s+"
    r"items/services\s+set\s+forth\s+below[:.]?",
    re.IGNORECASE,
)
# The same introduction reworded ("... based on the decisions for the following disputed
# items:"): up to its colon or full stop at a line's end.
_REWORDED_INTRODUCTION = re.compile(
    r"The\s+Final\s+Determination\s+was\s+based\s+on\b[^:.]{0,200}[:.][ ]*(?=\n|$)",
    re.IGNORECASE,
)
# A line ending in a colon that introduces the items, not a treatment wrapped after its own
# colon ("Retrospective request for compound medication:"): it speaks of them.
_INTRODUCES = re.compile(
    r"(?<![a-z])(?:was|were|is|are|set forth|below|following|as follows|listed)(?![a-z])[^:]*:$"
)
_HEADING = re.compile(r"^(?P<treatment>.*):(?P<outcome>[^:]*)$")
_KNOWN_HEADING = re.compile(r"[^:]:[ ]*(?:upheld|overturned)\.?$")
_OUTCOMES: dict[str, Outcome] = {"upheld": "upheld", "overturned": "overturned"}
# An outcome word read loosely (then warned): its letters alone ("Over-turned", "Upheld;"), a
# stem, or after "denial" ("Denial upheld").
_LOOSE_OUTCOME = re.compile(
    r"(?:(?:ur)?(?:denial|decision))?(?P<word>upheld|uphold|overturn(?:ed)?)"
)
_LOOSE_OUTCOMES: dict[str, Outcome] = {
    "upheld": "upheld",
    "uphold": "upheld",
    "overturned": "overturned",
    "overturn": "overturned",
}
# An outcome word pointing to the rationale ("Upheld (see rationale)", "Overturned - see
# below"): read loosely.
_POINTING_OUTCOME = re.compile(
    r"(?P<word>upheld|overturned)[^\w]{0,4}see(?: the)?(?: decision)?(?: rationale)?"
    r"(?: below| above)?[^\w]{0,3}"
)
# What a loose reading ignores around an outcome word: spaces and punctuation, not digits.
_OUTCOME_PUNCTUATION = re.compile(r"[\s.,;:!?()\[\]'\"*_/-]+")

# Line ends a paragraph cannot have: the next line carries on the same phrase. (Not a colon:
# a sentence introducing the items ends in one.)
_RUNS_ON = re.compile(
    r"(?:[,;&/+(#-]|(?<![\w/])(?:and|or|of|for|with|without|to|at|in|on|x|per|the|a|an|between"
    r"|from|by|via|plus|under|including|w/))$"
)
# A full stop that ends an abbreviation, not a sentence ("Dr.", "qty.", "p.o.").
_ABBREVIATION = re.compile(
    r"(?<![^\s(])(?:dr|mr|mrs|ms|qty|no|nos|approx|vs|inc|tab|tabs|cap|caps"
    r"|(?:[a-z]\.){1,3}[a-z])\.$"
)
# A rationale's last words when its full stop is lost: the verdict.
_VERDICT_END = re.compile(r"(?:medically necessary(?: and appropriate)?|non-?certification)$")
# A sentence ending inside a line: its stop, then the next sentence's capital or digit.
_SENTENCE_STOP = re.compile(r"[.!?](?=[\"')\]]* +[A-Z0-9])")
# A line is a wrapped one when its length and the next line's first word exceed this share
# of the text's usual full line (PDF lines of proportional type vary around their width).
_FULL_LINE_SHARE = 0.8
_FULL_LINE_QUANTILE = 0.75
_HEADING_LINES = 3  # a treatment wraps onto a second line, seldom a third
# Longer than any line of a page: a paragraph of text that keeps one line per paragraph, not
# part of a heading (which needs no more than one line there).
_LONGEST_HEADING_LINE = 200


@dataclass(frozen=True, slots=True)
class _Lines:
    """The section as its visual lines, and where the document form breaks a paragraph."""

    text: list[str]
    breaks: list[bool]  # a paragraph break right before the line
    marked: bool  # the breaks are paragraph marks, not possibly page-break residue
    full: int  # the length of a full line

    def joined(self, start: int, end: int) -> str:
        return join_lines("\n".join(self.text[start:end]))

    def closes(self, index: int) -> bool:
        """Whether nothing runs on past line `index`: it ends a sentence, a verdict or a
        paragraph, or is before the first line."""
        if index < 0:
            return True
        line = self.text[index]
        return (
            _ends_sentence(line)
            or _VERDICT_END.search(line[-40:].lower()) is not None
            or (index + 1 < len(self.text) and self.breaks[index + 1])
        )

    def wrapped(self, index: int) -> bool:
        """Whether line `index` was full: the next line's first word would not have fitted."""
        next_word = self.text[index + 1].split(" ", 1)[0]
        return len(self.text[index]) + 1 + len(next_word) > _FULL_LINE_SHARE * self.full


def _ends_sentence(line: str) -> bool:
    """A full stop (not an abbreviation's), question or exclamation mark at the end, closing
    quotes and brackets after it."""
    end = line.rstrip("\"')]")
    if end[-1:] == ".":
        return _ABBREVIATION.search(end[-12:].lower()) is None
    return end[-1:] in ("!", "?")


def _prose(line: str) -> bool:
    """Whether a line reads as a rationale's, not a treatment's: it holds the end of a sentence
    (not an abbreviation's full stop) or a verdict."""
    low = line.lower()
    if "medically necessary" in low:
        return True
    return any(
        _ABBREVIATION.search(low[max(0, stop.start() - 11) : stop.start() + 1]) is None
        for stop in _SENTENCE_STOP.finditer(line)
    )


@dataclass(frozen=True, slots=True)
class _Label:
    line: int
    label: str  # one of _ORDER
    text_start: int  # where the paragraph's text starts on the label's line


def parse_items(section: str, marked: bool) -> tuple[Item, ...]:
    """The items of the decisions section (in `text.document` form), in letter order.

    `marked`: the document's paragraph breaks come from paragraph marks (`text.marked_document`).
    """
    body = section.strip("\n")
    introduction = _INTRODUCTION.match(body) or _REWORDED_INTRODUCTION.match(body)
    if introduction:
        body = body[introduction.end() :]
    lines = _lines(body, marked)
    labels = [
        _Label(number, _LABELS[match.lastgroup or ""], match.end())
        for number, line in enumerate(lines.text)
        if ":" in line and (match := _LABEL.match(line))
    ]
    groups = _items_labels(lines, labels)
    if not groups:
        _no_orphan_heading(lines, 0, len(lines.text), 1)
        raise ParseError(f"no items in the {ISSUES!r} section")
    starts: list[int] = []
    uncertain: list[bool] = []
    for number, group in enumerate(groups, start=1):
        floor = groups[number - 2][-1].line + 1 if number > 1 else 0
        start = _heading_start(lines, number, group[0], floor)
        start, unsure = _across_a_break(lines, start, group[0].line, floor)
        uncertain.append(unsure)
        heading = lines.joined(start, group[0].line)
        if number == 1 and not heading:
            raise ParseError(f"{group[0].label!r} paragraph before the first item heading")
        if number > 1 and (not heading or (not _has_outcome(heading) and _ends_sentence(heading))):
            previous = groups[number - 2]
            treatment = _split_heading(lines.joined(starts[-1], previous[0].line))[0]
            raise _heading_missing(_named(number - 1, treatment), previous, group[0])
        starts.append(start)
    _no_orphan_heading(lines, 0, starts[0], 1)
    return tuple(
        _item(lines, number, start, group, end, unsure)
        for number, (start, group, end, unsure) in enumerate(
            zip(starts, groups, [*starts[1:], len(lines.text)], uncertain, strict=True), start=1
        )
    )


def _lines(body: str, marked: bool) -> _Lines:
    text: list[str] = []
    breaks: list[bool] = []
    gap = False
    for line in body.split("\n"):
        if line:
            text.append(line)
            breaks.append(gap)
            gap = False
        else:
            gap = bool(text)
    lengths = sorted(len(line) for line in text)
    full = lengths[int(_FULL_LINE_QUANTILE * (len(lengths) - 1))] if lengths else 0
    return _Lines(text, breaks, marked, full)


def _items_labels(lines: _Lines, labels: list[_Label]) -> list[list[_Label]]:
    """The labels grouped by item: a label that does not follow the one before in an item's
    order (claims administrator, reviewer, rationale) starts the next item.

    A reviewer or rationale label after a rationale, on a line that a line ending in a colon
    introduces ("... stated the following:" / "Rationale: ...") or that carries on a sentence
    of its paragraph (no break, no full stop before it), is the rationale quoting one: it
    starts no item and is kept as rationale text. After a finished sentence or paragraph it
    starts an item that lost its heading and claims administrator's paragraph, and the letter
    fails."""
    groups: list[list[_Label]] = []
    for label in labels:
        if groups and _ORDER.index(label.label) > _ORDER.index(groups[-1][-1].label):
            groups[-1].append(label)
        elif groups and groups[-1][-1].label == RATIONALE and _quoted(lines, label):
            continue
        else:
            groups.append([label])
    return groups


def _quoted(lines: _Lines, label: _Label) -> bool:
    """Whether a reviewer or rationale label quotes one inside a rationale (see
    `_items_labels`)."""
    if label.label == CLAIMS:
        return False
    above = lines.text[label.line - 1]
    if above.endswith(":"):
        return True
    return not lines.breaks[label.line] and not lines.closes(label.line - 1)


def _heading_start(lines: _Lines, number: int, first: _Label, floor: int) -> int:
    """The first line of item `number`'s heading, which ends right above its first label.

    The lines from `floor` (after the previous item's last label line, or the section's start)
    to the heading belong to that label's paragraph (or introduce the section).
    """
    start = first.line
    if start > floor:
        start -= 1
        while start > floor and _runs_into_heading(lines, start, first.line, number):
            start -= 1
            if first.line - start > _heading_lines(lines, first.line):
                raise ParseError(
                    f"item {number}: the heading above its {first.label!r} paragraph runs over"
                    f" more than {_HEADING_LINES} lines: {quoted(lines.joined(start, first.line))}"
                )
        start = _heading_paragraph_start(lines, start, first.line, floor)
    return start


def _across_a_break(lines: _Lines, start: int, end: int, floor: int) -> tuple[int, bool]:
    """The first line of the heading on lines `start` to `end`, taking the line above it when
    that line cannot end the paragraph above and must begin the heading, and whether the start
    is uncertain.

    The line above a heading ends a sentence, a verdict, a line introducing the items or a
    paragraph the letter marks. When it does none of these (a heading wrapped short of a full
    line and broken by page-break residue or a form feed after its first line, or in text
    without paragraph breaks), it begins the heading if it reads as a treatment's first line
    (no sentence ends in it, it does not start in lower case, it is no label) and the line
    above it closes as above; otherwise it is left above, and the heading is warned. Above a
    paragraph mark (the letter's own break) the heading starts at the mark, and is warned
    when the line above could have been its first.
    """
    above = start - 1
    if above < 0 or above < floor - 1:
        return start, False
    line = lines.text[above]
    if _closing(lines, above):
        return start, False
    first_line = (
        above >= floor
        and end - above <= _heading_lines(lines, end)
        and len(line) <= _LONGEST_HEADING_LINE
        and not line[0].islower()
        and not _prose(line)
        and (above == 0 or lines.breaks[above] or _closing(lines, above - 1))
    )
    if lines.marked and lines.breaks[start]:
        # A paragraph mark is the letter's own: the heading starts there, but a line above it
        # that reads as a treatment's first line may have been one.
        return start, first_line
    return (above, False) if first_line else (start, True)


def _heading_lines(lines: _Lines, end: int) -> int:
    """How many lines a heading ending above line `end` may hold: one more when its outcome
    word stands alone on its last line."""
    bare = end > 0 and lines.text[end - 1].rstrip(" .").lower() in _OUTCOMES
    return _HEADING_LINES + bare


def _closing(lines: _Lines, index: int) -> bool:
    """Whether line `index` ends what it says: a sentence, a verdict (which may have wrapped:
    "... is medically" / "necessary", "Recommend non-" / "certification"), a line introducing
    the items, a label alone, or a whole heading (not a treatment wrapped after a colon of its
    own)."""
    line = lines.text[index]
    if _ends_sentence(line) or _introduces(line) or _KNOWN_HEADING.search(line.lower()):
        return True
    if line.endswith(":") and _LABEL.fullmatch(line) is not None:
        return True
    tail = line if len(line) >= 40 or index == 0 else lines.joined(index - 1, index + 1)
    return _VERDICT_END.search(tail[-40:].lower()) is not None


def _heading_paragraph_start(lines: _Lines, start: int, end: int, floor: int) -> int:
    """The first line of a heading wrapped short of a full line: where the shape of its lines
    tells nothing, a paragraph break (or a line introducing the items) right above a few lines
    that read as a treatment (none ends a sentence or states a verdict, the first starts as a
    treatment does) makes them one heading ("Outpatient carpal tunnel release with" /
    "physical therapy for the right" / "wrist/hand: Upheld"), as does the start of the
    section. Otherwise `start` stays: lines running on from a rationale without a break are
    never taken on shape alone."""
    if lines.breaks[start]:
        return start
    top = start
    while top > floor and end - top < _HEADING_LINES and not lines.breaks[top]:
        line = lines.text[top - 1]
        if _introduces(line):
            break
        if (
            len(line) > _LONGEST_HEADING_LINE
            or _ends_sentence(line)
            or _prose(line)
            or _VERDICT_END.search(line[-40:].lower())
            or _KNOWN_HEADING.search(line.lower())
        ):
            return start
        top -= 1
    opens = lines.breaks[top] or top == 0 or _introduces(lines.text[top - 1])
    if top < start and opens and not lines.text[top][0].islower():
        return top
    return start


def _runs_into_heading(lines: _Lines, start: int, end: int, number: int) -> bool:
    """Whether the line above `start` is part of the heading on lines `start` to `end`."""
    above = start - 1
    line = lines.text[above]
    if len(line) > _LONGEST_HEADING_LINE:
        return False
    heading = lines.joined(start, end)
    if not _has_outcome(heading):
        # The outcome word wrapped onto a line of its own, after a colon or without one
        # ("MRI of the lumbar spine" / "Upheld"): the line above holds the treatment, unless it
        # ends a sentence (then the heading lost its treatment, and the letter fails).
        if heading.rstrip(" .").lower() in _OUTCOMES:
            return line.endswith(":") or not (_ends_sentence(line) or _prose(line))
        return line.endswith(":")
    if _introduces(line):
        return False  # "The following items were decided:"
    if _ends_sentence(line) or _KNOWN_HEADING.search(line.lower()):
        return False  # a finished sentence, or a whole heading of its own
    if _RUNS_ON.search(line[-12:].lower()):
        return True
    if (lines.marked and lines.breaks[start]) or not lines.wrapped(above) or _prose(line):
        return False
    # A treatment starts with a capital or a number; a line starting in lower case goes on
    # from the line above it.
    if heading[0].islower():
        return True
    if line[0].islower():
        return False
    if lines.closes(above - 1):
        return True
    raise ParseError(
        f"item {number}: cannot tell whether {quoted(line)} ends the paragraph above the heading"
        f" {quoted(heading)} or begins that heading"
    )


def _introduces(line: str) -> bool:
    """Whether a line ending in a colon introduces the items rather than begins a treatment."""
    return line.endswith(":") and _INTRODUCES.search(line[-80:].lower()) is not None


def _heading_missing(where: str, previous: list[_Label], label: _Label) -> ParseError:
    if any(earlier.label == label.label for earlier in previous):
        return ParseError(f"{where}: two {label.label!r} paragraphs (a heading missing?)")
    return ParseError(
        f"{where}: a {label.label!r} paragraph after its {previous[-1].label!r} one"
        " (a heading missing?)"
    )


def _no_orphan_heading(lines: _Lines, start: int, end: int, number: int) -> None:
    """Fail on a heading with no labelled paragraph after it among lines `start` to `end`.

    A line that reads "<treatment>: Upheld" standing after a finished sentence is an item whose
    paragraphs are missing (a letter cut short, say); it is not rationale text to keep.
    """
    for index in range(start, end):
        line = lines.text[index]
        if ":" in line and _KNOWN_HEADING.search(line.lower()) and lines.closes(index - 1):
            treatment = _split_heading(line)[0]
            raise ParseError(f"{_named(number, treatment)}: no {CLAIMS!r} paragraph")


def _split_heading(heading: str) -> tuple[str, str]:
    """Treatment and outcome word of a heading (one line); empty strings where absent."""
    match = _HEADING.match(heading)
    return (match["treatment"].strip(), match["outcome"].strip(" .")) if match else ("", "")


# Numbering before a treatment ("1. ", "2) ", "Item 3: ", "Request #4 - "): not the treatment's.
_NUMBERING = re.compile(
    r"(?:(?:item|issue|request)[ ]*#?[ ]*\d{1,3}[ ]*[:.)-]?|\(?\d{1,2}[.)])[ ]+(?=\S)",
    re.IGNORECASE,
)


def _unnumbered(treatment: str) -> str:
    numbering = _NUMBERING.match(treatment)
    return treatment[numbering.end() :] if numbering else treatment


def _named(number: int, treatment: str) -> str:
    return f"item {number} ({quoted(treatment)})" if treatment else f"item {number}"


def _item(
    lines: _Lines, number: int, start: int, group: list[_Label], end: int, unsure: bool
) -> Item:
    heading = lines.joined(start, group[0].line)
    field = f"items[{number - 1}]"
    treatment, word = _split_heading(heading)
    outcome, exact = _outcome(word)
    uncoloned = ("", "") if outcome is not None else _uncoloned_heading(heading)
    if uncoloned[1] and (":" not in heading or _in_treatment(word.rpartition(" ")[0])):
        # The heading lost its colon ("MRI - Upheld"). When the treatment holds a colon of its
        # own ("Urine drug screen (DOS: 1/17/2021) Overturned"), the words after it go on from
        # the treatment; words qualifying the outcome ("Partially Overturned") do not.
        (treatment, word), exact = uncoloned, False
        outcome = _OUTCOMES[word.lower()]
    if not treatment or not word:
        raise ParseError(
            f"item {number}: heading {quoted(heading)} has no ': Upheld' or ': Overturned'"
        )
    if outcome is None:
        raise ParseError(
            f"{_named(number, treatment)}: unknown outcome {quoted(word)}"
            " (expected 'Upheld' or 'Overturned')"
        )
    treatment = _unnumbered(treatment)
    where = _named(number, treatment)
    warnings = []
    if unsure:
        warnings.append(
            warning(
                "heading-uncertain",
                f"{field}.treatment",
                "the line above the heading neither ends a sentence nor reads as the heading's"
                " first line: the treatment may have lost words there",
                f"{lines.text[start - 1]} / {heading}",
            )
        )
    if not exact:
        warnings.append(
            warning(
                "outcome-loose",
                f"{field}.outcome",
                f"the heading's outcome is read loosely as {outcome!r}",
                heading,
            )
        )
    parts: dict[str, str] = {}
    for label, part_end in zip(group, [*(label.line for label in group[1:]), end], strict=True):
        _no_orphan_heading(lines, label.line + 1, part_end, number + 1)
        text = _part(lines, label, part_end)
        if not text:
            raise ParseError(f"{where}: empty {label.label!r} paragraph")
        parts[label.label] = text
    for name in _ORDER:
        if name not in parts:
            raise ParseError(f"{where}: no {name!r} paragraph")
    claims, reviewer = read_basis(parts[CLAIMS]), read_basis(parts[REVIEWER])
    warnings += [problem.at(f"{field}.claims_administrator_basis") for problem in claims.problems]
    warnings += [problem.at(f"{field}.reviewer_basis") for problem in reviewer.problems]
    return Item(
        treatment=treatment,
        outcome=outcome,
        rationale=parts[RATIONALE],
        claims_administrator_basis=claims.basis,
        reviewer_basis=reviewer.basis,
        warnings=tuple(warnings),
    )


def _in_treatment(words: str) -> bool:
    """Whether words between a colon and an outcome word are part of a treatment: they hold a
    number or close a bracket, which no qualifier of an outcome does."""
    return any(character.isdigit() or character in ")]" for character in words)


def _has_outcome(heading: str) -> bool:
    """Whether a heading (its lines so far) holds its outcome: after a colon, or as the last
    word of a heading that lost its colon."""
    return ":" in heading or all(_uncoloned_heading(heading))


def _uncoloned_heading(heading: str) -> tuple[str, str]:
    """Treatment and outcome word of a heading that lost its colon ("Cervical ESI - Upheld",
    "Cervical ESI (Upheld)"): the outcome is its last word, bare or bracketed, when that is
    one (read loosely); empty strings otherwise."""
    treatment, _, word = heading.rstrip(" .").rpartition(" ")
    if word[:1] in "([" and word[-1:] in ")]":
        word = word[1:-1]  # "MRI (Upheld)"
    if word.lower() not in _OUTCOMES:
        return "", ""
    return treatment.rstrip(" -"), word


def _outcome(word: str) -> tuple[Outcome | None, bool]:
    """The outcome a heading's word states, and whether the word is exactly an outcome word
    (any case, a full stop after it) rather than one read loosely; None for other words."""
    exact = _OUTCOMES.get(word.lower())
    if exact is not None:
        return exact, True
    loose = _LOOSE_OUTCOME.fullmatch(_OUTCOME_PUNCTUATION.sub("", word.lower()))
    if loose is None:
        loose = _POINTING_OUTCOME.fullmatch(word.lower())
    return (_LOOSE_OUTCOMES[loose["word"]], False) if loose else (None, False)


def _part(lines: _Lines, label: _Label, end: int) -> str:
    """A labelled paragraph without its label, up to line `end`. A rationale keeps the
    unlabelled paragraphs after it, as clean paragraphs (`text.repaired`) joined by a blank
    line; a basis is one paragraph, as written, and a break in it page-break residue."""
    paragraphs: list[list[str]] = [[lines.text[label.line][label.text_start :]]]
    for index in range(label.line + 1, end):
        if lines.breaks[index] and label.label == RATIONALE:
            paragraphs.append([])
        paragraphs[-1].append(lines.text[index])
    joined = [text for paragraph in paragraphs if (text := join_lines("\n".join(paragraph)))]
    if label.label == RATIONALE:
        joined = [repaired(paragraph) for paragraph in joined]
    return "\n\n".join(joined)
