"""How one letter words what moves a little between templates and extractions.

Why: letters the parser has never seen word headings, labels, outcome words, basis
introductions and page references a little differently from the seeds; the generator draws one
such wording per letter (data/variants.toml), so the parser's tests and the benchmark meet them
at realistic rates, with the expected parse unchanged, or, for the few wordings meant to warn,
with the warning expected.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .sampling import weighted
from .vocabulary import LOOSE_OUTCOME, VARIANT_RATES, WORDING_TABLES


@dataclass(frozen=True)
class Wording:
    how_heading: str
    summary_heading: str
    items_heading: str
    claims_label: str
    reviewer_label: str
    rationale_label: str
    basis_intro: str
    page_mark: str
    outcome: str  # "{word}", "{upper}", ...: how a heading writes its outcome word
    board_certified: str
    subspecialty_phrase: str
    notice_run_together: bool  # a 2013 notice's "is notmedically necessary"

    def outcome_word(self, outcome: str) -> str:
        word = outcome.capitalize()
        return self.outcome.format(word=word, upper=word.upper())

    @property
    def loose_outcome(self) -> bool:
        """Whether the headings' outcome words are meant to be read loosely (and warned)."""
        return self.outcome == LOOSE_OUTCOME


def draw_wording(rng: random.Random) -> Wording:
    """One letter's wording, drawn in a fixed order (the order of Wording's fields)."""
    drawn = {name: weighted(rng, WORDING_TABLES[name]) for name in _DRAWN}
    return Wording(**drawn, notice_run_together=rng.random() < VARIANT_RATES["notice_run_together"])


_DRAWN = (
    "how_heading",
    "summary_heading",
    "items_heading",
    "claims_label",
    "reviewer_label",
    "rationale_label",
    "basis_intro",
    "page_mark",
    "outcome",
    "board_certified",
    "subspecialty_phrase",
)
