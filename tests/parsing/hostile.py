"""Letters of any size built to stall a parser: each repeats, in one section, a phrase that a
pattern of the parser starts on (or ends on) without ever completing.

A pattern that re-scans the rest of the text from every start it finds costs time in the
square of such a section's size; these inputs make that show. Each case is a function of the
size in bytes of its repeated part, so a test can grow it and watch the cost.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.parsing.letters import CLAIMS, NOTICE, REVIEWER, item, letter


def repeated(phrase: str, size: int) -> str:
    """`phrase` repeated to exactly `size` characters."""
    return (phrase * (size // len(phrase) + 1))[:size]


def _credentials(phrase: str) -> Callable[[int], str]:
    """A credentials sentence that never ends: no full stop, no phrase that closes a value."""
    how = "HOW THE IMR FINAL DETERMINATION WAS MADE"
    return lambda size: letter(how=f"{how}\n{repeated(phrase, size)}")


def _credentials_block(label: str, phrase: str) -> Callable[[int], str]:
    return lambda size: letter(
        how=(
            "HOW THE IMR FINAL DETERMINATION WAS MADE\nThe Expert Reviewer has the following"
            f" credentials:\n{label} {repeated(phrase, size)}"
        )
    )


def _summary(phrase: str) -> Callable[[int], str]:
    return lambda size: letter(summary=repeated(phrase, size))


def _heading(heading: Callable[[int], str]) -> Callable[[int], str]:
    return lambda size: letter(items=[item(), item(heading(size))])


def _rationale(phrase: str) -> Callable[[int], str]:
    return lambda size: letter(items=[item(rationale=repeated(phrase, size)), item("MRI: Upheld")])


def _basis(text: Callable[[int], str]) -> Callable[[int], str]:
    return lambda size: letter(items=[item(reviewer=text(size))])


def _notice(replace: int, paragraph: Callable[[int], str]) -> Callable[[int], str]:
    """The two-finding notice of `letters.NOTICE` with one paragraph replaced."""

    def build(size: int) -> str:
        paragraphs = list(NOTICE)
        paragraphs[replace] = paragraph(size)
        return "\n\n".join(paragraphs) + "\n"

    return build


def _header(phrase: str) -> Callable[[int], str]:
    return lambda size: letter(header=[repeated(phrase, size)])


FINDING = "1) MAXIMUS Federal Services, Inc. has determined the request for a program "

# name: size -> letter text. Sizes are of the repeated part; the rest of the letter is small.
CASES: dict[str, Callable[[int], str]] = {
    "credentials: board certified in": _credentials("The reviewer is board certified in Neuro "),
    "credentials: subspecialty": _credentials("has a subspecialty in Pain Medicine "),
    "credentials: licensed profession": _credentials("The reviewer is a licensed Chiropractor "),
    "credentials: licensed to practice": _credentials("is licensed to practice in California and "),
    "credentials block: specialty": _credentials_block(
        "Certification(s)/Specialty:", "Internal Medicine, "
    ),
    "credentials block: states": _credentials_block("State(s) of Licensure:", "California and "),
    "credentials: licensed in a profession": _credentials(
        "The reviewer is Licensed in Acupuncture "
    ),
    "credentials: licensed in places": _credentials("licensed in California, Texas and Nevada "),
    "credentials: subspecialty certificates": _credentials("with a sub-specialty certificate in "),
    "credentials block: subspecialty": _credentials_block("Subspecialty:", "Pain Medicine, "),
    "credentials block: pairs": _credentials_block(
        "Certification(s)/Specialty:", "Anesthesiology/Pain Medicine - "
    ),
    "summary: age phrases": _summary("a 42 year old year-old "),
    "summary: ages without a person": _summary("is a 42 year old injury, "),
    "summary: sex without age": _summary("she is a woman was a "),
    "summary: injury phrases": _summary("date of injury of doi on was injured at work on "),
    "summary: injury dates that are no dates": _summary("date of injury of 13/45/2012 and "),
    "summary: digits": _summary("1234567890"),
    "summary: other age phrases": _summary("a 42 y/o yo y.o. years of age aged age: 42-yr-old "),
    "summary: age words without numbers": _summary("a forty year old "),
    "summary: sex after the age phrase": _summary("a 42 year old individual, male man, "),
    "summary: date-like injury values": _summary("date of injury of 13-45-2 injury on May 99 "),
    "summary: run-together sentences": _summary("therapy.The"),
    "summary: run-together words": _summary("is notmedically necessary.Dr.Smith e.g.The "),
    "summary: disclaimer": lambda size: letter(
        summary="Disclaimer: The following case summary was taken directly from the utilization"
        f" review {repeated('dated ', size)}"
    ),
    "heading: colons": _heading(lambda size: f"{repeated('Norco 10/325: ', size)}Upheld"),
    "heading: loose outcome": _heading(lambda size: f"Norco: {repeated('Up-held ', size)}"),
    "heading: without a colon": _heading(lambda size: f"Norco {repeated('- ', size)}Upheld"),
    "heading: heading-shaped lines": _heading(
        lambda size: repeated("Norco 10/325mg #90: Upheld\n", size) + "MRI: Upheld"
    ),
    "heading: wrapped lines": _heading(
        lambda size: repeated("Norco 10/325mg, #90 and\n", size) + "MRI: Upheld"
    ),
    "rationale: colon lines": _rationale("Criteria for use: Upheld by the MTUS and\n"),
    "rationale: label words": _rationale("Decision rationale Claims Administrator guideline "),
    "items: many": lambda size: letter(
        items=[item(f"Drug {n}: Upheld") for n in range(size // 400)]
    ),
    "basis: page groups": _basis(
        lambda size: f"Decision based on MTUS {repeated('Page(s): 46, 47 of 12, ', size)}"
    ),
    "basis: page words": _basis(
        lambda size: f"Decision based on MTUS {repeated('page p. pages 1 and ', size)}"
    ),
    "basis: separators": _basis(
        lambda size: f"Decision based on {repeated(', and the MTUS and the ODG ', size)}"
    ),
    "basis: citations": _basis(
        lambda size: f"Decision based on {repeated(f'{CLAIMS[18:-1]}, ', size)}"
    ),
    "basis: chapters": _basis(
        lambda size: f"Decision based on MTUS ACOEM {repeated('Chapter 12 Low Back, ', size)}"
    ),
    "basis: odg segments": _basis(
        lambda size: (
            "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), "
            + repeated("Neck, MRI, ", size)
        )
    ),
    "basis: sentence ends": _basis(
        lambda size: (
            "The Expert Reviewer based his/her decision on the MTUS "
            + repeated(", which is not part of ", size)
        )
    ),
    "basis: reviewer text": _basis(lambda size: repeated(REVIEWER, size)),
    "basis: 2013 clauses": _basis(
        lambda size: (
            "The Expert Reviewer based his/her decision on the "
            + repeated("ODG Pain Chapter, which is part of MTUS, and the ", size)
        )
    ),
    "basis: introductions": _basis(
        lambda size: repeated(
            "Decision based on decision was based upon based its decision on ", size
        )
    ),
    "basis: boilerplate openings": _basis(
        lambda size: repeated("The Claims Administrator did not cite any medical ", size)
    ),
    "basis: family marks": _basis(
        lambda size: f"Decision based on {repeated('MTUS, Non-MTUS Citation CA MTUS. ', size)}"
    ),
    "basis: named sources": _basis(
        lambda size: f"Decision based on {repeated('UpToDate and the drugs.com; ', size)}"
    ),
    "basis: page words without numbers": _basis(
        lambda size: f"Decision based on MTUS {repeated('Pages: pg. pp. ', size)}"
    ),
    "notice: findings without verdict": _notice(2, lambda size: repeated(FINDING, size)),
    "notice: findings with long treatments": _notice(
        2, lambda size: f"{FINDING}{repeated('is medically ', size)}is medically necessary."
    ),
    "notice: regarding lines": _notice(
        12, lambda size: repeated("2) Regarding the request for Norco:\n", size)
    ),
    "notice: rationale words": _notice(
        13, lambda size: "Rationale for the Decision:\n" + repeated("The request for is not ", size)
    ),
    "header: labels": _header("Case Number: Date Assigned: Dated: UR Denial Date: "),
    "header: other labels": _header("Case No.: DOI: Date of Decision: Date Application Received: "),
    "sections: heading words": lambda size: letter(
        summary=repeated("\nIMR ISSUES, DECISIONS, AND RATIONALE(S) for ", size)
    ),
    "header: labels with non-dates": _header("Decision Date: 99/99/2013 Date of Injury: June 99, "),
}
