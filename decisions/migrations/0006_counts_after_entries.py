from importlib import import_module

from django.db import migrations

# Migration 0004's trigger took the count rows' locks first and then built the search entries
# (the vectors, both GIN indexes): every lock was held through the costly part of the
# statement, so a second writer waited for the first one's whole batch. Now an insert makes the
# combinations it lacks without touching existing rows (ON CONFLICT DO NOTHING, in key order),
# builds the entries, and takes the count rows' locks last; ingest writes a batch's items as
# its last statement, after making the batch's new combinations in a transaction of their own
# (decisions/services/letters.py), so those locks are held only until the commit and two
# writers' batches overlap everywhere else. Locks are still taken in key order
# in each sweep, so writers wait for each other but cannot deadlock.

search = import_module("decisions.migrations.0004_search_entries_and_facet_counts")

NEW_COMBINATIONS = f"""
WITH changed AS ({{changed}})
INSERT INTO decisions_facetcombination (key, {search.FACET_COLUMNS}, items)
SELECT DISTINCT decisions_facet_key({search.FACET_COLUMNS}), {search.FACET_COLUMNS}, 0
FROM changed
ORDER BY 1
ON CONFLICT (key) DO NOTHING
"""

BOTH = f"{search.REMOVED} UNION ALL {search.ADDED}"

TRIGGER = f"""
CREATE OR REPLACE FUNCTION decisions_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {NEW_COMBINATIONS.format(changed=search.ADDED)};
        {search.INSERT_ENTRIES.format(items="new_items")};
        {search.COUNT_CHANGES.format(changed=search.ADDED)};
    ELSIF TG_OP = 'DELETE' THEN
        {search.DELETE_ENTRIES};
        {search.COUNT_CHANGES.format(changed=search.REMOVED)};
    ELSE
        {NEW_COMBINATIONS.format(changed=search.ADDED)};
        {search.DELETE_ENTRIES};
        {search.INSERT_ENTRIES.format(items="new_items")};
        {search.COUNT_CHANGES.format(changed=BOTH)};
    END IF;
    RETURN NULL;
END
$$;
"""

# 0004's function body, for the way back.
PREVIOUS = search.TRIGGER.split("CREATE TRIGGER", 1)[0].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
)


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0005_phrase_ngrams"),
    ]

    operations = [migrations.RunSQL(TRIGGER, reverse_sql=PREVIOUS)]
