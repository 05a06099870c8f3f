from django.db import migrations

# The search's functions as decisions/schema.py rendered them when this migration was written,
# frozen here (migrations never import that module, so this one always installs the same).
# They run the statements 0006's did, in the same order; what changed is their text, laid out
# to be read (Postgres keeps a plpgsql body verbatim, so that is what `\sf` shows), and the
# facet functions' argument names, now the facet columns' names. An argument cannot be renamed
# in place, so those two are dropped and created again, in this migration's transaction.
# Combination keys do not change: decisions_facet_key hashes the same values in the same order.

DROP_FACET_FUNCTIONS = """
DROP FUNCTION decisions_facet_values(text, boolean, text[], text[], text[]);
DROP FUNCTION decisions_facet_key(text, text, boolean, text[], text[], text[]);
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION decisions_facet_key(outcome text, reviewer_specialty text, guideline_mismatch boolean, reviewer_guidelines text[], reviewer_documents text[], reviewer_pages text[])
RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
RETURN md5(jsonb_build_array(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages)::text)::uuid;

CREATE OR REPLACE FUNCTION decisions_facet_values(reviewer_specialty text, guideline_mismatch boolean, reviewer_guidelines text[], reviewer_documents text[], reviewer_pages text[])
RETURNS TABLE (facet text, value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'specialty', reviewer_specialty WHERE reviewer_specialty IS NOT NULL
    UNION ALL SELECT 'mismatch', guideline_mismatch::text WHERE guideline_mismatch IS NOT NULL
    UNION ALL SELECT 'guideline', unnest(reviewer_guidelines)
    UNION ALL SELECT 'document', unnest(reviewer_documents)
    UNION ALL SELECT 'cited_page', unnest(reviewer_pages)
$$;

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

# The way back: migration 0004's facet functions and 0006's trigger function, as they installed
# them.
PREVIOUS = """
CREATE FUNCTION decisions_facet_key(
    outcome text, specialty text, mismatch boolean, guidelines text[], documents text[],
    pages text[]
) RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
RETURN md5(
    jsonb_build_array(outcome, specialty, mismatch, guidelines, documents, pages)::text
)::uuid;

-- An item's values of every facet but the outcome, as (facet, value) rows; the facet names are
-- the search parameters' (decisions/filters.py, ItemFilter.FACETS).
CREATE FUNCTION decisions_facet_values(
    specialty text, mismatch boolean, guidelines text[], documents text[], pages text[]
) RETURNS TABLE (facet text, value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'specialty', specialty WHERE specialty IS NOT NULL
    UNION ALL SELECT 'mismatch', mismatch::text WHERE mismatch IS NOT NULL
    UNION ALL SELECT 'guideline', unnest(guidelines)
    UNION ALL SELECT 'document', unnest(documents)
    UNION ALL SELECT 'cited_page', unnest(pages)
$$;

CREATE OR REPLACE FUNCTION decisions_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items)
INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages), outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 0
FROM changed
ORDER BY 1
ON CONFLICT (key) DO NOTHING
;
        
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
JOIN decisions_facetcombination AS c ON c.key = i.key
;
        
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
    SELECT * FROM decisions_facet_values(
        d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines,
        d.reviewer_documents, d.reviewer_pages
    )
) AS v (facet, value)
CROSS JOIN LATERAL (
    SELECT '', ''
    UNION ALL
    SELECT * FROM decisions_facet_values(
        d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines,
        d.reviewer_documents, d.reviewer_pages
    ) WHERE facet IN ('guideline', 'document', 'mismatch')
) AS g (facet, value)
WHERE g.facet <> v.facet
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (given_facet, given_value, facet, value, outcome)
DO UPDATE SET items = f.items + excluded.items
;
    ELSIF TG_OP = 'DELETE' THEN
        
DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id
;
        
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
    SELECT * FROM decisions_facet_values(
        d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines,
        d.reviewer_documents, d.reviewer_pages
    )
) AS v (facet, value)
CROSS JOIN LATERAL (
    SELECT '', ''
    UNION ALL
    SELECT * FROM decisions_facet_values(
        d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines,
        d.reviewer_documents, d.reviewer_pages
    ) WHERE facet IN ('guideline', 'document', 'mismatch')
) AS g (facet, value)
WHERE g.facet <> v.facet
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (given_facet, given_value, facet, value, outcome)
DO UPDATE SET items = f.items + excluded.items
;
    ELSE
        
WITH changed AS (SELECT outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items)
INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages), outcome, reviewer_specialty, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 0
FROM changed
ORDER BY 1
ON CONFLICT (key) DO NOTHING
;
        
DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id
;
        
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
JOIN decisions_facetcombination AS c ON c.key = i.key
;
        
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
    SELECT * FROM decisions_facet_values(
        d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines,
        d.reviewer_documents, d.reviewer_pages
    )
) AS v (facet, value)
CROSS JOIN LATERAL (
    SELECT '', ''
    UNION ALL
    SELECT * FROM decisions_facet_values(
        d.reviewer_specialty, d.guideline_mismatch, d.reviewer_guidelines,
        d.reviewer_documents, d.reviewer_pages
    ) WHERE facet IN ('guideline', 'document', 'mismatch')
) AS g (facet, value)
WHERE g.facet <> v.facet
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (given_facet, given_value, facet, value, outcome)
DO UPDATE SET items = f.items + excluded.items
;
    END IF;
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0006_counts_after_entries"),
    ]

    operations = [
        migrations.RunSQL(
            DROP_FACET_FUNCTIONS + FUNCTIONS, reverse_sql=DROP_FACET_FUNCTIONS + PREVIOUS
        ),
    ]
