"""Turn the environment into Django's DATABASES entry.

Postgres is the only database: the search is built on its full-text search. DATABASE_URL picks
a server; without it the project runs on an embedded Postgres kept in `.pgdata/` of the
checkout (see imr_site/postgres/), so a newcomer installs no database by hand.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

EMBEDDED_ENGINE = "imr_site.postgres"
SERVER_ENGINE = "django.db.backends.postgresql"


def database_from_url(url: str) -> dict:
    """Parse postgres://user:password@host:port/name?options into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgres:// URL, got scheme {parts.scheme!r}: "
            "this project only runs on PostgreSQL"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://host/<name>)")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = options.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": SERVER_ENGINE,
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
    }


def embedded_database(pgdata: Path, name: str = "imr") -> dict:
    """A DATABASES entry for the embedded server; it starts on the first connection, not here."""
    return {
        "ENGINE": EMBEDDED_ENGINE,
        "NAME": name,
        "USER": "postgres",
        "PGDATA": str(pgdata),
        "OPTIONS": {},
    }
