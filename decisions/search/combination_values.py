"""Counts by combination (the search index's, or the maintained counts of the combinations a
page's facet filters allow, counting._combinations_counted_in_memory) turned into counts by
facet value in the process's memory, instead of a statement that joins thousands of
combinations to their values and groups them (issue 15: 9-24 ms of a broad query's page at a
million letters, against 1-9 ms in memory, BENCHMARKS.md "Session 7"; vectorised with NumPy
here, well under that).

A combination's values never change once it exists: a new combination of values is a new row
with a new id, and the rows are only ever updated for their count, or deleted once no item has
them (decisions/services/combinations.py; a deleted id is never given again). Only a migration
that adds or renames a facet column changes stored values, and new code, in new processes,
comes with it. So each process keeps the values of the combinations it has met, by id
(`Known`), and asks Postgres only for those it has not, in the search's snapshot: a
combination the snapshot does not hold is one the index knows ahead of it
(`indexed.IndexAhead`), or one deleted after the statement that counted it (`Unknown`
either way: the caller counts in Postgres instead). The cache belongs to one database, by
its index's registration (`sync.REGISTRATION`): another starts it empty; without one
nothing is kept.

The values are Postgres' own text (`schema.facet_rows`, as the statement counted them), and
ties are ordered as the statement orders them, by value in code point order (`COLLATE "C"`),
which is Python's order of strings.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from .. import schema
from ..engine import Counts
from ..facets import FACETS, OUTCOME
from ..models import FacetCombination, Outcome
from .arrays import bigint_array

# The facets' names in the order their rows come, as the statement orders them.
_FACET_NAMES = tuple(sorted(facet.name for facet in FACETS))
_FACET_INDEX = {name: i for i, name in enumerate(_FACET_NAMES)}
_OUTCOME = _FACET_INDEX[OUTCOME.name]


class Unknown(Exception):
    """A combination the search's snapshot does not hold."""


@dataclass
class Known:
    """The values of every combination a process has met, as arrays NumPy counts with.

    Row r is one combination: its slots (a slot is one (facet, value)) are
    `slots[starts[r]:starts[r + 1]]`, the outcome's among them; `overturned[r]` whether its
    outcome is. Slot s is `facet[s]`'s value `value[s]`; `rank[s]` orders it among all slots
    by (facet, value)."""

    registration: int | None
    position: dict[int, int] = field(default_factory=dict)  # combination id -> row
    slot_of: dict[tuple[str, str], int] = field(default_factory=dict)
    value: list[str] = field(default_factory=list)
    facet: np.ndarray = field(default_factory=lambda: _empty(np.int64))  # in _FACET_NAMES
    rank: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    slots: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    overturned: np.ndarray = field(default_factory=lambda: _empty(bool))

    def add(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        """Add combinations from `_VALUES`' rows, (id, outcome, facet, value), each
        combination's rows together (the statements order them by id). One pass, no object
        per combination: a million letters' 309,029 rows in about 0.07 s."""
        lengths: list[int] = []
        slots: list[int] = []
        overturned: list[bool] = []
        facets = self.facet.tolist()
        current, known = None, False
        for pk, outcome, facet, value in rows:
            if pk != current:
                current, known = pk, pk in self.position
                if not known:
                    self.position[pk] = len(self.position)
                    lengths.append(0)
                    overturned.append(outcome == Outcome.OVERTURNED)
            if known:
                continue
            slot = self.slot_of.get((facet, value))
            if slot is None:
                slot = self.slot_of[facet, value] = len(self.value)
                self.value.append(value)
                facets.append(_FACET_INDEX[facet])
            slots.append(slot)
            lengths[-1] += 1
        if not lengths:
            return
        ends = self.starts[-1] + np.cumsum(lengths, dtype=np.int64)
        self.starts = np.concatenate([self.starts, ends])
        self.slots = np.concatenate([self.slots, np.array(slots, dtype=np.int64)])
        self.overturned = np.concatenate([self.overturned, np.array(overturned, dtype=bool)])
        self.facet = np.array(facets, dtype=np.int64)
        order = sorted(range(len(self.value)), key=lambda s: (facets[s], self.value[s]))
        self.rank = np.empty(len(order), dtype=np.int64)
        self.rank[order] = np.arange(len(order))

    def positions(self, counts: Counts) -> np.ndarray:
        """The rows of the counted combinations, in the counts' order (all of them known)."""
        return np.fromiter((self.position[pk] for pk in counts), dtype=np.int64, count=len(counts))

    def rows(
        self,
        counts: Counts,
        rows: np.ndarray,
        outcome: str,
        limits: dict[str, int | None],
        *,
        by_value: bool,
    ) -> list[list]:
        """Each facet's top values among the combinations counted (at `rows`, their
        `positions`), as `counting._count`'s rows: [facet, value, hits, overturned, decided],
        by facet, most hits first, then by value; at most `limits[facet]` of each (a facet not
        in `limits`: all of them); only the outcome's unless `by_value`.

        A value's hits count the chosen outcome only (or both); its overturned and decided
        counts whatever the outcome filter, as the outcome facet's hits do."""
        if not counts:
            return []
        n = np.fromiter((n for n, _ in counts.values()), dtype=np.int64, count=len(counts))
        starts = self.starts[rows]
        lengths = self.starts[rows + 1] - starts
        # Every slot of every counted combination (a gather of the rows' ranges), and the
        # combination's count, its outcome, and whether the outcome filter lets it count.
        first = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        slots = self.slots[first + np.arange(first.size)]
        weights = np.repeat(n, lengths)
        overturned = np.repeat(self.overturned[rows], lengths)
        size = len(self.value)
        decided = np.bincount(slots, weights=weights, minlength=size).astype(np.int64)
        turned = np.bincount(slots, weights=weights * overturned, minlength=size).astype(np.int64)
        hits = decided
        if outcome:
            chosen = overturned == (outcome == Outcome.OVERTURNED)
            hit = chosen | (self.facet[slots] == _OUTCOME)
            hits = np.bincount(slots, weights=weights * hit, minlength=size).astype(np.int64)
        counted = np.flatnonzero(hits > 0)
        if not by_value:
            counted = counted[self.facet[counted] == _OUTCOME]
        ordered = counted[np.lexsort((self.rank[counted], -hits[counted], self.facet[counted]))]
        result: list[list] = []
        placed = dict.fromkeys(_FACET_NAMES, 0)
        for slot, facet in zip(ordered.tolist(), self.facet[ordered].tolist(), strict=True):
            name = _FACET_NAMES[facet]
            limit = limits.get(name)
            if limit is None or placed[name] < limit:
                placed[name] += 1
                values = int(hits[slot]), int(turned[slot]), int(decided[slot])
                result.append([name, self.value[slot], *values])
        return result

    def in_treatment(self, counts: Counts, rows: np.ndarray) -> list[list]:
        """The counted matches (at `rows`) whose treatment matches too, by outcome, as the
        outcome facet's rows (`counting.IN_TREATMENT`)."""
        t = np.fromiter((t for _, t in counts.values()), dtype=np.int64, count=len(counts))
        turned = int(t[self.overturned[rows]].sum())
        upheld = int(t.sum()) - turned
        by_outcome = [(Outcome.OVERTURNED, turned, turned), (Outcome.UPHELD, upheld, 0)]
        return [["outcome", o.value, n, over, n] for o, n, over in by_outcome if n > 0]


def _empty(dtype: type) -> np.ndarray:
    return np.zeros(0, dtype=dtype)


_lock = threading.Lock()
_known: Known | None = None

# Combinations' values, a row per (combination, facet, value), by combination, in the
# caller's snapshot: of every combination (`_ALL`), or of the given ones (`_GIVEN`). Rows
# rather than a JSON array per combination: 0.15 s for the 35,713 combinations of a million
# letters, against 0.8 (and their fetch 0.1 s).
_VALUES = f"""
SELECT c.id, c.outcome::text, x.facet, x.value
FROM {FacetCombination._meta.db_table} AS c
CROSS JOIN LATERAL ({schema.facet_rows("c")}) AS x (facet, value)
WHERE x.value IS NOT NULL"""
_ALL = f"{_VALUES}\nORDER BY c.id"
_GIVEN = f"{_VALUES} AND c.id = ANY(%s::bigint[])\nORDER BY c.id"
_CHUNK = 20_000  # `_ALL`'s rows fetched at a time


def summary_rows(
    registration: int | None,
    counts: Counts,
    outcome: str,
    limits: dict[str, int | None],
    *,
    by_value: bool,
    in_treatment: bool,
) -> tuple[list[list], list[list] | None]:
    """`Known.rows` and (if asked) `Known.in_treatment` of the counts, the combinations this
    process has not met read in the caller's transaction first. `Unknown` when one is not in
    its snapshot. One search at a time per process reads or grows the values.

    A process's first search of a registered database reads every combination's values at
    once (one statement and its rows, about 0.5 s at a million letters), as a worker's first
    page compiles its templates: one read, where meeting each facet filter's or query's
    combinations in turn cost each one's first search up to ~100 ms (one specialty's 2,826
    combinations: two slow requests of twenty, one per worker, made its p95 121 ms against
    30). Later searches read only combinations made since."""
    global _known
    with _lock:
        if _known is None or _known.registration != registration or registration is None:
            # Without a registration nothing tells one database from another: nothing kept.
            fresh = Known(registration)
            if registration is not None:
                # A server-side cursor, fetched in chunks: the rows never all in memory at once.
                # Kept only once whole: a fetch cut short (the statement budget) leaves the
                # half-read values behind, and the next search reads them again.
                with connection.chunked_cursor() as cursor:
                    cursor.cursor.itersize = _CHUNK
                    cursor.execute(_ALL)
                    fresh.add(cursor)
            _known = fresh
        known = _known
        missing = [pk for pk in counts if pk not in known.position]
        if missing:
            with connection.cursor() as cursor:
                cursor.execute(_GIVEN, [bigint_array(missing)])
                known.add(cursor.fetchall())
            if any(pk not in known.position for pk in missing):
                raise Unknown("a combination the search's snapshot does not hold")
        at = known.positions(counts)
        rows = known.rows(counts, at, outcome, limits, by_value=by_value)
        return rows, known.in_treatment(counts, at) if in_treatment else None
