"""The n-gram index answers phrases exactly as Postgres' own phrase check does.

Items are written to trip the rewrite (decisions/phrases.py): the words of a phrase apart or
in another order, a phrase across the treatment and the rationale, stop words between words,
compound words, repeated words, apostrophes. For each query the entries matched through
`_Plan.entry_match` must be exactly those matching `search_vector @@ websearch_to_tsquery`.
"""
from __future__ import annotations

import pytest
from django.db.models import Q

from decisions.filters import search_query
from decisions.models import PhraseNgrams, SearchEntry
from decisions.selectors import _Plan, item_filterset
from tests.factories import make_item

pytestmark = pytest.mark.django_db

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
    "\"O'Neil test\"",
    "\"patient's knee pain\"",
    '"anti-inflammatory medications"',
    '"anti inflammatory medications"',
    '"restoration program program"',
    '"program functional"',
    "functional restoration program",  # words, no phrase
    '"the of"',  # stop words only
]


@pytest.fixture
def items():
    for treatment, rationale in TEXTS:
        make_item(treatment=treatment, rationale=rationale)


def plan(query: str) -> _Plan:
    filterset = item_filterset({"q": query})
    assert filterset.is_valid(), filterset.errors
    return _Plan.of(filterset)


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


def test_ngrams_too_long_for_a_lexeme_are_left_out_not_refused():
    """Two 1,500-character words side by side make an n-gram longer than a lexeme may be
    (2,046 bytes): the index leaves it out rather than refuse the item (decisions/phrases.py
    never asks for one)."""
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
