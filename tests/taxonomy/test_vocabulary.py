"""The data files as the classifier reads them: a mistake stops the load, naming what to fix;
misspellings are corrected only where no English word could be meant; drug names given alone
(the search's `drug` parameter) resolve to generic names exactly as typed."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

import pytest

from decisions.taxonomy import classify, generic_names_of
from decisions.taxonomy import vocabulary as module
from decisions.taxonomy.vocabulary import vocabulary, words

ROOT = Path(module.__file__).resolve().parents[2]


@pytest.fixture
def data(monkeypatch):
    """The data files as dicts a test may spoil; the vocabulary is rebuilt from them."""
    files = {name: module._read(name) for name in module.DATA_FILES}
    spoilt = copy.deepcopy(files)
    monkeypatch.setattr(module, "_read", lambda name: spoilt[name])
    vocabulary.cache_clear()
    yield spoilt
    vocabulary.cache_clear()


def test_the_data_files_load():
    assert vocabulary().classes["hydrocodone"] == "opioid"


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda d: d["services.toml"]["procedures"]["dme"].append("Norco"),
            "'Norco' is also in drugs.toml [brands]",
        ),
        (
            lambda d: d["drugs.toml"]["brands"].update(norco=["hydrocodone", "paracetamol"]),
            "'paracetamol' is not in [classes]",
        ),
        (
            lambda d: d["services.toml"]["care"].update(massage=["massage chair"]),
            "'massage' is not a Category",
        ),
        (
            lambda d: d["drugs.toml"]["classes"]["nsaid"].append("tramadol"),
            "'tramadol' is in two classes",
        ),
        (
            lambda d: d["drugs.toml"]["routes"]["topical_products"].append("Lidodermm"),
            "['lidodermm'] name no drug",
        ),
        (
            lambda d: d["drugs.toml"]["combinations"]["precedence"].remove("topical"),
            "must name every drug class once",
        ),
        (
            lambda d: d["services.toml"]["token_aliases"].update(fisical="fysical"),
            "['fysical'] mean no known word",
        ),
        (lambda d: d["services.toml"]["neutral"]["phrases"].append("#"), "'#' has no words"),
    ],
)
def test_a_mistake_in_the_data_stops_the_load_naming_it(data, spoil, message):
    spoil(data)
    with pytest.raises(ValueError, match=re.escape(message)):
        vocabulary()


def test_a_phrase_listed_twice_with_one_meaning_is_no_mistake(data):
    data["services.toml"]["procedures"]["dme"].append("TENS unit")
    assert vocabulary().phrases["tens"]


def _prose_words() -> set[str]:
    """Every word of the three real letters and of the synthetic generator's data (guideline
    clauses, findings, summaries, reviewers): medical English, correctly spelt."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.update(words(value))
        elif isinstance(value, dict):
            for each in value.values():
                walk(each)
        elif isinstance(value, list):
            for each in value:
                walk(each)

    for path in (ROOT / "devtools" / "synthetic" / "data").glob("*.toml"):
        walk(tomllib.loads(path.read_text(encoding="utf-8")))
    for path in (ROOT / "fixtures" / "letters").glob("*.txt"):
        walk(path.read_text(encoding="utf-8"))
    return found


def _unknown_prose() -> set[str]:
    """The words of that prose the vocabulary holds in no form (plurals like "patches" and
    listed misspellings are its words)."""
    vocab = vocabulary()

    def held(word: str) -> bool:
        return any(
            word.endswith(ending) and word[: len(word) - len(ending)] in vocab.known_words
            for ending in ("", "s", "es")
        )

    return {
        word
        for word in _prose_words()
        if word.isalpha() and not held(word) and word not in vocab.aliases
    }


def test_no_english_word_is_read_as_a_drug():
    """Outside a request that gives a dose, no word of the prose of letters (about 1,500
    distinct words the vocabulary does not hold) is corrected into a drug name."""
    prose = _unknown_prose()
    assert len(prose) > 1400
    assert [word for word in prose if classify(word).category == "pharmaceutical"] == []


def test_the_english_words_a_dose_would_correct_into_a_drug_are_known():
    """With a dose ("Abilify 5mg #30"), the one English word of that prose one letter from a
    one-word drug name is "ability"; a data change that adds another shows here."""
    vocab = vocabulary()
    corrected = {word: vocab.correct(word, dosed=True) for word in _unknown_prose()}
    drugs = {word: meant for word, meant in corrected.items() if meant in vocab.drug_words}
    assert drugs == {"ability": "abilify"}


def test_no_english_word_is_corrected_into_a_service_word():
    """Service words are corrected in any request ("Physical therpay"): of the prose's words,
    only the British spelling "orthopaedic" is, into the word it means. A data change that
    adds a service word an English word is a letter from shows here: list that English word
    in services.toml [spelt_right] ("infection" is no injection)."""
    vocab = vocabulary()
    corrected = {word: vocab.correct(word, dosed=False) for word in _unknown_prose()}
    assert {word: meant for word, meant in corrected.items() if meant != word} == {
        "orthopaedic": "orthopedic"
    }


def test_every_word_listed_as_spelt_right_would_be_corrected_otherwise(data):
    """So the list holds no word the corrections would leave alone anyway."""
    listed = data["services.toml"]["spelt_right"]["words"]
    data["services.toml"]["spelt_right"]["words"] = []
    vocab = vocabulary()
    assert [word for word in listed if vocab.correct(word, dosed=False) == word] == []


def test_a_service_word_is_corrected_only_when_one_is_a_letter_away():
    vocab = vocabulary()
    assert vocab.correct("therpay", dosed=False) == "therapy"  # two letters swapped
    assert vocab.correct("restortion", dosed=False) == "restoration"  # a letter dropped
    assert vocab.correct("blcok", dosed=False) == "block"  # five letters: a swap only
    assert vocab.correct("black", dosed=False) == "black"  # a changed letter: English
    assert vocab.correct("dollar", dosed=False) == "dollar"  # collar but for its first letter
    assert vocab.correct("officer", dosed=False) == "officer"  # an ending, no slip
    # A letter from "hearing" and from "heating": which one was meant is a guess.
    assert vocab.correct("heading", dosed=False) == "heading"


def test_one_letter_away_means_one_edit():
    vocab = vocabulary()

    def meant(word: str, *, dosed: bool = True) -> tuple[str, ...] | None:
        return vocab.drug_names.get((vocab.correct(word, dosed=dosed),))

    assert meant("relfan") is None  # two edits from Reglan and from Relafen
    assert meant("tramdaol") == ("tramadol",)  # two letters swapped
    assert meant("gabapentinn") == ("gabapentin",)
    assert meant("gabapntin") == ("gabapentin",)
    # One letter from gabapentin and from its listed misspelling gabapenten: one drug meant.
    assert meant("gabapentan") == ("gabapentin",)
    assert meant("gabapentan", dosed=False) is None


@pytest.mark.parametrize(
    ("name", "generics"),
    [
        ("Norco", ("hydrocodone", "acetaminophen")),
        ("NORCO", ("hydrocodone", "acetaminophen")),
        ("hydrocodone", ("hydrocodone",)),
        ("APAP", ("acetaminophen",)),
        ("Tylenol #3", ("acetaminophen", "codeine")),
        ("Synvisc-One", ("hyaluronic acid",)),
        ("methyl salicylate", ("methyl salicylate",)),
        ("Flexaril", ()),  # a misspelling: a search parameter is never guessed at
        ("Norco 10/325", ()),  # a heading, not a drug name
        ("physical therapy", ()),
        ("", ()),
    ],
)
def test_a_drug_name_alone_gives_its_generic_names(name, generics):
    assert generic_names_of(name) == generics
