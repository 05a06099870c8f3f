"""The classifier against a table of real-world treatment headings (table.py), and the shape
every classification has whatever the heading."""

from __future__ import annotations

import pytest

from decisions.taxonomy import Category, Classification, DrugClass, classify
from decisions.taxonomy.vocabulary import vocabulary
from tests.taxonomy.table import ROWS


@pytest.mark.parametrize("row", ROWS, ids=[row.treatment[:60] or "(empty)" for row in ROWS])
def test_classifies_real_world_headings(row):
    result = classify(row.treatment)
    expected = (row.category, row.drug_class, row.generics)
    assert (result.category, result.drug_class, "/".join(result.generic_names)) == expected


def test_table_covers_every_category_and_drug_class():
    assert {row.category for row in ROWS} == set(Category)
    assert {row.drug_class for row in ROWS} - {None} == set(DrugClass)
    assert len(ROWS) >= 200


def test_values_are_their_own_string_form():
    """Stored and exported as plain strings, compared with them."""
    result = classify("Norco 10/325mg, #120")
    assert result == Classification("pharmaceutical", "opioid", ("hydrocodone", "acetaminophen"))
    assert [str(result.category), str(result.drug_class)] == ["pharmaceutical", "opioid"]


@pytest.mark.parametrize("row", ROWS, ids=[row.treatment[:60] or "(empty)" for row in ROWS])
def test_only_drugs_have_a_class_and_only_drugs_and_injections_generic_names(row):
    result = classify(row.treatment)
    assert (result.drug_class is not None) == (result.category is Category.PHARMACEUTICAL)
    if result.category not in (Category.PHARMACEUTICAL, Category.INJECTION):
        assert result.generic_names == ()
    assert all(name == name.lower() for name in result.generic_names)
    assert len(set(result.generic_names)) == len(result.generic_names)


def test_every_generic_name_the_data_gives_has_a_class():
    """So that a drug's class never depends on which of its names a letter used."""
    vocab = vocabulary()
    named = {name for generics in vocab.drug_names.values() for name in generics}
    assert named <= set(vocab.classes)


def test_an_unlisted_generic_name_is_known_by_its_ending():
    """USAN stems: a "-prazole" is a proton pump inhibitor, a "-profen" an NSAID."""
    assert classify("Ilaprazole 10mg #30") == Classification(
        "pharmaceutical", "gastrointestinal", ("ilaprazole",)
    )
    assert classify("Dexketoprofen 25mg #20") == Classification(
        "pharmaceutical", "nsaid", ("dexketoprofen",)
    )
    assert classify("Bazedoxifene") == Classification("other")  # no known ending: no guess


def test_a_misspelling_is_corrected_only_when_one_drug_is_a_letter_away():
    assert classify("Gabapenten 300mg").generic_names == ("gabapentin",)  # listed
    assert classify("Lyricaa 75mg").generic_names == ("pregabalin",)  # one letter too many
    # "medrox" and "medrol" are both a letter from "medroc": which one was meant is a guess.
    assert classify("Medroc 120gm") == Classification("other")
