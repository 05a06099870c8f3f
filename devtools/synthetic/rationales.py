"""An item's decision rationale: guideline sentences, then findings, then the conclusion.

The guideline clauses and findings are the request's own (its variant's, else its category's,
in data/treatments.toml); openers, generic findings and conclusions are shared
(data/rationales.toml). A service decided with its procedure gets a one-sentence rationale
that points at the procedure.
"""

from __future__ import annotations

import random

from .sampling import cumulative, weighted
from .slots import Slots
from .vocabulary import (
    BOILERPLATE,
    DEPENDENT_OVERTURNED,
    DEPENDENT_UPHELD,
    FINDING_OPENERS,
    GENERIC_OVERTURNED,
    GENERIC_UPHELD,
    GUIDELINE_CONNECTORS,
    HYPOGONADISM,
    OVERTURNED_CONCLUSION_TABLE,
    UPHELD_CONCLUSION_TABLE,
    Category,
    Variant,
)
from .wording import capitalize_first, decapitalize

EXTRA_GUIDELINE_TABLE = cumulative(((0, 20), (1, 50), (2, 30)))
# Rare term: about 0.1-0.3% of letters mention testosterone at all.
HYPOGONADISM_RATE = 0.003


def rationale(
    rng: random.Random,
    notice: bool,
    category: Category,
    variant: Variant,
    slots: Slots,
    outcome: str,
    lead: str,
) -> list[list[str]]:
    """Paragraphs of sentences; `lead` opens the first guideline sentence (bases.basis)."""
    upheld = outcome == "upheld"
    guideline = variant.guideline or category.guideline
    sentences = [capitalize_first(lead + slots.fill(rng.choice(guideline)) + ".")]
    extra_guidelines = weighted(rng, EXTRA_GUIDELINE_TABLE)
    for clause in rng.sample(guideline, min(extra_guidelines, len(guideline))):
        sentence = slots.fill(clause)
        if sentence not in sentences[0]:
            sentences.append(rng.choice(GUIDELINE_CONNECTORS) + sentence + ".")
    if category.criteria and rng.random() < 0.65:
        sentences.append(slots.fill(rng.choice(category.criteria)))
    guideline_count = len(sentences)
    specific = (
        (variant.upheld or category.upheld)
        if upheld
        else (variant.overturned or category.overturned)
    )
    generic = GENERIC_UPHELD if upheld else GENERIC_OVERTURNED
    findings = rng.sample(specific, min(len(specific), rng.randint(2, 3)))
    findings += rng.sample(generic, rng.randint(1, 2))
    opener = slots.fill(rng.choice(FINDING_OPENERS))
    sentences.append(opener + decapitalize(slots.fill(findings[0])))
    sentences.extend(slots.fill(finding) for finding in findings[1:])
    if category.opioid and upheld and rng.random() < HYPOGONADISM_RATE:
        sentences.append(slots.fill(HYPOGONADISM))
    sentences.append(slots.fill(_conclusion(rng, upheld, notice, slots)))
    if len(sentences) > 4 and rng.random() < 0.15:
        return [sentences[:guideline_count], sentences[guideline_count:]]
    return [sentences]


def dependent_rationale(
    rng: random.Random, notice: bool, slots: Slots, parent_noun: str, outcome: str
) -> list[str]:
    """The rationale of a service decided with its procedure (`parent_noun`)."""
    slots["parent"] = parent_noun
    slots["noun_cap"] = capitalize_first(slots["noun"])
    pool = DEPENDENT_UPHELD if outcome == "upheld" else DEPENDENT_OVERTURNED
    sentences = [slots.fill(rng.choice(pool))]
    if notice:
        sentences.append(_notice_conclusion(outcome == "upheld", slots["treatment"]))
    return sentences


def _conclusion(rng: random.Random, upheld: bool, notice: bool, slots: Slots) -> str:
    if notice:
        return _notice_conclusion(upheld, slots["treatment"])
    return str(weighted(rng, UPHELD_CONCLUSION_TABLE if upheld else OVERTURNED_CONCLUSION_TABLE))


def _notice_conclusion(upheld: bool, treatment: str) -> str:
    verdict = BOILERPLATE.upheld_verdict if upheld else BOILERPLATE.overturned_verdict
    return f"The request for {treatment} is {verdict}."
