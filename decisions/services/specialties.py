"""Regroup stored letters' specialties under the vocabulary's names, in batches.

New letters get their grouping names from the parse; the letters already stored keep the ones
they were given, so after the vocabulary changes (and once after migration 0013, which gave
every letter its wording) they are mapped again from their wording with the one function that
asks the vocabulary (decisions/specialties.py). No letter is parsed again: a letter and its
items are updated only when a name changes, and the item trigger then moves each item's search
entry to its new facet combination in place, without parsing its words again
(decisions/schema.py).

Letters are read by id, a batch at a time, and each batch is written in a transaction of its
own, so a run over two million letters can stop anywhere. A letter re-parsed between the read
and the write is left to its parse: the write applies only where the wording is still the one
that was mapped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction

from ..engine import sync
from ..models import Letter
from ..specialties import grouping_name_of
from .combinations import empty_combinations_prune

# Letters per batch: one read, and at most one transaction of two statements (the letters,
# then their items, whose trigger moves the items' search entries and counts).
BATCH_SIZE = 1000

# Each letter's new names, where its wording is still the one mapped; the ids written.
_LETTERS = """
UPDATE decisions_letter AS l
SET reviewer_specialty_canonical = v.specialty, reviewer_subspecialty_canonical = v.subspecialty
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[])
    AS v (id, specialty_wording, subspecialty_wording, specialty, subspecialty)
WHERE l.id = v.id
  AND l.reviewer_specialty IS NOT DISTINCT FROM v.specialty_wording
  AND l.reviewer_subspecialty IS NOT DISTINCT FROM v.subspecialty_wording
RETURNING l.id
"""

# The items of those letters whose facet value is not the letter's name any more.
_ITEMS = """
UPDATE decisions_disputeditem AS i
SET reviewer_specialty_canonical = l.reviewer_specialty_canonical
FROM decisions_letter AS l
WHERE l.id = ANY(%s) AND i.letter_id = l.id
  AND i.reviewer_specialty_canonical IS DISTINCT FROM l.reviewer_specialty_canonical
"""


@dataclass
class RegroupSummary:
    dry_run: bool
    letters: int = 0  # letters read
    regrouped: int = 0  # letters given another name (that would be, in a dry run)
    items: int = 0  # items moved to another name (none counted in a dry run)
    # (what, old name, new name) -> letters: what is "specialty" or "subspecialty"
    changes: Counter[tuple[str, str | None, str | None]] = field(default_factory=Counter)
    pruned: int = 0  # combinations left without items, deleted (decisions/services/combinations.py)

    def describe(self) -> str:
        written = " (dry run: nothing written)" if self.dry_run else ""
        return (
            f"letters {self.letters} read, {self.regrouped} regrouped, "
            f"{self.items} items moved{written}; {self.pruned} emptied facet combinations deleted"
        )


def letters_regroup(*, batch_size: int = BATCH_SIZE, dry_run: bool = False) -> RegroupSummary:
    """Give every stored letter, and its items, the grouping names of its wording."""
    summary = RegroupSummary(dry_run=dry_run)
    names: dict[str | None, str | None] = {}  # wording -> grouping name, asked once each

    def name_of(wording: str | None) -> str | None:
        if wording not in names:
            names[wording] = grouping_name_of(wording)
        return names[wording]

    rows = Letter.objects.order_by("pk").values_list(
        "pk",
        "reviewer_specialty",
        "reviewer_subspecialty",
        "reviewer_specialty_canonical",
        "reviewer_subspecialty_canonical",
    )
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:batch_size]):
        last = batch[-1][0]
        summary.letters += len(batch)
        regrouped = []
        for pk, specialty, subspecialty, grouped, subgrouped in batch:
            new = (name_of(specialty), name_of(subspecialty))
            if new == (grouped, subgrouped):
                continue
            regrouped.append((pk, specialty, subspecialty, *new))
            for what, old, now in (
                ("specialty", grouped, new[0]),
                ("subspecialty", subgrouped, new[1]),
            ):
                if old != now:
                    summary.changes[(what, old, now)] += 1
        if regrouped and not dry_run:
            letters, items = _write(regrouped)
            summary.regrouped += letters
            summary.items += items
        elif regrouped:
            summary.regrouped += len(regrouped)
    if summary.items:
        summary.pruned = empty_combinations_prune()
        sync.apply_if_kept()  # the regrouped items' documents, if an index is kept
    return summary


def _write(regrouped: list[tuple]) -> tuple[int, int]:
    """Store a batch's new names, letters then items, in one transaction: (letters, items)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_LETTERS, [list(column) for column in zip(*regrouped, strict=True)])
        written = [row[0] for row in cursor.fetchall()]
        cursor.execute(_ITEMS, [written])
        return len(written), cursor.rowcount
