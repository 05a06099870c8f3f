"""The case summary and the documents reviewed: the narrative that is not one item's.

The summary states the patient's facts only where its sentences do (an intro may give the
age, the sex, the date of injury, or none of them), and the expected parse says exactly what
it states; the sentences come from data/summaries.toml in section order, padded to a drawn
length with the extra notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .sampling import weighted
from .slots import Slots
from .vocabulary import (
    AGE_FORMS,
    DOCUMENT_LINES,
    EXTRA_NOTES,
    INTRO_APPLICANT,
    INTRO_NOTE,
    INTRO_PERSON,
    MEDICATION_TABLE,
    REGIONS,
    SEX_WORDS,
    SUMMARY_SECTIONS,
)
from .wording import INJURY_DATE_FORMS, join_words, numeric_date, with_article

if TYPE_CHECKING:
    from .letter import Letter

SUMMARY_SECTION_BREAK_RATE = 0.35


def case_summary(letter: Letter) -> tuple[list[list[str]], dict]:
    """Summary paragraphs as their sentences (holes included) and the patient facts they
    state; the letter's style joins the sentences (`Style.summary_gap`)."""
    rng = letter.rng
    slots = letter.slots(letter.regions[0])
    second = REGIONS[letter.regions[1]] if len(letter.regions) > 1 else None
    if second:
        slots["complaint2"] = rng.choice(second["complaint"]).format_map(slots)
    slots["exam2"] = rng.choice((second or slots.region)["exam"]).format_map(slots)
    slots["dx2"] = rng.choice((second or slots.region)["dx"]).format_map(slots)
    meds = {str(weighted(rng, MEDICATION_TABLE)) for _ in range(rng.randint(1, 4))}
    meds.update(i.slots["drug"] for i in letter.items if i.category.pharmaceutical)
    # Alphabetical regardless of case; names that differ only in case ("naproxen" from the pool,
    # "Naproxen" from a request) in a fixed order, not the set's, which varies with the hash seed.
    slots["meds"] = join_words(sorted(meds, key=lambda name: (name.lower(), name)))
    slots["requests"] = join_words(
        [i.noun if i.category.pharmaceutical else with_article(i.noun) for i in letter.items]
    )
    intro, patient = _intro(letter, slots)
    target = rng.randint(160, 380)
    sentences = [intro]
    words = intro.count(" ") + 1
    for name, pool in SUMMARY_SECTIONS:
        if name == "mechanism" and (patient["date_of_injury"] is None or rng.random() < 0.5):
            continue
        if (name in ("work", "appeal", "medications") and rng.random() < 0.35) or (
            name == "second_region" and not second
        ):
            continue
        if name == "request":
            needed = min(len(EXTRA_NOTES), max(0, target - 12 - words) // 14 + 1)
            for filler in rng.sample(EXTRA_NOTES, needed):
                if words >= target - 12:
                    break
                sentence = slots.fill(filler)
                sentences.append(sentence)
                words += sentence.count(" ") + 1
        sentence = slots.fill(rng.choice(pool))
        sentences.append(sentence)
        words += sentence.count(" ") + 1
    if len(sentences) > 6 and rng.random() < SUMMARY_SECTION_BREAK_RATE:
        cut = rng.randint(3, len(sentences) - 3)
        return [sentences[:cut], sentences[cut:]], patient
    return [sentences], patient


def _intro(letter: Letter, slots: Slots) -> tuple[str, dict]:
    rng = letter.rng
    injury = letter.times.injury
    states_injury = False
    if letter.intro_kind == "note":
        template = rng.choice(INTRO_NOTE)
        age = sex = None
    elif letter.intro_kind == "applicant":
        template, states_injury = rng.choice(INTRO_APPLICANT)
        age = sex = None
    else:
        template, states_injury = rng.choice(INTRO_PERSON)
        age, sex = letter.age, letter.sex
        slots["age_sex"] = (
            rng.choice(AGE_FORMS).format(age=age) + " " + rng.choice(SEX_WORDS[sex or "unstated"])
        )
    forms = INJURY_DATE_FORMS if 2000 <= injury.year <= 2012 else INJURY_DATE_FORMS[:-1]
    slots["doi"] = rng.choice(forms)(injury)
    patient = {
        "age": age,
        "sex": sex,
        "date_of_injury": injury.isoformat() if states_injury else None,
    }
    return slots.fill(template), patient


def documents_reviewed(letter: Letter) -> list[str]:
    """The DOCUMENTS REVIEWED list some case-header letters have."""
    rng = letter.rng
    slots = letter.slots(letter.regions[0])
    lines = [
        "Application of Independent Medical Review",
        f"Utilization Review Determination dated {numeric_date(letter.times.ur_denial)}",
    ]
    return lines + [slots.fill(line) for line in rng.sample(DOCUMENT_LINES, rng.randint(1, 5))]
