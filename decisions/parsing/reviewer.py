"""The expert reviewer's credentials, from any of the shapes letters use, with what was not
understood.

The sentence: "The physician reviewer is Board Certified in Neurology, has a subspecialty in
Neuromuscular Medicine and is licensed to practice in California." Commas are unreliable
("...Physical Medicine and Rehabilitation has a subspecialty in..."), so the values are cut at
the fixed phrases, never at commas; an "and" inside a specialty belongs to its name.
Reviewers who are not board-certified physicians name their profession instead: "The expert
reviewer is Licensed in Chiropractic and is licensed to practice in California", or "is a
Licensed Chiropractor".

The labelled block: "The Expert Reviewer has the following credentials:" followed by
"State(s) of Licensure: California" and "Certification(s)/Specialty: Emergency Medicine", one
per line; each value is the rest of its line. "Certification(s)/Specialty: Internal Medicine,
Cardiovascular Disease" names a specialty, then a subspecialty.

Specialties keep the letter's words (one line); their canonical names come from the
vocabulary (`specialties`). A name the vocabulary does not know, credentials that name no
specialty or no state, and a licensure that is no state are warnings: the parser never guesses.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .diagnostics import warning
from .model import ParseWarning, Reviewer
from .specialties import canonical_specialty
from .text import lowered, one_line

# A value runs from its opening phrase to the first closing one after it (searched for once,
# from there: a lazy value before a look-ahead would re-scan the rest of the text from every
# opening phrase). Board-certified physicians name a board; others their licence: "is a
# Licensed Chiropractor", "is Licensed in Acupuncture". (Led by "certified" or "licensed",
# the words before them checked behind: the regex engine skips fast to a word's first letter,
# slowly to one of several short phrases'.)
_SPECIALTY = re.compile(
    r"(?:certified (?:(?:physician |specialist )?in(?:(?<=board certified in)"
    r"|(?<=board-certified in)|(?<=board certified physician in)"
    r"|(?<=board-certified physician in)|(?<=board certified specialist in)"
    r"|(?<=board-certified specialist in))|by the american board of)"
    r"|licensed(?:(?<=is a licensed)|(?<=is an licensed)|(?<=is licensed) in)) "
)
_SUBSPECIALTY_PHRASE = (
    r"(?:(?:has|with|holds) (?:an? )?)?sub-?specialty(?: (?:board )?(?:certification|certificate))?"
    r" in"
)
_LICENCE_PHRASE = r"(?:is )?(?:also )?(?:licensed|holds a license) (?:to practice )?in"
_SPECIALTY_END = re.compile(
    rf",?\s+(?:and\s+)?(?:{_SUBSPECIALTY_PHRASE}|{_LICENCE_PHRASE})\b|\.(?:\s|$)"
)
_SUBSPECIALTY = re.compile(r"sub-?specialty(?: (?:board )?(?:certification|certificate))? in ")
_SUBSPECIALTY_END = re.compile(rf",?\s+(?:and\s+)?{_LICENCE_PHRASE}\b|\.(?:\s|$)")
_PLACE_PREFIX = r"(?:the (?:states?|commonwealth) of )?"
_LICENSED_TO_PRACTICE = re.compile(
    rf"licen(?:sed|se) to practice in {_PLACE_PREFIX}(?P<value>[^.]+)"
)
# "is licensed in California": a licensure only when it names a place ("is Licensed in
# Chiropractic" names a profession).
_LICENSED_IN = re.compile(rf"licensed in {_PLACE_PREFIX}(?P<value>[^.]+)")
# A further licensure after the first ("He/she is also licensed in Texas", "The reviewer is also
# licensed to practice in Nevada"): its places are added.
_FURTHER_LICENCE = re.compile(
    rf"licen(?:sed|se) (?:to practice )?in {_PLACE_PREFIX}(?P<value>[^.]+)"
)
# The labelled block, read line by line in the document form of the section: "Certification(s)/
# Specialty:" (or "Specialty:", not "Subspecialty:"), "Subspecialty:", "State(s) of Licensure:".
# Each is found by its last word, a literal the regex engine finds fast.
_LABELLED_SPECIALTY = re.compile(
    r"specialt(?<![a-z-]specialt)(?:y|ies|y\(ies\))[ ]*:[ ]*(?P<value>[^\n]*)"
)
_LABELLED_SUBSPECIALTY = re.compile(
    r"specialt(?:(?<=sub-specialt)|(?<=subspecialt))(?:y|ies|y\(ies\))[ ]*:[ ]*"
    r"(?P<value>[^\n]*)"
)
_LABELLED_STATES = re.compile(r"licensure[ ]*:[ ]*(?P<value>[^\n]*)")
# How a value names two certificates: "Internal Medicine, Cardiovascular Disease" always; a
# slash or dash only between two names the vocabulary knows ("Anesthesiology/Pain Medicine").
_PAIR_SEPARATOR = re.compile(r"\s*[,;]\s*")
_KNOWN_PAIR_SEPARATOR = re.compile(r"\s*/\s*|\s+-\s+")
_STATE_SEPARATOR = re.compile(r"\s*(?:,|;|&|\band\b)\s*(?:and\s+)?", re.IGNORECASE)
_STATE_PREFIX = re.compile(r"^(?:the )?(?:state|commonwealth) of ", re.IGNORECASE)
_CREDENTIAL_WORDS = ("certif", "licens", "specialt")
# A labelled value's line that runs on onto the next: its last characters.
_RUNS_ON = re.compile(r"(?:[,;&/]|(?<![a-z])(?:and|or|of|with))[ ]*$", re.IGNORECASE)
_RUNS_ON_WINDOW = 8
_WRAPPED_VALUE_LINES = 2


def _places() -> frozenset[str]:
    with (Path(__file__).resolve().parent / "data" / "licensure.toml").open("rb") as file:
        places = tomllib.load(file)["places"]
    return frozenset(word.lower() for place in places for word in place)


_PLACES = _places()


def parse_reviewer(section: str | None) -> tuple[Reviewer, list[ParseWarning]]:
    """Credentials from the reviewer section (in `text.document` form), and the warnings on
    what it did not yield. None: the letter has no such section (the caller warns)."""
    if section is None:
        return Reviewer(None, None, ()), []
    low = lowered(section)
    specialty = _LABELLED_SPECIALTY.search(low)
    states = _LABELLED_STATES.search(low)
    if specialty or states:
        text, specialty_value = section, _value(section, _wrapped(section, _span(specialty)))
        subspecialty = _span(_LABELLED_SUBSPECIALTY.search(low))
        subspecialty_value = _value(section, _wrapped(section, subspecialty))
        states_value = _value(section, _wrapped(section, _span(states)))
    else:
        text = one_line(section)
        low = lowered(text)
        specialty_value = _value(text, _between(low, _SPECIALTY, _SPECIALTY_END))
        subspecialty_value = _value(text, _between(low, _SUBSPECIALTY, _SUBSPECIALTY_END))
        licence = _LICENSED_TO_PRACTICE.search(low)
        if licence is None:
            licence = _LICENSED_IN.search(low)
            if licence is not None and not _places_only(_value(text, _span(licence)) or ""):
                licence = None
        states_value = _value(text, _span(licence))
        if licence is not None:
            further = [
                value
                for match in _FURTHER_LICENCE.finditer(low, licence.end())
                if (value := _value(text, _span(match))) is not None
                and (match[0].startswith(("licensed to", "license to")) or _places_only(value))
            ]
            if further:
                states_value = ", ".join([states_value or "", *further])
        if (
            specialty_value is not None
            and canonical_specialty(specialty_value) is None
            and _places_only(specialty_value)
        ):
            specialty_value = None  # "is licensed in California": no profession named
    if subspecialty_value is None:
        specialty_value, subspecialty_value = _pair(specialty_value)
    warnings: list[ParseWarning] = []
    licensed_in = _states(states_value, warnings)
    reviewer = Reviewer(
        specialty=specialty_value,
        subspecialty=subspecialty_value,
        licensed_in=licensed_in,
        specialty_canonical=canonical_specialty(specialty_value),
        subspecialty_canonical=canonical_specialty(subspecialty_value),
    )
    if specialty_value is None:
        warnings.append(
            warning(
                "specialty-not-found",
                "reviewer.specialty",
                "the reviewer's credentials name no specialty the parser can read",
                _credentials(text),
            )
        )
    for field, value, canonical in (
        ("reviewer.specialty", specialty_value, reviewer.specialty_canonical),
        ("reviewer.subspecialty", subspecialty_value, reviewer.subspecialty_canonical),
    ):
        if value is not None and canonical is None:
            warnings.append(
                warning(
                    "specialty-unknown",
                    field,
                    "not a specialty or profession of the vocabulary: kept as written",
                    value,
                )
            )
    if not licensed_in:
        warnings.append(
            warning(
                "licensure-not-found",
                "reviewer.licensed_in",
                "the reviewer's credentials name no state of licensure the parser can read",
                _credentials(text),
            )
        )
    return reviewer, warnings


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


def _wrapped(section: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """A labelled value's span, extended over the lines it wrapped onto: while the value ends
    in a comma, semicolon, '&', '/' or a joining word ("Physical Medicine and" /
    "Rehabilitation"; "California, Nevada," / "Arizona"), the next line carries on (past one
    break, which can only be page-break residue there), unless it holds a label of its own (a
    colon)."""
    if span is None:
        return None
    start, end = span
    for _ in range(_WRAPPED_VALUE_LINES):
        if _RUNS_ON.search(section, max(start, end - _RUNS_ON_WINDOW), end) is None:
            break
        if section[end : end + 1] != "\n":
            break
        begin = end + 2 if section[end + 1 : end + 2] == "\n" else end + 1
        following = section.find("\n", begin)
        following = len(section) if following < 0 else following
        line = section[begin:following]
        if not line.strip() or ":" in line:
            break
        end = following
    return start, end


def _value(text: str, span: tuple[int, int] | None) -> str | None:
    """The value at `span` as the letter writes it (it was found in the lower-cased copy)."""
    if span is None:
        return None
    return " ".join(text[span[0] : span[1]].split()).strip(" ,;.") or None


def _pair(value: str | None) -> tuple[str | None, str | None]:
    """A specialty value that names a subspecialty after it, as the two values.

    A name the vocabulary knows whole is one name ("Endocrinology, Diabetes and Metabolism");
    otherwise a comma or semicolon separates the specialty from the subspecialty (everything
    after it), and a slash or spaced dash does so only between two names it knows.
    """
    if value is None or canonical_specialty(value) is not None:
        return value, None
    parts = _PAIR_SEPARATOR.split(value, maxsplit=1)
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    parts = _KNOWN_PAIR_SEPARATOR.split(value, maxsplit=1)
    if len(parts) == 2 and all(canonical_specialty(part) for part in parts):
        return parts[0], parts[1]
    return value, None


def _states(value: str | None, warnings: list[ParseWarning]) -> tuple[str, ...]:
    """The places a licensure value lists, as written, up to the first part that starts in
    lower case (the rest of its sentence: "California, and has been in practice ..."); one
    warning names those that are no place (the first, and how many)."""
    if value is None:
        return ()
    states: list[str] = []
    unknown: list[str] = []
    for part in _STATE_SEPARATOR.split(value):
        state = _STATE_PREFIX.sub("", part.strip(" ,;."))
        if not state:
            continue
        if state[0].islower():
            break
        if state in states:
            continue  # named again by a further licensure
        if state.lower() not in _PLACES:
            unknown.append(state)
        states.append(state)
    if unknown:
        more = f" ({len(unknown)} values)" if len(unknown) > 1 else ""
        message = f"not a state the parser knows: kept as written{more}"
        warnings.append(warning("licensure-unknown", "reviewer.licensed_in", message, unknown[0]))
    return tuple(states)


def _places_only(value: str) -> bool:
    parts = [_STATE_PREFIX.sub("", part.strip(" ,;.")) for part in _STATE_SEPARATOR.split(value)]
    return all(part.lower() in _PLACES for part in parts if part)


def _credentials(text: str) -> str:
    """The sentence that states the credentials, for a warning's quote: the first naming a
    certification, licence or specialty; else the section's start."""
    low = lowered(text)
    found = [at for word in _CREDENTIAL_WORDS if (at := low.find(word)) >= 0]
    if not found:
        return text
    at = min(found)
    start = text.rfind(". ", 0, at) + 1
    end = text.find(". ", at)
    return text[start : len(text) if end < 0 else end + 1]
