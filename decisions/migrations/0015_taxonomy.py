import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# What each item requests (issue 13, decisions/taxonomy): the category and drug class, two new
# facet columns of items and combinations, and the generic names, an item column. Every stored
# item gets category `other` and no class or names here: a constant default, which Postgres
# adds without rewriting the table, so the migration takes seconds at two million letters
# where classifying every item here would rewrite the whole item table, and update every
# search entry, in one transaction holding the count rows' locks. `manage.py reclassify` then
# classifies the stored items in batches of their own transactions (README, "Treatment
# taxonomy").
#
# Every stored combination thus gains the values (other, null), so each keeps its id, its
# entries and its counts; only its key, which now hashes the two new values too, is computed
# again, and the facet counts, which gain the new facets (counted among all items, and the
# others counted given each category and drug class), are summed again from the combinations:
# both read the combinations alone (tens of thousands of rows), never the items. The facet functions
# take two more arguments, so they are dropped and created again (CREATE OR REPLACE would add
# second functions); FUNCTIONS is decisions/schema.py's SQL as it rendered it when this
# migration was written, frozen, and PREVIOUS is 0013's. Going back, the reclassified items'
# combinations could share a key, so the derived rows are rebuilt from the items (REBUILD,
# 0013's insert branch over the item table).

DROP_FACET_FUNCTIONS = """
DROP FUNCTION decisions_facet_values(text, boolean, text[], text[], text[], text, text);
DROP FUNCTION decisions_facet_key(text, text, boolean, text[], text[], text[], text, text);
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION decisions_facet_key(outcome text, reviewer_specialty_canonical text, guideline_mismatch boolean, reviewer_guidelines text[], reviewer_documents text[], reviewer_pages text[], category text, drug_class text)
RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
RETURN md5(jsonb_build_array(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class)::text)::uuid;

CREATE OR REPLACE FUNCTION decisions_facet_values(reviewer_specialty_canonical text, guideline_mismatch boolean, reviewer_guidelines text[], reviewer_documents text[], reviewer_pages text[], category text, drug_class text)
RETURNS TABLE (facet text, value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'specialty', reviewer_specialty_canonical WHERE reviewer_specialty_canonical IS NOT NULL
    UNION ALL SELECT 'mismatch', guideline_mismatch::text WHERE guideline_mismatch IS NOT NULL
    UNION ALL SELECT 'guideline', unnest(reviewer_guidelines)
    UNION ALL SELECT 'document', unnest(reviewer_documents)
    UNION ALL SELECT 'cited_page', unnest(reviewer_pages)
    UNION ALL SELECT 'category', category WHERE category IS NOT NULL
    UNION ALL SELECT 'drug_class', drug_class WHERE drug_class IS NOT NULL
$$;

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
            (item_id, combination_id, decision_date, treatment_vector, search_vector)
        SELECT i.id, c.id, i.decision_date, i.treatment_vector,
               setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B')
        FROM (
            SELECT id, decision_date, decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class) AS key,
                   to_tsvector('english', coalesce(treatment, '')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
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
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id;
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
    ELSE
        WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 1 AS sign FROM new_items)
        INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, items)
        SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class), outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class, 0
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
            SELECT id, decision_date, decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class) AS key,
                   to_tsvector('english', coalesce(treatment, '')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items AS n
            WHERE NOT EXISTS (SELECT FROM old_items AS o WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale)
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
        UPDATE decisions_searchentry AS e
        SET combination_id = c.id, decision_date = n.decision_date
        FROM new_items AS n
        JOIN decisions_facetcombination AS c ON c.key = decisions_facet_key(n.outcome, n.reviewer_specialty_canonical, n.guideline_mismatch, n.reviewer_guidelines, n.reviewer_documents, n.reviewer_pages, n.category, n.drug_class)
        WHERE e.item_id = n.id
          AND EXISTS (SELECT FROM old_items AS o WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale)
          AND (e.combination_id, e.decision_date) IS DISTINCT FROM (c.id, n.decision_date);
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
    RETURN NULL;
END
$$;
"""

REKEY_AND_COUNT = """
UPDATE decisions_facetcombination
SET key = decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, category, drug_class);

TRUNCATE decisions_facetcount;

INSERT INTO decisions_facetcount (given_facet, given_value, facet, value, outcome, items)
SELECT g.facet, g.value, v.facet, v.value, c.outcome, sum(c.items)
FROM decisions_facetcombination AS c
CROSS JOIN LATERAL (
    SELECT 'outcome', c.outcome::text
    UNION ALL
    SELECT * FROM decisions_facet_values(c.reviewer_specialty_canonical, c.guideline_mismatch, c.reviewer_guidelines, c.reviewer_documents, c.reviewer_pages, c.category, c.drug_class)
) AS v (facet, value)
CROSS JOIN LATERAL (
    SELECT '', ''
    UNION ALL
    SELECT * FROM decisions_facet_values(c.reviewer_specialty_canonical, c.guideline_mismatch, c.reviewer_guidelines, c.reviewer_documents, c.reviewer_pages, c.category, c.drug_class) WHERE facet IN ('mismatch', 'guideline', 'document', 'category', 'drug_class')
) AS g (facet, value)
WHERE g.facet <> v.facet AND c.items <> 0
GROUP BY 1, 2, 3, 4, 5;
"""

CLEAR = """
TRUNCATE decisions_searchentry, decisions_facetcount, decisions_facetcombination;
"""

REBUILD = """
WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM decisions_disputeditem)
INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages), outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 0
FROM changed
ORDER BY 1
ON CONFLICT (key) DO NOTHING;
INSERT INTO decisions_searchentry
    (item_id, combination_id, decision_date, treatment_vector, search_vector)
SELECT i.id, c.id, i.decision_date, i.treatment_vector,
       setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B')
FROM (
    SELECT id, decision_date, decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key,
           to_tsvector('english', coalesce(treatment, '')) AS treatment_vector,
           to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
    FROM decisions_disputeditem
) AS i
JOIN decisions_facetcombination AS c ON c.key = i.key;
WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM decisions_disputeditem),
delta AS (
    SELECT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
    FROM changed
    GROUP BY outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
    HAVING sum(sign) <> 0
),
combinations AS (
    INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
    SELECT key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
    ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
)
INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
FROM delta AS d
CROSS JOIN LATERAL (
    SELECT 'outcome', d.outcome::text
    UNION ALL
    SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
) AS v (facet, value)
CROSS JOIN LATERAL (
    SELECT '', ''
    UNION ALL
    SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
) AS g (facet, value)
WHERE g.facet <> v.facet
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (given_facet, given_value, facet, value, outcome)
DO UPDATE SET items = f.items + excluded.items;
"""

PREVIOUS_DROP = """
DROP FUNCTION decisions_facet_values(text, boolean, text[], text[], text[]);
DROP FUNCTION decisions_facet_key(text, text, boolean, text[], text[], text[]);
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION decisions_facet_key(outcome text, reviewer_specialty_canonical text, guideline_mismatch boolean, reviewer_guidelines text[], reviewer_documents text[], reviewer_pages text[])
RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
RETURN md5(jsonb_build_array(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages)::text)::uuid;

CREATE OR REPLACE FUNCTION decisions_facet_values(reviewer_specialty_canonical text, guideline_mismatch boolean, reviewer_guidelines text[], reviewer_documents text[], reviewer_pages text[])
RETURNS TABLE (facet text, value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'specialty', reviewer_specialty_canonical WHERE reviewer_specialty_canonical IS NOT NULL
    UNION ALL SELECT 'mismatch', guideline_mismatch::text WHERE guideline_mismatch IS NOT NULL
    UNION ALL SELECT 'guideline', unnest(reviewer_guidelines)
    UNION ALL SELECT 'document', unnest(reviewer_documents)
    UNION ALL SELECT 'cited_page', unnest(reviewer_pages)
$$;

CREATE OR REPLACE FUNCTION decisions_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
-- Keeps the search's rows equal to the items; rendered by decisions/schema.py.
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items)
        INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
        SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages), outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 0
        FROM changed
        ORDER BY 1
        ON CONFLICT (key) DO NOTHING;
        INSERT INTO decisions_searchentry
            (item_id, combination_id, decision_date, treatment_vector, search_vector)
        SELECT i.id, c.id, i.decision_date, i.treatment_vector,
               setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B')
        FROM (
            SELECT id, decision_date, decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key,
                   to_tsvector('english', coalesce(treatment, '')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
        WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items),
        delta AS (
            SELECT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
            FROM changed
            GROUP BY outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
            HAVING sum(sign) <> 0
        ),
        combinations AS (
            INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
            SELECT key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
            ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
        )
        INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
        SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT 'outcome', d.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
        ) AS v (facet, value)
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
        ) AS g (facet, value)
        WHERE g.facet <> v.facet
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (given_facet, given_value, facet, value, outcome)
        DO UPDATE SET items = f.items + excluded.items;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id;
        WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, -1 AS sign FROM old_items),
        delta AS (
            SELECT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
            FROM changed
            GROUP BY outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
            HAVING sum(sign) <> 0
        ),
        combinations AS (
            INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
            SELECT key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
            ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
        )
        INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
        SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT 'outcome', d.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
        ) AS v (facet, value)
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
        ) AS g (facet, value)
        WHERE g.facet <> v.facet
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (given_facet, given_value, facet, value, outcome)
        DO UPDATE SET items = f.items + excluded.items;
    ELSE
        WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items)
        INSERT INTO decisions_facetcombination (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
        SELECT DISTINCT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages), outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 0
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
            SELECT id, decision_date, decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key,
                   to_tsvector('english', coalesce(treatment, '')) AS treatment_vector,
                   to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
            FROM new_items AS n
            WHERE NOT EXISTS (SELECT FROM old_items AS o WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale)
        ) AS i
        JOIN decisions_facetcombination AS c ON c.key = i.key;
        UPDATE decisions_searchentry AS e
        SET combination_id = c.id, decision_date = n.decision_date
        FROM new_items AS n
        JOIN decisions_facetcombination AS c ON c.key = decisions_facet_key(n.outcome, n.reviewer_specialty_canonical, n.guideline_mismatch, n.reviewer_guidelines, n.reviewer_documents, n.reviewer_pages)
        WHERE e.item_id = n.id
          AND EXISTS (SELECT FROM old_items AS o WHERE o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment AND o.rationale IS NOT DISTINCT FROM n.rationale)
          AND (e.combination_id, e.decision_date) IS DISTINCT FROM (c.id, n.decision_date);
        WITH changed AS (SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, -1 AS sign FROM old_items UNION ALL SELECT outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, 1 AS sign FROM new_items),
        delta AS (
            SELECT decisions_facet_key(outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages) AS key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, sum(sign) AS n
            FROM changed
            GROUP BY outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages
            HAVING sum(sign) <> 0
        ),
        combinations AS (
            INSERT INTO decisions_facetcombination AS c (key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, items)
            SELECT key, outcome, reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages, n FROM delta ORDER BY key
            ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
        )
        INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
        SELECT g.facet, g.value, v.facet, v.value, d.outcome, sum(d.n)
        FROM delta AS d
        CROSS JOIN LATERAL (
            SELECT 'outcome', d.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages)
        ) AS v (facet, value)
        CROSS JOIN LATERAL (
            SELECT '', ''
            UNION ALL
            SELECT * FROM decisions_facet_values(d.reviewer_specialty_canonical, d.guideline_mismatch, d.reviewer_guidelines, d.reviewer_documents, d.reviewer_pages) WHERE facet IN ('mismatch', 'guideline', 'document')
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
        ("decisions", "0014_case_numbers_and_dwc_metadata"),
    ]

    operations = [
        # Going back, last: once the columns are gone and 0013's functions are back.
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=REBUILD),
        migrations.AddField(
            model_name="disputeditem",
            name="category",
            field=models.CharField(
                choices=[
                    ("pharmaceutical", "Pharmaceutical"),
                    ("injection", "Injection"),
                    ("imaging", "Imaging"),
                    ("electrodiagnostic", "Electrodiagnostic testing"),
                    ("other_diagnostic", "Other diagnostic testing"),
                    ("physical_therapy", "Physical therapy"),
                    ("chiropractic", "Chiropractic"),
                    ("acupuncture", "Acupuncture"),
                    ("surgery", "Surgery"),
                    ("dme", "Durable medical equipment"),
                    ("program", "Functional restoration and other programs"),
                    ("behavioral_health", "Behavioral health"),
                    ("evaluation_management", "Consultations and visits"),
                    ("home_health", "Home health"),
                    ("other", "Other"),
                ],
                default="other",
                help_text="What the item requests, as analysts group treatments (decisions/taxonomy); `other` when the taxonomy does not know it.",
                max_length=25,
            ),
        ),
        migrations.AddField(
            model_name="disputeditem",
            name="drug_class",
            field=models.CharField(
                blank=True,
                choices=[
                    ("opioid", "Opioid"),
                    ("nsaid", "NSAID"),
                    ("muscle_relaxant", "Muscle relaxant"),
                    ("anticonvulsant", "Anticonvulsant"),
                    ("antidepressant", "Antidepressant"),
                    ("benzodiazepine", "Benzodiazepine"),
                    ("sedative_hypnotic", "Sedative-hypnotic"),
                    ("topical", "Topical"),
                    ("gastrointestinal", "Gastrointestinal"),
                    ("other", "Other drug"),
                ],
                help_text="A pharmaceutical's drug class; null for everything else.",
                max_length=20,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="disputeditem",
            name="generic_names",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=100),
                blank=True,
                default=list,
                help_text="The generic drugs the treatment names, lower case ('Norco': hydrocodone, acetaminophen); empty for everything but drugs.",
                size=None,
            ),
        ),
        migrations.AddField(
            model_name="facetcombination",
            name="category",
            field=models.CharField(
                choices=[
                    ("pharmaceutical", "Pharmaceutical"),
                    ("injection", "Injection"),
                    ("imaging", "Imaging"),
                    ("electrodiagnostic", "Electrodiagnostic testing"),
                    ("other_diagnostic", "Other diagnostic testing"),
                    ("physical_therapy", "Physical therapy"),
                    ("chiropractic", "Chiropractic"),
                    ("acupuncture", "Acupuncture"),
                    ("surgery", "Surgery"),
                    ("dme", "Durable medical equipment"),
                    ("program", "Functional restoration and other programs"),
                    ("behavioral_health", "Behavioral health"),
                    ("evaluation_management", "Consultations and visits"),
                    ("home_health", "Home health"),
                    ("other", "Other"),
                ],
                default="other",
                help_text="What the item requests, as analysts group treatments (decisions/taxonomy); `other` when the taxonomy does not know it.",
                max_length=25,
            ),
        ),
        migrations.AddField(
            model_name="facetcombination",
            name="drug_class",
            field=models.CharField(
                blank=True,
                choices=[
                    ("opioid", "Opioid"),
                    ("nsaid", "NSAID"),
                    ("muscle_relaxant", "Muscle relaxant"),
                    ("anticonvulsant", "Anticonvulsant"),
                    ("antidepressant", "Antidepressant"),
                    ("benzodiazepine", "Benzodiazepine"),
                    ("sedative_hypnotic", "Sedative-hypnotic"),
                    ("topical", "Topical"),
                    ("gastrointestinal", "Gastrointestinal"),
                    ("other", "Other drug"),
                ],
                help_text="A pharmaceutical's drug class; null for everything else.",
                max_length=20,
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="disputeditem",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["generic_names"], name="item_generic_names_idx"
            ),
        ),
        migrations.RunSQL(PREVIOUS_DROP + FUNCTIONS, reverse_sql=DROP_FACET_FUNCTIONS + PREVIOUS),
        migrations.RunSQL(REKEY_AND_COUNT, reverse_sql=CLEAR),
    ]
