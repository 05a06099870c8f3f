from django.db import migrations

# An UPDATE of items rebuilt every updated item's search entry, its vectors parsed again from
# the words, even when only a facet value changed (a specialty's canonical name across every
# letter). Now the trigger rebuilds the entries of the items whose treatment or rationale
# changed, and moves the others to their new combination and date in place: no text is parsed
# again. Inserts, deletes and the counts are as before. The SQL is decisions/schema.py's as it
# rendered it when this migration was written, frozen; PREVIOUS is migration 0007's function.

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION decisions_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
-- Keeps the search's rows equal to the items; rendered by decisions/schema.py.
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items)
        INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
        SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages), outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 0
        FROM changed
        ORDER BY 1
        ON CONFLICT (key) DO NOTHING;
        INSERT INTO decisions_searchentry
            (item_id, combination_id, decision_date, treatment_vector, search_vector)
        SELECT i.id, c.id, i.decision_date, i.treatment_vector,
               setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B')
        FROM (
            SELECT id, decision_date, decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key,
                   to_tsvector('english', coalesce(treatment, '')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items),
        delta AS (
            SELECT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
            FROM changed
            GROUP BY outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
            HAVING sum(sign) <> 0
        ),
        combinations AS (
            INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
            SELECT key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
            ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
        )
        INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
        SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT 'outcome', d.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
        ) AS v (facet, value)
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
        ) AS g (facet, value)
        WHERE g.facet <> v.facet
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (given_facet, given_value, facet, value, outcome)
        DO UPDATE SET items = f.items + excluded.items;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id;
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, -1 AS sign FROM old_items),
        delta AS (
            SELECT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
            FROM changed
            GROUP BY outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
            HAVING sum(sign) <> 0
        ),
        combinations AS (
            INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
            SELECT key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
            ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
        )
        INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
        SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT 'outcome', d.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
        ) AS v (facet, value)
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
        ) AS g (facet, value)
        WHERE g.facet <> v.facet
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (given_facet, given_value, facet, value, outcome)
        DO UPDATE SET items = f.items + excluded.items;
    ELSE
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items)
        INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
        SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages), outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 0
        FROM changed
        ORDER BY 1
        ON CONFLICT (key) DO NOTHING;
        DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id
          AND NOT EXISTS (SELECT FROM new_items AS n WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale);
        INSERT INTO decisions_searchentry
            (item_id, combination_id, decision_date, treatment_vector, search_vector)
        SELECT i.id, c.id, i.decision_date, i.treatment_vector,
               setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B')
        FROM (
            SELECT id, decision_date, decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key,
                   to_tsvector('english', coalesce(treatment, '')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items AS n
            WHERE NOT EXISTS (SELECT FROM old_items AS o WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale)
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
        UPDATE decisions_searchentry AS e
        SET combination_id = c.id, decision_date = n.decision_date
        FROM new_items AS n
        JOIN decisions_facetcombination AS c ON c.key = decisions_facet_key(n.outcome, n.reviewer_specialty, n.guideline_mismatch, n.reviewer_guidelines, n.reviewer_documents, n.reviewer_pages)
        WHERE e.item_id = n.id
          AND EXISTS (SELECT FROM old_items AS o WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale)
          AND (e.combination_id, e.decision_date) IS DISTINCT FROM (c.id, n.decision_date);
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, -1 AS sign FROM old_items UNION ALL SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items),
        delta AS (
            SELECT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
            FROM changed
            GROUP BY outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
            HAVING sum(sign) <> 0
        ),
        combinations AS (
            INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
            SELECT key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
            ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
        )
        INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
        SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT 'outcome', d.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
        ) AS v (facet, value)
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
        ) AS g (facet, value)
        WHERE g.facet <> v.facet
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (given_facet, given_value, facet, value, outcome)
        DO UPDATE SET items = f.items + excluded.items;
    END IF;
    RETURN NULL;
END
$$;
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION decisions_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
-- Keeps the search's rows equal to the items; rendered by decisions/schema.py.
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items)
        INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
        SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages), outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 0
        FROM changed
        ORDER BY 1
        ON CONFLICT (key) DO NOTHING;
        INSERT INTO decisions_searchentry
            (item_id, combination_id, decision_date, treatment_vector, search_vector)
        SELECT i.id, c.id, i.decision_date, i.treatment_vector,
               setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B')
        FROM (
            SELECT id, decision_date, decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key,
                   to_tsvector('english', coalesce(treatment, '')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items),
        delta AS (
            SELECT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
            FROM changed
            GROUP BY outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
            HAVING sum(sign) <> 0
        ),
        combinations AS (
            INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
            SELECT key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
            ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
        )
        INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
        SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT 'outcome', d.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
        ) AS v (facet, value)
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
        ) AS g (facet, value)
        WHERE g.facet <> v.facet
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (given_facet, given_value, facet, value, outcome)
        DO UPDATE SET items = f.items + excluded.items;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id;
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, -1 AS sign FROM old_items),
        delta AS (
            SELECT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
            FROM changed
            GROUP BY outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
            HAVING sum(sign) <> 0
        ),
        combinations AS (
            INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
            SELECT key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
            ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
        )
        INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
        SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT 'outcome', d.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
        ) AS v (facet, value)
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
        ) AS g (facet, value)
        WHERE g.facet <> v.facet
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (given_facet, given_value, facet, value, outcome)
        DO UPDATE SET items = f.items + excluded.items;
    ELSE
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items)
        INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
        SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages), outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 0
        FROM changed
        ORDER BY 1
        ON CONFLICT (key) DO NOTHING;
        DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id;
        INSERT INTO decisions_searchentry
            (item_id, combination_id, decision_date, treatment_vector, search_vector)
        SELECT i.id, c.id, i.decision_date, i.treatment_vector,
               setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B')
        FROM (
            SELECT id, decision_date, decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key,
                   to_tsvector('english', coalesce(treatment, '')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
        WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, -1 AS sign FROM old_items UNION ALL SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items),
        delta AS (
            SELECT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
            FROM changed
            GROUP BY outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
            HAVING sum(sign) <> 0
        ),
        combinations AS (
            INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
            SELECT key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
            ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
        )
        INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
        SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT 'outcome', d.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
        ) AS v (facet, value)
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
        ) AS g (facet, value)
        WHERE g.facet <> v.facet
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (given_facet, given_value, facet, value, outcome)
        DO UPDATE SET items = f.items + excluded.items;
    END IF;
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0010_duplicates_by_content"),
    ]

    operations = [migrations.RunSQL(TRIGGER_FUNCTION, reverse_sql=PREVIOUS)]
