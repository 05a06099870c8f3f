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
from .text import lowered

# Found by the literal "year", then the number before it is read from a short window: the
# regex engine finds a leading literal fast, and a leading digit class slowly.
_AGE = re.compile(r"years?(?:-| +)old\b(?P<after>[^.,;:()]{0,60})")
_AGE_NUMBER = re.compile(r"(?<![\d.])(?P<age>\d{1,3})(?:-| +)$")
_AGE_WINDOW = 8
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_SEXES: dict[str, Sex] = {
    "man": "male",
    "male": "male",
    "gentleman": "male",
    "woman": "female",
    "female": "female",
    "lady": "female",
}
# Words after "N year old" that end the description of the patient without naming a sex.
_NOT_A_SEX = frozenset(
    [
        "individual",
        "applicant",
        "employee",
        "patient",
        "person",
        "worker",
        "claimant",
        "injured",
        "who",
        "with",
        "that",
        "whose",
        "has",
        "had",
        "was",
        "is",
        "and",
        "of",
        "in",
        "on",
        "at",
        "from",
        "status",
        "presents",
        "presented",
        "complains",
        "complaining",
        "sustained",
        "reports",
        "reported",
    ]
)
# "a 10 year old injury": an age phrase about something other than the patient.
_NOT_A_PERSON = frozenset(
    [
        "injury",
        "injuries",
        "history",
        "claim",
        "case",
        "condition",
        "fracture",
        "tear",
        "surgery",
        "complaint",
        "complaints",
        "pain",
        "problem",
        "report",
        "study",
    ]
)
_SEX_WITHOUT_AGE = re.compile(
    r"s(?:(?<=\bis)|(?<=\bwas)) an? (?:[a-z-]+ )?(?P<noun>man|male|gentleman|woman|female|lady)\b"
)
# Most explicit first: each pattern ties the date to the injury more loosely than the last.
_INJURY_DATES = tuple(
    re.compile(pattern)
    for pattern in (
        rf"date(?<![a-z]date) of injur(?:y|ies)\b(?:\s+(?:of|on|was|is))?\s*:?\s*"
        rf"(?:\(doi\)\s*:?\s*)?{DATE}",
        rf"doi(?<![a-z]doi)\b\s*(?:of|on|was|is)?\s*:?\s*{DATE}",
        rf"injur(?:y|ies|ed)\s+(?:of|on)\s+{DATE}",
        # "was injured at work on ...", but not "the injured worker had an MRI on ...".
        rf"injur(?:y|ies|ed(?:(?<=was injured)|(?<=were injured)|(?<=been injured)))\b"
        rf"[^.;]{{0,150}}?\bon\s+{DATE}",
    )
)


def parse_patient(summary: str, header_date_of_injury: date | None) -> Patient:
    """The patient from the case summary (one line of text) and the header's date of injury."""
    text = lowered(summary)
    age: int | None = None
    sex: Sex | None = None
    for match in _AGE.finditer(text):
        number = _AGE_NUMBER.search(text, max(0, match.start() - _AGE_WINDOW), match.start())
        words = _WORD.findall(match["after"])[:4]
        if number is None or (words and words[0] in _NOT_A_PERSON):
            continue
        age = int(number["age"])
        sex = _noun_sex(words)
        break
    else:
        noun = _SEX_WITHOUT_AGE.search(text)
        sex = _SEXES[noun["noun"]] if noun else None
    return Patient(
        age=age,
        sex=sex,
        date_of_injury=header_date_of_injury or _date_of_injury(text),
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
