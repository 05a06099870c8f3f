from django.db import migrations

# Migration 0004's trigger took the count rows' locks first and then built the search entries
# (the vectors, both GIN indexes): every lock was held through the costly part of the
# statement, so a second writer waited for the first one's whole batch. Now an insert makes the
# combinations it lacks without touching existing rows (ON CONFLICT DO NOTHING, in key order),
# builds the entries, and takes the count rows' locks last; ingest writes a batch's items as
# its last statement, after making the batch's new combinations in a transaction of their own
# (decisions/services/letters.py), so those locks are held only until the commit and two
# writers' batches overlap everywhere else. Locks are still taken in key order
# in each sweep, so writers wait for each other but cannot deadlock.

# Frozen: the text this migration has always installed, written out (it was once built from
# migration 0004's fragments; Postgres keeps a plpgsql body verbatim, whitespace included).
TRIGGER = """
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

# 0004's function, for the way back.
PREVIOUS = """
CREATE OR REPLACE FUNCTION decisions_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
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
    ELSIF TG_OP = 'DELETE' THEN
        
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
        
DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id
;
    ELSE
        
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
    END IF;
    RETURN NULL;
END
$$;

"""


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0005_phrase_ngrams"),
    ]

    operations = [migrations.RunSQL(TRIGGER, reverse_sql=PREVIOUS)]
