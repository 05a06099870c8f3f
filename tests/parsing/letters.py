"""Small letters for variant tests, written the way the published extractions look.

A letter is a list of paragraphs; "\n" inside a paragraph is a visual line break. `double_spaced`
renders them like the seeds: every line followed by an empty line and a trailing space, a line
holding one space between paragraphs.
"""
from __future__ import annotations

HOW = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
    "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no\n"
    "affiliation with the employer, employee, providers or the claims administrator. The expert\n"
    "reviewer is Board Certified in Orthopedic Surgery and is licensed to practice in California.\n"
    "He/she has been in active clinical practice for more than five years."
)
SUMMARY_HEADING = (
    "CLINICAL CASE SUMMARY\n"
    "The expert reviewer developed the following clinical case summary based on a review of the\n"
    "case file, including all medical records:"
)
SUMMARY = "The patient is a 57 year old male with a date of injury of 7/28/2008. He has low back pain."
ISSUES_HEADING = (
    "IMR ISSUES, DECISIONS AND RATIONALES\n"
    "The Final Determination was based on decisions for the disputed items/services set forth below:"
)
CLAIMS = "Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 46."
REVIEWER = "Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections Page(s): 46."
RATIONALE = "There is no radiculopathy on examination. Therefore, the request is not medically necessary."


def item(
    heading: str = "Lumbar ESI L4-5: Upheld",
    *,
    claims: str | None = CLAIMS,
    reviewer: str | None = REVIEWER,
    rationale: str | None = RATIONALE,
) -> list[str]:
    """The paragraphs of one item; None leaves a part out."""
    parts = [heading]
    for label, text in (
        ("Claims Administrator guideline", claims),
        ("MAXIMUS guideline", reviewer),
        ("Decision rationale", rationale),
    ):
        if text is not None:
            parts.append(f"{label}: {text}")
    return parts


def standard(
    *,
    header: list[str] = (),
    how: str = HOW,
    documents: str | None = None,
    summary: str = SUMMARY,
    issues_heading: str = ISSUES_HEADING,
    items: list[list[str]] | None = None,
) -> list[str]:
    """The paragraphs of a standard (or, with a header, case-header) letter."""
    paragraphs = [*header, how]
    if documents is not None:
        paragraphs.append(documents)
    paragraphs += [SUMMARY_HEADING, summary, issues_heading]
    for parts in items if items is not None else [item()]:
        paragraphs += parts
    return paragraphs


def double_spaced(paragraphs: list[str]) -> str:
    lines = []
    for number, paragraph in enumerate(paragraphs):
        if number:
            lines.append(" ")
        lines += [f"{line} " for line in paragraph.split("\n")]
    return "".join(f"{line}\n\n" for line in lines)


def letter(**parts) -> str:
    """A standard letter as seed-like text."""
    return double_spaced(standard(**parts))
