"""COPY model instances into their table: the ingest's batch write.

Django's bulk_create builds one INSERT with a placeholder per value; for a batch of letters
that is tens of thousands of placeholders, and compiling and converting them cost more than
Postgres spends storing the rows. COPY streams the same values with no SQL to compile. Ids are
taken from the table's sequence beforehand so that items can point at their letters.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from psycopg import sql


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` ids from the model's id sequence (one statement)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_instances(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """COPY unsaved instances (ids already set when wanted) into the model's table.

    Every concrete, stored column is written except generated ones; values go through each
    field's own database preparation, so arrays, files and choices come out as the ORM would.
    (The real connection, not the `connection` proxy, is passed: the proxy's attribute lookup
    per value was a tenth of the ingest's time.)
    """
    if not objects:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not getattr(f, "generated", False) and not (f.primary_key and objects[0].pk is None)
    ]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
    )
    # The raw psycopg cursor raises psycopg's errors; present them as Django's (DataError, ...).
    db = connections[DEFAULT_DB_ALIAS]
    prepared = [(f.attname, f.get_db_prep_save) for f in fields]
    with db.cursor() as cursor, db.wrap_database_errors:
        with cursor.cursor.copy(statement) as copy:
            for obj in objects:
                copy.write_row([prep(getattr(obj, name), db) for name, prep in prepared])
