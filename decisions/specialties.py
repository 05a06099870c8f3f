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


def canonical_specialty(name: str) -> str | None:
    """The vocabulary's canonical name for a specialty as a letter or a link words it, or None
    when the vocabulary does not know it. A canonical name is its own canonical name.

    The vocabulary is the parser's (issue 12: the ABMS boards' specialties and subspecialties
    and the licensed professions that review IMRs); until it is merged, no name is known and
    every specialty groups under its wording, as it always did. At the merge, this function
    becomes the parser's own: `from .parsing.specialties import canonical_specialty`.
    """
    return None


def grouping_name(wording: str | None, canonical: str | None) -> str | None:
    """The name a specialty is grouped under: its canonical name, else its wording."""
    return canonical or wording


def grouping_name_of(wording: str | None) -> str | None:
    """`grouping_name` of a wording alone, asking the vocabulary: for stored rows and links."""
    return grouping_name(wording, canonical_specialty(wording)) if wording else wording
