"""Seeded draws: the generator's only source of randomness.

Every draw of a letter goes through one Random seeded from (corpus seed, index), so a letter is
reproducible alone, in any order and in any process, and the draws' order is part of the output:
changing it changes every letter after the change.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class Random(random.Random):
    """random.Random with choice/randint/sample built on random() alone: the stdlib versions
    go through _randbelow and cost a third of the generation time. Still seeded by an int,
    so still reproducible everywhere."""

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    # No `counts`: the generator never samples with repeats.
    def sample(self, population: Sequence[T], k: int) -> list[T]:  # type: ignore[override]
        pool = list(population)
        n = len(pool)
        for i in range(k):
            j = i + int(self.random() * (n - i))
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def cumulative(pairs: tuple[tuple[T, float], ...]) -> tuple[tuple[T, ...], list[float]]:
    """(value, weight) pairs as a table for weighted(): the values and their running weights."""
    return tuple(value for value, _ in pairs), list(accumulate(weight for _, weight in pairs))


def weighted(rng: random.Random, table: tuple[tuple[T, ...], list[float]]) -> T:
    """One value of a cumulative() table, each as likely as its weight."""
    values, totals = table
    return values[bisect(totals, rng.random() * totals[-1])]
