"""Item counts by month of decision and outcome (PeriodCount), among all items and among the
items of each value of the given facets (as FacetCount's), kept by a trigger of their own: the
statistics page reads the trend of the searches FacetCount answers from them instead of
grouping their search entries' dates (issue 14). The SQL is decisions/schema.py's as it
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
        WITH changed AS (SELECT decision_date, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 1 AS sign FROM new_items),
        delta AS (
            SELECT date_trunc('month', decision_date::timestamp)::date AS month, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, sum(sign) AS n
            FROM changed
            GROUP BY 1, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class
            HAVING sum(sign) <> 0
        )
        INSERT INTO decisions_periodcount AS p (given_facet, given_value, month, outcome, items)
        SELECT g.facet, g.value, d.month, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('mismatch', 'guideline', 'document', 'category', 'drug_class')
        ) AS g (facet, value)
        GROUP BY 1, 2, 3, 4
        HAVING sum(d.n) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (given_facet, given_value, month, outcome)
        DO UPDATE SET items = p.items + excluded.items;
    ELSIF TG_OP = 'DELETE' THEN
        WITH changed AS (SELECT decision_date, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, -1 AS sign FROM old_items),
        delta AS (
            SELECT date_trunc('month', decision_date::timestamp)::date AS month, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, sum(sign) AS n
            FROM changed
            GROUP BY 1, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class
            HAVING sum(sign) <> 0
        )
        INSERT INTO decisions_periodcount AS p (given_facet, given_value, month, outcome, items)
        SELECT g.facet, g.value, d.month, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('mismatch', 'guideline', 'document', 'category', 'drug_class')
        ) AS g (facet, value)
        GROUP BY 1, 2, 3, 4
        HAVING sum(d.n) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (given_facet, given_value, month, outcome)
        DO UPDATE SET items = p.items + excluded.items;
    ELSE
        WITH changed AS (SELECT decision_date, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, -1 AS sign FROM old_items UNION ALL SELECT decision_date, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 1 AS sign FROM new_items),
        delta AS (
            SELECT date_trunc('month', decision_date::timestamp)::date AS month, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, sum(sign) AS n
            FROM changed
            GROUP BY 1, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class
            HAVING sum(sign) <> 0
        )
        INSERT INTO decisions_periodcount AS p (given_facet, given_value, month, outcome, items)
        SELECT g.facet, g.value, d.month, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('mismatch', 'guideline', 'document', 'category', 'drug_class')
        ) AS g (facet, value)
        GROUP BY 1, 2, 3, 4
        HAVING sum(d.n) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (given_facet, given_value, month, outcome)
        DO UPDATE SET items = p.items + excluded.items;
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

# The trigger's insert statement over every item.
COUNTS = """
WITH changed AS (SELECT decision_date, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 1 AS sign FROM decisions_disputeditem),
delta AS (
    SELECT date_trunc('month', decision_date::timestamp)::date AS month, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, sum(sign) AS n
    FROM changed
    GROUP BY 1, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class
    HAVING sum(sign) <> 0
)
INSERT INTO decisions_periodcount AS p (given_facet, given_value, month, outcome, items)
SELECT g.facet, g.value, d.month, d.outcome, sum(d.n)
FROM delta AS d
CROSS JOIN LATERAL (
    SELECT '', ''
    UNION ALL
    SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('mismatch', 'guideline', 'document', 'category', 'drug_class')
) AS g (facet, value)
GROUP BY 1, 2, 3, 4
HAVING sum(d.n) <> 0
ORDER BY 1, 2, 3, 4
ON CONFLICT (given_facet, given_value, month, outcome)
DO UPDATE SET items = p.items + excluded.items
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
                ("given_facet", models.CharField(blank=True, max_length=20)),
                ("given_value", models.CharField(blank=True, max_length=320)),
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
        ),
        # An operation of its own: CreateModel's constraints are added at the migration's end,
        # after the upserts below that need them.
        migrations.AddConstraint(
            model_name="periodcount",
            constraint=models.UniqueConstraint(
                fields=("given_facet", "given_value", "month", "outcome"),
                name="periodcount_uniq",
                nulls_distinct=False,
            ),
        ),
        migrations.RunSQL(FUNCTION_AND_TRIGGERS, reverse_sql=DROP),
        migrations.RunSQL(COUNTS, reverse_sql=migrations.RunSQL.noop),
    ]
