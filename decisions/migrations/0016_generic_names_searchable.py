import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# Generic names are searchable (issue 13). An entry's treatment vector is the treatment's words
# and then its generic names' (decisions/taxonomy), so `q=hydrocodone` finds "Norco 10/325mg
# #120"; and the entry keeps the names themselves (null when none), GIN-indexed, so that the
# `drug` filter counts a drug's requests among the narrow entries, as a query's matches. An
# UPDATE that changes an item's generic names (`manage.py reclassify`) rebuilds its entry like
# one that changes its words. An item without generic names keeps the entry it had, so only the
# entries of items with names are rebuilt here: none on a database whose items `reclassify` has
# not classified yet (it then rebuilds them as it names them). The SQL is decisions/schema.py's
# as it rendered it when this migration was written, frozen; PREVIOUS is 0015's function.
# Going back, the entries' vectors are built again without the names.

TRIGGER_FUNCTION = """
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

ENTRIES = """
UPDATE decisions_searchentry AS e
SET treatment_vector = v.treatment_vector,
    search_vector = setweight(v.treatment_vector, 'A')
                    || setweight(to_tsvector('english', coalesce(i.rationale, '')), 'B'),
    generic_names = i.generic_names
FROM decisions_disputeditem AS i
CROSS JOIN LATERAL (
    SELECT to_tsvector('english', coalesce(i.treatment, ''))
           || to_tsvector('english', array_to_string(i.generic_names, ' '))
) AS v (treatment_vector)
WHERE e.item_id = i.id AND i.generic_names <> '{}';
"""

ENTRIES_BEFORE = """
UPDATE decisions_searchentry AS e
SET treatment_vector = v.treatment_vector,
    search_vector = setweight(v.treatment_vector, 'A')
                    || setweight(to_tsvector('english', coalesce(i.rationale, '')), 'B')
FROM decisions_disputeditem AS i
CROSS JOIN LATERAL (
    SELECT to_tsvector('english', coalesce(i.treatment, ''))
) AS v (treatment_vector)
WHERE e.item_id = i.id AND i.generic_names <> '{}';
"""

PREVIOUS = """
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


class Migration(migrations.Migration):
    dependencies = [("decisions", "0015_taxonomy")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="generic_names",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=100),
                help_text="The item's generic names; null when it has none (no array stored).",
                null=True,
                size=None,
            ),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["generic_names"], name="entry_generic_names_idx"
            ),
        ),
        migrations.RunSQL(TRIGGER_FUNCTION, reverse_sql=PREVIOUS),
        migrations.RunSQL(ENTRIES, reverse_sql=ENTRIES_BEFORE),
    ]
