"""Settings from the environment: database selection, production refusal, deploy checks."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from imr_site.database import database_from_url, embedded_database
from imr_site.postgres.server import machine_memory, server_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "postgres://postgres@127.0.0.1:5432/imr",
            {"NAME": "imr", "USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": "5432", "OPTIONS": {}},
        ),
        (
            "postgresql://u%40x:p%2Fw@db.example.com/imr_prod?sslmode=require",
            {"NAME": "imr_prod", "USER": "u@x", "PASSWORD": "p/w", "HOST": "db.example.com", "PORT": "", "OPTIONS": {"sslmode": "require"}},
        ),
        (
            "postgres:///imr?host=/var/run/postgresql",
            {"NAME": "imr", "USER": "", "PASSWORD": "", "HOST": "/var/run/postgresql", "PORT": "", "OPTIONS": {}},
        ),
    ],
)
def test_database_url_forms(url, expected):
    config = database_from_url(url)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert {k: config[k] for k in expected} == expected


@pytest.mark.parametrize(
    "url, message",
    [
        ("sqlite:///db.sqlite3", "only runs on PostgreSQL"),
        ("mysql://root@localhost/imr", "only runs on PostgreSQL"),
        ("postgres://localhost", "names no database"),
    ],
)
def test_database_url_refuses_other_databases(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url)


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
    "memory, buffers, cache",
    [(2 * GB, "512MB", "1024MB"), (24 * GB, "4096MB", "12288MB"), (256 * 1024**2, "128MB", "128MB")],
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
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="a DATABASE_URL server is its owner's to tune")
def test_embedded_server_runs_with_its_settings():
    """The settings take effect: shared_buffers needs a restart, done when no one else is connected."""
    wanted = server_settings(machine_memory())
    with connection.cursor() as cursor:
        for name, value in wanted.items():
            cursor.execute("SELECT pg_size_bytes(current_setting(%s)) = pg_size_bytes(%s)", [name, value])
            assert cursor.fetchone()[0], (
                f"{name} is not {value}: if other clients held the server when it was tuned, "
                "the setting waits for a restart (`make stop-db`)"
            )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only the variables under test: not the suite's own (DEBUG, the browser tests' async switch).
    inherited = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "imr_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_settings_pass_check_deploy():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="a-long-random-production-key-" + "x9Q2#" * 10,
        ALLOWED_HOSTS="imr.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
