"""The phrase rewrite on tsquery text as Postgres prints it (no database: see
test_selectors_paths.py and test_search_entries.py for the rewrite against real matches)."""
from __future__ import annotations

import pytest

from decisions.phrases import And, Not, Or, Phrase, Rewrite, Word, parse, quote, rewrite


def w(lexeme: str) -> Word:
    return Word(lexeme, plain=True)


@pytest.mark.parametrize(
    "text, tree",
    [
        ("'norco'", w("norco")),
        ("'a' & 'b' | 'c'", Or((And((w("a"), w("b"))), w("c")))),
        ("'a' <-> 'b' <2> 'c'", Phrase((w("a"), w("b"), w("c")), (1, 2))),
        ("!'a' & 'b'", And((Not(w("a")), w("b")))),
        ("'knee' & !( 'knee' <-> 'brace' )", And((w("knee"), Not(Phrase((w("knee"), w("brace")), (1,)))))),
        ("'pain':* & 'x':AB", And((Word("pain", plain=False), Word("x", plain=False)))),
        ("'it''s' & 'back\\\\slash'", And((w("it's"), w("back\\slash")))),
        ("", None),
        ("   ", None),
    ],
)
def test_parse(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize("text", ["'a' &", "( 'a'", "'a' 'b'", "'unclosed", "& 'a'"])
def test_parse_refuses_what_postgres_never_prints(text):
    with pytest.raises(ValueError):
        parse(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        # Phrases of two or three words: one n-gram each, exact.
        ("'function' <-> 'restor' <-> 'program'", Rewrite(("function restor program",), "")),
        ("'physic' <-> 'therapi'", Rewrite(("physic therapi",), "")),
        # With words beside them, plain or negated: still exact, the words on the word index.
        (
            "'epidur' <-> 'steroid' <-> 'inject' & 'pain' & !'opioid'",
            Rewrite(("epidur steroid inject",), "'pain' & !'opioid'"),
        ),
        # A longer phrase: every overlapping three-word n-gram, then the check of positions.
        (
            "'anti-inflammatori' <-> 'anti' <-> 'inflammatori' <-> 'medic'",
            Rewrite(("anti-inflammatori anti inflammatori", "anti inflammatori medic"), None),
        ),
        # A stop word's gap splits the runs; what is left of two words is still required.
        ("'activ' <2> 'function' <-> 'restor'", Rewrite(("function restor",), None)),
        ("'a' <-> 'b' <2> 'c' <-> 'd'", Rewrite(("a b", "c d"), None)),
        # A phrase beside an alternative or a negated phrase: required, but not the query.
        ("'a' <-> 'b' & ( 'c' | 'd' )", Rewrite(("a b",), None)),
        ("'x' <-> 'ray' & !( 'knee' <-> 'brace' )", Rewrite(("x ray",), None)),
        # Repeated phrases ask once.
        ("'a' <-> 'b' & 'a' <-> 'b'", Rewrite(("a b",), "")),
        # Quoting survives: an n-gram is one lexeme whatever it holds.
        ("'o''neil' <-> 'test'", Rewrite(("o'neil test",), "")),
    ],
)
def test_rewrite(text, expected):
    assert rewrite(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "'norco'",  # no phrase
        "'norco' & !'opioid'",
        "'a' <-> 'b' | 'c'",  # the phrase is one alternative: not required
        "!( 'a' <-> 'b' )",  # excluded, not required
        "'pain':* <-> 'manag'",  # a prefix match is not one lexeme
        "'a' <2> 'b'",  # no two words adjacent
        "",
    ],
)
def test_no_rewrite(text):
    assert rewrite(text) is None


def test_ngrams_longer_than_a_lexeme_are_never_asked_for():
    long = "x" * 1500
    assert rewrite(f"'{long}' <-> 'y'") == Rewrite((f"{long} y",), "")
    assert rewrite(f"'{long}' <-> '{long}'") is None
    # Three words too long for one n-gram: its two-word parts are not what the phrase means.
    assert rewrite(f"'{long}' <-> 'y' <-> '{long[:600]}'") is None


def test_ngram_query_quotes_each_ngram():
    text = Rewrite(("o'neil test", "back\\slash x"), "").ngram_query
    assert text == "'o''neil test' & 'back\\\\slash x'"
    assert quote("a b") == "'a b'"
