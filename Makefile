# Two commands on a fresh machine (see README): `make run` and `make test`.
# Everything lands in the checkout: .venv/ (Python packages), .pgdata/ (embedded Postgres).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test browser stop-db

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py ensure_demo_admin
	$(PY) manage.py ingest --skip-stored fixtures/letters

# Set up everything, load the fixture letters, serve the app at http://$(HOST):$(PORT)/
# (manage.py's default settings are the development ones: DEBUG on, a dev-only key).
run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The whole test suite.
test: $(VENV)/.installed browser
	$(PY) -m pytest

# Stop the embedded Postgres server (it keeps running between commands to start fast).
stop-db:
	$(PY) -m imr_site.postgres stop
