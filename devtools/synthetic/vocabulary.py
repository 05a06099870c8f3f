"""The generator's words, read once from the TOML files in data/ (each file's header says what
its tables mean).

Why data: the phrase banks are most of the generator (headings, guideline clauses, findings,
summaries, for 28 families of requests) and what changes when the letters should read more
like the record; as data they read and diff as the letters' words, apart from the code that
draws from them. Arrays load as tuples, so the values are immutable and shared by every letter.

A weighted list is an array of [value, weight] pairs; a plain array is drawn uniformly, so an
entry listed twice is drawn twice as often. The order of entries is part of the output: the
same draw picks a different entry from a reordered list.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from .sampling import cumulative

DATA = Path(__file__).resolve().parent / "data"


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {key: _frozen(v) for key, v in value.items()}
    return value


def _load(name: str) -> dict:
    with (DATA / f"{name}.toml").open("rb") as file:
        return _frozen(tomllib.load(file))


# --- Boilerplate --------------------------------------------------------------------------

BOILERPLATE = SimpleNamespace(**_load("boilerplate"))

# --- Reviewers ----------------------------------------------------------------------------

# How a letter states the reviewer's credentials: in a sentence (board certified, licensed in a
# profession, licensed as a member of one), or as a block of lines.
SENTENCE, LICENSED_IN, LICENSED_AS, BLOCK = "sentence", "licensed-in", "licensed-as", "block"

_reviewers = _load("reviewers")
# (specialty as written, possible subspecialties (None: none), credential shapes allowed)
SPECIALTY_BY_NAME = {
    s["name"]: (s["name"], tuple(sub or None for sub in s["subspecialties"]), s["credentials"])
    for s in _reviewers["specialties"]
}
SPECIALTY_TABLE = cumulative(
    tuple((SPECIALTY_BY_NAME[s["name"]], s["weight"]) for s in _reviewers["specialties"])
)
LICENSURE_TABLE = cumulative(_reviewers["licensure"])
# A specialty's one name (absent: a name the parser must not know, listed in UNKNOWN_SPECIALTIES).
CANONICAL_SPECIALTY = _reviewers["canonical"]
UNKNOWN_SPECIALTIES = frozenset(_reviewers["unknown"]["names"])

# --- Wording that moves a little -----------------------------------------------------------

_variants = _load("variants")
# name -> cumulative table of the wordings one letter draws from (variants.py).
WORDING_TABLES = {
    name: cumulative(pairs) for name, pairs in _variants.items() if isinstance(pairs, tuple)
}
LOOSE_OUTCOME = _variants["loose_outcome"]
VARIANT_RATES = _variants["rates"]
UNREAD_PREFACES = _variants["texts"]["unread_prefaces"]

# --- Citations and rationales -------------------------------------------------------------

_citations = _load("citations")
CHRONIC_PAIN_TABLE = cumulative(_citations["chronic_pain_written"])
NON_MTUS = _citations["non_mtus"]
ODG_NAME = _citations["odg_name"]
ACOEM_NON_MTUS = _citations["acoem_non_mtus"]
LEAD_INS = _citations["lead_ins"]

_rationales = _load("rationales")
GENERIC_UPHELD = _rationales["generic_upheld"]
GENERIC_OVERTURNED = _rationales["generic_overturned"]
UPHELD_CONCLUSION_TABLE = cumulative(_rationales["upheld_conclusions"])
OVERTURNED_CONCLUSION_TABLE = cumulative(_rationales["overturned_conclusions"])
DEPENDENT_UPHELD = _rationales["dependent_upheld"]
DEPENDENT_OVERTURNED = _rationales["dependent_overturned"]
GUIDELINE_CONNECTORS = _rationales["guideline_connectors"]
FINDING_OPENERS = _rationales["finding_openers"]
HYPOGONADISM = _rationales["opioid_hypogonadism"]

# --- Regions and slots --------------------------------------------------------------------

_regions = _load("regions")
SIDE_TABLE = cumulative(_regions["sides"])
FREQUENCIES = _regions["frequencies"]
SLOT_VALUES = _regions["slots"]
REGIONS = {
    name: {key: values for key, values in region.items() if key != "weight"}
    for name, region in _regions["regions"].items()
}
REGION_TABLE = cumulative(
    tuple((name, region["weight"]) for name, region in _regions["regions"].items())
)

# --- Case summaries -----------------------------------------------------------------------

_summaries = _load("summaries")
PERSONA_TABLE = cumulative(_summaries["personas"])
AGE_FORMS = _summaries["age_forms"]
SEX_WORDS = _summaries["sex_words"]
PRONOUNS = _summaries["pronouns"]
INTRO_PERSON = _summaries["intros"]["person"]
INTRO_APPLICANT = _summaries["intros"]["applicant"]
INTRO_NOTE = _summaries["intros"]["note"]
SUMMARY_SECTIONS = tuple(
    (section["name"], section["sentences"]) for section in _summaries["sections"]
)
EXTRA_NOTES = _summaries["extra_notes"]
MEDICATION_TABLE = cumulative(_summaries["medications"])
DOCUMENT_LINES = _summaries["documents_reviewed"]

# --- Treatments ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Variant:
    """One kind of request: how its heading is written and which guideline pages govern it.

    mtus entries are (document, topic, pages): document "CP" (Chronic Pain Medical Treatment
    Guidelines), "PS" (Postsurgical), an ACOEM chapter number, or None for an MTUS citation
    naming no known document. odg entries are (chapter, topic); acoem entries are non-MTUS
    ACOEM (chapter, pages).
    """

    headings: tuple[str, ...]
    nouns: tuple[str, ...]
    mtus: tuple[tuple[str | int | None, str | None, str], ...] = ()
    odg: tuple[tuple[str, str], ...] = ()
    acoem: tuple[tuple[int, str], ...] = ()
    regions: tuple[str, ...] | None = None
    weight: float = 1.0  # how common among its category's requests
    # When given, these replace the category's pools: the guideline text must fit the request.
    guideline: tuple[str, ...] = ()
    upheld: tuple[str, ...] = ()
    overturned: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Category:
    """A family of requests sharing guideline language and reasoning."""

    key: str
    weight: float
    variants: tuple[Variant, ...]
    ca_topic: str
    guideline: tuple[str, ...]
    criteria: tuple[str, ...]
    upheld: tuple[str, ...]
    overturned: tuple[str, ...]
    other: tuple[str, ...] = ()
    companions: tuple[str, ...] = ()
    pharmaceutical: bool = False
    opioid: bool = False
    reviewers: tuple[str, ...] = ()


def _variant(table: dict) -> Variant:
    """A variant from its TOML table, the citations as the tuples Variant documents."""
    return Variant(
        **{
            **table,
            "mtus": tuple(
                (spec.get("chapter", spec.get("document")), spec.get("topic"), spec["pages"])
                for spec in table.get("mtus", ())
            ),
            "odg": tuple((spec["chapter"], spec["topic"]) for spec in table.get("odg", ())),
            "acoem": tuple((spec["chapter"], spec["pages"]) for spec in table.get("acoem", ())),
        }
    )


_treatments = _load("treatments")


def _category(table: dict) -> Category:
    """A category from its TOML table: shared reasoning and other sources resolved by name."""
    fields = (
        {**_treatments["reasoning"][table["reasoning"]], **table}
        if "reasoning" in table
        else dict(table)
    )
    fields.pop("reasoning", None)
    sources = fields.pop("other_sources", ())
    fields["other"] = tuple(
        chain.from_iterable(_treatments["other_sources"][name] for name in sources)
    ) + fields.get("other", ())
    fields["variants"] = tuple(_variant(variant) for variant in fields.get("variants", ()))
    return Category(**fields)


CATEGORIES = tuple(_category(table) for table in _treatments["categories"])
CATEGORY_TABLE = cumulative(tuple((category, category.weight) for category in CATEGORIES))

# Services that come with a procedure (sedation, assistant surgeon, ...); each names its guideline.
_ancillary = dict(_treatments["ancillary"])
ANCILLARY_VARIANTS = {
    name: _variant(variant) for name, variant in _ancillary.pop("variants").items()
}
ANCILLARY = _category({**_ancillary, "key": "ancillary", "weight": 0.0})
