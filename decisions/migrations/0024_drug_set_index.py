"""The letter page's similar decisions on the same drugs read an index of each item's generic
names as a set (`decisions_drug_set`: sorted, each once) with its date, newest first: three
index entries whatever the drugs' frequency. The names' GIN index answered by sorting every
match, and for names that always go together (a compounded cream, Fioricet) the planner took
that for a handful of rows (11 estimated, 11,303 at a million letters: hundreds of ms cold).
The function is decisions/schema.py's as it rendered it when this migration was written,
frozen. Going back drops the index, then the function."""

from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION decisions_drug_set(names varchar[]) RETURNS varchar[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT array_agg(DISTINCT name ORDER BY name) FROM unnest(names) AS name);
"""

DROP = "DROP FUNCTION decisions_drug_set(varchar[]);"


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0023_cited_page_period_counts"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, reverse_sql=DROP),
        migrations.AddIndex(
            model_name="disputeditem",
            index=models.Index(
                models.Func(models.F("generic_names"), function="decisions_drug_set"),
                models.OrderBy(models.F("decision_date"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("generic_names", []), _negated=True),
                name="item_drug_set_idx",
            ),
        ),
    ]
