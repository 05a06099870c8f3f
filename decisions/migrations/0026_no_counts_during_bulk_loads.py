"""While a bulk load's mark is in decisions_bulkload (decisions/services/loading.py), the item
triggers keep no counts (facet counts, combinations' counts, month counts): the load rebuilds
them all from the items in one pass at its end (decisions/schema.py, REBUILD_COUNTS), and the
search counts from the items meanwhile. Both functions are decisions/schema.py's as it
rendered them when this migration was written, frozen; each count statement is only wrapped
in `IF NOT EXISTS (SELECT FROM decisions_bulkload)`. Going back restores 0022's and 0023's."""

from importlib import import_module

from django.db import migrations

SEARCH_FUNCTION = """
CREATE OR REPLACE FUNCTION decisions_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
-- Keeps the search's rows equal to the items; rendered by decisions/schema.py.
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 1 AS sign FROM new_items)
        INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, items)
        SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class), outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 0
        FROM changed
        ORDER BY 1
        ON CONFLICT (key) DO NOTHING;
        INSERT INTO decisions_searchentry
            (item_id, combination_id, decision_date, treatment_vector, search_vector, generic_names)
        SELECT i.id, c.id, i.decision_date, i.treatment_vector,
               setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B'),
               nullif(i.generic_names, '{}')
        FROM (
            SELECT id, decision_date, generic_names, decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class) AS key,
                   to_tsvector('english', coalesce(treatment, '')) || to_tsvector('english', array_to_string(generic_names, ' ')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
        IF NOT EXISTS (SELECT FROM decisions_bulkload) THEN
            WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 1 AS sign FROM new_items),
            delta AS (
                SELECT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class) AS key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, sum(sign) AS n
                FROM changed
                GROUP BY outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class
                HAVING sum(sign) <> 0
            ),
            combinations AS (
                INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, items)
                SELECT key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, n FROM delta ORDER BY key
                ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
            )
            INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
            SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
            FROM delta AS d
            CROSS JOIN LATERAL (
                SELECT 'outcome', d.outcome::text
                UNION ALL
                SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class)
            ) AS v (facet, value)
            CROSS JOIN LATERAL (
                SELECT '', ''
                UNION ALL
                SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('mismatch', 'guideline', 'document', 'category', 'drug_class')
            ) AS g (facet, value)
            WHERE g.facet <> v.facet
            GROUP BY 1, 2, 3, 4, 5
            ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT (given_facet, given_value, facet, value, outcome)
            DO UPDATE SET items = f.items + excluded.items;
        END IF;
        INSERT INTO decisions_searchchange (item_id)
        SELECT id FROM new_items
        WHERE EXISTS (SELECT FROM decisions_searchindexregistration);
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id;
        IF NOT EXISTS (SELECT FROM decisions_bulkload) THEN
            WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, -1 AS sign FROM old_items),
            delta AS (
                SELECT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class) AS key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, sum(sign) AS n
                FROM changed
                GROUP BY outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class
                HAVING sum(sign) <> 0
            ),
            combinations AS (
                INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, items)
                SELECT key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, n FROM delta ORDER BY key
                ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
            )
            INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
            SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
            FROM delta AS d
            CROSS JOIN LATERAL (
                SELECT 'outcome', d.outcome::text
                UNION ALL
                SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class)
            ) AS v (facet, value)
            CROSS JOIN LATERAL (
                SELECT '', ''
                UNION ALL
                SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('mismatch', 'guideline', 'document', 'category', 'drug_class')
            ) AS g (facet, value)
            WHERE g.facet <> v.facet
            GROUP BY 1, 2, 3, 4, 5
            ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT (given_facet, given_value, facet, value, outcome)
            DO UPDATE SET items = f.items + excluded.items;
        END IF;
        INSERT INTO decisions_searchchange (item_id)
        SELECT id FROM old_items
        WHERE EXISTS (SELECT FROM decisions_searchindexregistration);
    ELSE
        WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 1 AS sign FROM new_items)
        INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, items)
        SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class), outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 0
        FROM changed
        ORDER BY 1
        ON CONFLICT (key) DO NOTHING;
        DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id
          AND NOT EXISTS (SELECT FROM new_items AS n WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale AND o.generic_names IS NOT DISTINCT FROM n.generic_names);
        INSERT INTO decisions_searchentry
            (item_id, combination_id, decision_date, treatment_vector, search_vector, generic_names)
        SELECT i.id, c.id, i.decision_date, i.treatment_vector,
               setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B'),
               nullif(i.generic_names, '{}')
        FROM (
            SELECT id, decision_date, generic_names, decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class) AS key,
                   to_tsvector('english', coalesce(treatment, '')) || to_tsvector('english', array_to_string(generic_names, ' ')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items AS n
            WHERE NOT EXISTS (SELECT FROM old_items AS o WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale AND o.generic_names IS NOT DISTINCT FROM n.generic_names)
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
        UPDATE decisions_searchentry AS e
        SET combination_id = c.id, decision_date = n.decision_date
        FROM new_items AS n
        JOIN decisions_facetcombination AS c ON c.key = decisions_facet_key(n.outcome, n.reviewer_specialty_canonical, n.guideline_mismatch, n.reviewer_guidelines, n.reviewer_documents, n.reviewer_pages, n.category, n.drug_class)
        WHERE e.item_id = n.id
          AND EXISTS (SELECT FROM old_items AS o WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale AND o.generic_names IS NOT DISTINCT FROM n.generic_names)
          AND (e.combination_id, e.decision_date) IS DISTINCT FROM (c.id, n.decision_date);
        IF NOT EXISTS (SELECT FROM decisions_bulkload) THEN
            WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, -1 AS sign FROM old_items UNION ALL SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 1 AS sign FROM new_items),
            delta AS (
                SELECT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class) AS key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, sum(sign) AS n
                FROM changed
                GROUP BY outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class
                HAVING sum(sign) <> 0
            ),
            combinations AS (
                INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, items)
                SELECT key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, n FROM delta ORDER BY key
                ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
            )
            INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
            SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
            FROM delta AS d
            CROSS JOIN LATERAL (
                SELECT 'outcome', d.outcome::text
                UNION ALL
                SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class)
            ) AS v (facet, value)
            CROSS JOIN LATERAL (
                SELECT '', ''
                UNION ALL
                SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages, d.category, d.drug_class) WHERE facet IN ('mismatch', 'guideline', 'document', 'category', 'drug_class')
            ) AS g (facet, value)
            WHERE g.facet <> v.facet
            GROUP BY 1, 2, 3, 4, 5
            ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT (given_facet, given_value, facet, value, outcome)
            DO UPDATE SET items = f.items + excluded.items;
        END IF;
        INSERT INTO decisions_searchchange (item_id)
        SELECT id FROM new_items AS n
        WHERE EXISTS (
            SELECT FROM old_items AS o WHERE o.id = n.id AND (o.treatment, o.rationale, o.generic_names, o.decision_date, o.outcome, o.reviewer_specialty_canonical, o.guideline_mismatch, o.reviewer_guidelines, o.reviewer_documents, o.reviewer_pages, o.category, o.drug_class)
            IS DISTINCT FROM (n.treatment, n.rationale, n.generic_names, n.decision_date, n.outcome, n.reviewer_specialty_canonical, n.guideline_mismatch, n.reviewer_guidelines, n.reviewer_documents, n.reviewer_pages, n.category, n.drug_class)
        ) AND EXISTS (SELECT FROM decisions_searchindexregistration);
    END IF;
    RETURN NULL;
END
$$;
"""

PERIOD_FUNCTION = """
CREATE OR REPLACE FUNCTION decisions_item_period_sync() RETURNS trigger LANGUAGE plpgsql AS $$
-- Keeps the month counts equal to the items; rendered by decisions/schema.py.
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT FROM decisions_bulkload) THEN
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
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT FROM decisions_bulkload) THEN
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
        END IF;
    ELSE
        IF NOT EXISTS (SELECT FROM decisions_bulkload) THEN
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
    END IF;
    RETURN NULL;
END
$$;
"""

PREVIOUS_SEARCH = import_module("decisions.migrations.0022_search_changes").TRIGGER_FUNCTION
PREVIOUS_PERIOD = import_module("decisions.migrations.0023_cited_page_period_counts").FUNCTION


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0025_bulk_load_mark"),
    ]

    operations = [
        migrations.RunSQL(SEARCH_FUNCTION, reverse_sql=PREVIOUS_SEARCH),
        migrations.RunSQL(PERIOD_FUNCTION, reverse_sql=PREVIOUS_PERIOD),
    ]
