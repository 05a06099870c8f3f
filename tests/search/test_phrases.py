"""The phrase rewrite: on tsquery text as Postgres prints it (no database), and through the
n-gram index against Postgres' own phrase check.

The index's items are written to trip the rewrite: the words of a phrase apart or in another
order, a phrase across the treatment and the rationale, stop words between words, compound
words, repeated words, apostrophes. For each query the entries matched through
`Plan.entry_match` must be exactly those matching `search_vector @@ websearch_to_tsquery`.
test_counting.py holds the whole search's phrase results against a reference.
"""

from __future__ import annotations

import pytest
from django.db.models import Q

from decisions.models import PhraseNgrams, SearchEntry
from decisions.search import item_filterset
from decisions.search.phrases import And, Not, Or, Phrase, Rewrite, Word, parse, quote, rewrite
from decisions.search.planning import Plan
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


@pytest.mark.parametrize(
    ("text", "expected"),
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


def plan(query: str) -> Plan:
    filterset = item_filterset({"q": query})
    assert filterset.is_valid(), filterset.errors
    return Plan.of(filterset)


def entry_ids(condition: Q) -> set[int]:
    return set(SearchEntry.objects.filter(condition).values_list("item_id", flat=True))


@pytest.mark.parametrize("query", QUERIES)
def test_the_phrase_index_matches_what_the_word_index_matches(items, query):
    expected = entry_ids(Q(search_vector=search_query(query)))
    assert entry_ids(plan(query).entry_match()) == expected


def test_the_cases_exercise_every_kind_of_rewrite(items):
    kinds = set()
    for query in QUERIES:
        rewrite = plan(query).rewrite
        kinds.add("none" if rewrite is None else "exact" if rewrite.exact else "checked")
        if rewrite is not None and rewrite.words:
            kinds.add("exact, with words")
    assert kinds == {"none", "exact", "checked", "exact, with words"}
    matches = entry_ids(Q(search_vector=search_query('"functional restoration program"')))
    assert len(matches) == 5  # the texts do have what the queries look for


@pytest.mark.django_db
def test_ngrams_too_long_for_a_lexeme_are_left_out_not_refused():
    """Two 1,500-character words side by side make an n-gram longer than a lexeme may be
    (2,046 bytes): the index leaves it out rather than refuse the item (the rewrite never
    asks for one)."""
    long_a, long_b = "a" * 1500, "b" * 1500
    item = make_item(treatment="Long words", rationale=f"{long_a} {long_b} norco")
    ngrams = (
        SearchEntry.objects.filter(item=item)
        .annotate(ngrams=PhraseNgrams("search_vector"))
        .values_list("ngrams", flat=True)
        .get()
    )
    assert f"'{long_b} norco'" in ngrams and "'long word'" in ngrams
    assert f"{long_a} {long_b}" not in ngrams
