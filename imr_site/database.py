"""Turn the environment into Django's DATABASES entry.

Postgres is the only database: the search is built on its full-text search. DATABASE_URL picks
a server; without it the project runs on an embedded Postgres kept in `.pgdata/` of the
checkout (see imr_site/postgres/), so a newcomer installs no database by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

EMBEDDED_ENGINE = "imr_site.postgres"
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql"})


def database_from_url(url: str) -> dict[str, Any]:
    """A DATABASES entry for postgres://user:password@host:port/name?options.

    dj-database-url reads the URL; the query string becomes OPTIONS, which Django's backend
    hands to libpq as they are (`?sslmode=require`). A socket directory comes as
    `?host=/var/run/postgresql`: HOST stays empty, so the OPTIONS' host is the one used.
    What is refused here, dj-database-url would accept: other databases (it knows sqlite,
    mysql, and Postgres-like backends under other schemes) and a URL without a database name.
    """
    scheme = url.partition(":")[0].lower()
    if scheme not in POSTGRES_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgres:// URL, got scheme {scheme!r}: "
            "this project only runs on PostgreSQL"
        )
    try:
        config = dj_database_url.parse(url)
    except ValueError as error:
        # Its message names the fault, never the URL, which may hold a password.
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from error
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://host/<name>)")
    return dict(config)


def embedded_database(pgdata: Path, name: str = "imr") -> dict[str, Any]:
    """A DATABASES entry for the embedded server; it starts on the first connection, not here."""
    return {
        "ENGINE": EMBEDDED_ENGINE,
        "NAME": name,
        "USER": "postgres",
        "PGDATA": str(pgdata),
        "OPTIONS": {},
    }
