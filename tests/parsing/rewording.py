"""Plausible rewordings of a correct letter, and what of its parse must survive them.

Letters the project has never seen word things a little differently: a heading in title case,
"Pages:" for "Page(s):", "42-year-old" for "42 year old", a date written out, "UPHELD", "Decision
was based on", a sentence run into the next by extraction. Each rewording here changes one such
thing, everywhere it occurs in a letter, the way another template or another extraction would;
a reader takes each in stride. The property the tests hold the parser to: the checked fields
of a reworded letter are those of the original, or a warning names each field that differs,
or the letter is refused, rarely. Never a silent difference.

The checked fields are the issue's: specialty, subspecialty, states of licensure, age, sex,
date of injury, the number of items, each item's treatment and outcome, and both parties'
citation families and pages. A specialty compares by its canonical name when it has one (a
rewording may respell it: "&" for "and").
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from decisions.parsing import Letter

# fmt: off
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
# fmt: on


@dataclass(frozen=True)
class Rewording:
    name: str
    apply: Callable[[str, random.Random], str | None]  # None: nothing in the letter to reword


def _words(phrase: str) -> str:
    """A phrase as a pattern whose words may stand on different lines (double spacing)."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def _replace(phrases: dict[str, list[str]]) -> Callable[[str, random.Random], str | None]:
    """Replace one of the phrases (a key) the letter holds by one of its rewordings (chosen
    once per letter), wherever it occurs."""

    def apply(text: str, rng: random.Random) -> str | None:
        found = [phrase for phrase in phrases if re.search(_words(phrase), text)]
        if not found:
            return None
        phrase = rng.choice(found)
        new = rng.choice(phrases[phrase])
        return re.sub(_words(phrase), lambda _: new, text)

    return apply


def _sub(
    pattern: str, choices: list[Callable[[re.Match[str]], str]]
) -> Callable[[str, random.Random], str | None]:
    """Rewrite each match of `pattern` with one of `choices`, chosen once per letter."""
    compiled = re.compile(pattern)

    def apply(text: str, rng: random.Random) -> str | None:
        if not compiled.search(text):
            return None
        choice = rng.choice(choices)
        return compiled.sub(choice, text)

    return apply


_MONTH_NUMBERS = {month.lower(): number for number, month in enumerate(MONTHS, start=1)}


def _date(match: re.Match[str]) -> date | None:
    """The date an injury phrase states; None when its numbers are no calendar date (then
    the rewording leaves it as written)."""
    if match["month"]:
        year, month, day = (
            int(match["year"]),
            _MONTH_NUMBERS[match["month"].lower()],
            int(match["day"]),
        )
    else:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        year += 2000 if year < 30 else (1900 if year < 100 else 0)
    try:
        return date(year, month, day)
    except ValueError:  # 13/45/2010: no date to write otherwise
        return None


_DATE_FORMS: list[Callable[[date], str]] = [
    lambda d: f"{d.month}/{d.day}/{d.year}",
    lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    lambda d: f"{d.month:02d}-{d.day:02d}-{d.year}",
    lambda d: f"{d.month:02d}.{d.day:02d}.{d.year}",
    lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}",
    lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{MONTHS[d.month - 1]} {d.day} {d.year}",
    lambda d: f"{MONTHS[d.month - 1][:3]}. {d.day}, {d.year}",
    lambda d: f"{MONTHS[d.month - 1]} {d.day}{_ordinal(d.day)}, {d.year}",
    lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
]


# fmt: off
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
# fmt: on


def _in_words(number: int) -> str:
    """20-99 in words ("forty-two"); a younger age stays in digits (patients are adults)."""
    tens, units = divmod(number, 10)
    if tens < 2:
        return str(number)
    return _TENS[tens] + (f"-{_UNITS[units]}" if units else "")


def _ordinal(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


_INJURY_DATE = re.compile(
    r"(?P<lead>(?:date\s+of\s+injury(?:\s+(?:of|on|was|is))?\s*:?|injury\s+(?:of|on)|DOI:?|injured"
    r"\s+on)\s+)(?:(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})(?!\d)"
    r"|(?P<month>" + "|".join(MONTHS) + r")\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4}))",
    re.IGNORECASE,
)


def _injury_dates(text: str, rng: random.Random) -> str | None:
    if not _INJURY_DATE.search(text):
        return None
    form = rng.choice(_DATE_FORMS)

    def rewrite(match: re.Match[str]) -> str:
        found = _date(match)
        return match.group() if found is None else match["lead"] + form(found)

    return _INJURY_DATE.sub(rewrite, text)


def _run_together_sentences(text: str, rng: random.Random) -> str | None:
    """Extraction damage: some sentences of the case summary lose the space after their stop."""
    start = re.search(r"CLINICAL\s+CASE\s+SUMMARY|Case\s+Summary:", text)
    end = re.search(r"IMR\s+ISSUES|IMR\s+DECISION|Expert\s+Reviewer's\s+Decision", text)
    if not start or not end or end.start() < start.end():
        return None
    summary = text[start.end() : end.start()]
    joined = re.sub(
        r"(?<=[a-z0-9])\. (?=[A-Z][a-z])",
        lambda m: "." if rng.random() < 0.5 else m.group(),
        summary,
    )
    return None if joined == summary else text[: start.end()] + joined + text[end.start() :]


REWORDINGS: tuple[Rewording, ...] = (
    Rewording(
        "section headings",
        _replace(
            {
                "HOW THE IMR FINAL DETERMINATION WAS MADE": [
                    "How the IMR Final Determination Was Made",
                    "HOW THE FINAL DETERMINATION WAS MADE",
                    "HOW THE IMR FINAL DETERMINATION WAS MADE:",
                    "HOW THIS DETERMINATION WAS MADE",
                ],
                "CLINICAL CASE SUMMARY": [
                    "Clinical Case Summary",
                    "CASE SUMMARY",
                    "CLINICAL CASE SUMMARY:",
                    "CLINICAL SUMMARY",
                ],
                "IMR ISSUES, DECISIONS AND RATIONALES": [
                    "IMR ISSUES, DECISIONS, AND RATIONALES",
                    "IMR Issues, Decisions and Rationales",
                    "IMR ISSUES, DECISIONS & RATIONALES",
                    "IMR ISSUE(S), DECISION(S) AND RATIONALE(S)",
                    "IMR ISSUES AND DECISIONS",
                    "ISSUES, DECISIONS AND RATIONALES",
                ],
                "DOCUMENTS REVIEWED": ["Documents Reviewed", "DOCUMENTS REVIEWED:"],
            }
        ),
    ),
    Rewording(
        "item labels",
        _replace(
            {
                "Claims Administrator guideline:": [
                    "Claims Administrator Guideline:",
                    "CLAIMS ADMINISTRATOR GUIDELINE:",
                    "Claims Administrator guidelines:",
                    "Claims Administrator's guideline:",
                    "Claims Administrator Guideline(s) Used:",
                ],
                "MAXIMUS guideline:": [
                    "Maximus Guideline:",
                    "MAXIMUS GUIDELINE:",
                    "MAXIMUS guidelines:",
                    "MAXIMUS Federal Services guideline:",
                    "IMR guideline:",
                    "Expert Reviewer guideline:",
                ],
                "Decision rationale:": [
                    "Decision Rationale:",
                    "DECISION RATIONALE:",
                    "Decision rationale :",
                    "Rationale:",
                    "Rationale for the Decision:",
                ],
            }
        ),
    ),
    Rewording(
        "outcome words",
        _sub(
            r"(?<=:)(\s*)(Upheld|Overturned)(?=\s*\n)",
            [
                lambda m: m[1] + m[2].upper(),
                lambda m: m[1] + m[2].lower(),
                lambda m: m[1] + m[2] + ".",
                lambda m: m[2],
                lambda m: m[1] + "  " + m[2],
            ],
        ),
    ),
    Rewording(
        "page references",
        _sub(
            r"Page\(s\):(\s*)(?=\d)",
            [
                lambda m: "Pages:" + m[1],
                lambda m: "Pages" + m[1],
                lambda m: "Page" + m[1],
                lambda m: "pg." + m[1],
                lambda m: "p." + m[1],
                lambda m: "pp." + m[1],
                lambda m: "Page(s)" + m[1],
                lambda m: "page(s):" + m[1],
            ],
        ),
    ),
    Rewording(
        "basis introductions",
        _replace(
            {
                "Decision based on": [
                    "Decision was based on",
                    "Decision based upon",
                    "Decision Based On",
                    "DECISION BASED ON",
                ]
            }
        ),
    ),
    Rewording(
        "non-MTUS marks",
        _replace(
            {
                "Non-MTUS Citation": [
                    "Non-MTUS citation:",
                    "Non-MTUS:",
                    "Non-MTUS",
                    "NON-MTUS CITATION",
                    "Non MTUS Citation",
                    "Non-MTUS Reference:",
                ],
                "Official Disability Guidelines (ODG)": [
                    "ODG",
                    "Official Disability Guidelines",
                    "ODG (Official Disability Guidelines)",
                ],
            }
        ),
    ),
    Rewording(
        "ages",
        _sub(
            r"\b(\d{1,2})(?:-| )year(?:-| )old\b",
            [
                lambda m: f"{m[1]}-year-old",
                lambda m: f"{m[1]} years old",
                lambda m: f"{m[1]} yr old",
                lambda m: f"{m[1]}-yr-old",
                lambda m: f"{m[1]} y/o",
                lambda m: f"{m[1]} yo",
                lambda m: f"{m[1]} year-old",
            ],
        ),
    ),
    Rewording("dates of injury", _injury_dates),
    Rewording(
        "specialty spellings",
        _replace(
            {
                "Physical Medicine & Rehabilitation": ["Physical Medicine and Rehabilitation"],
                "Physical Medicine and Rehabilitation": [
                    "Physical Medicine & Rehabilitation",
                    "PHYSICAL MEDICINE AND REHABILITATION",
                ],
                "Orthopedic Surgery": ["Orthopaedic Surgery", "orthopedic surgery"],
                "Orthopaedic Surgery": ["Orthopedic Surgery"],
                "Pain Management": ["Pain Medicine"],
                "Pain Medicine": ["Pain Management"],
                "Family Practice": ["Family Medicine"],
                "Occupational Medicine": ["Occupational & Environmental Medicine"],
            }
        ),
    ),
    Rewording(
        "credential sentences",
        _replace(
            {
                "Board Certified in": [
                    "board-certified in",
                    "Board-Certified in",
                    "board certified in",
                ],
                "has a subspecialty in": [
                    "with a subspecialty in",
                    "has a sub-specialty in",
                    "and has a subspecialty in",
                ],
                "is licensed to practice in": [
                    "is licensed to practice in the State of",
                    "is also licensed to practice in",
                    "holds a license to practice in",
                ],
                "is Board Certified in": ["is certified by the American Board of"],
            }
        ),
    ),
    Rewording(
        "credential labels",
        _replace(
            {
                "Certification(s)/Specialty:": [
                    "Certifications/Specialty:",
                    "Certification/Specialty:",
                    "Specialty:",
                    "Certification(s)/Specialty(ies):",
                ],
                "State(s) of Licensure:": [
                    "State of Licensure:",
                    "States of Licensure:",
                    "Licensure:",
                ],
            }
        ),
    ),
    Rewording(
        "header labels",
        _replace(
            {
                "Date of Injury:": ["DOI:", "Injury Date:", "DATE OF INJURY:"],
                "Decision Date:": ["Date of Decision:", "DECISION DATE:"],
                "UR Denial Date:": ["Date of UR Denial:"],
                "Date Assigned:": ["Assigned Date:"],
            }
        ),
    ),
    Rewording(
        "item headings",
        _sub(
            r"(?<=\S):(\s*)(Upheld|Overturned)(?=\s*\n)",
            [
                lambda m: f" - {m[2]}",
                lambda m: f" {m[2]}",
                lambda m: f": Decision {m[2]}",
                lambda m: f" : {m[2]}",
                lambda m: f":{m[1]}{m[2]};",
            ],
        ),
    ),
    Rewording(
        "items introductions",
        _replace(
            {
                "The Final Determination was based on decisions for the disputed items/services set"
                " forth below:": [
                    "The Final Determination was based on decisions for the disputed items set"
                    " forth below:",
                    "The Final Determination was based on the decisions below:",
                    "",
                ]
            }
        ),
    ),
    Rewording(
        "MTUS marks",
        _sub(
            r"(?<=based on )MTUS\b",
            [
                lambda m: "CA MTUS",
                lambda m: "California MTUS",
                lambda m: "the MTUS",
                lambda m: "MTUS (2009)",
                lambda m: "CA MTUS (Effective July 18, 2009)",
                lambda m: "MTUS:",
            ],
        ),
    ),
    Rewording(
        "guideline names",
        _replace(
            {
                "Chronic Pain Treatment Guidelines": [
                    "Chronic Pain Medical Treatment Guidelines",
                    "Chronic Pain Guidelines",
                    "Chronic Pain Medical Treatment Guidelines (2009)",
                ],
                "ACOEM Chapter": ["ACOEM Practice Guidelines, Chapter", "ACOEM, Chapter"],
            }
        ),
    ),
    Rewording(
        "page lists",
        _sub(
            r"(?P<mark>Page\(s\):\s*\d+)(?:(?P<range>-)|, (?P<list>\d))",
            [
                lambda m: m["mark"] + (" - " if m["range"] else f" and {m['list']}"),
                lambda m: m["mark"] + (" to " if m["range"] else f" & {m['list']}"),
                lambda m: m["mark"] + ("\u2013" if m["range"] else f",{m['list']}"),
            ],
        ),
    ),
    Rewording(
        "age and sex phrases",
        _sub(
            r"\b(?P<age>\d{1,2})(?:-| )year(?:-| )old (?P<sex>male|female|man|woman)\b",
            [
                lambda m: f"{m['sex']}, aged {m['age']}",
                lambda m: f"{m['sex']}, age {m['age']}",
                lambda m: f"{m['age']} years of age {m['sex']}",
                lambda m: (
                    f"{m['age']}-year-old {'gentleman' if m['sex'] in ('male', 'man') else 'lady'}"
                ),
            ],
        ),
    ),
    Rewording(
        "case numbers",
        _replace({"Case Number:": ["Case No.:", "Case #:", "CASE NUMBER:", "IMR Case Number:"]}),
    ),
    Rewording(
        "2013 headings",
        _replace(
            {
                "Medical Qualifications of the Expert Reviewer:": [
                    "MEDICAL QUALIFICATIONS OF THE EXPERT REVIEWER:",
                    "Medical Qualifications of the Expert Reviewer",
                ],
                "Expert Reviewer's Decision and Rationale:": [
                    "Expert Reviewer Decision and Rationale:",
                    "EXPERT REVIEWER'S DECISION AND RATIONALE:",
                ],
                "Rationale for the Decision:": [
                    "Rationale for Decision:",
                    "RATIONALE FOR THE DECISION:",
                ],
                "Regarding the request for": [
                    "Regarding the Request for",
                    "regarding the request for",
                ],
            }
        ),
    ),
    Rewording(
        "2013 numbering",
        _sub(
            r"(?m)^(\d)\)(?= (?:MAXIMUS|Regarding))",
            [lambda m: f"{m[1]}.", lambda m: f"({m[1]})"],
        ),
    ),
    Rewording(
        "injury phrases",
        _replace(
            {
                "date of injury of": [
                    "date of injury (DOI) of",
                    "date of injury was",
                    "DOI of",
                    "date of injury listed as",
                ],
                "industrial injury on": ["industrial injury sustained on", "injury at work on"],
                "injury of": ["injury dated", "injury date of"],
            }
        ),
    ),
    Rewording(
        "ages in words",
        _sub(
            r"\b(\d{1,2})(?=(?:-| )year(?:-| )old\b)",
            [lambda m: _in_words(int(m[1]))],
        ),
    ),
    Rewording("run-together sentences", _run_together_sentences),
    Rewording(
        "2013 verdicts",
        _replace(
            {
                "is not medically necessary": [
                    "is notmedically necessary",
                    "is not medically  necessary",
                ],
                "has determined the request for": [
                    "has determined that the request for",
                    "determined that the request for",
                ],
                "necessary and appropriate.": ["necessary.", "necessary or appropriate."],
            }
        ),
    ),
)

_INDEX = re.compile(r"^items\[(\d+)\]")


def checked(letter: Letter) -> dict[str, Any]:
    """The checked fields of a parse, by the field names warnings use."""
    reviewer, patient = letter.reviewer, letter.patient
    fields: dict[str, Any] = {
        "reviewer.specialty": reviewer.specialty_canonical or _plain(reviewer.specialty),
        "reviewer.subspecialty": reviewer.subspecialty_canonical or _plain(reviewer.subspecialty),
        "reviewer.licensed_in": reviewer.licensed_in,
        "patient.age": patient.age,
        "patient.sex": patient.sex,
        "patient.date_of_injury": patient.date_of_injury,
        "items": len(letter.items),
    }
    for number, item in enumerate(letter.items):
        fields[f"items[{number}].treatment"] = " ".join(item.treatment.split())
        fields[f"items[{number}].outcome"] = item.outcome
        for party in ("claims_administrator_basis", "reviewer_basis"):
            basis = getattr(item, party)
            fields[f"items[{number}].{party}"] = (
                None if basis is None else tuple((c.guideline, c.pages) for c in basis.citations)
            )
    return fields


def _plain(value: str | None) -> str | None:
    return None if value is None else " ".join(value.lower().replace("&", "and").split())


def warned_fields(letter: Letter) -> list[str]:
    return [w.field for w in letter.warnings] + [
        w.field for item in letter.items for w in item.warnings
    ]


def silent_differences(original: Letter, reworded: Letter) -> list[str]:
    """The checked fields that differ with no warning naming them (a warning on "reviewer"
    names every reviewer field; one on "items[0].reviewer_basis" that basis)."""
    before, after = checked(original), checked(reworded)
    warned = warned_fields(reworded)
    return [
        field
        for field in sorted(set(before) | set(after))
        if before.get(field) != after.get(field)
        and not any(field == name or field.startswith((f"{name}.", f"{name}[")) for name in warned)
    ]
