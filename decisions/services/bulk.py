"""COPY rows into a model's table: the ingest's batch write.

Django's bulk_create builds one INSERT with a placeholder per value; for a batch of letters
that is tens of thousands of placeholders, and compiling and converting them cost more than
Postgres spends storing the rows. COPY streams the same values with no SQL to compile. Ids are
taken from the table's sequence beforehand so that items can point at their letters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from psycopg import sql


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` ids from the model's id sequence (one statement)."""
    if not count:
        return []
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: type[models.Model], rows: Iterable[dict]) -> None:
    """COPY rows given as {attribute name: plain Python value}; all rows share the first's keys.

    Values must be what psycopg adapts by itself (str, int, bool, date, datetime, lists, None).
    """
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    names = list(first)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(_column(model, n)) for n in names),
    )
    db = connections[DEFAULT_DB_ALIAS]
    # The raw psycopg cursor raises psycopg's errors; present them as Django's (DataError, ...).
    with db.cursor() as cursor, db.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        copy.write_row([first[n] for n in names])
        for row in iterator:
            copy.write_row([row[n] for n in names])


def copy_instances(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """COPY unsaved instances, their ids already set, through each field's own preparation.

    For rows whose values need the ORM's conversions (files, choices); every stored column
    is written except generated ones.
    """
    db = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    copy_rows(
        model,
        (
            {f.attname: f.get_db_prep_save(getattr(obj, f.attname), db) for f in fields}
            for obj in objects
        ),
    )


def _column(model: type[models.Model], name: str) -> str:
    """The column of a concrete field named by its attribute (`letter_id` or `letter`)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column
