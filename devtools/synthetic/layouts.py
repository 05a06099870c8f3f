"""The three layouts the parser knows, written onto a Page from a letter's drawn facts.

standard: the body only (the published text of most letters); case-header: the same body
under a block of case fields, sometimes with a DOCUMENTS REVIEWED list; notice-2013: the
2013 notices, whose findings, bases and rationales are sentences of their own. The fixed
wording is data/boilerplate.toml, word for word from the real letters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .page import Page
from .vocabulary import BLOCK, BOILERPLATE, LICENSED_AS, LICENSED_IN
from .wording import join_words, long_date, numeric_date, padded_date

if TYPE_CHECKING:
    from .letter import Letter


def render_header(letter: Letter, page: Page) -> None:
    t, rng = letter.times, letter.rng
    pairs = [
        ("Case Number:", letter.case_number),
        ("Date Assigned:", padded_date(t.assigned)),
        ("Date of Injury:", padded_date(t.injury)),
        ("Decision Date:", padded_date(t.decision)),
        ("UR Denial Date:", padded_date(t.ur_denial)),
        ("Priority:", "Standard"),
        ("Application Received:", padded_date(t.received)),
    ]
    gap = rng.choice((" ", " ", "  ", "   "))
    if rng.random() < 0.7:
        for i in range(0, len(pairs), 2):
            page.line(gap.join(f"{label} {value}" for label, value in pairs[i : i + 2]))
    else:
        for label, value in pairs:
            page.line(f"{label} {value}")
    page.blank()


def _credentials(letter: Letter, page: Page, opening: str, closing: str, role: str) -> None:
    name, subspecialty, states, shape = letter.reviewer
    wording = letter.wording
    if shape == BLOCK:
        page.paragraph(f"{opening} {BOILERPLATE.block_intro}".strip(), repeated=True)
        page.line("State(s) of Licensure: " + ", ".join(states))
        page.line(
            f"Certification(s)/Specialty: {name}" + (f", {subspecialty}" if subspecialty else "")
        )
        page.blank()
        page.paragraph(closing, repeated=True)
        return
    if shape == LICENSED_IN:
        credential = f"is Licensed in {name}"
    elif shape == LICENSED_AS:
        credential = f"is a Licensed {name}"
    else:
        credential = f"is {wording.board_certified} {name}"
        if subspecialty:
            separator = ", " if letter.rng.random() < 0.8 else " "
            credential += f"{separator}{wording.subspecialty_phrase} {subspecialty}"
    sentence = f"The {role} {credential} and is licensed to practice in {join_words(list(states))}."
    page.paragraph(" ".join(part for part in (opening, sentence, closing) if part), repeated=True)


def render_standard(letter: Letter, page: Page) -> None:
    """The body of the standard and case-header layouts."""
    rng = letter.rng
    role = "physician reviewer" if rng.random() < 0.3 else "expert reviewer"
    wording = letter.wording
    page.line(" " + wording.how_heading)
    opening = BOILERPLATE.how_opening.format(article="a" if role[0] == "p" else "an", role=role)
    _credentials(letter, page, opening, BOILERPLATE.how_closing.format(role=role), role)
    page.blank()
    documents = letter.documents
    if documents is not None:
        page.line(BOILERPLATE.documents_heading)
        for line in documents:
            page.line(line)
        page.blank()
    page.line(wording.summary_heading)
    page.paragraph(BOILERPLATE.summary_intro, repeated=True)
    page.blank()
    for sentences in letter.summary:
        page.paragraph(letter.style.summary_gap.join(sentences))
        page.blank()
    page.line(
        BOILERPLATE.items_heading_documented if documents is not None else wording.items_heading
    )
    page.paragraph(BOILERPLATE.items_intro, repeated=True)
    page.blank()
    for item in letter.items:
        label = wording.outcome_word(item.outcome)
        page.paragraph(f"{item.treatment}:{'  ' if rng.random() < 0.1 else ' '}{label}")
        page.blank()
        page.paragraph(f"{wording.claims_label} {item.ca.text}  ", repeated=True)
        page.blank()
        page.paragraph(f"{wording.reviewer_label} {item.reviewer.text}  ", repeated=True)
        page.blank()
        gap = letter.style.sentence_gap
        first, *rest = item.rationale
        opening = f"{wording.rationale_label} {' ' if rng.random() < 0.1 else ''}"
        page.paragraph(opening + gap.join(first))
        page.blank()
        for sentences in rest:
            page.paragraph(gap.join(sentences))
            page.blank()


def render_notice(letter: Letter, page: Page) -> None:
    """A 2013 notice, header included."""
    t, rng = letter.times, letter.rng
    page.line(BOILERPLATE.notice_title)
    page.line(f"Dated: {numeric_date(t.decision)}")
    page.blank()
    page.line(f"IMR Case Number: {letter.case_number} Date of Injury: {padded_date(t.injury)}")
    page.line(f"UR Denial Date: {padded_date(t.ur_denial)} Priority: Standard")
    if letter.has_received:
        page.line(f"Application Received: {padded_date(t.received)}")
    page.blank()
    page.paragraph(BOILERPLATE.notice_intro, repeated=True)
    page.blank()
    page.line(BOILERPLATE.notice_final)
    for n, item in enumerate(letter.items, 1):
        verdict = (
            BOILERPLATE.upheld_verdict
            if item.outcome == "upheld"
            else BOILERPLATE.overturned_verdict
        )
        page.paragraph(
            _damaged(
                letter,
                BOILERPLATE.notice_finding.format(n=n, treatment=item.treatment, verdict=verdict),
            )
        )
    page.blank()
    page.paragraph(BOILERPLATE.notice_binding, repeated=True)
    page.blank()
    page.line(BOILERPLATE.notice_qualifications)
    _credentials(letter, page, "", BOILERPLATE.notice_credentials_closing, "expert reviewer")
    page.blank()
    page.line(BOILERPLATE.notice_summary)
    page.paragraph(
        BOILERPLATE.notice_disclaimer.format(date=long_date(t.ur_denial))
        if rng.random() < 0.5
        else BOILERPLATE.summary_intro
    )
    page.blank()
    for sentences in letter.summary:
        page.paragraph(letter.style.summary_gap.join(sentences))
        page.blank()
    page.line(BOILERPLATE.notice_decisions)
    page.blank()
    for n, item in enumerate(letter.items, 1):
        page.paragraph(BOILERPLATE.notice_regarding.format(n=n, treatment=item.treatment))
        page.blank()
        page.paragraph(item.ca.text, repeated=True)
        page.blank()
        page.paragraph(item.reviewer.text, repeated=True)
        page.blank()
        page.line(BOILERPLATE.notice_rationale)
        for sentences in item.rationale:
            page.paragraph(_damaged(letter, letter.style.sentence_gap.join(sentences)))
            page.blank()


def _damaged(letter: Letter, paragraph: str) -> str:
    """A 2013 paragraph as an extraction that runs "not" into "medically" writes it (the real
    notices' "is notmedically necessary"); the expected parse has the words apart."""
    if letter.wording.notice_run_together:
        return paragraph.replace("is not medically", "is notmedically")
    return paragraph
