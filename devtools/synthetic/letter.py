"""One letter's facts, drawn in a fixed order from one seeded Random, then rendered and
described.

Everything a letter contains derives from Random(seed * 1_000_003 + index): a letter is
reproducible alone, in any order and in any process. The order of the draws is the output's
definition: facts first (layout, dates, patient, regions, items with their bases and
rationales, reviewer), then text() draws the summary and renders, then expected() describes
what was drawn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from .bases import Basis, basis, ca_family, reviewer_family
from .layouts import render_header, render_notice, render_standard
from .page import Page, style
from .rationales import dependent_rationale, rationale
from .sampling import Random, cumulative, weighted
from .slots import Slots
from .summary import case_summary, documents_reviewed
from .truth import expected
from .variants import draw_wording
from .vocabulary import (
    ANCILLARY,
    ANCILLARY_VARIANTS,
    BLOCK,
    CATEGORY_TABLE,
    LICENSURE_TABLE,
    PERSONA_TABLE,
    PRONOUNS,
    REGION_TABLE,
    REGIONS,
    SIDE_TABLE,
    SLOT_VALUES,
    SPECIALTY_BY_NAME,
    SPECIALTY_TABLE,
    Category,
    Variant,
)
from .wording import LEVEL_SEPARATOR, drug_name, notice_treatment, numeric_date

# --- Letter-level mixes ---------------------------------------------------------------------

LAYOUT_TABLE = cumulative((("standard", 80), ("case-header", 15), ("notice-2013", 5)))
# Items per letter, 1..8: mean about 2.35, mode 1 (DWC: ~2.5 items per letter on average).
ITEM_COUNT_TABLE = cumulative(
    ((1, 36), (2, 29), (3, 16), (4, 9), (5, 5), (6, 2.5), (7, 1.5), (8, 1))
)
OVERTURN_RATE = 0.10
COMPANION_RATE = 0.30  # chance that a further item is an ancillary of an earlier procedure
SECOND_REGION_RATE = 0.3
# The sex a summary states (when it does; None: it does not).
SEX_TABLE = cumulative((("male", 45), ("female", 40), (None, 15)))

FIRST_DECISION = date(2013, 8, 1)
LAST_DECISION = date(2026, 10, 31)
LAST_NOTICE = date(2013, 12, 31)


@dataclass
class Item:
    category: Category
    variant: Variant
    slots: Slots
    treatment: str
    noun: str
    outcome: str
    ca: Basis
    reviewer: Basis
    rationale: list[list[str]]  # paragraphs of sentences
    parent: Item | None = None


@dataclass
class Timeline:
    injury: date
    ur_denial: date
    received: date
    assigned: date
    decision: date


def timeline(rng: random.Random, layout: str) -> Timeline:
    """Dates in the order the process produces them: injury < UR denial < application <
    assignment < decision."""
    last = LAST_NOTICE if layout == "notice-2013" else LAST_DECISION
    decision = FIRST_DECISION + timedelta(days=rng.randrange((last - FIRST_DECISION).days + 1))
    assigned = decision - timedelta(days=rng.randint(4, 30))
    received = assigned - timedelta(days=rng.randint(1, 21))
    ur_denial = received - timedelta(days=rng.randint(5, 40))
    years_since_injury = min(rng.expovariate(1 / 3.5), 20.0)
    injury = ur_denial - timedelta(days=60 + int(years_since_injury * 365))
    return Timeline(injury, ur_denial, received, assigned, decision)


class Letter:
    """Draws one letter's facts, then renders its text and its expected parse from them."""

    def __init__(self, rng: random.Random, serial: int):
        self.rng = rng
        self.layout: str = weighted(rng, LAYOUT_TABLE)
        self.style = style(rng)
        self.wording = draw_wording(rng)
        self.times = timeline(rng, self.layout)
        self.persona: str = weighted(rng, PERSONA_TABLE)
        # Sex is known only when the summary states it; pronouns elsewhere must not give it away.
        note_rate = 0.25 if self.persona == "applicant" else 0.15
        self.intro_kind = (
            "note"
            if rng.random() < note_rate
            else ("applicant" if self.persona == "applicant" else "person")
        )
        self.sex: str | None = weighted(rng, SEX_TABLE) if self.intro_kind == "person" else None
        # Unique in a corpus, as a case number is in the DWC's record.
        self.case_serial = serial
        self.has_received = self.layout == "case-header" or rng.random() < 0.7
        self.age = rng.randint(max(22, 18 + self.times.decision.year - self.times.injury.year), 70)
        self.side: str = weighted(rng, SIDE_TABLE)
        self.regions: list[str] = [weighted(rng, REGION_TABLE)]
        if rng.random() < SECOND_REGION_RATE:
            second = weighted(rng, REGION_TABLE)
            if second != self.regions[0]:
                self.regions.append(second)
        self.fixed = self._fixed_slots()
        self.dates = self._dates()
        self.items = self._items()
        self.reviewer = self._reviewer()
        # Drawn by text(), read by expected().
        self.summary: list[list[str]] = []  # paragraphs of sentences
        self.patient: dict = {}
        self.documents: list[str] | None = None

    def text(self) -> str:
        """The letter as extracted text. Draws the remaining facts, so call it once, before
        expected()."""
        self.summary, self.patient = case_summary(self)
        if self.layout != "standard":
            self.patient["date_of_injury"] = self.times.injury.isoformat()
        page = Page(self.style)
        self.documents = None
        if self.layout == "notice-2013":
            render_notice(self, page)
        else:
            if self.layout == "case-header":
                render_header(self, page)
                if self.rng.random() < 0.5:
                    self.documents = documents_reviewed(self)
            render_standard(self, page)
        return page.text(self.rng)

    def expected(self, file_stem: str | None = None) -> dict:
        """The parse a correct parser returns for text(), in the contract's JSON shape, given
        the name of the file the text is in (without its suffix), if any."""
        return expected(self, file_stem)

    @property
    def case_number(self) -> str:
        return f"CM{self.times.assigned.year % 100:02d}-{self.case_serial:07d}"

    def slots(self, region: str) -> Slots:
        return Slots(self.rng, REGIONS[region], self.fixed, self.dates)

    # Facts ---------------------------------------------------------------------------------

    def _fixed_slots(self) -> dict[str, str]:
        if self.sex:
            subject, subject_lower, possessive = PRONOUNS[self.sex]
        else:
            subject, subject_lower, possessive = (
                f"The {self.persona}",
                f"the {self.persona}",
                f"the {self.persona}'s",
            )
        return {
            "side": self.side,
            "Side": self.side.capitalize(),
            "S": subject,
            "s": subject_lower,
            "p": possessive,
            "pt": f"the {self.persona}",
            "Pt": f"The {self.persona}",
            "persona": self.persona,
            "injury_year": str(self.times.injury.year),
            "pain": self.rng.choice(SLOT_VALUES["pain"]),
        }

    def _dates(self) -> dict[str, date]:
        """Dates the narrative mentions, all between the injury and the UR denial."""
        t, rng = self.times, self.rng
        note = t.ur_denial - timedelta(days=rng.randint(3, 60))
        return {
            "note": note,
            "note2": note + timedelta(days=rng.randint(1, max(1, (t.ur_denial - note).days))),
            "mri": t.injury + timedelta(days=rng.randint(20, max(21, (note - t.injury).days))),
            "dos": note - timedelta(days=rng.randint(0, 30)),
            "rfa": note + timedelta(days=1),
            "ur": t.ur_denial,
            "appeal": t.ur_denial + timedelta(days=2),
        }

    def _items(self) -> list[Item]:
        rng = self.rng
        count: int = weighted(rng, ITEM_COUNT_TABLE)
        items: list[Item] = []
        headings: set[str] = set()
        used: set[tuple[int, str]] = set()
        while len(items) < count:
            companions = [
                (n, key)
                for n, parent in enumerate(items)
                for key in parent.category.companions
                if (n, key) not in used
            ]
            if companions and rng.random() < COMPANION_RATE:
                n, key = rng.choice(companions)
                used.add((n, key))
                item = self._companion(items[n], ANCILLARY_VARIANTS[key])
            else:
                item = self._primary()
            if item.treatment not in headings:
                headings.add(item.treatment)
                items.append(item)
        return items

    def _pick_variant(self) -> tuple[Category, Variant, str]:
        rng = self.rng
        while True:
            category: Category = weighted(rng, CATEGORY_TABLE)
            region = (
                self.regions[0] if len(self.regions) == 1 or rng.random() < 0.7 else self.regions[1]
            )
            fitting = _fitting_variants(category, region)
            if fitting:
                return category, weighted(rng, fitting), region
            if len(self.regions) == 1:
                # A request for another body part: the letter now concerns two regions.
                region = rng.choice([r for v in category.variants for r in (v.regions or ())])
                self.regions.append(region)
                fitting = _fitting_variants(category, region)
                assert fitting is not None, "the region is one of the category's variants'"
                return category, weighted(rng, fitting), region

    def _primary(self) -> Item:
        category, variant, region = self._pick_variant()
        outcome = "overturned" if self.rng.random() < OVERTURN_RATE else "upheld"
        return self._item(category, variant, self.slots(region), outcome)

    def _companion(self, parent: Item, variant: Variant) -> Item:
        rng = self.rng
        if parent.outcome == "upheld":
            outcome = "overturned" if rng.random() < 0.03 else "upheld"
        else:
            outcome = "overturned" if rng.random() < 0.6 else "upheld"
        slots = Slots(rng, parent.slots.region, self.fixed, self.dates)
        dependent = outcome == parent.outcome and rng.random() < 0.65
        return self._item(ANCILLARY, variant, slots, outcome, parent if dependent else None)

    def _item(
        self,
        category: Category,
        variant: Variant,
        slots: Slots,
        outcome: str,
        parent: Item | None = None,
    ) -> Item:
        rng = self.rng
        notice = self.layout == "notice-2013"
        wrapped = (
            not notice
            and category.pharmaceutical
            and self.times.decision.year >= 2015
            and rng.random() < 0.2
        )
        core = slots.fill(rng.choice(variant.headings))
        if "levels" in slots and "level1" not in slots:
            slots["level1"] = LEVEL_SEPARATOR.split(slots["levels"])[0]
        treatment = (
            f"1 prescription of {core} between {slots['d_dos']} "
            f"and {numeric_date(self.times.ur_denial + timedelta(days=45))}"
            if wrapped
            else core
        )
        if notice:
            treatment = notice_treatment(treatment, category.pharmaceutical)
        slots["treatment"] = treatment
        if category.pharmaceutical:
            slots["drug"] = drug_name(core)
        noun = slots.fill(rng.choice(variant.nouns))
        slots["noun"] = noun
        if parent is not None:
            ca, reviewer = parent.ca, parent.reviewer
            paragraphs = [dependent_rationale(rng, notice, slots, parent.noun, outcome)]
        else:
            reviewer_basis_family = reviewer_family(rng, category, variant)
            ca_basis_family = ca_family(rng, category, variant, reviewer_basis_family)
            reviewer, lead = basis(
                rng,
                notice,
                category,
                variant,
                slots,
                reviewer_basis_family,
                actor="reviewer",
                wording=self.wording,
            )
            ca, _ = basis(
                rng,
                notice,
                category,
                variant,
                slots,
                ca_basis_family,
                actor="ca",
                wording=self.wording,
            )
            paragraphs = rationale(rng, notice, category, variant, slots, outcome, lead)
        return Item(
            category, variant, slots, treatment, noun, outcome, ca, reviewer, paragraphs, parent
        )

    def _reviewer(self) -> tuple[str, str | None, tuple[str, ...], str]:
        rng = self.rng
        wanted = self.items[0].category.reviewers
        if wanted and rng.random() < 0.5:
            name, subs, shapes = SPECIALTY_BY_NAME[rng.choice(wanted)]
        else:
            name, subs, shapes = weighted(rng, SPECIALTY_TABLE)
        sentences = [shape for shape in shapes if shape != BLOCK]
        if not sentences or (
            BLOCK in shapes and self.layout != "notice-2013" and rng.random() < 0.2
        ):
            shape = BLOCK
        else:
            shape = sentences[0] if len(sentences) == 1 else rng.choice(sentences)
        subspecialty = rng.choice(subs)
        states: tuple[str, ...] = weighted(rng, LICENSURE_TABLE)
        return name, subspecialty, states, shape


@cache
def _fitting_variants(
    category: Category, region: str
) -> tuple[tuple[Variant, ...], list[float]] | None:
    """The category's requests that can concern this body region, weighted; None if there are
    none."""
    fitting = tuple(
        (v, v.weight) for v in category.variants if v.regions is None or region in v.regions
    )
    return cumulative(fitting) if fitting else None


def generate_letter(seed: int, index: int) -> tuple[str, dict]:
    """Letter `index` of corpus `seed`: its text and the parse a correct parser returns for it.

    The same (seed, index) gives the same bytes on every machine and in every process; the
    expected dict follows CONTRACT.md's JSON without "source" and "sha256".
    """
    letter = draw_letter(seed, index)
    return letter.text(), letter.expected()


def draw_letter(seed: int, index: int) -> Letter:
    """Letter `index` of corpus `seed`, its facts drawn, its text not yet rendered."""
    return Letter(Random(seed * 1_000_003 + index), serial=index + 1)
