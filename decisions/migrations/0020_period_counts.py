"""Item counts by month of decision and outcome (PeriodCount), kept by a trigger of their own:
the statistics page reads its unfiltered (and outcome-only) trend from them instead of
grouping every search entry's date (issue 14). The SQL is decisions/schema.py's as it
rendered it when this migration was written, frozen. The triggers come first, then the counts
of the items already stored, in one statement: CREATE TRIGGER locks the item table against
writers until the migration commits, so no item is counted twice or missed. Going back drops
the triggers, their function and the table."""

from django.db import migrations, models

FUNCTION_AND_TRIGGERS = """
CREATE OR REPLACE FUNCTION decisions_item_period_sync() RETURNS trigger LANGUAGE plpgsql AS $$
-- Keeps the month counts equal to the items; rendered by decisions/schema.py.
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO decisions_periodcount AS p (month, outcome, items)
        SELECT date_trunc('month', decision_date::timestamp)::date, outcome, sum(sign)
        FROM (SELECT decision_date, outcome, 1 AS sign FROM new_items) AS changed
        GROUP BY 1, 2
        HAVING sum(sign) <> 0
        ORDER BY 1, 2
        ON CONFLICT (month, outcome) DO UPDATE SET items = p.items + excluded.items;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO decisions_periodcount AS p (month, outcome, items)
        SELECT date_trunc('month', decision_date::timestamp)::date, outcome, sum(sign)
        FROM (SELECT decision_date, outcome, -1 AS sign FROM old_items) AS changed
        GROUP BY 1, 2
        HAVING sum(sign) <> 0
        ORDER BY 1, 2
        ON CONFLICT (month, outcome) DO UPDATE SET items = p.items + excluded.items;
    ELSE
        INSERT INTO decisions_periodcount AS p (month, outcome, items)
        SELECT date_trunc('month', decision_date::timestamp)::date, outcome, sum(sign)
        FROM (SELECT decision_date, outcome, -1 AS sign FROM old_items UNION ALL SELECT decision_date, outcome, 1 AS sign FROM new_items) AS changed
        GROUP BY 1, 2
        HAVING sum(sign) <> 0
        ORDER BY 1, 2
        ON CONFLICT (month, outcome) DO UPDATE SET items = p.items + excluded.items;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER item_stats_insert AFTER INSERT ON decisions_disputeditem
    REFERENCING NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION decisions_item_period_sync();
CREATE OR REPLACE TRIGGER item_stats_delete AFTER DELETE ON decisions_disputeditem
    REFERENCING OLD TABLE AS old_items
    FOR EACH STATEMENT EXECUTE FUNCTION decisions_item_period_sync();
CREATE OR REPLACE TRIGGER item_stats_update AFTER UPDATE ON decisions_disputeditem
    REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION decisions_item_period_sync();
"""

DROP = """
DROP TRIGGER item_stats_insert ON decisions_disputeditem;
DROP TRIGGER item_stats_delete ON decisions_disputeditem;
DROP TRIGGER item_stats_update ON decisions_disputeditem;
DROP FUNCTION decisions_item_period_sync();
"""

COUNTS = """
INSERT INTO decisions_periodcount (month, outcome, items)
SELECT date_trunc('month', decision_date::timestamp)::date, outcome, count(*)
FROM decisions_disputeditem
GROUP BY 1, 2
"""


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0018_metadata_uploads"),
    ]

    operations = [
        migrations.CreateModel(
            name="PeriodCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(null=True)),
                (
                    "outcome",
                    models.CharField(
                        choices=[("upheld", "Upheld"), ("overturned", "Overturned")],
                        max_length=10,
                    ),
                ),
                ("items", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "outcome"),
                        name="periodcount_uniq",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTION_AND_TRIGGERS, reverse_sql=DROP),
        migrations.RunSQL(COUNTS, reverse_sql=migrations.RunSQL.noop),
    ]
