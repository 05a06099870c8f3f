"""The database-side code stays what decisions/schema.py says, and migrations stay reversible.

Postgres prints a function in its own form (a SQL-standard body is deparsed, differently from
one version to the next), so nothing here compares with checked-in text: the module's SQL is
installed beside the migrated schema on the same server, and both are compared as that
server prints them.
"""

from __future__ import annotations

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend

from decisions import schema

pytestmark = pytest.mark.django_db

SCRATCH = "schema_module_check"

# Every function and trigger of a schema (a namespace), as (kind, name, definition) rows.
FUNCTIONS_AND_TRIGGERS = """
SELECT 'function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       pg_get_functiondef(p.oid)
FROM pg_proc AS p WHERE p.pronamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'trigger', t.tgname, pg_get_triggerdef(t.oid)
FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
WHERE c.relnamespace = %(schema)s::regnamespace AND NOT t.tgisinternal
"""

# Besides, what a migration can change in a table: columns, storage, constraints, indexes.
TABLES = """
SELECT 'column', c.relname || '.' || a.attname,
       concat_ws(' ', format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                 a.attstorage, pg_get_expr(d.adbin, d.adrelid))
FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind = 'r'
  AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'table', c.relname, coalesce(array_to_string(c.reloptions, ','), '')
FROM pg_class AS c WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind = 'r'
UNION ALL
SELECT 'constraint', conname, pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s
"""


def definitions(cursor, sql: str, schema_name: str) -> set[tuple[str, str, str]]:
    """The rows of `sql` for `schema_name`, printed with every name schema-qualified."""
    cursor.execute("SET search_path TO pg_catalog")
    try:
        cursor.execute(sql, {"schema": schema_name})
        return set(cursor.fetchall())
    finally:
        cursor.execute("RESET search_path")


def test_the_database_holds_what_the_schema_module_renders():
    """The functions and triggers the migrations installed are the module's: its SQL is
    installed into a scratch schema (the triggers on an empty copy of the item table) and
    both are compared, the schema's name apart."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (migrated,) = cursor.fetchone()
        cursor.execute(f"CREATE SCHEMA {SCRATCH}")
        cursor.execute(
            f"CREATE TABLE {SCRATCH}.decisions_disputeditem "
            f"(LIKE {migrated}.decisions_disputeditem)"
        )
        cursor.execute(f"SET LOCAL search_path TO {SCRATCH}")
        for statement in connection.ops.prepare_sql_script(schema.SQL):
            cursor.execute(statement)
        installed = definitions(cursor, FUNCTIONS_AND_TRIGGERS, migrated)
        rendered = {
            tuple(text.replace(f"{SCRATCH}.", f"{migrated}.") for text in row)
            for row in definitions(cursor, FUNCTIONS_AND_TRIGGERS, SCRATCH)
        }
    assert {name for _, name, _ in rendered} == {name for _, name, _ in installed}
    assert rendered == installed


def database_connection(name: str, alias: str):
    """A connection to another database of the test database's server, known to Django by
    `alias` (contrib.postgres looks each new connection up by it)."""
    settings = connection.settings_dict
    connections[alias] = load_backend(settings["ENGINE"]).DatabaseWrapper(
        {**settings, "NAME": name}, alias=alias
    )
    return connections[alias]


@pytest.fixture
def scratch_database():
    """An empty database beside the test database, and its connection."""
    name = f"{connection.settings_dict['NAME']}_migrations"
    server = database_connection("postgres", "schema_server")
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    with server.cursor() as cursor:
        cursor.execute(drop)
        cursor.execute(f'CREATE DATABASE "{name}"')
    database = database_connection(name, "schema_scratch")
    try:
        yield database
    finally:
        database.close()
        del connections["schema_scratch"]
        with server.cursor() as cursor:
            cursor.execute(drop)
        server.close()
        del connections["schema_server"]


# Where the walk back starts: the migrations after it install the search's SQL. Before it,
# Django's own operations go back to an equal schema but may name a constraint differently
# (0003 turned a unique field into a named constraint; going back, Django names it anew).
FIRST_STEP = ("decisions", "0003_drop_redundant_indexes")


def test_each_migration_goes_back_to_exactly_the_schema_before_it(scratch_database):
    """Migrations freeze their SQL, their way back included (a copy of an earlier migration's
    text): going back from the latest to each earlier one must restore what going forward
    found there."""
    migrations = MigrationExecutor(scratch_database).loader.disk_migrations
    steps = sorted(key for key in migrations if key[0] == "decisions" and key >= FIRST_STEP)

    def migrate_to(step: tuple[str, str]) -> set[tuple[str, str, str]]:
        MigrationExecutor(scratch_database).migrate([step])
        with scratch_database.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            (name,) = cursor.fetchone()
            return definitions(cursor, FUNCTIONS_AND_TRIGGERS + "UNION ALL" + TABLES, name)

    forward = [migrate_to(step) for step in steps]
    assert forward[-1] != forward[-2]
    for step, expected in reversed(list(zip(steps, forward, strict=True))[:-1]):
        assert migrate_to(step) == expected, step


def test_runs_recorded_before_run_statuses_migrate_to_finished_or_interrupted(scratch_database):
    """A run from before statuses finished if it has an end time; one without never said it
    stopped. Either way its last sign of life is the last time it recorded."""
    executor = MigrationExecutor(scratch_database)
    executor.migrate([("decisions", "0008_uploads_in_the_background")])
    with scratch_database.cursor() as cursor:
        cursor.execute(
            "INSERT INTO decisions_ingestrun"
            " (origin, sources, started_at, finished_at, created, duplicates, failed) VALUES"
            " ('command', 'a', '2024-01-01 10:00Z', '2024-01-01 10:05Z', 5, 0, 0),"
            " ('command', 'b', '2024-01-02 10:00Z', NULL, 0, 0, 0)"
        )
    MigrationExecutor(scratch_database).migrate([("decisions", "0009_ingest_run_status")])
    with scratch_database.cursor() as cursor:
        cursor.execute(
            "SELECT sources, status, heartbeat_at = COALESCE(finished_at, started_at)"
            " FROM decisions_ingestrun ORDER BY sources"
        )
        assert cursor.fetchall() == [("a", "finished", True), ("b", "interrupted", True)]


def test_the_grouping_name_takes_the_specialty_column_over_without_a_rebuild(scratch_database):
    """Migration 0013 renames the facet column and gives each letter its wording as grouping
    name: every combination keeps its key (the same values, hashed in the same order), so the
    entries, combinations and counts stored before stay right as they are."""
    executor = MigrationExecutor(scratch_database)
    executor.migrate([("decisions", "0012_parse_warnings")])
    with scratch_database.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO decisions_letter (sha256, source_name, original_kind, original_file,
                raw_text, layout, reviewer_specialty, reviewer_licensed_in, case_summary,
                loaded_at, parsed_at, warnings, warning_codes, fingerprint_copy)
            VALUES ('x', 'x.txt', 'text', '', 'text', 'standard', 'Orthopedic Surgery', '{}',
                    'summary', now(), now(), '[]', '{}', 0)
            RETURNING id
            """
        )
        (letter,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO decisions_disputeditem (letter_id, position, treatment, rationale,
                outcome, reviewer_specialty, reviewer_guidelines, reviewer_documents,
                reviewer_pages, warnings)
            SELECT %s, n, 'Norco', 'Not necessary.', 'upheld', 'Orthopedic Surgery',
                   '{MTUS}', '{}', '{}', '[]'
            FROM generate_series(1, 3) AS n
            """,
            [letter],
        )
        cursor.execute("SELECT id, key, items FROM decisions_facetcombination")
        combinations = cursor.fetchall()
    MigrationExecutor(scratch_database).migrate([("decisions", "0013_canonical_specialty")])
    with scratch_database.cursor() as cursor:
        cursor.execute(
            "SELECT reviewer_specialty, reviewer_specialty_canonical FROM decisions_letter"
        )
        assert cursor.fetchall() == [("Orthopedic Surgery", "Orthopedic Surgery")]
        # The columns as 0013 left them (later migrations add facets).
        cursor.execute(
            "SELECT id, decisions_facet_key(outcome, reviewer_specialty_canonical,"
            " guideline_mismatch, reviewer_guidelines, reviewer_documents, reviewer_pages),"
            " items FROM decisions_facetcombination"
        )
        assert cursor.fetchall() == combinations
        # The trigger carries on from there: a fourth item joins the same combination.
        cursor.execute(
            "INSERT INTO decisions_disputeditem (letter_id, position, treatment, rationale,"
            " outcome, reviewer_specialty_canonical, reviewer_guidelines, reviewer_documents,"
            " reviewer_pages, warnings) VALUES (%s, 4, 'Norco', 'No.', 'upheld',"
            " 'Orthopedic Surgery', '{MTUS}', '{}', '{}', '[]')",
            [letter],
        )
        cursor.execute("SELECT id, items FROM decisions_facetcombination")
        assert cursor.fetchall() == [(combinations[0][0], 4)]


def test_the_taxonomy_columns_keep_every_combination_and_count_the_new_facets(scratch_database):
    """Migration 0015 gives every stored item category `other` and no drug class: each
    combination keeps its id and count under its new key, and the counts gain the new facets'
    values, without reading the items. Going back rebuilds the derived rows as they were."""
    executor = MigrationExecutor(scratch_database)
    executor.migrate([("decisions", "0013_canonical_specialty")])
    with scratch_database.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO decisions_letter (sha256, source_name, original_kind, original_file,
                raw_text, layout, reviewer_specialty, reviewer_licensed_in, case_summary,
                loaded_at, parsed_at, warnings, warning_codes, fingerprint_copy)
            VALUES ('x', 'x.txt', 'text', '', 'text', 'standard', 'Neurology', '{}',
                    'summary', now(), now(), '[]', '{}', 0)
            RETURNING id
            """
        )
        (letter,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO decisions_disputeditem (letter_id, position, treatment, rationale,
                outcome, reviewer_specialty_canonical, reviewer_guidelines, reviewer_documents,
                reviewer_pages, warnings)
            SELECT %s, n, 'Norco', 'Not necessary.',
                   CASE WHEN n = 1 THEN 'overturned' ELSE 'upheld' END, 'Neurology',
                   '{MTUS}', '{}', '{}', '[]'
            FROM generate_series(1, 3) AS n
            """,
            [letter],
        )
        cursor.execute("SELECT id, outcome, items FROM decisions_facetcombination ORDER BY id")
        combinations = cursor.fetchall()
        cursor.execute("SELECT * FROM decisions_facetcount ORDER BY 2, 3, 4, 5, 6")
        counts = cursor.fetchall()
    MigrationExecutor(scratch_database).migrate([("decisions", "0015_taxonomy")])
    with scratch_database.cursor() as cursor:
        cursor.execute(
            "SELECT id, outcome, items, key = decisions_facet_key(outcome,"
            " reviewer_specialty_canonical, guideline_mismatch, reviewer_guidelines,"
            " reviewer_documents, reviewer_pages, category, drug_class)"
            " FROM decisions_facetcombination ORDER BY id"
        )
        assert cursor.fetchall() == [(*row, True) for row in combinations]
        cursor.execute(
            "SELECT given_facet, given_value, value, outcome, items FROM decisions_facetcount"
            " WHERE facet = 'category' ORDER BY 1, 2, 4"
        )
        assert cursor.fetchall() == [
            ("", "", "other", "overturned", 1),
            ("", "", "other", "upheld", 2),
            ("guideline", "MTUS", "other", "overturned", 1),
            ("guideline", "MTUS", "other", "upheld", 2),
        ]
    MigrationExecutor(scratch_database).migrate([("decisions", "0013_canonical_specialty")])
    with scratch_database.cursor() as cursor:
        cursor.execute("SELECT outcome, items FROM decisions_facetcombination ORDER BY outcome")
        assert cursor.fetchall() == sorted((outcome, n) for _, outcome, n in combinations)
        cursor.execute("SELECT * FROM decisions_facetcount ORDER BY 2, 3, 4, 5, 6")
        assert [row[1:] for row in cursor.fetchall()] == [row[1:] for row in counts]
        cursor.execute("SELECT count(*) FROM decisions_searchentry")
        assert cursor.fetchone() == (3,)
