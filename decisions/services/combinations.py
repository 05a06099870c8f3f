"""Delete the facet combinations no item has any more, after a run that moved items between
them (`reclassify`, which also deletes what earlier runs emptied; `regroup_specialties`,
`reparse`).

Why: the item trigger leaves a combination whose count falls to 0 in place (a concurrent
writer's entry may be about to name it: decisions/schema.py), and the search reads the whole
combination table for a facet filter it cannot answer from FacetCount (a specialty, a cited
page). At 100,000 letters the first `reclassify` emptied 12,066 of 30,633 combinations, and
those pages' summaries went from 33-69 ms to 92-119 ms (BENCHMARKS.md).

Safe beside ingest and uploads: the deletion holds the item table in SHARE mode, which waits
for every transaction writing items to commit and keeps new ones waiting until it ends, so no
trigger is between finding a combination and counting an item in it. A combination that
ingest made ahead of its batch (decisions/services/letters.py, `combinations_create`) and
this deletes is made again by the batch's own trigger.
"""

from __future__ import annotations

from django.db import connection, transaction

from ..models import DisputedItem, FacetCombination

LOCK_ITEMS = f"LOCK TABLE {DisputedItem._meta.db_table} IN SHARE MODE"
DELETE_EMPTY = f"DELETE FROM {FacetCombination._meta.db_table} WHERE items = 0"


def empty_combinations_prune() -> int:
    """Delete the combinations without items; returns how many."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(LOCK_ITEMS)
        cursor.execute(DELETE_EMPTY)
        return cursor.rowcount
