"""The search entries' phrase n-gram index goes, and its function with it.

Kept up item by item it was about half of what Postgres did to insert an item (BENCHMARKS.md,
"Session 10: the phrase n-gram index dropped"): the search index beside Postgres
(decisions/engine) answers phrases from its positions, and Postgres, where it counts, checks a
phrase's positions on the word index's candidates. Going back builds the index again (from 0005's frozen function).
"""

from importlib import import_module

from django.db import migrations

FUNCTION = import_module("decisions.migrations.0005_phrase_ngrams").FUNCTION


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0026_no_counts_during_bulk_loads"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="searchentry",
            name="entry_phrase_ngrams_idx",
        ),
        migrations.RunSQL(
            "DROP FUNCTION decisions_phrase_ngrams(tsvector)",
            reverse_sql=FUNCTION,
        ),
    ]
