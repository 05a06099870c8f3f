"""The report of the commonest treatments the taxonomy does not know, so the tables grow."""

from __future__ import annotations

from decisions.taxonomy import Unclassified, unclassified


def test_lists_unknown_wordings_commonest_first_numbers_aside():
    treatments = [
        "IV Sodium",
        "Norco 10/325mg #120",
        "Dry needling x 6",
        "IV Sodium x2",
        "Gym membership x 6 months",  # other on purpose: not listed
        "Dry needling x 8",
        "IV sodium",
        "Right shoulder",
    ]
    assert unclassified(treatments) == [
        Unclassified("iv sodium", 3, "IV Sodium"),
        Unclassified("dry needling", 2, "Dry needling x 6"),
        Unclassified("right shoulder", 1, "Right shoulder"),
    ]


def test_ties_keep_the_order_first_seen_and_the_limit_holds():
    treatments = ["Zeta thing", "Alpha thing", "Zeta thing", "Alpha thing", "Beta thing"]
    assert [entry.words for entry in unclassified(treatments, limit=2)] == [
        "zeta thing",
        "alpha thing",
    ]


def test_reads_any_iterable_once():
    assert unclassified(iter(["Qux", "Qux"])) == [Unclassified("qux", 2, "Qux")]
