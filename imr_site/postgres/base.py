from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base

from .server import ensure_database, ensure_server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        endpoint = ensure_server(self.settings_dict["PGDATA"])
        params = super().get_connection_params()
        params["host"] = endpoint.socket_dir
        params["port"] = endpoint.port
        name = params.get("dbname")
        # Test databases are created by Django's test runner itself; only the main one is ours.
        if name and not name.startswith("test_"):
            ensure_database(endpoint, name, params.get("user") or "postgres")
        return params
