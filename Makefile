# Two commands on a fresh machine (see README): `make run` and `make test`.
# Everything lands in the checkout: .venv/ (Python packages), .pgdata/ (embedded Postgres),
# media/ (original files, and uploads waiting for the worker).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup check test test-fast browser stop-db

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py ensure_demo_admin
	$(PY) manage.py ingest --skip-stored fixtures/letters
	$(PY) manage.py search_index ensure

# Set up everything, load the fixture letters, serve the app at http://$(HOST):$(PORT)/
# (manage.py's default settings are the development ones: DEBUG on, a dev-only key), with the
# worker that loads uploads running beside it. Ctrl-C stops both, and so does the server's end:
# the worker is stopped on the shell's exit (a second signal makes it leave an upload it is
# loading at once; the next worker picks that upload up again). The worker does not reload on
# code changes (its reloader would run it in a child process this shell cannot stop), so
# restart `make run` after changing the upload job's code.
run: setup
	@$(PY) manage.py worker --no-reload & worker=$$!; \
	trap 'exit 130' INT TERM; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The static checks: lint, format, types, and no model change without its migration
# (makemigrations also checks the database's applied history, so it connects to it).
check: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(PY) manage.py makemigrations --check --dry-run

# The static checks, then the whole test suite with coverage (its floor: fail_under in
# pyproject.toml), spread over the machine's cores (each pytest-xdist worker has its own test
# database and temporary folders).
test: check browser
	$(PY) -m pytest -n auto --cov --cov-report=term

# The inner loop: the suite without the browser tests and without coverage.
test-fast: $(VENV)/.installed
	$(PY) -m pytest -n auto -m "not browser"

# Stop the embedded Postgres server (it keeps running between commands to start fast).
stop-db:
	$(PY) -m imr_site.postgres stop
