from django.db import migrations, models

# One name per specialty (decisions/specialties.py). The letter keeps the wording and gains the
# names its specialty and subspecialty are grouped under; the items' and combinations' facet
# column becomes the grouping name. Nothing is known to the vocabulary yet, so every grouping
# name starts as the wording: the facet column is renamed, not rebuilt, and every combination
# keeps its key (decisions_facet_key hashes the same values in the same order), its id and its
# counts, so the derived rows stay as they are (no backfill over millions of items). Stored
# letters are then regrouped in batches by `manage.py regroup_specialties`, which moves only
# the items whose name changes (the item trigger, since 0011, without parsing their words).
#
# The facet functions' argument is renamed with its column, so they are dropped and created
# again (CREATE OR REPLACE would add a second function); the SQL is decisions/schema.py's as it
# rendered it when this migration was written, frozen. PREVIOUS is what 0007 and 0011 installed.
# The item index on the column follows the rename by itself; only Django's record of it changes.

LETTERS = """
UPDATE decisions_letter
SET reviewer_specialty_canonical = reviewer_specialty,
    reviewer_subspecialty_canonical = reviewer_subspecialty
WHERE reviewer_specialty IS NOT NULL OR reviewer_subspecialty IS NOT NULL;
"""

DROP_FACET_FUNCTIONS = """
DROP FUNCTION decisions_facet_values(text, boolean, text[], text[], text[]);
DROP FUNCTION decisions_facet_key(text, text, boolean, text[], text[], text[]);
"""

FUNCTIONS = """
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

PREVIOUS = """
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

GROUPED = (
    "The reviewer's specialty as it is grouped: its canonical name, or the letter's wording "
    "when the vocabulary does not know it."
)


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0012_parse_warnings"),
    ]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="reviewer_specialty_canonical",
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="letter",
            name="reviewer_subspecialty_canonical",
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.RunSQL(LETTERS, reverse_sql=migrations.RunSQL.noop),
        migrations.RenameField(
            model_name="disputeditem",
            old_name="reviewer_specialty",
            new_name="reviewer_specialty_canonical",
        ),
        migrations.RenameField(
            model_name="facetcombination",
            old_name="reviewer_specialty",
            new_name="reviewer_specialty_canonical",
        ),
        migrations.AlterField(
            model_name="disputeditem",
            name="reviewer_specialty_canonical",
            field=models.CharField(blank=True, help_text=GROUPED, max_length=200, null=True),
        ),
        migrations.AlterField(
            model_name="facetcombination",
            name="reviewer_specialty_canonical",
            field=models.CharField(blank=True, help_text=GROUPED, max_length=200, null=True),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="disputeditem", name="item_specialty_idx"),
                migrations.AddIndex(
                    model_name="disputeditem",
                    index=models.Index(
                        fields=["reviewer_specialty_canonical"], name="item_specialty_idx"
                    ),
                ),
            ],
        ),
        migrations.RunSQL(
            DROP_FACET_FUNCTIONS + FUNCTIONS, reverse_sql=DROP_FACET_FUNCTIONS + PREVIOUS
        ),
    ]
