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
# Chiropractor": the profession the letter names is the reviewer's specialty. A value runs from
# its opening phrase to the first closing one after it (searched for once, from there: a lazy
# value before a look-ahead would re-scan the rest of the text from every opening phrase).
_SPECIALTY = re.compile(r"(?:board[ -]certified in|reviewer is an? licensed) ")
_SPECIALTY_END = re.compile(
    r",?\s+(?:and\s+)?(?:has an? sub-?specialty in|is licensed to practice in)\b|\.(?:\s|$)"
)
_SUBSPECIALTY = re.compile(r"has an? sub-?specialty in ")
_SUBSPECIALTY_END = re.compile(r",?\s+(?:and\s+)?is licensed to practice in\b|\.(?:\s|$)")
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
            specialty=_value(section, _span(specialty)),
            subspecialty=None,
            licensed_in=_states(_value(section, _span(states))),
        )
    text = one_line(section)
    low = lowered(text)
    return Reviewer(
        specialty=_value(text, _between(low, _SPECIALTY, _SPECIALTY_END)),
        subspecialty=_value(text, _between(low, _SUBSPECIALTY, _SUBSPECIALTY_END)),
        licensed_in=_states(_value(text, _span(_LICENSED_IN.search(low)))),
    )


def _between(
    low: str, opening: re.Pattern[str], closing: re.Pattern[str]
) -> tuple[int, int] | None:
    """The span of at least one character from the first `opening` to the first `closing`
    after it. No later opening can have a closing when the first has none, so one forward
    search of each costs time in the length of the text, whatever it holds."""
    start = opening.search(low)
    if start is None:
        return None
    end = closing.search(low, start.end() + 1)
    return (start.end(), end.start()) if end else None


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return match.span("value") if match else None


def _value(text: str, span: tuple[int, int] | None) -> str | None:
    """The value at `span` as the letter writes it (it was found in the lower-cased copy)."""
    if span is None:
        return None
    return " ".join(text[span[0] : span[1]].split()).strip(" ,;.") or None


def _states(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(state for part in _STATE_SEPARATOR.split(value) if (state := part.strip(" ,;.")))
