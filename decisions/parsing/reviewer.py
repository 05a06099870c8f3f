"""The expert reviewer's credentials, from either of the two shapes letters use.

The sentence: "The physician reviewer is Board Certified in Neurology, has a subspecialty in
Neuromuscular Medicine and is licensed to practice in California." Commas are unreliable
("...Physical Medicine and Rehabilitation has a subspecialty in..."), so the values are cut at
the fixed phrases, never at commas; an "and" inside a specialty belongs to its name.

The labelled block: "The Expert Reviewer has the following credentials:" followed by
"State(s) of Licensure: California" and "Certification(s)/Specialty: Emergency Medicine", one
per line; each value is the rest of its line.

Chiropractors and acupuncturists are not board certified; their sentence reads "The expert
reviewer is a Licensed Chiropractor and is licensed to practice in California".
"""
from __future__ import annotations

import re

from .model import Reviewer
from .text import lowered, one_line

# "Board Certified in X", or, for licensed professions without boards, "is a Licensed
# Chiropractor": the profession the letter names is the reviewer's specialty.
_SPECIALTY = re.compile(
    r"(?:board[ -]certified in|reviewer is an? licensed) (?P<value>.+?)"
    r"(?=,?\s+(?:and\s+)?(?:has an? sub-?specialty in|is licensed to practice in)\b|\.(?:\s|$))"
)
_SUBSPECIALTY = re.compile(
    r"has an? sub-?specialty in (?P<value>.+?)"
    r"(?=,?\s+(?:and\s+)?is licensed to practice in\b|\.(?:\s|$))"
)
_LICENSED_IN = re.compile(r"licensed to practice in (?:the state of )?(?P<value>[^.]+)")
_LABELLED_SPECIALTY = re.compile(r"certification\(s\)/specialty:[ ]*(?P<value>[^\n]+)")
_LABELLED_STATES = re.compile(r"state\(s\) of licensure:[ ]*(?P<value>[^\n]+)")
_STATE_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b)\s*(?:and\s+)?", re.IGNORECASE)


def parse_reviewer(section: str) -> Reviewer:
    """Credentials from the reviewer section (in `text.document` form); None where unstated."""
    low = lowered(section)
    specialty = _LABELLED_SPECIALTY.search(low)
    states = _LABELLED_STATES.search(low)
    if specialty or states:
        return Reviewer(
            specialty=_value(section, specialty),
            subspecialty=None,
            licensed_in=_states(_value(section, states)),
        )
    text = one_line(section)
    low = lowered(text)
    return Reviewer(
        specialty=_value(text, _SPECIALTY.search(low)),
        subspecialty=_value(text, _SUBSPECIALTY.search(low)),
        licensed_in=_states(_value(text, _LICENSED_IN.search(low))),
    )


def _value(text: str, match: re.Match[str] | None) -> str | None:
    """The matched value as the letter writes it (the match was found in the lower-cased copy)."""
    if match is None:
        return None
    return " ".join(text[match.start("value") : match.end("value")].split()).strip(" ,;.") or None


def _states(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(state for part in _STATE_SEPARATOR.split(value) if (state := part.strip(" ,;.")))
