"""Classify stored items again, in batches, after the taxonomy's tables grow.

New items are classified when they are stored (decisions/services/letters.py); the items
already stored keep what the taxonomy said then, and after migration 0015 every stored item is
`other` until this runs. No letter is parsed again: the classifier reads the stored treatment
heading, and an item is written only when its category, drug class or generic names change.
The item trigger then moves the item's search entry to its new facet combination in place, and
rebuilds the entry only where the words it is searched by changed (decisions/schema.py).

Items are read by id, a batch at a time, and each batch is written in a transaction of its
own, so a run over five million items can stop anywhere and be run again. An item re-parsed
between the read and the write is gone (re-parsing stores new item rows, classified by then),
so the write, keyed on the ids read, leaves it alone.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction

from ..engine import sync
from ..models import DisputedItem
from ..taxonomy import Category, Unclassified, classify, unclassified
from .combinations import empty_combinations_prune

# Items per batch: one read of five narrow columns, and at most one UPDATE, whose trigger moves
# the changed items' search entries and counts (about 1 ms per changed item at 100,000 letters).
BATCH_SIZE = 5000

# The changed items' new values, a JSON array of objects; the ids written.
_WRITE = """
UPDATE decisions_disputeditem AS i
SET category = v.category, drug_class = v.drug_class, generic_names = v.generic_names
FROM jsonb_to_recordset(%s::jsonb) AS v (id bigint, category text, drug_class text,
                                          generic_names text[])
WHERE i.id = v.id
"""


@dataclass
class ReclassifySummary:
    dry_run: bool
    items: int = 0  # items read
    changed: int = 0  # items given another category, class or names (to be, in a dry run)
    categories: int = 0  # of those, how many changed category
    drug_classes: int = 0  # ... drug class
    generic_names: int = 0  # ... generic names
    # (old category, new category) -> items
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    # The commonest treatments the taxonomy does not know, when asked for (`unclassified`).
    unknown: list[Unclassified] = field(default_factory=list)
    pruned: int = 0  # combinations left without items, deleted (decisions/services/combinations.py)

    def describe(self) -> str:
        written = " (dry run: nothing written)" if self.dry_run else ""
        return (
            f"items {self.items} read, {self.changed} changed: category {self.categories}, "
            f"drug class {self.drug_classes}, generic names {self.generic_names}{written}; "
            f"{self.pruned} emptied facet combinations deleted"
        )


def items_reclassify(
    *, batch_size: int = BATCH_SIZE, dry_run: bool = False, unknown: int = 0
) -> ReclassifySummary:
    """Give every stored item the taxonomy's category, drug class and generic names; with
    `unknown`, also list that many of the commonest treatments it classifies `other`."""
    summary = ReclassifySummary(dry_run=dry_run)
    others: list[str] = []  # treatments classified `other`, for `unclassified`
    rows = DisputedItem.objects.order_by("pk").values_list(
        "pk", "treatment", "category", "drug_class", "generic_names"
    )
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:batch_size]):
        last = batch[-1][0]
        summary.items += len(batch)
        changes = []
        for pk, treatment, category, drug_class, generic_names in batch:
            requested = classify(treatment)
            new_class = None if requested.drug_class is None else requested.drug_class.value
            new_names = list(requested.generic_names)
            if unknown and requested.category is Category.OTHER:
                others.append(treatment)
            if (category, drug_class, generic_names) == (requested.category, new_class, new_names):
                continue
            if category != requested.category:
                summary.categories += 1
                summary.moves[(category, requested.category.value)] += 1
            summary.drug_classes += drug_class != new_class
            summary.generic_names += generic_names != new_names
            changes.append(
                {
                    "id": pk,
                    "category": requested.category.value,
                    "drug_class": new_class,
                    "generic_names": new_names,
                }
            )
        summary.changed += len(changes)
        if changes and not dry_run:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_WRITE, [json.dumps(changes)])
    if not dry_run:  # also what the runs before this one emptied
        summary.pruned = empty_combinations_prune()
        sync.apply_if_kept()  # the moved items' documents, if an index is kept
    if unknown:
        summary.unknown = unclassified(others, limit=unknown)
    return summary
