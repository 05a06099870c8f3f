"""Age, sex and date of injury, only where the letter states them, and where a phrase looked
like one of them but gave none.

The name is redacted, so the case summary describes the patient in a phrase such as " is a 42
year old man", "a 34 year-old individual", "a 42 y/o male", "a woman aged 42" or "42 years of
age". Age comes only from such a phrase; sex from the noun right after "N year old" ("man",
"female", ...), or, when the phrase has none after it ("aged 42") or there is no age phrase,
from "is a [word] woman"; "individual", "applicant" or "employee" leave it unknown, and
pronouns are never used (they are unreliable in redacted, templated text). The date of injury
is the header's when there is one, else the first full date a case-summary phrase ties to the
injury, by decreasing explicitness; "a 2013 date of injury" names no date and gives None.

A phrase that looked like an age, a sex or a date of injury but gave none is a warning: a
value the letter states is never left out in silence.
"""

from __future__ import annotations

import re
from datetime import date

from .dates import DATE, DATE_LIKE, to_date
from .diagnostics import warning
from .model import ParseWarning, Patient, Sex
from .text import lowered

# An age phrase is found by its words ("year old", "yr-old", "y/o", "years of age"), then the
# number before it is read from a short window: the regex engine finds a word fast, and a
# leading digit class slowly. "aged 42" and "age: 42" carry the number after the word.
_AGE = re.compile(
    r"y(?<![a-z]y)(?:(?P<old>(?:ears?|rs?)(?:-| +)old\b|/o\b|\.o\.|o\b)|ears? of age\b)"
    r"(?P<after>[^.,;:()]{0,60})"
)
_AGE_NUMBER = re.compile(r"(?<![\d.])(?P<age>\d{1,3})(?:-| +|)$")
_AGE_WINDOW = 8
_AGED = re.compile(r"age(?<![a-z]age)(?:d|:| of)? ?(?P<age>\d{1,3})\b(?![/.-]\d)")
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
# fmt: off
_NOT_A_SEX = frozenset([
    "individual", "applicant", "employee", "patient", "person", "worker", "claimant", "injured",
    "who", "with", "that", "whose", "has", "had", "was", "is", "and", "of", "in", "on", "at",
    "from", "status", "presents", "presented", "complains", "complaining", "sustained",
    "reports", "reported",
])
# "a 10 year old injury": an age phrase about something other than the patient.
_NOT_A_PERSON = frozenset([
    "injury", "injuries", "history", "claim", "case", "condition", "fracture", "tear", "surgery",
    "complaint", "complaints", "pain", "problem", "report", "study",
])
# fmt: on
_SEX_WITHOUT_AGE = re.compile(
    r"s(?:(?<=\bis)|(?<=\bwas)) an? (?:[a-z-]+ )?(?P<noun>man|male|gentleman|woman|female|lady)\b"
)
# A sex word standing alone in the sentence of the age phrase (not "female-owned").
_SEX_WORD = re.compile(r"(?<![a-z-])(?:man|male|gentleman|woman|female|lady)(?![a-z-])")
_SENTENCE_WINDOW = 200
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
# The phrases that introduce a date of injury ("date of injury: ...", "injury of ...",
# "injured on ...", "DOI ..."), followed by what they say: a date the parser cannot read is
# warned. (Two patterns, each led by a literal the regex engine finds fast.)
_INJURY_VALUE = r"(?: (?:of|on|was|is))? ?:? ?(?:\(doi\) ?:? ?)?(?P<value>(?:[^.;]|\.(?=\d)){0,30})"
_INJURY_PHRASES = (
    re.compile(rf"injur(?:y|ies|ed)\b{_INJURY_VALUE}"),
    re.compile(rf"doi(?<![a-z]doi)\b{_INJURY_VALUE}"),
)
_DATE_LIKE = re.compile(DATE_LIKE)


def parse_patient(
    summary: str, header_date_of_injury: date | None
) -> tuple[Patient, list[ParseWarning]]:
    """The patient from the case summary (one line of text) and the header's date of injury,
    and the warnings on phrases that gave no value."""
    text = lowered(summary)
    warnings: list[ParseWarning] = []
    age, sex, after = _age_and_sex(summary, text, warnings)
    if sex is None:
        if after is None:
            noun = _SEX_WITHOUT_AGE.search(text)
            sex = _SEXES[noun["noun"]] if noun else None
        else:
            stated = _SEX_WORD.search(text, after, after + _SENTENCE_WINDOW)
            if stated and "." not in text[after : stated.start()]:
                warnings.append(
                    warning(
                        "sex-unread",
                        "patient.sex",
                        "the patient's description names a sex the parser did not tie to them",
                        summary[max(0, after - 40) : stated.end() + 20],
                    )
                )
    injury = header_date_of_injury or _date_of_injury(summary, text, warnings)
    return Patient(age=age, sex=sex, date_of_injury=injury), warnings


def _age_and_sex(
    summary: str, text: str, warnings: list[ParseWarning]
) -> tuple[int | None, Sex | None, int | None]:
    """Age and sex from the first age phrase about a person (or the first without a number,
    whose age is unread and warned), and where a sex noun would have followed it (None when
    no phrase names one after it: "aged 42", or no age phrase)."""
    unread: re.Match[str] | None = None
    for match in _AGE.finditer(text):
        number = _AGE_NUMBER.search(text, max(0, match.start() - _AGE_WINDOW), match.start())
        words = _WORD.findall(match["after"])[:4]
        if words and words[0] in _NOT_A_PERSON:
            continue
        if number is None:
            unread = unread or match
            continue
        if not match["old"]:
            # "42 years of age": the description, if any, came before it.
            return int(number["age"]), None, None
        return int(number["age"]), _noun_sex(words), match.start("after")
    aged = _AGED.search(text)
    if aged:
        return int(aged["age"]), None, None
    if unread is None:
        return None, None, None
    warnings.append(
        warning(
            "age-unread",
            "patient.age",
            "a phrase that reads as the patient's age, with no number the parser can read",
            summary[max(0, unread.start() - 30) : unread.end()],
        )
    )
    # "a forty-two year old man": the age is unread, the noun after it still names the sex.
    return None, _noun_sex(_WORD.findall(unread["after"])[:4]), unread.start("after")


def _noun_sex(words: list[str]) -> Sex | None:
    for word in words:
        if word in _SEXES:
            return _SEXES[word]
        if word in _NOT_A_SEX:
            return None
    return None


def _date_of_injury(summary: str, text: str, warnings: list[ParseWarning]) -> date | None:
    for pattern in _INJURY_DATES:
        for match in pattern.finditer(text):
            found = to_date(match)
            if found is not None:
                return found
    for pattern in _INJURY_PHRASES:
        for phrase in pattern.finditer(text):
            if _DATE_LIKE.match(phrase["value"]):
                warnings.append(
                    warning(
                        "date-unread",
                        "patient.date_of_injury",
                        "a date of injury the parser cannot read as a calendar date",
                        summary[phrase.start() : phrase.end()],
                    )
                )
                return None
    return None
