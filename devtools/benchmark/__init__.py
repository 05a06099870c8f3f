"""The benchmark's parts: what it asks (queries), where (its own database and gunicorn with
the production settings), how it times and watches (HTTP timings, memory) and how it reports.

Why a package of its own: `manage.py benchmark` (devtools/management/commands/benchmark.py)
only orders these steps, so each can be read, and tested, without the other six.
Nothing here is imported by the app.
"""
