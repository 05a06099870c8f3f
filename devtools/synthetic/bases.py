"""The guideline paragraphs of an item: which guidelines each party relied on, the citations
as the letters write them, and each citation in the contract's JSON shape.

The claims administrator's basis and the reviewer's are drawn from the same request, and agree
on the guideline family most of the time (SAME_FAMILY_RATE); the reviewer's first citation also
suggests how the rationale opens (its lead-in). A few MTUS bases cite a second, non-MTUS source
as well, in a second "Decision based on" sentence or after the MTUS citations in the same one
(data/variants.toml); a few claims administrator bases open with a sentence the parser cannot
place, and expect the warning that says so.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from decisions.guidelines import ACOEM_CHAPTERS, CHRONIC_PAIN, POSTSURGICAL, acoem_chapter

from .sampling import cumulative, weighted
from .slots import Slots
from .variants import Wording
from .vocabulary import (
    ACOEM_NON_MTUS,
    CHRONIC_PAIN_TABLE,
    LEAD_INS,
    NON_MTUS,
    ODG_NAME,
    UNREAD_PREFACES,
    VARIANT_RATES,
    Category,
    Variant,
)
from .wording import page_list

# Reviewer's guideline family before the category's options are applied (MTUS is the default;
# ACOEM only exists for the non-MTUS chapter 7 topics).
FAMILY_WEIGHTS = {"MTUS": 70, "ODG": 24, "ACOEM": 45, "OTHER": 5}
SAME_FAMILY_RATE = 0.79  # claims administrator relied on the reviewer's guideline family
NO_EVIDENCE_SHARE = 0.25  # of the claims administrators who did not: cited nothing at all
NOT_MTUS_PREFIX_RATE = 0.5  # non-MTUS bases opening "... did not base their decision on the MTUS."
ODG_WITHOUT_MARK_RATE = 0.5  # an ODG citation after MTUS ones, without "Non-MTUS Citation"
REVIEWER_CITATION_COUNT_TABLE = cumulative(((1, 72), (2, 24), (3, 4)))


def citation(
    guideline: str, document: str | None, topic: str | None, pages: tuple[int, ...], text: str
) -> dict:
    """A citation in the contract's JSON shape."""
    return {
        "guideline": guideline,
        "document": document,
        "topic": topic,
        "pages": list(pages),
        "text": text,
    }


@dataclass
class Basis:
    text: str
    citations: list[dict]
    unread: bool = False  # opens with words the parser must warn about ("basis-unread")


@cache
def family_table(category: Category, variant: Variant) -> tuple[tuple[str, ...], list[float]]:
    """The guideline families a request can be decided under, weighted for the reviewer."""
    present = {
        "MTUS": variant.mtus,
        "ODG": variant.odg,
        "ACOEM": variant.acoem,
        "OTHER": category.other,
    }
    return cumulative(
        tuple((family, FAMILY_WEIGHTS[family]) for family, specs in present.items() if specs)
    )


def reviewer_family(rng: random.Random, category: Category, variant: Variant) -> str:
    return weighted(rng, family_table(category, variant))


def ca_family(
    rng: random.Random, category: Category, variant: Variant, reviewer_family: str
) -> str | None:
    if rng.random() < SAME_FAMILY_RATE:
        return reviewer_family
    others = [f for f in family_table(category, variant)[0] if f != reviewer_family]
    if not others or rng.random() < NO_EVIDENCE_SHARE:
        return None
    return weighted(rng, cumulative(tuple((f, FAMILY_WEIGHTS[f]) for f in others)))


def basis(
    rng: random.Random,
    notice: bool,
    category: Category,
    variant: Variant,
    slots: Slots,
    family: str | None,
    actor: str,
    wording: Wording,
) -> tuple[Basis, str]:
    """A guideline paragraph (without its label) and the rationale lead-in its first citation
    suggests."""
    who = "Claims Administrator" if actor == "ca" else "Expert Reviewer"
    if family is None:
        return Basis(
            "The Claims Administrator did not cite any medical evidence for its decision.", []
        ), ""
    if family == "MTUS":
        count = 1 if actor == "ca" or notice else weighted(rng, REVIEWER_CITATION_COUNT_TABLE)
        specs = rng.sample(variant.mtus, min(count, len(variant.mtus)))
        citations, lead = _mtus_citations(
            rng, specs, category.ca_topic, actor, notice, wording.page_mark
        )
    else:
        found, lead = _non_mtus_citation(rng, family, category, variant, slots, notice)
        citations = [found]
    if notice:
        based = f"The {who} based {'its' if actor == 'ca' else 'his/her'} decision on the"
        if family == "MTUS":
            text = f"{based} {citations[0]['text']}"
            text += ", which is part of MTUS." if actor == "ca" else "."
        else:
            opening = (
                ""
                if actor == "ca"
                else "The Expert Reviewer found that the MTUS does not address the issue at"
                " dispute. "
            )
            text = f"{opening}{based} {citations[0]['text']}, which is not part of MTUS."
        return Basis(text, citations), lead
    intro = wording.basis_intro
    second = _second_source(rng, category, variant, slots) if family == "MTUS" else None
    if second is None:
        text = f"{intro} {_join_citations(citations, rng)}"
    elif second[0] == "sentence":
        text = f"{intro} {_join_citations(citations, rng)} {intro} {second[1]['text']}."
        second[1]["text"] += "."
        citations.append(second[1])
    else:
        citations.append(second[1])
        text = f"{intro} {_join_citations(citations, rng)}"
    if family != "MTUS" and rng.random() < NOT_MTUS_PREFIX_RATE:
        text = f"The {who} did not base their decision on the MTUS. " + text
    if actor == "ca" and rng.random() < VARIANT_RATES["unread_preface"]:
        return Basis(f"{rng.choice(UNREAD_PREFACES)} {text}", citations, unread=True), lead
    return Basis(text, citations), lead


def _second_source(
    rng: random.Random, category: Category, variant: Variant, slots: Slots
) -> tuple[str, dict] | None:
    """A non-MTUS source an MTUS basis cites too, and where: in a second "Decision based on"
    sentence ("sentence") or after the MTUS citations ("same"); None for most bases.

    After the MTUS citations, a source must start with a mark or a name the parser knows, so
    ACOEM and the other sources keep "Non-MTUS Citation"; ODG may go without it (a real
    letter's claims administrator cites "MTUS ACOEM Chapter 12 ..., Official Disability
    Guidelines ...").
    """
    draw = rng.random()
    rates = VARIANT_RATES
    if draw >= rates["second_sentence"] + rates["same_sentence"]:
        return None
    families = [
        family
        for family, present in (
            ("ODG", variant.odg),
            ("ACOEM", variant.acoem),
            ("OTHER", category.other),
        )
        if present
    ]
    if not families:
        return None
    where = "sentence" if draw < rates["second_sentence"] else "same"
    found, _ = _non_mtus_citation(rng, rng.choice(families), category, variant, slots, False)
    if where == "same" and found["guideline"] == "ODG" and rng.random() < ODG_WITHOUT_MARK_RATE:
        found["text"] = found["text"].removeprefix(NON_MTUS)
    return where, found


def _mtus_citations(
    rng: random.Random,
    specs: list[tuple],
    ca_topic: str,
    actor: str,
    notice: bool,
    page_mark: str,
) -> tuple[list[dict], str]:
    # Only the last citation of a paragraph may lack pages, or the boundary would be lost.
    specs = sorted(specs, key=lambda s: not s[2])
    citations: list[dict] = []
    lead = ""
    for position, (doc, topic, pages) in enumerate(specs):
        last = position == len(specs) - 1
        if not pages and not last:
            continue
        if doc == "CP":
            written, canonical = weighted(rng, CHRONIC_PAIN_TABLE), CHRONIC_PAIN
            if notice:
                written = rng.choice(
                    ("Chronic Pain Medical Treatment Guidelines (2009)", CHRONIC_PAIN)
                )
        elif doc == "PS":
            written = canonical = POSTSURGICAL
        elif isinstance(doc, int):
            canonical = acoem_chapter(doc)
            written = (
                canonical
                if rng.random() < 0.85
                else f"ACOEM Practice Guidelines, Chapter {doc} {ACOEM_CHAPTERS[doc]}"
            )
        else:
            written, canonical = "", None
        if actor == "ca" and doc == "CP" and not notice:
            # UR reviewers often name only the drug class, in lower case, without pages.
            form = rng.random()
            if form < 0.35:
                topic, pages = ca_topic, ""
            elif form < 0.7:
                topic = None
        elif doc == "CP" and actor == "reviewer" and rng.random() < 0.12:
            topic = None
        if doc == "CP" and pages.isdigit() and rng.random() < 0.15:
            pages = f"{pages} of 127"
        if notice:
            text = _notice_citation_text(
                written, topic, pages, prefix="MTUS " if actor == "reviewer" else ""
            )
        else:
            head = ("" if citations else "MTUS ") + " ".join(
                part for part in (written, topic) if part
            )
            text = head + (f" {page_mark} {pages}" if pages else "")
        if not lead and actor == "reviewer":
            lead = _mtus_lead(rng, doc, pages)
        citations.append(citation("MTUS", canonical, topic, page_list(pages), text.strip()))
    return citations, lead


def _mtus_lead(rng: random.Random, doc: str | int | None, pages: str) -> str:
    first_page = str(page_list(pages)[0]) if pages else ""
    if doc == "CP":
        lead = rng.choice(LEAD_INS["CP_PAGE"] if first_page else LEAD_INS["CP"])
    elif isinstance(doc, int):
        lead = rng.choice(LEAD_INS["ACOEM_MTUS"] if first_page else LEAD_INS["ACOEM_MTUS"][1:2])
        lead = lead.replace("{chapter}", str(doc))
    elif doc == "PS":
        lead = rng.choice(LEAD_INS["PS"])
    else:
        lead = rng.choice(LEAD_INS["MTUS"])
    return lead.replace("{page}", first_page)


def _non_mtus_citation(
    rng: random.Random,
    family: str,
    category: Category,
    variant: Variant,
    slots: Slots,
    notice: bool,
) -> tuple[dict, str]:
    prefix = "" if notice else NON_MTUS
    if family == "ODG":
        chapter, topic = rng.choice(variant.odg)
        chapter = slots.fill(chapter)
        text = f"{prefix}{ODG_NAME}, {chapter}, {topic}"
        return citation("ODG", chapter, topic, (), text), rng.choice(LEAD_INS["ODG"])
    if family == "ACOEM":
        number, pages = rng.choice(variant.acoem)
        document = acoem_chapter(number)
        page_word = "pages" if "-" in pages else "page"
        text = (
            f"{prefix}{ACOEM_NON_MTUS}, Chapter {number} {ACOEM_CHAPTERS[number]},"
            f" {page_word} {pages}"
        )
        lead = (
            rng.choice(LEAD_INS["ACOEM"])
            .replace("{chapter}", str(number))
            .replace("{page}", pages.split("-")[0])
        )
        return citation("ACOEM", document, None, page_list(pages), text), lead
    source = slots.fill(rng.choice(category.other)).rstrip(".")
    return citation("OTHER", None, None, (), prefix + source), rng.choice(LEAD_INS["OTHER"])


def _notice_citation_text(written: str, topic: str | None, pages: str, prefix: str) -> str:
    """A 2013 citation: "Chronic Pain Medical Treatment Guidelines (2009), <topic>, pages 30-32"."""
    parts = [prefix + (written or topic or "")]
    if topic and written:
        parts.append(topic)
    if pages:
        parts.append(
            ("pages " if "-" in pages or "," in pages else "page ") + pages.split(" of ")[0]
        )
    return ", ".join(parts)


def _join_citations(citations: list[dict], rng: random.Random) -> str:
    """Join citations as the letters do ("... Page(s): 300,Chronic Pain ...") and end the paragraph
    with a period, which by the contract's example belongs to the last citation's text."""
    separator = "," if rng.random() < 0.4 else ", "
    citations[-1]["text"] += "."
    return separator.join(c["text"] for c in citations)
