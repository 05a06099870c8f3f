"""The variant classes of issue 12, each tested on a family of strings built from its
description (not one example): every combination must parse right and without warnings.

1. Reviewers who are not board-certified physicians ("is Licensed in <profession>", "is a
   Licensed <member>").
2. The labelled credential block naming a specialty and a subspecialty on one line.
3. Several "Decision based on" sentences in one basis, or a non-MTUS source after an MTUS
   citation, each with its own family.
4. Wording that moves a little: page references, ages, dates, outcome words.
5. Extraction damage: words and sentences run together.
6. Classes found by an independent audit (letters from another writer).
7. What that audit left: a second licensure sentence, a sex as one letter after the age,
   several dates of injury (warned), an outcome pointing to the rationale or alone on the next
   line, a label quoted inside a rationale, a short heading broken by a page break (read
   across it or warned).
"""

from __future__ import annotations

import itertools
import textwrap
from datetime import date

import pytest

from decisions.parsing import Letter, ParseError, parse_letter
from decisions.parsing.citations import read_basis
from decisions.parsing.text import repaired
from tests.parsing.letters import NOTICE, double_spaced, item, letter, standard

HOW = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE\nMAXIMUS Federal Services sent the complete case file"
    " to an expert reviewer."
)


def no_warnings(parsed: Letter) -> bool:
    return parsed.warnings == () and all(one.warnings == () for one in parsed.items)


# --- 1. Reviewers who are not board-certified physicians ------------------------------------

# (the profession as "Licensed in" names it, a member as "a Licensed" names one, canonical)
PROFESSIONS = [
    ("Chiropractic", "Chiropractor", "Chiropractic"),
    ("Acupuncture", "Acupuncturist", "Acupuncture"),
    ("Psychology", "Psychologist", "Psychology"),
    ("Podiatric Surgery", "Podiatrist", "Podiatry"),
    ("Physical Therapy", "Physical Therapist", "Physical Therapy"),
    ("Occupational Therapy", "Occupational Therapist", "Occupational Therapy"),
]
STATES = [("California",), ("California", "Nevada"), ("Texas", "California", "Oregon")]


def _places(states: tuple[str, ...]) -> str:
    return states[0] if len(states) == 1 else f"{', '.join(states[:-1])} and {states[-1]}"


@pytest.mark.parametrize(("profession", "member", "canonical"), PROFESSIONS)
@pytest.mark.parametrize("states", STATES)
@pytest.mark.parametrize("form", ["licensed in", "a licensed", "block"])
def test_licensed_professions(profession, member, canonical, states, form):
    if form == "licensed in":
        credentials = (
            f"The expert reviewer is Licensed in {profession} and is licensed to practice in"
            f" {_places(states)}."
        )
        written = profession
    elif form == "a licensed":
        credentials = (
            f"The expert reviewer is a Licensed {member} and is licensed to practice in"
            f" {_places(states)}. He/she has been in active clinical practice."
        )
        written = member
    else:
        credentials = (
            "The Expert Reviewer has the following credentials:\n"
            f"State(s) of Licensure: {', '.join(states)}\nCertification(s)/Specialty: {member}"
        )
        written = member
    parsed = parse_letter(letter(how=f"{HOW}\n{credentials}"))
    reviewer = parsed.reviewer
    assert (reviewer.specialty, reviewer.specialty_canonical) == (written, canonical)
    assert (reviewer.subspecialty, reviewer.licensed_in) == (None, states)
    assert no_warnings(parsed)


# --- 2. The labelled block with a specialty and a subspecialty ------------------------------

PAIRS = [
    ("Internal Medicine", "Cardiovascular Disease", "Internal Medicine", "Cardiovascular Disease"),
    (
        "Physical Medicine & Rehabilitation",
        "Pain Medicine",
        "Physical Medicine and Rehabilitation",
        "Pain Medicine",
    ),
    ("Anesthesiology", "Pain Management", "Anesthesiology", "Pain Medicine"),
    ("Orthopedic Surgery", "Spine Surgery", "Orthopaedic Surgery", "Spine Surgery"),
    (
        "Internal Medicine",
        "Endocrinology, Diabetes and Metabolism",
        "Internal Medicine",
        "Endocrinology, Diabetes and Metabolism",
    ),
    ("Psychiatry", "Psychosomatic Medicine", "Psychiatry", "Consultation-Liaison Psychiatry"),
]


@pytest.mark.parametrize(("specialty", "subspecialty", "canonical", "sub_canonical"), PAIRS)
@pytest.mark.parametrize("separator", [", ", ",", "; "])
@pytest.mark.parametrize("states_first", [True, False])
def test_block_naming_a_specialty_and_a_subspecialty(
    specialty, subspecialty, canonical, sub_canonical, separator, states_first
):
    lines = [
        "State(s) of Licensure: California",
        f"Certification(s)/Specialty: {specialty}{separator}{subspecialty}",
    ]
    block = "\n".join(lines if states_first else lines[::-1])
    parsed = parse_letter(
        letter(how=f"{HOW}\nThe Expert Reviewer has the following credentials:\n{block}")
    )
    reviewer = parsed.reviewer
    assert (reviewer.specialty, reviewer.subspecialty) == (specialty, subspecialty)
    assert (reviewer.specialty_canonical, reviewer.subspecialty_canonical) == (
        canonical,
        sub_canonical,
    )
    assert reviewer.licensed_in == ("California",)
    assert no_warnings(parsed)


@pytest.mark.parametrize(("specialty", "subspecialty", "canonical", "sub_canonical"), PAIRS)
@pytest.mark.parametrize(
    "sentence",
    [
        "is Board Certified in {specialty}, has a subspecialty in {subspecialty} and",
        "is board-certified in {specialty} with subspecialty certification in {subspecialty} and",
        "is a board-certified physician in {specialty}, has a sub-specialty in {subspecialty},",
    ],
)
def test_the_same_pair_in_a_sentence(specialty, subspecialty, canonical, sub_canonical, sentence):
    credentials = (
        f"The expert reviewer {sentence.format(specialty=specialty, subspecialty=subspecialty)}"
        " is licensed to practice in California."
    )
    reviewer = parse_letter(letter(how=f"{HOW}\n{credentials}")).reviewer
    assert (reviewer.specialty_canonical, reviewer.subspecialty_canonical) == (
        canonical,
        sub_canonical,
    )


# --- 3. Several citations, each with its own family -----------------------------------------

# (as a first citation writes it, its family, its pages)
MTUS_CITATIONS = [
    (
        "MTUS Chronic Pain Treatment Guidelines Work conditioning Page(s): 125-126",
        "MTUS",
        (125, 126),
    ),
    ("MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 303", "MTUS", (303,)),
    ("MTUS Chronic Pain Medical Treatment Guidelines opioids", "MTUS", ()),
    ("MTUS Postsurgical Treatment Guidelines Knee Page(s): 24-25", "MTUS", (24, 25)),
]
OTHER_SOURCES = [
    ("Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter, MRI", "ODG", ()),
    ("Official Disability Guidelines (ODG), Pain Chapter, Opioids", "ODG", ()),
    (
        "Non-MTUS Citation American College of Occupational and Environmental Medicine (ACOEM),"
        " 2nd Edition, (2004), Chapter 7 Independent Medical Examinations and Consultations,"
        " page 127",
        "ACOEM",
        (127,),
    ),
    ("Non-MTUS Citation UpToDate, Opioids for chronic pain", "OTHER", ()),
    (
        "Non-MTUS Citation Chou R, et al. Clinical guidelines for the use of chronic opioid"
        " therapy. J Pain. 2009;10(2):113-130",
        "OTHER",
        (),
    ),
]


def _join(first: str, second: str, joiner: str) -> str:
    if joiner == "sentence":
        return f"Decision based on {first}. Decision based on {second}."
    if joiner == "comma":
        return f"Decision based on {first}, {second}."
    return f"Decision based on {first} and the {second}."


# Mid-sentence, a family mark or a known source name starts the next citation; after a full
# stop, "Decision based on" does, whatever the source.
COMBINATIONS = [
    (first, second, joiner)
    for first, second in itertools.product(MTUS_CITATIONS, OTHER_SOURCES)
    for joiner in ("sentence", "comma", "and the")
    if joiner == "sentence" or second[0].startswith(("Non-MTUS", "Official"))
]


@pytest.mark.parametrize(("first", "second", "joiner"), COMBINATIONS)
def test_a_second_source_keeps_its_own_family(first, second, joiner):
    text = _join(first[0], second[0], joiner)
    read = read_basis(text)
    assert [(c.guideline, c.pages) for c in read.basis.citations] == [
        (first[1], first[2]),
        (second[1], second[2]),
    ]
    assert read.basis.citations[0].text.startswith(first[0])
    assert read.basis.citations[1].text.startswith(second[0])
    assert read.problems == ()


@pytest.mark.parametrize(
    "preface",
    ["", "The Claims Administrator did not base their decision on the MTUS. "],
)
def test_two_sentences_after_a_boilerplate_opening(preface):
    text = (
        f"{preface}Decision based on MTUS Chronic Pain Treatment Guidelines Work conditioning, work"
        " hardening Page(s): 125-126. Decision based on Non-MTUS Citation Official Disability"
        " Guidelines (ODG), Knee Chapter, Work conditioning"
    )
    read = read_basis(text)
    assert [(c.guideline, c.document, c.pages) for c in read.basis.citations] == [
        ("MTUS", "Chronic Pain Medical Treatment Guidelines", (125, 126)),
        ("ODG", "Knee Chapter", ()),
    ]
    assert read.problems == ()


@pytest.mark.parametrize(
    "intro",
    ["Decision based on:", "Based on", "Decision was based upon", "The decision was based on"],
)
def test_introductions(intro):
    read = read_basis(f"{intro} Non-MTUS Citation Smith J. Spine. 2004;29:1-5.")
    assert [(c.guideline, c.text) for c in read.basis.citations] == [
        ("OTHER", "Non-MTUS Citation Smith J. Spine. 2004;29:1-5.")
    ]
    assert read.problems == ()


def test_a_2013_sentence_citing_two_sources_each_with_its_clause():
    read = read_basis(
        "The Claims Administrator based its decision on the Official Disability Guidelines (ODG),"
        " Pain Chapter, Opioids, which is not part of MTUS, and the MTUS Chronic Pain Medical"
        " Treatment Guidelines, pages 74-75, which is part of MTUS."
    )
    assert [(c.guideline, c.pages) for c in read.basis.citations] == [
        ("ODG", ()),
        ("MTUS", (74, 75)),
    ]
    assert read.problems == ()


def test_a_claims_administrator_citing_an_acoem_chapter_then_odg_keeps_both():
    """The real letter's shape that lost the MTUS citation: an ACOEM chapter, then ODG."""
    parsed = parse_letter(
        letter(
            items=[
                item(
                    claims="Decision based on MTUS ACOEM Chapter 12 Low Back Complaints, Official"
                    " Disability Guidelines (ODG), Low Back Chapter, MRIs (magnetic resonance"
                    " imaging)"
                )
            ]
        )
    )
    citations = parsed.items[0].claims_administrator_basis.citations
    assert [(c.guideline, c.document) for c in citations] == [
        ("MTUS", "ACOEM Chapter 12 Low Back Complaints"),
        ("ODG", "Low Back Chapter"),
    ]
    assert no_warnings(parsed)


# --- 4. Wording that moves a little ---------------------------------------------------------

PAGE_MARKS = ["Page(s):", "Page(s)", "Pages:", "Pages", "Page", "page", "pg.", "pp.", "p.", "Pg"]
PAGE_NUMBERS = [
    ("46", (46,)),
    ("46 of 127", (46,)),
    ("176-177", (176, 177)),
    ("176 to 178", (176, 177, 178)),
    ("46, 49", (46, 49)),
    ("46 & 49", (46, 49)),
    ("46, 47, and 49", (46, 47, 49)),
]


@pytest.mark.parametrize("mark", PAGE_MARKS)
@pytest.mark.parametrize(("numbers", "pages"), PAGE_NUMBERS)
def test_page_references(mark, numbers, pages):
    read = read_basis(
        f"Decision based on MTUS ACOEM Chapter 12 Low Back Complaints {mark} {numbers},"
        " Chronic Pain Treatment Guidelines Page(s): 46."
    )
    assert [(c.document, c.pages) for c in read.basis.citations] == [
        ("ACOEM Chapter 12 Low Back Complaints", pages),
        ("Chronic Pain Medical Treatment Guidelines", (46,)),
    ]
    assert read.problems == ()


@pytest.mark.parametrize(
    "word",
    [
        f"{word}{end}"
        for word, end in itertools.product(
            ["Upheld", "UPHELD", "upheld", "Overturned", "OVERTURNED", "overturned"], ["", "."]
        )
    ],
)
@pytest.mark.parametrize("space", ["", " ", "  "])
def test_outcome_words(word, space):
    parsed = parse_letter(letter(items=[item(f"MRI of the lumbar spine:{space}{word}")]))
    assert parsed.items[0].outcome == word.rstrip(".").lower()
    assert no_warnings(parsed)


AGE_PHRASES = [
    "a {age} year old man",
    "a {age}-year-old man",
    "a {age} year-old man",
    "a {age} years old man",
    "a {age}-yr-old man",
    "a {age} y/o man",
    "a {age} yo man",
    "a man aged {age}",
    "a man, age {age},",
]


@pytest.mark.parametrize("phrase", AGE_PHRASES)
@pytest.mark.parametrize("age", [22, 42, 70])
def test_ages(phrase, age):
    parsed = parse_letter(
        letter(summary=f"The patient is {phrase.format(age=age)} with neck pain.")
    )
    assert (parsed.patient.age, parsed.patient.sex) == (age, "male")
    assert no_warnings(parsed)


DATES = [
    "28-Jul-2008",
    "7/28/2008",
    "07/28/2008",
    "7-28-2008",
    "07.28.2008",
    "7/28/08",
    "2008-07-28",
    "July 28, 2008",
    "July 28 2008",
    "Jul. 28, 2008",
    "July 28th, 2008",
    "28 July 2008",
    "the 28th of July, 2008",
]


@pytest.mark.parametrize("written", DATES)
@pytest.mark.parametrize(
    "phrase",
    [
        "a date of injury of {date}",
        "an industrial injury on {date}",
        "DOI: {date}",
        "was injured on {date}",
    ],
)
def test_dates_of_injury(written, phrase):
    summary = f"The patient {phrase.format(date=written)} and has neck pain."
    parsed = parse_letter(letter(summary=summary))
    assert parsed.patient.date_of_injury == date(2008, 7, 28)
    assert no_warnings(parsed)


# --- 5. Extraction damage -------------------------------------------------------------------


@pytest.mark.parametrize("verdict", ["is notmedically necessary", "is not medically  necessary"])
def test_words_run_together_in_a_2013_notice(verdict):
    paragraphs = [p.replace("is not medically necessary", verdict) for p in NOTICE]
    parsed = parse_letter(double_spaced(paragraphs))
    assert [i.outcome for i in parsed.items] == ["upheld", "overturned"]
    assert "notmedically" not in parsed.items[0].rationale
    assert no_warnings(parsed)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("an industrial injury of December 31, 2013", "Thus far"),
        ("opioid therapy", "In a Utilization Review Report"),
        ("injured on 6/17/2014", "The patient attributes"),
        ("pain rated 7/10", "Prior treatment"),
        ("an MRI", "The MRI showed"),
        ("(ESI)", "The request"),
    ],
)
def test_a_lost_sentence_break_is_restored(before, after):
    assert repaired(f"{before}.{after} was noted.") == f"{before}. {after} was noted."


@pytest.mark.parametrize(
    "text",
    [
        "seen by Dr.Smith today",  # an abbreviation
        "initials J.Smith signed",  # an initial
        "therapy, e.g.The one",  # "e.g."
        "the U.S.Department of Labor",  # "U.S."
        "a dose of 2.5 mg",  # a decimal
        "dated 12.31.2013 here",  # a dotted date
        "see www.UpToDate.com today",  # a web address
        "see http://example.org/a.Html today",  # a URL
        "write to info@Example.org today",  # an address
        "the list at drugs.com.The end",  # a domain before the stop
        "therapy.12/11/2020 MRI",  # a number after the stop: no sentence start to tell
    ],
)
def test_no_change_where_a_full_stop_may_not_end_a_sentence(text):
    assert repaired(text) == text


def test_summaries_come_out_with_their_sentence_breaks_restored():
    summary = "He was injured on 6/17/2014.The patient has pain.Dr.Smith saw him.He is better."
    parsed = parse_letter(letter(summary=summary))
    # "pain.Dr.Smith": the word after the stop holds a stop of its own, which may be an address.
    assert parsed.case_summary == (
        "He was injured on 6/17/2014. The patient has pain.Dr.Smith saw him. He is better."
    )


# --- 6. Classes found by an independent audit (letters from another writer) ----------------
#
# Each was a silent misparse or a needless refusal before: a value the letter states left out
# (or cut short) with no warning, or a readable letter refused.


def _warned(parsed: Letter, code: str, field: str) -> bool:
    found = [*parsed.warnings, *(w for one in parsed.items for w in one.warnings)]
    return any((w.code, w.field) == (code, field) for w in found)


INJURY_DATES_WRITTEN = ["5/5/2010", "May 5, 2010", "Apr. 16, 2004", "Sept. 26, 2013", "05-05-2010"]


@pytest.mark.parametrize("written", INJURY_DATES_WRITTEN)
@pytest.mark.parametrize(
    "sentence",
    [
        # the injury named in the plural, an "and" in its clause
        "{age} sustained injuries to the neck and back on {date}.",
        "{age} sustained injuries to both knees and the low back on {date}.",
        # the date before the injury in its sentence
        "{age} On {date}, he was injured at work.",
        "{age} On {date} she was injured while lifting a box.",
        # how it happened, no "injury" word
        "{age} He was hurt at work on {date}.",
        "{age} She slipped and fell at work on {date}.",
        "{age} He reports cumulative trauma from 1/1/1999 through {date}.",
        "{age} She was involved in a work-related motor vehicle accident on {date}.",
    ],
)
def test_a_date_loosely_tied_to_the_injury_is_warned_never_dropped(written, sentence):
    summary = sentence.format(age="The patient is a 45 year old individual.", date=written)
    parsed = parse_letter(letter(summary=summary + " An MRI was done later."))
    assert parsed.patient.date_of_injury is None
    assert _warned(parsed, "date-unread", "patient.date_of_injury")


@pytest.mark.parametrize(
    "summary",
    [
        "He was seen on 5/5/2014 for neck pain. He has no history of injury.",
        "On 5/5/2014 the injured worker had an MRI.",
        "The patient is a 45 year old man. No trauma was reported. An MRI on 5/5/2014 was normal.",
    ],
)
def test_dates_of_other_sentences_are_not_warned_as_the_injury(summary):
    parsed = parse_letter(letter(summary=summary))
    assert parsed.patient.date_of_injury is None
    assert not _warned(parsed, "date-unread", "patient.date_of_injury")


@pytest.mark.parametrize("pronoun", ["He", "She"])
@pytest.mark.parametrize(
    "sentence",
    ["{p} is {age} years old.", "{p} is a {age} year old with neck pain.", "{p} is {age} y/o."],
)
def test_an_age_sentence_opened_by_a_pronoun_warns_on_the_sex(pronoun, sentence):
    summary = "The patient was injured on 2/2/2012. " + sentence.format(p=pronoun, age=45)
    parsed = parse_letter(letter(summary=summary))
    assert (parsed.patient.age, parsed.patient.sex) == (45, None)
    assert _warned(parsed, "sex-unread", "patient.sex")


def _notice_without_block_colons(numbering: str) -> list[str]:
    paragraphs = []
    for paragraph in NOTICE:
        for number in (1, 2):
            paragraph = paragraph.replace(f"{number}) Regarding", numbering.format(n=number))
        paragraphs.append(
            paragraph.replace("restoration program:", "restoration program").replace(
                "Norco 10/325mg #90:", "Norco 10/325mg #90"
            )
        )
    return paragraphs


@pytest.mark.parametrize("numbering", ["{n}) Regarding", "{n}. Regarding", "({n}) Regarding"])
@pytest.mark.parametrize("spacing", ["double", "single"])
def test_a_2013_block_opening_without_its_colon_is_read(numbering, spacing):
    paragraphs = _notice_without_block_colons(numbering)
    text = double_spaced(paragraphs) if spacing == "double" else "\n\n".join(paragraphs)
    parsed = parse_letter(text)
    assert [(i.treatment, i.outcome) for i in parsed.items] == [
        ("a 28 day functional restoration program", "upheld"),
        ("Norco 10/325mg #90", "overturned"),
    ]
    bases = [(i.claims_administrator_basis, i.reviewer_basis) for i in parsed.items]
    assert [[c.guideline for c in b.citations] if b else None for pair in bases for b in pair] == [
        ["MTUS"],
        ["MTUS"],
        [],
        ["MTUS"],
    ]
    assert no_warnings(parsed)


LONG_TREATMENTS = [
    "Outpatient right carpal tunnel release with post-operative physical therapy 2 times a week"
    " for 6 weeks for the right wrist/hand",
    "Retrospective request for compound medication: Flurbiprofen 25%, Cyclobenzaprine 2%,"
    " Lidocaine 5%, 240 grams, dispensed on 4/14/2014",
    "Purchase of a home H-wave device for the lumbar spine and bilateral lower extremities: #1"
    " unit with electrodes and supplies",
]


@pytest.mark.parametrize("treatment", LONG_TREATMENTS)
@pytest.mark.parametrize("width", [55, 65, 75])
@pytest.mark.parametrize("spacing", ["double", "single"])
def test_a_heading_wrapped_short_of_a_full_line_keeps_its_first_lines(treatment, width, spacing):
    heading = "\n".join(textwrap.wrap(f"{treatment}: Upheld", width, break_on_hyphens=False))
    assert heading.count("\n") in (1, 2)
    paragraphs = standard(items=[item(), item(heading)])
    text = double_spaced(paragraphs) if spacing == "double" else "\n\n".join(paragraphs)
    parsed = parse_letter(text)
    assert [i.treatment for i in parsed.items] == ["Lumbar ESI L4-5", treatment]
    assert no_warnings(parsed)


def _wrap_after_first(line: str, separators: tuple[str, ...]) -> str:
    """The line broken after the first separator past its label, as a narrow column wraps it."""
    label_end = line.index(":") + 2
    for separator in separators:
        at = line.find(separator, label_end)
        if at > 0:
            cut = at + len(separator.rstrip())
            return f"{line[:cut]}\n{line[cut:].strip()}"
    return line


@pytest.mark.parametrize(("specialty", "subspecialty", "canonical", "sub_canonical"), PAIRS[:4])
@pytest.mark.parametrize("separators", [(", ",), (" & ", " and ", ", ")])
@pytest.mark.parametrize("states", STATES)
@pytest.mark.parametrize("after", ["", "\nHe/she has been in active clinical practice."])
def test_a_labelled_value_wrapped_onto_the_next_line_is_read_whole(
    specialty, subspecialty, canonical, sub_canonical, separators, states, after
):
    block = "\n".join(
        [
            _wrap_after_first(f"State(s) of Licensure: {', '.join(states)}", (", ",)),
            _wrap_after_first(
                f"Certification(s)/Specialty: {specialty}, {subspecialty}", separators
            ),
        ]
    )
    parsed = parse_letter(
        letter(how=f"{HOW}\nThe Expert Reviewer has the following credentials:\n{block}{after}")
    )
    reviewer = parsed.reviewer
    assert (reviewer.specialty, reviewer.subspecialty) == (specialty, subspecialty)
    assert (reviewer.specialty_canonical, reviewer.subspecialty_canonical) == (
        canonical,
        sub_canonical,
    )
    assert reviewer.licensed_in == states
    assert no_warnings(parsed)


@pytest.mark.parametrize(
    "block",
    [
        "Certification(s)/Specialty: Neurology,\nState(s) of Licensure: California",
        "State(s) of Licensure: California and\n\nCertification(s)/Specialty: Neurology",
    ],
)
def test_a_wrapped_value_never_takes_another_label(block):
    parsed = parse_letter(
        letter(how=f"{HOW}\nThe Expert Reviewer has the following credentials:\n{block}")
    )
    assert (parsed.reviewer.specialty, parsed.reviewer.licensed_in) == (
        "Neurology",
        ("California",),
    )


@pytest.mark.parametrize("treatment", ["MRI of the lumbar spine", "Norco 10/325mg, #120"])
@pytest.mark.parametrize(
    ("written", "outcome"),
    [
        (f"{spacing}{opening}{word}{closing}", word.lower())
        for spacing, (opening, closing), word in itertools.product(
            [" ", ": "], [("(", ")"), ("[", "]")], ["Upheld", "OVERTURNED", "overturned"]
        )
    ]
    + [
        (f": {party} {word}", word.lower().split()[-1])
        for party, word in itertools.product(
            ["UR Decision", "UR Denial", "ur denial"], ["Upheld", "Overturned"]
        )
    ],
)
def test_an_outcome_in_brackets_or_after_ur_is_read_loosely(treatment, written, outcome):
    parsed = parse_letter(letter(items=[item(f"{treatment}{written}")]))
    assert [(i.treatment, i.outcome) for i in parsed.items] == [(treatment, outcome)]
    assert _warned(parsed, "outcome-loose", "items[0].outcome")


RELATIVES = ["wife", "husband", "son", "daughter", "mother", "spouse"]


@pytest.mark.parametrize("relative", RELATIVES)
@pytest.mark.parametrize(
    "summary",
    [
        "Her {rage} year old {relative} drove her. The patient is a 42 year old woman.",
        "The patient lives with a {rage}-year-old {relative}. She is a 42 y/o female.",
        "The patient, whose {rage} yo {relative} is ill, is a 42 year old female.",
    ],
)
def test_the_age_of_a_relative_is_not_the_patients(relative, summary):
    parsed = parse_letter(letter(summary=summary.format(rage=70, relative=relative)))
    assert (parsed.patient.age, parsed.patient.sex) == (42, "female")


@pytest.mark.parametrize("word", ["yr.", "yrs.", "Yr.", "yr", "yrs"])
@pytest.mark.parametrize("noun", ["male", "woman"])
def test_an_abbreviated_year_with_its_full_stop_reads_as_an_age(word, noun):
    parsed = parse_letter(letter(summary=f"The patient is a 42 {word} old {noun} with pain."))
    assert (parsed.patient.age, parsed.patient.sex) == (42, "male" if noun == "male" else "female")
    assert no_warnings(parsed)


@pytest.mark.parametrize("label", ["Sex", "Gender", "SEX", "Sex "])
@pytest.mark.parametrize(
    ("value", "sex"), [("Male", "male"), ("female", "female"), ("M", "male"), ("F", "female")]
)
@pytest.mark.parametrize("after", [".", "", " Date of injury: 1/2/2010.", ", right-handed."])
def test_a_labelled_sex_is_read(label, value, sex, after):
    parsed = parse_letter(letter(summary=f"Age: 42. {label}: {value}{after}"))
    assert (parsed.patient.age, parsed.patient.sex) == (42, sex)


@pytest.mark.parametrize(
    "summary",
    ["The patient was tested for sex: male hormones.", "Sex: mild symptoms.", "Gender: m2."],
)
def test_words_after_a_sex_label_that_name_no_sex_give_none(summary):
    assert parse_letter(letter(summary=summary)).patient.sex is None


@pytest.mark.parametrize("label", ["D.O.I.", "D.O.I", "D.O.I.:", "d.o.i.", "DOI"])
@pytest.mark.parametrize("written", ["01/02/2010", "1/2/10", "January 2, 2010"])
def test_a_dotted_doi_label_introduces_the_date_of_injury(label, written):
    parsed = parse_letter(letter(summary=f"The patient is a 42 year old man; {label} {written}."))
    assert parsed.patient.date_of_injury == date(2010, 1, 2)
    assert no_warnings(parsed)


INTRODUCTIONS = [
    "The final determination was based on the decisions for the disputed item(s)/service(s)"
    " set forth below:",
    "The Final Determination was based on decisions for the following disputed items:",
    "The Final Determination was based on decisions for the disputed items/services set forth"
    " below.",
    "The following items were decided:",
    "The disputed items are listed below:",
    "Disputed items and services are as follows:",
]


@pytest.mark.parametrize("introduction", INTRODUCTIONS)
@pytest.mark.parametrize(
    "heading",
    [
        ("MRI of the lumbar spine: Upheld", "MRI of the lumbar spine"),
        (
            "Retrospective request for compound medication:\n"
            "Flurbiprofen 25%, Lidocaine 5%: Upheld",
            "Retrospective request for compound medication: Flurbiprofen 25%, Lidocaine 5%",
        ),
    ],
)
@pytest.mark.parametrize("spacing", ["double", "single"])
def test_a_reworded_introduction_to_the_items_is_no_part_of_the_first_treatment(
    introduction, heading, spacing
):
    written, treatment = heading
    paragraphs = standard(
        issues_heading=f"IMR ISSUES, DECISIONS AND RATIONALES\n{introduction}",
        items=[item(written), item()],
    )
    text = double_spaced(paragraphs) if spacing == "double" else "\n".join(paragraphs)
    parsed = parse_letter(text)
    assert [i.treatment for i in parsed.items] == [treatment, "Lumbar ESI L4-5"]


@pytest.mark.parametrize("residue", ["\n\n\n\n\n\n", "\f\n\n", "\n\n \n\n", "\n \n\n\f\n\n"])
def test_a_wrapped_value_survives_a_page_break(residue):
    block = (
        "The Expert Reviewer has the following credentials:\n"
        "State(s) of Licensure: California,\nTexas, Florida\n"
        "Certification(s)/Specialty: Neurological Surgery,\nPain Medicine"
    )
    text = letter(how=f"{HOW}\n{block}").replace("California, \n\n", f"California, {residue}")
    text = text.replace("Surgery, \n\n", f"Surgery, {residue}")
    reviewer = parse_letter(text).reviewer
    assert reviewer.licensed_in == ("California", "Texas", "Florida")
    assert (reviewer.specialty, reviewer.subspecialty) == ("Neurological Surgery", "Pain Medicine")


@pytest.mark.parametrize(
    "finding",
    [
        "has determined that the requested",
        "determined that the requested",
        "has determined the requested",
    ],
)
@pytest.mark.parametrize("block", ["Regarding the request for", "Regarding the requested"])
def test_a_2013_finding_naming_the_requested_treatment_is_read(finding, block):
    paragraphs = [
        p.replace("has determined the request for a", f"{finding}")
        .replace("has determined the request for", finding)
        .replace("Regarding the request for a 28", f"{block} 28")
        .replace("Regarding the request for Norco", f"{block} Norco")
        for p in NOTICE
    ]
    parsed = parse_letter(double_spaced(paragraphs))
    assert [(i.treatment, i.outcome) for i in parsed.items] == [
        ("28 day functional restoration program", "upheld"),
        ("Norco 10/325mg #90", "overturned"),
    ]
    assert [c.pages for c in parsed.items[0].claims_administrator_basis.citations] == [(30, 31, 32)]
    assert no_warnings(parsed)


# --- 7. What the independent audit left ---------------------------------------------------


@pytest.mark.parametrize(
    "also",
    [
        "He/She is also licensed in {states}.",
        "He/she is also licensed in {states}.",
        "The reviewer is also licensed to practice in {states}.",
        "The expert reviewer is also licensed to practice in the State of {states}.",
    ],
)
@pytest.mark.parametrize(
    ("written", "states"),
    [
        ("Texas", ("Texas",)),
        ("Texas and Nevada", ("Texas", "Nevada")),
        ("NY, Oregon", ("NY", "Oregon")),
    ],
)
def test_a_second_sentence_of_licensure_adds_its_states(also, written, states):
    how = HOW + (
        " The expert reviewer is Board Certified in Orthopedic Surgery and is licensed to practice"
        f" in California. {also.format(states=written)} He/she has been in active practice."
    )
    reviewer = parse_letter(letter(how=how)).reviewer
    assert reviewer.licensed_in == ("California", *states)
    assert reviewer.specialty == "Orthopedic Surgery"


@pytest.mark.parametrize("phrase", ["year old", "y/o", "yo", "year-old", "-year-old", " yr old"])
@pytest.mark.parametrize(
    ("letter_written", "sex"), [("F", "female"), ("M", "male"), ("f", "female")]
)
@pytest.mark.parametrize(
    "after", [" with a date of injury of 7/28/2008.", ", injured on 7/28/2008.", "."]
)
def test_a_sex_written_as_one_letter_after_the_age_is_read(phrase, letter_written, sex, after):
    age = f"45{phrase}" if phrase[0] in "- " else f"45 {phrase}"
    parsed = parse_letter(letter(summary=f"The patient is a {age} {letter_written}{after}"))
    assert (parsed.patient.age, parsed.patient.sex) == (45, sex)
    assert no_warnings(parsed)


@pytest.mark.parametrize(
    "summary",
    ["The patient is a 45 year old f/u visit.", "The patient is a 45 y/o M.D. referral case."],
)
def test_a_letter_that_is_no_sex_is_not_read_as_one(summary):
    assert parse_letter(letter(summary=summary)).patient.sex is None


@pytest.mark.parametrize(
    "phrase",
    [
        "dates of injury of {a} and {b}",
        "dates of injury {a}, {b}",
        "dates of injury: {a} & {b}",
        "industrial injuries on {a} and on {b}",
        "a date of injury of {a} and {b}",
        "injuries of {a}; {b}",
    ],
)
@pytest.mark.parametrize(("a", "b"), [("5/5/2010", "6/6/2011"), ("May 5, 2010", "June 6, 2011")])
def test_several_dates_of_injury_are_warned_never_one_taken_in_silence(phrase, a, b):
    summary = f"The patient is a 45 year old male with {phrase.format(a=a, b=b)}. He has pain."
    parsed = parse_letter(letter(summary=summary))
    assert parsed.patient.date_of_injury is None
    assert _warned(parsed, "date-unread", "patient.date_of_injury")


@pytest.mark.parametrize(
    "written",
    ["date of injury of 5/5/2010 and a flare-up on 6/6/2011", "date of injury of 5/5/2010."],
)
def test_one_date_of_injury_with_another_date_later_is_still_read(written):
    parsed = parse_letter(letter(summary=f"The patient is a 45 year old male with a {written}"))
    assert parsed.patient.date_of_injury == date(2010, 5, 5)
    assert no_warnings(parsed)


@pytest.mark.parametrize("treatment", ["MRI of the lumbar spine", "Norco 10/325mg, #120"])
@pytest.mark.parametrize(
    ("written", "outcome"),
    [
        (f"{separator}{word}{tail}", word.lower())
        for separator, word, tail in itertools.product(
            [": ", ":  "],
            ["Upheld", "Overturned", "UPHELD"],
            [" (see rationale)", " - see below", " (See Rationale Below)", " \u2013 see below."],
        )
    ],
)
@pytest.mark.parametrize("position", [0, 1])
def test_an_outcome_with_a_pointer_to_the_rationale_is_read_loosely(
    treatment, written, outcome, position
):
    items = [item(), item()]
    items[position] = item(f"{treatment}{written}")
    parsed = parse_letter(letter(items=items))
    assert parsed.items[position].treatment == treatment
    assert parsed.items[position].outcome == outcome
    assert _warned(parsed, "outcome-loose", f"items[{position}].outcome")


@pytest.mark.parametrize(
    ("heading", "treatment", "outcome"),
    [
        ("MRI of the lumbar spine\nUpheld", "MRI of the lumbar spine", "upheld"),
        ("Norco 10/325mg, #120\nOverturned", "Norco 10/325mg, #120", "overturned"),
        ("MRI of the lumbar spine\nUPHELD.", "MRI of the lumbar spine", "upheld"),
        (
            "Urine drug screen (DOS: 1/17/2021)\noverturned",
            "Urine drug screen (DOS: 1/17/2021)",
            "overturned",
        ),
        (
            "Retrospective request for compound medication: Flurbiprofen\n25%, Lidocaine 5%"
            "\nUpheld",
            "Retrospective request for compound medication: Flurbiprofen 25%, Lidocaine 5%",
            "upheld",
        ),
    ],
)
@pytest.mark.parametrize("position", [0, 1])
@pytest.mark.parametrize("spacing", ["double", "blank", "none"])
def test_an_outcome_alone_on_the_next_line_without_a_colon_is_read_loosely(
    heading, treatment, outcome, position, spacing
):
    items = [item(), item()]
    items[position] = item(heading)
    paragraphs = standard(items=items)
    text = {"double": double_spaced, "blank": "\n\n".join, "none": "\n".join}[spacing](paragraphs)
    parsed = parse_letter(text)
    assert [(i.treatment, i.outcome) for i in parsed.items][position] == (treatment, outcome)
    assert len(parsed.items) == 2
    assert _warned(parsed, "outcome-loose", f"items[{position}].outcome")


def test_a_bare_outcome_after_a_finished_sentence_is_still_refused():
    paragraphs = standard(items=[item(), item("Upheld")])
    with pytest.raises(ParseError):
        parse_letter("\n".join(paragraphs))


QUOTED_LABELS = [
    "Rationale: The guidelines recommend this only after failure of conservative care.",
    "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 46.",
    "Decision rationale: the treating physician's appeal was reviewed.",
]


@pytest.mark.parametrize("quoted", QUOTED_LABELS)
@pytest.mark.parametrize("position", [0, 1])
@pytest.mark.parametrize("spacing", ["double", "blank", "none"])
@pytest.mark.parametrize(
    "introduction",
    [
        "The utilization review letter stated the following:\n",
        "The utilization review letter stated the following:\n\n",
        "The reviewer read the denial, which said under its heading\n",
    ],
)
def test_a_label_quoted_at_a_line_start_inside_a_rationale_is_rationale_text(
    quoted, position, spacing, introduction
):
    rationale = f"{introduction}{quoted}\nTherefore the request is not medically necessary."
    items = [item(), item("Norco 10/325mg, #120: Overturned")]
    items[position] = item(items[position][0].split(": ")[0] + ": Upheld", rationale=rationale)
    text = standard(items=items)
    text = {"double": double_spaced, "blank": "\n\n".join, "none": "\n".join}[spacing](text)
    parsed = parse_letter(text)
    assert [i.treatment for i in parsed.items] == ["Lumbar ESI L4-5", "Norco 10/325mg, #120"]
    assert quoted in " ".join(parsed.items[position].rationale.split())
    assert parsed.items[position].rationale.endswith("not medically necessary.")


@pytest.mark.parametrize("spacing", ["double", "blank", "none"])
def test_a_label_after_a_finished_rationale_still_starts_an_item_that_fails(spacing):
    paragraphs = standard(items=[item(), item()[2:]])
    text = {"double": double_spaced, "blank": "\n\n".join, "none": "\n".join}[spacing](paragraphs)
    with pytest.raises(ParseError):
        parse_letter(text)


WRAPPED_TREATMENTS = [
    *LONG_TREATMENTS,
    "Retrospective request for compound medication: Flurbiprofen 25%, Cyclobenzaprine 2%,"
    " Lidocaine 5%, 240 grams",
]
PAGE_BREAKS = ["\f\n", "\n\n\n\n", "\f\n\n\n", "\n\n\n\n\f\n", "\n\n \n\n\f\n"]


@pytest.mark.parametrize("treatment", WRAPPED_TREATMENTS)
@pytest.mark.parametrize("width", [50, 55, 65, 75])
@pytest.mark.parametrize("residue", PAGE_BREAKS)
@pytest.mark.parametrize("spacing", ["double", "blank", "none"])
@pytest.mark.parametrize("outcome_line", [False, True])
def test_a_short_wrapped_heading_broken_by_a_page_break_is_read_whole_or_warned(
    treatment, width, residue, spacing, outcome_line
):
    lines = textwrap.wrap(f"{treatment}: Upheld", width, break_on_hyphens=False)
    if outcome_line:
        lines = [*lines[:-1], lines[-1].removesuffix(": Upheld"), "Upheld"]
    heading = "\n".join([f"{lines[0]}@@", *lines[1:]])
    paragraphs = standard(items=[item(), item(heading)])
    text = {"double": double_spaced, "blank": "\n\n".join, "none": "\n".join}[spacing](paragraphs)
    text = text.replace("@@ \n\n", "@@").replace("@@\n", "@@").replace("@@", residue)
    parsed = parse_letter(text)
    assert [i.outcome for i in parsed.items] == ["upheld", "upheld"]
    if parsed.items[1].treatment != treatment:
        assert _warned(parsed, "heading-uncertain", "items[1].treatment"), parsed.items[1]
    assert not _warned(parsed, "heading-uncertain", "items[0].treatment")


# (Not a run holding a line of one space: that is a paragraph mark, the letter's own break,
# above which the heading is warned, not read across: see the test above.)
@pytest.mark.parametrize("treatment", WRAPPED_TREATMENTS)
@pytest.mark.parametrize("residue", [r for r in PAGE_BREAKS if " " not in r])
@pytest.mark.parametrize("spacing", ["double", "blank", "none"])
def test_a_heading_in_two_lines_broken_by_a_page_break_is_read_whole(treatment, residue, spacing):
    first, _, rest = treatment.partition(" with " if " with " in treatment else ": ")
    heading = f"{first}@@{rest}: Overturned"
    paragraphs = standard(items=[item(), item(heading)])
    text = {"double": double_spaced, "blank": "\n\n".join, "none": "\n".join}[spacing](paragraphs)
    text = text.replace("@@", residue)
    parsed = parse_letter(text)
    assert " ".join(parsed.items[1].treatment.split()) == f"{first} {rest}"
    assert no_warnings(parsed)
