"""Settings from the environment: database selection, production refusal, deploy checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.utils import ConnectionHandler

from imr_site.database import database_from_url, embedded_database
from imr_site.postgres.server import machine_memory, server_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgres://postgres@127.0.0.1:5432/imr",
            {"dbname": "imr", "user": "postgres", "host": "127.0.0.1", "port": 5432},
        ),
        (
            "postgresql://u%40x:p%2Fw@db.example.com/imr_prod?sslmode=require",
            {
                "dbname": "imr_prod",
                "user": "u@x",
                "password": "p/w",
                "host": "db.example.com",
                "port": None,
                "sslmode": "require",
            },
        ),
        # A socket directory: no host in the URL's authority, so the option's host stands.
        (
            "postgres:///imr?host=/var/run/postgresql",
            {"dbname": "imr", "user": None, "host": "/var/run/postgresql", "port": None},
        ),
        # The form the benchmark gives its gunicorn: the embedded server's socket and port.
        (
            "postgres://postgres@/imr_bench?host=/tmp/pg-socket&port=5433",
            {"dbname": "imr_bench", "user": "postgres", "host": "/tmp/pg-socket", "port": 5433},
        ),
    ],
)
def test_database_url_forms(url, expected):
    """What libpq is given, as Django's backend builds it from the entry (no connection)."""
    config = database_from_url(url)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    params = ConnectionHandler({"default": config})["default"].get_connection_params()
    assert {key: params.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:///db.sqlite3", "only runs on PostgreSQL"),
        ("mysql://root@localhost/imr", "only runs on PostgreSQL"),
        # dj-database-url reads these as Postgres too; this project names one way.
        ("pgsql://localhost/imr", "only runs on PostgreSQL"),
        ("postgis://localhost/imr", "only runs on PostgreSQL"),
        ("postgres://localhost", "names no database"),
        ("postgres://localhost/", "names no database"),
        ("postgres://localhost:port/imr", "cannot be read"),
    ],
)
def test_database_url_refuses_other_databases(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url)


def test_database_url_never_echoes_its_password():
    with pytest.raises(ImproperlyConfigured) as refusal:
        database_from_url("postgres://user:s3cret@[::1/imr")
    assert "s3cret" not in str(refusal.value)


def test_embedded_database_lives_in_the_checkout():
    config = embedded_database(ROOT / ".pgdata")
    assert config["ENGINE"] == "imr_site.postgres"
    assert config["PGDATA"] == str(ROOT / ".pgdata")


@pytest.mark.django_db
def test_connected_to_the_configured_postgres():
    """The suite runs on whichever path the environment picks: CI runs it on both."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000
    if os.environ.get("DATABASE_URL"):
        assert connection.vendor == "postgresql" and "PGDATA" not in connection.settings_dict
    else:
        assert connection.settings_dict["ENGINE"] == "imr_site.postgres"


GB = 1024**3


@pytest.mark.parametrize(
    ("memory", "buffers", "cache"),
    [
        (2 * GB, "512MB", "1024MB"),
        (24 * GB, "4096MB", "12288MB"),
        (256 * 1024**2, "128MB", "128MB"),
    ],
)
def test_embedded_server_sized_to_the_machine(memory, buffers, cache):
    settings = server_settings(memory)
    assert (settings["shared_buffers"], settings["effective_cache_size"]) == (buffers, cache)


def test_a_container_limit_lowers_the_memory_the_server_is_sized_to(tmp_path):
    import psutil

    host = psutil.virtual_memory().total
    (tmp_path / "v2").write_text("2147483648\n")
    (tmp_path / "none").write_text("max\n")
    assert machine_memory((str(tmp_path / "v2"), str(tmp_path / "missing"))) == min(host, 2 * GB)
    assert machine_memory((str(tmp_path / "none"),)) == host
    assert machine_memory(()) == host


@pytest.mark.django_db
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="a DATABASE_URL server is its owner's to tune"
)
def test_embedded_server_runs_with_its_settings():
    """The settings take effect: shared_buffers needs a restart, done when no one else is
    connected."""
    wanted = server_settings(machine_memory())
    with connection.cursor() as cursor:
        for name, value in wanted.items():
            cursor.execute(
                "SELECT pg_size_bytes(current_setting(%s)) = pg_size_bytes(%s)", [name, value]
            )
            assert cursor.fetchone()[0], (
                f"{name} is not {value}: if other clients held the server when it was tuned, "
                "the setting waits for a restart (`make stop-db`)"
            )


# What the suite itself sets (tests/settings.py, the browser tests' async switch) or a developer
# may have exported: a subprocess here sees only the variables a test gives it.
CONFIGURATION = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
PRODUCTION = "imr_site.settings.production"
PRODUCTION_KEY = "a-long-random-production-key-" + "x9Q2#" * 10


def bare_env(**env: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k not in CONFIGURATION}, **env}


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=bare_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run("manage.py", *args, **env)


# manage.py as it is, except that starting the embedded Postgres server ends it with status 3.
WITHOUT_EMBEDDED_SERVER = """
import runpy, sys
import imr_site.postgres.base as backend

def refuse(pgdata):
    print("the embedded Postgres server was started", file=sys.stderr)
    sys.exit(3)

backend.ensure_server = refuse
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""


def test_a_bare_environment_runs_commands_with_the_development_settings():
    result = manage(
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings as s; print(s.SETTINGS_MODULE, s.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["imr_site.settings.development", "True"]


def test_help_lists_every_project_command_in_a_bare_environment():
    result = manage("help")
    assert result.returncode == 0, result.stderr
    assert "settings are not properly configured" not in result.stdout + result.stderr
    commands = sorted(p.stem for p in ROOT.glob("*/management/commands/[!_]*.py"))
    assert "parse" in commands and "ingest" in commands
    listed = set(result.stdout.split())
    assert [c for c in commands if c not in listed] == []


def test_parse_runs_in_a_bare_environment_without_a_database():
    letters = sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "fixtures" / "letters").glob("*.txt")
    )
    result = run("-c", WITHOUT_EMBEDDED_SERVER, "parse", *letters)
    assert result.returncode == 0, result.stderr
    assert [letter["source"] for letter in json.loads(result.stdout)] == letters
    # The same guard stops a command that does connect: the check above can fail.
    connecting = run("-c", WITHOUT_EMBEDDED_SERVER, "showmigrations", "decisions")
    assert connecting.returncode == 3
    assert "the embedded Postgres server was started" in connecting.stderr


def test_production_refuses_to_start_without_secret_key():
    result = manage("check", DJANGO_SETTINGS_MODULE=PRODUCTION, ALLOWED_HOSTS="imr.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set for the production settings" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_SETTINGS_MODULE=PRODUCTION, SECRET_KEY=PRODUCTION_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set for the production settings" in result.stderr


def test_production_settings_pass_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="imr.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# gunicorn imports imr_site.wsgi; this does what it does, then names the settings it got.
LOAD_WSGI = (
    "import imr_site.wsgi; from django.conf import settings as s; print(s.SETTINGS_MODULE, s.DEBUG)"
)


@pytest.mark.parametrize(
    ("env", "refusal"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": PRODUCTION_KEY}, "ALLOWED_HOSTS must be set"),
        ({"ALLOWED_HOSTS": "imr.example.org"}, "SECRET_KEY must be set"),
    ],
)
def test_wsgi_defaults_to_production_and_refuses_what_is_missing(env, refusal):
    result = run("-c", LOAD_WSGI, **env)
    assert result.returncode != 0
    assert refusal in result.stderr


def test_wsgi_starts_with_production_settings_when_they_are_given():
    result = run("-c", LOAD_WSGI, SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="imr.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [PRODUCTION, "False"]


def test_a_server_process_builds_the_taxonomy_before_its_first_request():
    built = (
        "; from decisions.taxonomy.vocabulary import vocabulary as v"
        "; print(v.cache_info().currsize)"
    )
    result = run(
        "-c", LOAD_WSGI + built, SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="imr.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "1"
