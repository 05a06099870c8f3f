"""Damaged letters: the parser returns a letter or raises ParseError, never anything else.

A seeded generator (reproducible, no extra dependency) takes real and generated letters and
damages them a few times each: cuts, copies and moves of spans and lines, blank lines and
paragraph marks added or removed, and insertions of the phrases the parser looks for, of
numbers of absurd length and of characters that change under Unicode rules. A failure names
the mutant's number, so it can be rebuilt with `mutant(number)`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from decisions.parsing import ParseError, letter_to_dict, parse_letter
from tests.helpers import SEED_NAMES, seed_text
from tests.parsing.letters import NOTICE
from tests.parsing.synthetic import generate_letter

MUTANTS = 4000
SEED = 20240611

PHRASES = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "CLINICAL CASE SUMMARY",
    "DOCUMENTS REVIEWED",
    "IMR ISSUES, DECISIONS AND RATIONALES",
    "IMR DECISION(S) AND RATIONALE(S)",
    "Notice of Independent Medical Review Determination",
    "Case Summary:",
    "Medical Qualifications of the Expert Reviewer:",
    "Expert Reviewer's Decision and Rationale:",
    "Claims Administrator guideline:",
    "MAXIMUS guideline:",
    "Decision rationale:",
    ": Upheld",
    ": Overturned",
    "Upheld",
    ": Partially Overturned",
    "Decision based on ",
    "MTUS ",
    "Non-MTUS Citation ",
    "Official Disability Guidelines (ODG), Neck Chapter, ",
    "Page(s): ",
    "pages ",
    " of ",
    "-",
    "ACOEM Chapter ",
    "American College of Occupational and Environmental Medicine (ACOEM)",
    "Chronic Pain Treatment Guidelines",
    ", which is not part of MTUS.",
    "The Expert Reviewer based his/her decision on the ",
    "1) MAXIMUS Federal Services, Inc. has determined the request for ",
    " is not medically necessary and appropriate.",
    " is medically necessary.",
    "2) Regarding the request for ",
    "Rationale for the Decision:",
    "Case Number: ",
    "Date Assigned: ",
    "Dated: ",
    "Decision Date: 13/45/2013",
    "Date of Injury: ",
    "date of injury of ",
    "injured on ",
    "was injured at work on ",
    " 42 year old man ",
    "is a woman",
    "Board Certified in ",
    "has a subspecialty in ",
    "is licensed to practice in ",
    "State(s) of Licensure: ",
    "Certification(s)/Specialty: ",
    "Certification(s)/Specialty: Internal Medicine, Cardiovascular Disease\n",
    "is Licensed in Chiropractic and ",
    "is a Licensed ",
    " aged ",
    " y/o ",
    " years of age",
    "DOI: ",
    "2008-07-28",
    "28th of July, 2008",
    ": UPHELD",
    ": Over-turned",
    " - Upheld",
    "Decision was based upon ",
    ". Decision based on Non-MTUS Citation ",
    ", Official Disability Guidelines (ODG) ",
    "pg. ",
    "Pages: ",
    "The Claims Administrator did not cite any medical evidence for its decision. ",
    ", which is part of MTUS.",
    "notmedically",
    ".The ",
    "Disclaimer: The following case summary was taken directly from the utilization review ",
    "\n",
    "\n\n",
    " \n",
    "\n \n\n",
    "\r\n",
    "\f",
    ":",
    ".",
    ",",
    "(",
    ")",
    "/",
    "#",
    " ",
    "  ",
    "\u0130",
    "\ufb03",
    "\u00ad",
    "\u200b",
    "\u2019",
    "\u201c",
    "\u2014",
    "\u00a0",
    "\x00",
    "\ud800",
    "\u0663\u0664",
    "\u00b2",
    "\u0301",
    "\u202e",
    "\u2028",
    "\x85",
    "\x1c",
)


_DIGIT_RUN = re.compile(r"\d+")


def _numbers(rng: random.Random) -> str:
    return rng.choice(("0", "46", "4-5", "176-177", "177-76", "9" * rng.choice((6, 40, 4400))))


def _span(rng: random.Random, text: str) -> tuple[int, int]:
    start = rng.randrange(len(text) + 1)
    return start, min(len(text), start + int(rng.expovariate(1 / 80)))


def _delete(rng: random.Random, text: str) -> str:
    start, end = _span(rng, text)
    return text[:start] + text[end:]


def _copy(rng: random.Random, text: str) -> str:
    start, end = _span(rng, text)
    at = rng.randrange(len(text) + 1)
    return text[:at] + text[start:end] * rng.choice((1, 1, 2, 50)) + text[at:]


def _insert(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text) + 1)
    inserted = _numbers(rng) if rng.random() < 0.2 else rng.choice(PHRASES)
    return text[:at] + inserted + text[at:]


def _lines(rng: random.Random, text: str) -> str:
    """Drop, repeat, swap or blank a line, or change what separates lines."""
    lines = text.split("\n")
    n, m = rng.randrange(len(lines)), rng.randrange(len(lines))
    choice = rng.randrange(5)
    if choice == 0:
        del lines[n]
    elif choice == 1:
        lines.insert(m, lines[n])
    elif choice == 2:
        lines[n], lines[m] = lines[m], lines[n]
    elif choice == 3:
        lines[n] = rng.choice(("", " ", "\t", "\f"))
    else:
        separator = rng.choice(("\n", "\n\n", "\r\n", " \n"))
        return separator.join(line for line in lines if line.strip())
    return "\n".join(lines)


def _digits(rng: random.Random, text: str) -> str:
    """A number of the letter (a page, a date's part, an item's number) made another."""
    runs = list(_DIGIT_RUN.finditer(text))
    if not runs:
        return text
    run = rng.choice(runs)
    return text[: run.start()] + _numbers(rng) + text[run.end() :]


def _case(rng: random.Random, text: str) -> str:
    start, end = _span(rng, text)
    changed = text[start:end].upper() if rng.random() < 0.5 else text[start:end].lower()
    return text[:start] + changed + text[end:]


def _truncate(rng: random.Random, text: str) -> str:
    return text[: rng.randrange(len(text) + 1)]


OPERATIONS: tuple[Callable[[random.Random, str], str], ...] = (
    _delete,
    _delete,
    _copy,
    _insert,
    _insert,
    _insert,
    _lines,
    _lines,
    _digits,
    _digits,
    _case,
    _truncate,
)


def _sources() -> list[str]:
    generated = [generate_letter(5, index)[0] for index in range(40)]
    return [*map(seed_text, SEED_NAMES), "\n\n".join(NOTICE) + "\n", *generated]


def mutant(number: int, sources: list[str] | None = None) -> str:
    rng = random.Random(SEED * 100_003 + number)
    text = rng.choice(sources or _sources())
    for _ in range(rng.randint(1, 6)):
        text = rng.choice(OPERATIONS)(rng, text)
    return text


def test_damaged_letters_raise_only_parse_errors():
    sources = _sources()
    unexpected = []
    parsed = failed = 0
    for number in range(MUTANTS):
        text = mutant(number, sources)
        try:
            letter_to_dict(parse_letter(text))
            parsed += 1
        except ParseError:
            failed += 1
        except Exception as error:
            unexpected.append((number, repr(error)[:200]))
    assert unexpected == []
    # Damage that never broke a letter, or broke every one, would test little.
    assert parsed > MUTANTS // 10 and failed > MUTANTS // 10
