"""A query as Postgres parsed it: its text form read back as a tree (no database), and the
search answering phrases exactly as Postgres' own phrase check does, both ways (counted in
Postgres, and read from the search index beside it, which is asked the parsed tree).

The items are written to trip a phrase search: the words of a phrase apart or in another
order, a phrase across the treatment and the rationale, stop words between words, compound
words, repeated words, apostrophes. For each query the search's results must be exactly the
entries matching `search_vector @@ websearch_to_tsquery`. test_counting.py holds the whole
search's phrase results against a reference.
"""

from __future__ import annotations

import pytest

from decisions.engine.tsquery import And, Not, Or, Phrase, Word, parse
from decisions.models import SearchEntry
from decisions.search import item_filterset, item_search
from decisions.search.vocabulary import search_query
from tests.factories import make_item


def w(lexeme: str) -> Word:
    return Word(lexeme, plain=True)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("'norco'", w("norco")),
        ("'a' & 'b' | 'c'", Or((And((w("a"), w("b"))), w("c")))),
        ("'a' <-> 'b' <2> 'c'", Phrase((w("a"), w("b"), w("c")), (1, 2))),
        ("!'a' & 'b'", And((Not(w("a")), w("b")))),
        (
            "'knee' & !( 'knee' <-> 'brace' )",
            And((w("knee"), Not(Phrase((w("knee"), w("brace")), (1,))))),
        ),
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
    with pytest.raises(ValueError, match="tsquery"):
        parse(text)


TEXTS = [
    ("Functional restoration program", "Requested for chronic pain."),
    ("Program", "A functional restoration and a program of restoration, functional."),
    ("Gym membership", "The functional restoration program was completed in 2014."),
    ("Functional", "restoration program evaluation"),  # across treatment and rationale
    ("Physical therapy", "physical therapy x 12 sessions; therapy, physical"),
    ("Knee brace", "Follow-up visit for the knee brace; a follow up with the knee."),
    ("Activity", "activity and functional restoration of the program"),
    ("Injection", "epidural steroid injection at L4-5; steroid epidural injection"),
    ("O'Neil test", "The patient's knee pain, per O'Neil, was tested."),
    ("Medications", "anti-inflammatory medications, anti inflammatory medications"),
    ("Evaluation", "functional restoration program evaluation and functional restoration"),
    ("Repeat", "restoration restoration program program functional functional"),
    # Every three-word part of a four-word phrase, but never the four in a row.
    ("Split", "functional restoration program; a restoration program evaluation"),
]

QUERIES = [
    '"functional restoration program"',
    '"functional restoration"',
    '"restoration program evaluation"',
    '"functional restoration program evaluation"',
    '"physical therapy" -membership',
    '"physical therapy" program',
    '"follow-up visit"',
    "follow-up",
    '"knee brace" OR "physical therapy"',
    '"activity and functional restoration"',
    '"epidural steroid injection"',
    '"steroid epidural injection" -"knee brace"',
    '"O\'Neil test"',
    '"patient\'s knee pain"',
    '"anti-inflammatory medications"',
    '"anti inflammatory medications"',
    '"restoration program program"',
    '"program functional"',
    "functional restoration program",  # words, no phrase
    '"the of"',  # stop words only
]


@pytest.fixture
def items(db):
    for treatment, rationale in TEXTS:
        make_item(treatment=treatment, rationale=rationale)


def test_the_texts_hold_what_the_queries_look_for(items):
    matches = SearchEntry.objects.filter(
        search_vector=search_query('"functional restoration program"')
    )
    assert matches.count() == 5


@pytest.mark.parametrize("query", QUERIES)
def test_a_search_finds_what_the_word_index_matches(items, both_ways, query):
    expected = set(
        SearchEntry.objects.filter(search_vector=search_query(query)).values_list(
            "item_id", flat=True
        )
    )
    results = item_search(item_filterset({"q": query, "sort": "newest"}))
    assert results.facets is not None
    assert results.facets.total == len(expected)
    assert {row.item.pk for row in results.items} == expected
