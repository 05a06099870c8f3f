"""PeriodCount also counts the months among the items of each reviewer specialty
(`Facet.months_given` in decisions/facets.py): the statistics' trend of a search filtered by a
specialty reads a few hundred month rows instead of grouping every matching search entry's
date (142 ms against the search page's 46 at a million letters). The function is
decisions/schema.py's as it rendered it when this migration was written, frozen; it only adds
'specialty' to the facets whose months are counted. The item table is locked against writers
first, so that no item is counted by both the new function and the fill, or by neither.
Going back restores 0019's function and drops the specialty rows."""

from importlib import import_module

from django.db import migrations

FUNCTION = """
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
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('specialty', 'mismatch', 'guideline', 'document', 'category', 'drug_class')
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
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('specialty', 'mismatch', 'guideline', 'document', 'category', 'drug_class')
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
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('specialty', 'mismatch', 'guideline', 'document', 'category', 'drug_class')
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
"""

LOCK = "LOCK TABLE decisions_disputeditem IN SHARE MODE"

# The trigger's insert statement for the specialty rows, over every item.
COUNTS = """
INSERT INTO decisions_periodcount (given_facet, given_value, month, outcome, items)
SELECT 'specialty', reviewer_specialty_canonical,
       date_trunc('month', decision_date::timestamp)::date, outcome, count(*)
FROM decisions_disputeditem
WHERE reviewer_specialty_canonical IS NOT NULL
GROUP BY 2, 3, 4
ORDER BY 2, 3, 4
"""

DROP_COUNTS = "DELETE FROM decisions_periodcount WHERE given_facet = 'specialty'"

PREVIOUS_FUNCTION = import_module("decisions.migrations.0019_period_counts").FUNCTION_AND_TRIGGERS


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0020_combination_filter_indexes"),
    ]

    operations = [
        migrations.RunSQL(LOCK, reverse_sql=LOCK),
        migrations.RunSQL(FUNCTION, reverse_sql=PREVIOUS_FUNCTION),
        migrations.RunSQL(COUNTS, reverse_sql=DROP_COUNTS),
    ]
