"""The index's pure parts: an entry's vectors as Tantivy tokens at Postgres' positions, the
order keys, and what a tsquery has no Tantivy equivalent for."""

from __future__ import annotations

import datetime

import pytest
import tantivy

from decisions.engine import SearchIndex, documents
from decisions.engine.queries import Unconvertible, from_tsquery, negation_free


def test_a_vector_text_is_read_lexeme_by_lexeme():
    lexemes = documents.lexemes_of(r"'a\\b':2 'it''s':5 'x':1A,4B")
    assert lexemes == [(2, "a\\b"), (5, "it's"), (1, "x"), (4, "x")]
    # Gaps (stop words) are placeholders the analyzer drops, keeping the positions.
    text = documents.as_text(lexemes)
    assert text == "x a\\b _ x it's"
    assert [(t.text, t.position) for t in documents.ANALYZER.pre_tokenize(text).tokens] == [
        ("x", 0),
        ("a\\b", 1),
        ("x", 3),
        ("it's", 4),
    ]


@pytest.mark.parametrize(
    "vector",
    [
        "'a':16383 'b':16383",  # positions clamped by Postgres: shared
        "'a' 'b':1",  # a lexeme without positions
        "'_':1",  # the placeholder
        "'a b':1",  # a space in a lexeme
    ],
)
def test_what_text_cannot_say_is_given_pretokenized(vector):
    lexemes = documents.lexemes_of(vector)
    assert documents.as_text(lexemes) is None
    tokens = documents.tokens(lexemes)
    assert len(tokens) == len(lexemes)
    if lexemes[0][0] is None:
        assert tokens[0].position == documents.POSITIONLESS_START


def test_newest_first_is_one_descending_key():
    day = datetime.date(2015, 3, 1)
    keys = [
        documents.newest_key(7, day),
        documents.newest_key(9, day),
        documents.newest_key(3, day + datetime.timedelta(days=1)),
        documents.newest_key(5, None),
        documents.newest_key(8, datetime.date(1960, 1, 1)),
    ]
    ordered = [documents.item_of(key) for key in sorted(keys, reverse=True)]
    assert ordered == [3, 9, 7, 8, 5]  # date descending, nulls last, item id descending
    with pytest.raises(ValueError, match="32 bits"):
        documents.newest_key(1 << 32, day)


def test_oldest_first_is_one_ascending_key():
    day = datetime.date(2015, 3, 1)
    keys = [
        documents.oldest_key(7, day),
        documents.oldest_key(9, day),
        documents.oldest_key(3, day + datetime.timedelta(days=1)),
        documents.oldest_key(5, None),
        documents.oldest_key(4, None),
        documents.oldest_key(8, datetime.date(1960, 1, 1)),
    ]
    ordered = [documents.item_of(key) for key in sorted(keys)]
    assert ordered == [8, 7, 9, 3, 4, 5]  # date ascending, nulls last, item id ascending


def test_what_has_no_tantivy_equivalent_is_said():
    schema = documents.schema()
    for tsquery, reason in [
        ("'a' <-> !'b'", "negation"),
        ("'a' <-> ( 'b' | 'c' )", "alternative"),
        ("'a':*", "prefix"),
    ]:
        with pytest.raises(Unconvertible, match=reason):
            from_tsquery(schema, documents.LEXEMES, tsquery)
    assert isinstance(
        from_tsquery(schema, documents.LEXEMES, ""), tantivy.Query
    )  # only stop words: nothing


@pytest.mark.parametrize(
    ("tsquery", "free"),
    [
        ("'norco'", True),
        ("'epidur' <-> 'steroid' <-> 'inject'", True),
        ("'a' & ( 'b' | 'c' <2> 'd' )", True),
        ("", True),
        ("'therapi' & !'physic'", False),
        ("'knee' & !( 'knee' <-> 'brace' )", False),
        ("!'a'", False),
        ("'a' | 'b' & !'c'", False),
    ],
)
def test_a_query_is_negation_free_when_no_operand_is_negated(tsquery, free):
    assert negation_free(tsquery) is free


def test_a_negation_free_query_asks_the_treatment_field_alone(tmp_path):
    """ "The treatment matches too" is asked of the treatment field alone when the query has no
    negation (the search vector begins with the treatment vector: tests/helpers.py
    `assert_derived_rows_match_the_items` holds every write to that). Shown on an entry that
    breaks the rule on purpose, its treatment's word missing from its whole text: the
    treatment field alone finds it; a query with a negation still asks the whole text too."""
    index = documents.ready(tantivy.Index(documents.schema(), str(tmp_path)))
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    for item_id, treatment, text in [(1, "'norco':1", "'pain':1"), (2, "'norco':1", "'norco':1")]:
        entry = documents.Entry(item_id, item_id, "upheld", None, text, treatment, None)
        writer.add_document(documents.document(entry))
    writer.commit()
    searched = SearchIndex.open(tmp_path)
    assert searched.counts("'norco'", treatment_only=True) == {1: (1, 1), 2: (1, 1)}
    assert searched.counts("'norco' & !'pain'", treatment_only=True) == {2: (1, 1)}
    assert searched.counts("'norco'") == {2: (1, 1)}  # item 1's whole text lacks the word
