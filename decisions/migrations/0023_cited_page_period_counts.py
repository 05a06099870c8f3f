"""PeriodCount also counts the months among the items citing each page (`Facet.given_months`
in decisions/facets.py), so that every search filtered by one facet value reads its
statistics' trend from month rows: a cited page's grouped every matching search entry's date
(71 ms against the search page's 20 at a million letters). The function is
decisions/schema.py's as it rendered it when this migration was written, frozen; it only adds
'cited_page' to the facets whose months are counted. As in 0021, the item table is locked
against writers first, and the fill counts each item under each page as the trigger's
decisions_facet_values gives them. Going back restores 0021's function and drops the
cited-page rows."""

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
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('specialty', 'mismatch', 'guideline', 'document', 'cited_page', 'category', 'drug_class')
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
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('specialty', 'mismatch', 'guideline', 'document', 'cited_page', 'category', 'drug_class')
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
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('specialty', 'mismatch', 'guideline', 'document', 'cited_page', 'category', 'drug_class')
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

# The trigger's insert statement for the cited-page rows, over every item.
COUNTS = """
INSERT INTO decisions_periodcount (given_facet, given_value, month, outcome, items)
SELECT g.facet, g.value, date_trunc('month', i.decision_date::timestamp)::date, i.outcome, count(*)
FROM decisions_disputeditem AS i
CROSS JOIN LATERAL decisions_facet_values(i.reviewer_specialty_canonical, i.guideline_mismatch, i.reviewer_guidelines, i.reviewer_documents, i.reviewer_pages, i.category, i.drug_class) AS g
WHERE g.facet = 'cited_page'
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
"""

DROP_COUNTS = "DELETE FROM decisions_periodcount WHERE given_facet = 'cited_page'"

PREVIOUS_FUNCTION = import_module("decisions.migrations.0021_specialty_period_counts").FUNCTION


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0022_search_changes"),
    ]

    operations = [
        migrations.RunSQL(LOCK, reverse_sql=LOCK),
        migrations.RunSQL(FUNCTION, reverse_sql=PREVIOUS_FUNCTION),
        migrations.RunSQL(COUNTS, reverse_sql=DROP_COUNTS),
    ]
