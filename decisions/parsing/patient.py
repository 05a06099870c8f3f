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
    r"y(?<![a-z]y)(?:(?P<old>(?:ears?|rs?\.?)(?:-| +)old\b|/o\b|\.o\.|o\b)|ears? of age\b)"
    r"(?P<after>[^.,;:()]{0,60})"
)
_AGE_NUMBER = re.compile(r"(?<![\d.])(?P<age>\d{1,3})(?:-| +|)$")
_AGE_WINDOW = 8
# An age in words ("a forty-two year old"), read from a longer window.
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9}  # fmt: skip
_TEENS = {"eighteen": 18, "nineteen": 19}
_AGE_WORDS = re.compile(
    rf"(?<![a-z-])(?:(?P<tens>{'|'.join(_TENS)})(?:[- ](?P<units>{'|'.join(_UNITS)}))?"
    rf"|(?P<teens>{'|'.join(_TEENS)}))[- ]$"
)
_AGE_WORDS_WINDOW = 16
_AGED = re.compile(r"age(?<![a-z]age)(?:d|:| of| is)? ?(?P<age>\d{1,3})\b(?![/.-]\d)")
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
# "a 10 year old injury", "her 70 year old husband": an age phrase about something or someone
# other than the patient.
_NOT_A_PERSON = frozenset(
    [
        "wife",
        "husband",
        "spouse",
        "son",
        "daughter",
        "child",
        "mother",
        "father",
        "brother",
        "sister",
        "grandson",
        "granddaughter",
        "boyfriend",
        "girlfriend",
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
# A labelled sex: "Sex: Male", "Gender: F", its value ending a phrase or before the next label.
# (One pattern per label, each led by a literal, which the regex engine finds fast.)
_SEX_LABELS = tuple(
    re.compile(
        rf"{label}[ ]*:[ ]*(?P<noun>male|female|man|woman|m|f)"
        r"(?=[ ]*(?:[.,;)]|$|[ ][a-z ]{1,20}:))"
    )
    for label in (r"sex(?<![a-z]sex)", r"gender(?<![a-z]gender)")
)
_SEX_LETTERS: dict[str, Sex] = {"m": "male", "f": "female"}
# A sex written as one letter right after the age phrase ("45 year old F", "45 y/o M."), not a
# letter opening a word or an abbreviation ("f/u", "M.D.").
_SEX_LETTER_AFTER = re.compile(r"[ ]+(?P<letter>[mf])(?![\w/&'-]|\.\w)")
# A sex word standing alone in the sentence of the age phrase (not "female-owned").
_SEX_WORD = re.compile(r"(?<![a-z-])(?:man|male|gentleman|woman|female|lady)(?![a-z-])")
_SENTENCE_WINDOW = 200
# A pronoun opening the sentence of the age phrase.
_PRONOUN_SUBJECT = re.compile(r"(?:he|she)\b")
# Most explicit first: each pattern ties the date to the injury more loosely than the last.
_INJURY_DATES = tuple(
    re.compile(pattern)
    for pattern in (
        rf"date(?<![a-z]date) of (?:the )?injur(?:y|ies)\b(?:\s*\(doi\))?"
        rf"(?:\s+(?:of|on|was|is))?\s*:?\s*(?:\(doi\)\s*:?\s*)?{DATE}",
        rf"d(?<![a-z]d)(?:oi|\.o\.i\.?)(?![a-z])\s*(?:of|on|was|is)?\s*:?\s*{DATE}",
        rf"injur(?:y|ies|ed)\s+(?:of|on|dated|date(?:\s+of)?\s*:?)\s+{DATE}",
        # "was injured at work on ...", "who injured her back ... on ...", but not "the
        # injured worker had an MRI on ...", and not a date another clause ties to something
        # else ("... and was seen on ...").
        rf"injur(?:y|ies|ed(?:(?<=was injured)|(?<=were injured)|(?<=been injured)"
        r"|(?= (?:his|her|their)\b)))\b"
        rf"(?:(?! (?:and|but|then) )[^.;]){{0,150}}?\bon\s+{DATE}",
    )
)
# The phrases that introduce a date of injury ("date of injury: ...", "injury of ...",
# "injured on ...", "DOI ..."), and the few words after them: a date the parser cannot read
# there is warned. (Each pattern led by a literal, which the regex engine finds fast.)
_INJURY_VALUE = (
    r"(?: ?\(doi\))?(?: (?:of|on|was|is|dated|date(?: of)?))? ?:? ?"
    r"(?P<value>(?:[^.;]|\.(?=\d)){0,25})"
)
_INJURY_PHRASES = (
    re.compile(
        r"injur(?:y|ies|ed)\b(?:(?<=date of injury)|(?<=date of injuries)|(?<=date of the injury)"
        r"|(?= (?:of|on|dated?)\b))" + _INJURY_VALUE
    ),
    re.compile(rf"d(?<![a-z]d)(?:oi|\.o\.i\.?)(?![a-z]){_INJURY_VALUE}"),
)
_DATE_LIKE = re.compile(DATE_LIKE)
# The rest of a sentence about the injury (not "the injured worker"), or about how it
# happened ("hurt", "fell", "accident", "cumulative trauma"): a date in it that gave no date of
# injury is warned too. The sentence runs on past a full stop before a number ("Apr. 16,
# 2004"). Where a verb tells of the injury ("On 9/3/2013 he was injured at work"), a date
# earlier in its sentence is warned as well.
# (Each pattern led by a literal; "injur..." first.)
_SENTENCE_REST = r"(?P<value>(?:[^.;]|\.(?= ?\d)){0,150})"
_INJURY_SENTENCES = (
    re.compile(
        r"injur(?:y|ies|(?P<injured>ed))\b(?! (?:worker|employee|party)s?\b)" + _SENTENCE_REST
    ),
    *(
        re.compile(rf"{word}(?<![a-z]{word})\b(?P<{group}>){_SENTENCE_REST}")
        for word, group in (
            ("hurt", "injured"),
            ("fell", "injured"),
            ("trauma", "noun"),
            ("accident", "noun"),
        )
    ),
)
_SENTENCE_BEFORE = 150
# A second date right after a date of injury ("dates of injury of 5/5/2010 and 6/6/2011",
# "injuries on 5/5/2010 and on 6/6/2011", "... of 1/1/2009 to 5/5/2010"): several dates of
# injury, none of which is the one date the field holds.
_ANOTHER_DATE = re.compile(r"[ ]?(?:,|;|&|-|and\b|to\b|through\b)[ ]?(?:(?:and|on|of)[ ])?" + DATE)
_A_DATE = re.compile(DATE)


def parse_patient(
    summary: str, header_date_of_injury: date | None
) -> tuple[Patient, list[ParseWarning]]:
    """The patient from the case summary (one line of text) and the header's date of injury,
    and the warnings on phrases that gave no value."""
    text = lowered(summary)
    warnings: list[ParseWarning] = []
    age, sex, phrase, by_noun = _age_and_sex(summary, text, warnings)
    if sex is None and not by_noun:
        noun = _SEX_WITHOUT_AGE.search(text) or _sex_label(text)
        sex = (_SEXES.get(noun["noun"]) or _SEX_LETTERS[noun["noun"]]) if noun else None
    if sex is None and phrase is not None:
        stated = _sex_word_near(text, phrase)
        if stated is not None:
            warnings.append(
                warning(
                    "sex-unread",
                    "patient.sex",
                    "the patient's description names a sex the parser did not tie to them",
                    summary[stated[0] : stated[1]],
                )
            )
    injury = header_date_of_injury or _date_of_injury(summary, text, warnings)
    return Patient(age=age, sex=sex, date_of_injury=injury), warnings


def _age_and_sex(
    summary: str, text: str, warnings: list[ParseWarning]
) -> tuple[int | None, Sex | None, int | None, bool]:
    """Age and sex from the first age phrase about a person (or the first without a number,
    whose age is unread and warned), where that phrase is, and whether the noun after it
    decided the sex ("42 year old individual": none) rather than leaving it to the other
    phrases ("aged 42", "42 years of age", no age phrase)."""
    unread: re.Match[str] | None = None
    for match in _AGE.finditer(text):
        words = _WORD.findall(match["after"])[:4]
        if words and words[0] in _NOT_A_PERSON:
            continue
        age = _age_before(text, match.start())
        if age is None:
            unread = unread or match
            continue
        if not match["old"]:
            # "42 years of age": the description, if any, came before it.
            return age, None, match.start(), False
        letter = (
            _SEX_LETTER_AFTER.match(text, match.start("after"))
            if words[:1] in (["m"], ["f"])
            else None
        )
        if letter:
            return age, _SEX_LETTERS[letter["letter"]], match.start(), True
        # "a male, 42 years old": no words after the phrase, so the sex is left to the others.
        return age, _noun_sex(words), match.start(), bool(words)
    aged = _AGED.search(text)
    if aged:
        return int(aged["age"]), None, aged.start(), False
    if unread is None:
        return None, None, None, False
    warnings.append(
        warning(
            "age-unread",
            "patient.age",
            "a phrase that reads as the patient's age, with no number the parser can read",
            summary[max(0, unread.start() - 30) : unread.end()],
        )
    )
    # "a forty-two year old man": the age is unread, the noun after it still names the sex.
    return None, _noun_sex(_WORD.findall(unread["after"])[:4]), unread.start(), True


def _age_before(text: str, at: int) -> int | None:
    """The age written right before an age phrase at `at`, in digits or in words."""
    number = _AGE_NUMBER.search(text, max(0, at - _AGE_WINDOW), at)
    if number:
        return int(number["age"])
    words = _AGE_WORDS.search(text, max(0, at - _AGE_WORDS_WINDOW), at)
    if words is None:
        return None
    if words["teens"]:
        return _TEENS[words["teens"]]
    return _TENS[words["tens"]] + (_UNITS[words["units"]] if words["units"] else 0)


def _sex_word_near(text: str, at: int) -> tuple[int, int] | None:
    """The span of the sentence around position `at` up to a sex word standing alone in it
    ("a 42 year old, right-handed male") or the pronoun opening it ("He is 42 years old"), if
    it holds one; None otherwise."""
    start = text.rfind(". ", max(0, at - _SENTENCE_WINDOW), at)
    start = max(0, at - _SENTENCE_WINDOW) if start < 0 else start + 2
    end = text.find(". ", at, at + _SENTENCE_WINDOW)
    stated = _SEX_WORD.search(text, start, at + _SENTENCE_WINDOW if end < 0 else end)
    if stated is None:
        # "He is 42 years old": a pronoun, never read, but the sentence does name a sex.
        stated = _PRONOUN_SUBJECT.match(text, start, at)
    return None if stated is None else (start, stated.end())


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
            another = _ANOTHER_DATE.match(text, match.end()) if found is not None else None
            if another is not None:
                warnings.append(
                    warning(
                        "date-unread",
                        "patient.date_of_injury",
                        "several dates of injury: none is read as the date of injury",
                        summary[match.start() : another.end()],
                    )
                )
                return None
            if found is not None:
                return found
    for pattern in _INJURY_PHRASES:
        for phrase in pattern.finditer(text):
            if _DATE_LIKE.search(phrase["value"]):
                warnings.append(
                    warning(
                        "date-unread",
                        "patient.date_of_injury",
                        "a date of injury the parser cannot read as a calendar date",
                        summary[phrase.start() : phrase.end()],
                    )
                )
                return None
    for sentence in (found for pattern in _INJURY_SENTENCES for found in pattern.finditer(text)):
        dated = _A_DATE.search(text, sentence.start("value"), sentence.end("value"))
        quote = (sentence.start(), dated.end()) if dated else (0, 0)
        if dated is None and sentence.groupdict().get("injured") is not None:
            start = _sentence_start(text, sentence.start())
            dated = _A_DATE.search(text, start, sentence.start())
            quote = (dated.start(), sentence.start("value")) if dated else quote
        if dated:
            warnings.append(
                warning(
                    "date-unread",
                    "patient.date_of_injury",
                    "a date in a sentence about the injury, not read as the date of injury",
                    summary[quote[0] : quote[1]],
                )
            )
            return None
    return None


def _sex_label(text: str) -> re.Match[str] | None:
    """The first labelled sex ("Sex: Male") in the text, if any."""
    found = [match for pattern in _SEX_LABELS if (match := pattern.search(text))]
    return min(found, key=lambda match: match.start()) if found else None


def _sentence_start(text: str, at: int) -> int:
    """Where the sentence holding position `at` starts, looking back at most a few lines."""
    window = max(0, at - _SENTENCE_BEFORE)
    start = max(text.rfind("; ", window, at) + 2, window)
    stop = text.rfind(". ", start, at)
    while stop >= 0 and text[stop + 2 : stop + 3].isdecimal():  # "Sept. 5, 2010"
        stop = text.rfind(". ", start, stop)
    return start if stop < 0 else stop + 2
