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
SUMMARY = (
    "The patient is a 57 year old male with a date of injury of 7/28/2008. He has low back pain."
)
ISSUES_HEADING = (
    "IMR ISSUES, DECISIONS AND RATIONALES\nThe Final Determination was based on decisions for the"
    " disputed items/services set forth below:"
)
CLAIMS = "Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 46."
REVIEWER = (
    "Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections"
    " Page(s): 46."
)
RATIONALE = (
    "There is no radiculopathy on examination. Therefore, the request is not medically necessary."
)


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
    header: tuple[str, ...] | list[str] = (),
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


# The paragraphs of a 2013 notice with two findings, as CONTRACT.md describes the layout.
NOTICE = [
    (
        "MAXIMUS FEDERAL SERVICES, INC.\nNotice of Independent Medical Review Determination\nDated:"
        " 9/26/2013"
    ),
    "IMR Case Number: CM13-0000123 Date of Injury: 01/15/2010\nUR Denial Date: 07/15/2013",
    (
        "Final Determination:\n1) MAXIMUS Federal Services, Inc. has determined the request for a"
        " 28 day functional restoration\nprogram is not medically necessary and appropriate.\n2)"
        " MAXIMUS Federal Services, Inc. has determined the request for Norco 10/325mg #90"
        " is\nmedically necessary and appropriate."
    ),
    (
        "Medical Qualifications of the Expert Reviewer:\nThe expert reviewer is Board Certified in"
        " Physical Medicine and Rehabilitation and is licensed\nto practice in California. He/she"
        " has been in active clinical practice for more than five years."
    ),
    (
        "Case Summary:\nDisclaimer: The following case summary was taken directly from the"
        " utilization review denial\ndated July 15, 2013:"
    ),
    (
        "\u201cThe patient is a 44 year-old female with a date of Injury of 8/28/2001. The"
        " provider\nsubmitted a request for 28 days of a functional restoration program.\u201d"
    ),
    (
        "Expert Reviewer's Decision and Rationale:\n"
        "1) Regarding the request for a 28 day functional restoration program:"
    ),
    (
        "The Claims Administrator based its decision on the Chronic Pain Medical Treatment"
        " Guidelines\n(2009), Chronic pain programs (functional restoration programs), pages 30-32,"
        " which is part of MTUS."
    ),
    (
        "The Expert Reviewer based his/her decision on the MTUS Chronic Pain Medical Treatment\n"
        "Guidelines, Chronic pain programs, pages 30-32."
    ),
    (
        "Rationale for the Decision:\n"
        "The guidelines require an adequate and thorough evaluation first."
    ),
    (
        "The request for a 28 day functional restoration program is not medically necessary and"
        " appropriate."
    ),
    "2) Regarding the request for Norco 10/325mg #90:",
    (
        "The Claims Administrator did not cite any evidence-based guidelines for its decision.\n"
        "The Expert Reviewer based his/her decision on the MTUS Chronic Pain Medical Treatment\n"
        "Guidelines, Opioids, pages 74-96."
    ),
    (
        "Rationale for the Decision:\nThe patient has documented functional improvement. The"
        " request for\nNorco 10/325mg #90 is medically necessary and appropriate."
    ),
]
