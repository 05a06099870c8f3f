import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

# A search vector's n-grams (decisions/search/phrases.py): every two and three lexemes at
# consecutive positions, joined by a space (a lexeme never holds one), as a tsvector without
# positions.
# Built from the stored vector, so a phrase's n-gram is present exactly when Postgres' own
# phrase check would match: a self-join on position + 1, not "the next lexeme", because past
# position 16,383 every word shares that position. N-grams longer than a lexeme may be (2,046
# bytes) are left out; decisions/search/phrases.py never asks for them.
#
# The index is an expression index, so nothing is stored in the table; COST tells the planner
# that computing it for a row (~150 us) is no filter to apply to many rows.
# A change to this function's output needs `REINDEX INDEX entry_phrase_ngrams_idx`.
FUNCTION = """
CREATE FUNCTION decisions_phrase_ngrams(vector tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000
RETURN (
    WITH w AS (
        SELECT u.lexeme, p FROM unnest(vector) AS u, unnest(u.positions) AS p
    )
    SELECT array_to_tsvector(coalesce(array_agg(g.ngram), '{}'))
    FROM (
        SELECT a.lexeme || ' ' || b.lexeme
        FROM w AS a JOIN w AS b ON b.p = a.p + 1
        UNION ALL
        SELECT a.lexeme || ' ' || b.lexeme || ' ' || c.lexeme
        FROM w AS a JOIN w AS b ON b.p = a.p + 1 JOIN w AS c ON c.p = b.p + 1
    ) AS g (ngram)
    WHERE octet_length(g.ngram) <= 2046
);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0004_search_entries_and_facet_counts"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, reverse_sql="DROP FUNCTION decisions_phrase_ngrams(tsvector)"),
        migrations.AddIndex(
            model_name="searchentry",
            index=django.contrib.postgres.indexes.GinIndex(
                models.Func(
                    models.F("search_vector"),
                    function="decisions_phrase_ngrams",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                ),
                name="entry_phrase_ngrams_idx",
            ),
        ),
    ]
