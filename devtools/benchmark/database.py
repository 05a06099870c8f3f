"""The benchmark's own database, on the server the development settings point at.

Why not Django's connection: the benchmark's database is not the one the command runs
against (it is created, dropped and loaded by subprocesses), so it is reached with plain
psycopg connections made from the same server's address.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import psycopg
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql


def value(conn: psycopg.Connection, query: str, params: Sequence[object] = ()) -> Any:
    """The one value of a query that always returns a row (a count, a SHOW)."""
    row = conn.execute(query, params).fetchone()
    if row is None:
        raise CommandError(f"{query!r} returned no row")
    return row[0]


def _server_params() -> dict[str, Any]:
    with connection.cursor():
        pass  # the embedded backend starts its server on connect; we need its address
    params = connection.get_connection_params()
    return {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}


class BenchmarkDatabase:
    """One database named for its corpus (`imr_bench_<letters>_s<seed>`)."""

    def __init__(self, name: str):
        self.name = name
        self.params = _server_params()

    def url(self) -> str:
        """A DATABASE_URL for the subprocesses (migrate, ingest, gunicorn)."""
        host = self.params.get("host") or "127.0.0.1"
        return f"postgres://{self.params.get('user') or 'postgres'}@/{self.name}?" + urlencode(
            {"host": host, "port": self.params.get("port") or 5432}
        )

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(dbname=self.name, autocommit=True, **self.params)

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(dbname="postgres", autocommit=True, **self.params)

    def letters(self) -> int | None:
        """Letters stored, or None when the database or its tables do not exist."""
        with self._admin() as admin:
            if not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
            ).fetchone():
                return None
        try:
            with self.connect() as conn:
                return value(conn, "SELECT count(*) FROM decisions_letter")
        except psycopg.Error:
            return None

    def recreate(self) -> None:
        with self._admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def stats(self) -> dict[str, str]:
        """Row counts and size, after a VACUUM ANALYZE (so plans see the loaded tables)."""
        with self.connect() as conn:
            conn.execute("VACUUM ANALYZE")
            return {
                "letters": f"{value(conn, 'SELECT count(*) FROM decisions_letter'):,}",
                "items": f"{value(conn, 'SELECT count(*) FROM decisions_disputeditem'):,}",
                "citations": f"{value(conn, 'SELECT count(*) FROM decisions_citation'):,}",
                # Rows written twice (inserted, then updated) would show here as doubled tables.
                "items / search entries tables": value(
                    conn,
                    "SELECT pg_size_pretty(pg_relation_size('decisions_disputeditem')) || ' / '"
                    " || pg_size_pretty(pg_relation_size('decisions_searchentry'))",
                ),
                "database size": value(
                    conn, "SELECT pg_size_pretty(pg_database_size(current_database()))"
                ),
                "server": value(conn, "SHOW server_version"),
            }

    def count_milliseconds(self) -> float:
        """A fixed statement that reads no table: the server's own speed right now."""
        with self.connect() as conn:
            started = time.perf_counter()
            conn.execute("SELECT count(*) FROM generate_series(1, 3000000)").fetchone()
            return (time.perf_counter() - started) * 1000

    def spread_letter_ids(self, how_many: int) -> list[int]:
        """Letters spread over the whole table (a page sample would give neighbours, whose rows
        share pages and so each other's cache), the same ones for the same `how_many`."""
        chooser = random.Random(how_many)
        with self.connect() as conn:
            low = value(conn, "SELECT min(id) FROM decisions_letter")
            high = value(conn, "SELECT max(id) FROM decisions_letter")
            return [
                value(
                    conn,
                    "SELECT id FROM decisions_letter WHERE id >= %s ORDER BY id LIMIT 1",
                    [chooser.randint(low, high)],
                )
                for _ in range(how_many)
            ]
