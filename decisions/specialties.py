"""One name per specialty: the name the facets, the `specialty` filter and the export group by.

Letters word the same specialty many ways ("Orthopaedic Surgery", "orthopedic surgery",
"Physical Medicine & Rehabilitation"). The letter's wording is kept as written
(`Letter.reviewer_specialty`, shown on the letter page); beside it each letter and item keeps
its *grouping name*: the vocabulary's canonical name, or, for a specialty the vocabulary does
not know, the wording itself. An unknown specialty is kept as written (and warned about by the
parser), never guessed: it still has its facet entry, under the letter's own words.

New letters get their canonical names from the parse (`Reviewer.specialty_canonical`);
stored letters and links are mapped with `canonical_specialty`, the one place this app asks
the vocabulary. Pure Python, no Django.
"""

from __future__ import annotations

# The vocabulary (decisions/parsing/data/specialties.toml: the ABMS boards' specialties and
# subspecialties, the licensed professions that review IMRs, aliases) and its matching are the
# parser's; a canonical name maps to itself, so a link carrying one is never redirected.
from .parsing.specialties import canonical_specialty

__all__ = ["canonical_specialty", "grouping_name", "grouping_name_of"]


def grouping_name(wording: str | None, canonical: str | None) -> str | None:
    """The name a specialty is grouped under: its canonical name, else its wording."""
    return canonical or wording


def grouping_name_of(wording: str | None) -> str | None:
    """`grouping_name` of a wording alone, asking the vocabulary: for stored rows and links."""
    return grouping_name(wording, canonical_specialty(wording)) if wording else wording
