"""Age, sex and date of injury, only where the letter states them.

The name is redacted, so the case summary describes the patient in a phrase such as " is a 42
year old man" or "a 34 year-old individual". Age comes only from such a phrase; sex only from
its noun ("man", "female", ...) or, when there is no age phrase, from "is a [word] woman";
"individual", "applicant" or "employee" leave it unknown, and pronouns are never used (they
are unreliable in redacted, templated text). The date of injury is the header's when there is
one, else the first full date a case-summary phrase ties to the injury, by decreasing
explicitness; "a 2013 date of injury" names no date and gives None.
"""
from __future__ import annotations

import re
from datetime import date

from .dates import DATE, to_date
from .model import Patient, Sex

_AGE = re.compile(r"\b(?P<age>\d{1,3})(?:-|\s+)years?(?:-|\s+)old\b(?P<after>[^.,;:()]{0,60})", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_SEXES: dict[str, Sex] = {
    "man": "male", "male": "male", "gentleman": "male",
    "woman": "female", "female": "female", "lady": "female",
}
# Words after "N year old" that end the description of the patient without naming a sex.
_NOT_A_SEX = frozenset(
    "individual applicant employee patient person worker claimant injured who with that whose "
    "has had was is and of in on at from status presents presented complains complaining "
    "sustained reports reported".split()
)
# "a 10 year old injury": an age phrase about something other than the patient.
_NOT_A_PERSON = frozenset(
    "injury injuries history claim case condition fracture tear surgery complaint complaints "
    "pain problem report study".split()
)
_SEX_WITHOUT_AGE = re.compile(
    r"\b(?:is|was) an? (?:[A-Za-z-]+ )?(?P<noun>man|male|gentleman|woman|female|lady)\b", re.IGNORECASE
)
# Most explicit first: each pattern ties the date to the injury more loosely than the last.
_INJURY_DATES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\bdate of injur(?:y|ies)\b(?:\s+(?:of|on|was|is))?\s*:?\s*(?:\(DOI\)\s*:?\s*)?{DATE}",
        rf"\bDOI\b\s*(?:of|on|was|is)?\s*:?\s*{DATE}",
        rf"\binjur(?:y|ies|ed)\s+(?:of|on)\s+{DATE}",
        rf"\binjur(?:y|ies|ed)\b[^.;]{{0,150}}?\bon\s+{DATE}",
    )
)


def parse_patient(summary: str, header_date_of_injury: date | None) -> Patient:
    """The patient from the case summary (one line of text) and the header's date of injury."""
    age: int | None = None
    sex: Sex | None = None
    for match in _AGE.finditer(summary):
        words = [w.lower() for w in _WORD.findall(match["after"])[:4]]
        if words and words[0] in _NOT_A_PERSON:
            continue
        age = int(match["age"])
        sex = _noun_sex(words)
        break
    else:
        noun = _SEX_WITHOUT_AGE.search(summary)
        sex = _SEXES[noun["noun"].lower()] if noun else None
    return Patient(
        age=age,
        sex=sex,
        date_of_injury=header_date_of_injury or _date_of_injury(summary),
    )


def _noun_sex(words: list[str]) -> Sex | None:
    for word in words:
        if word in _SEXES:
            return _SEXES[word]
        if word in _NOT_A_SEX:
            return None
    return None


def _date_of_injury(summary: str) -> date | None:
    for pattern in _INJURY_DATES:
        for match in pattern.finditer(summary):
            found = to_date(match)
            if found is not None:
                return found
    return None
