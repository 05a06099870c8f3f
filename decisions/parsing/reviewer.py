"""The expert reviewer's credentials, from either of the two shapes letters use.

The sentence: "The physician reviewer is Board Certified in Neurology, has a subspecialty in
Neuromuscular Medicine and is licensed to practice in California." Commas are unreliable
("...Physical Medicine and Rehabilitation has a subspecialty in..."), so the values are cut at
the fixed phrases, never at commas; an "and" inside a specialty belongs to its name.

The labelled block: "The Expert Reviewer has the following credentials:" followed by
"State(s) of Licensure: California" and "Certification(s)/Specialty: Emergency Medicine", one
per line; each value is the rest of its line.
"""
from __future__ import annotations

import re

from .model import Reviewer
from .text import one_line

_SPECIALTY = re.compile(
    r"\bBoard[ -]Certified in (?P<value>.+?)"
    r"(?=,?\s+(?:and\s+)?(?:has an? sub-?specialty in|is licensed to practice in)\b|\.(?:\s|$))",
    re.IGNORECASE,
)
_SUBSPECIALTY = re.compile(
    r"\bhas an? sub-?specialty in (?P<value>.+?)"
    r"(?=,?\s+(?:and\s+)?is licensed to practice in\b|\.(?:\s|$))",
    re.IGNORECASE,
)
_LICENSED_IN = re.compile(r"\blicensed to practice in (?:the State of )?(?P<value>[^.]+)", re.IGNORECASE)
_LABELLED_SPECIALTY = re.compile(r"^Certification\(s\)/Specialty:[ ]*(?P<value>.+)$", re.MULTILINE | re.IGNORECASE)
_LABELLED_STATES = re.compile(r"^State\(s\) of Licensure:[ ]*(?P<value>.+)$", re.MULTILINE | re.IGNORECASE)
_STATE_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b)\s*(?:and\s+)?", re.IGNORECASE)


def parse_reviewer(section: str) -> Reviewer:
    """Credentials from the reviewer section (in `text.document` form); None where unstated."""
    labelled = _LABELLED_SPECIALTY.search(section)
    states = _LABELLED_STATES.search(section)
    if labelled or states:
        return Reviewer(
            specialty=_clean(labelled["value"]) if labelled else None,
            subspecialty=None,
            licensed_in=_states(states["value"]) if states else (),
        )
    text = one_line(section)
    specialty = _SPECIALTY.search(text)
    subspecialty = _SUBSPECIALTY.search(text)
    states = _LICENSED_IN.search(text)
    return Reviewer(
        specialty=_clean(specialty["value"]) if specialty else None,
        subspecialty=_clean(subspecialty["value"]) if subspecialty else None,
        licensed_in=_states(states["value"]) if states else (),
    )


def _clean(value: str) -> str | None:
    return " ".join(value.split()).strip(" ,;.") or None


def _states(value: str) -> tuple[str, ...]:
    return tuple(state for part in _STATE_SEPARATOR.split(value) if (state := _clean(part)))
