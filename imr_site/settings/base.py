"""Settings every environment shares, read from the environment.

Not used alone: `development` (manage.py's default) and `production` (imr_site.wsgi's default)
build on it, so that which one runs is chosen by DJANGO_SETTINGS_MODULE, not by a variable a
server could forget. DEBUG is off here; only development turns it on. See the README's
Configuration section.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from ..database import database_from_url, embedded_database

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str) -> list[str]:
    """A comma-separated variable as a list, blanks dropped (unset gives an empty list)."""
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


DEBUG = False

# SECRET_KEY is each settings module's own: development has a fixed key, production requires one.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the form renderer below
    "django.contrib.postgres",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "decisions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "decisions.middleware.SiteLoginRequiredMiddleware",
    "decisions.middleware.QueryControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "imr_site.urls"
WSGI_APPLICATION = "imr_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    # The busiest pages' bodies (decisions/jinja.py), included by their Django templates with
    # the `jinja` tag; `templates/fragments/` holds them.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "fragments"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "decisions.jinja.environment"},
    },
]

# Forms render their widgets through the project's template settings, so the widget templates
# the project overrides (templates/decisions/widgets/) live with the other templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": embedded_database(BASE_DIR / ".pgdata")}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = False
USE_TZ = True
# Times shown with their zone ("Dec 6, 2026, 6:30 a.m. PST"), in the admin too.
FORMAT_MODULE_PATH = ["imr_site.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Letters are a few dozen kilobytes; anything this big is not one.
IMR_MAX_FILE_BYTES = env_int("IMR_MAX_FILE_BYTES", 10 * 1024 * 1024)
# How long reading, extracting and parsing one file may take. A letter takes a few
# milliseconds; a file that takes longer is abandoned (its worker process killed) and
# reported as failed, so no file can hold an ingest or an upload (decisions/workers.py).
IMR_FILE_SECONDS = env_int("IMR_FILE_SECONDS", 10)
if IMR_FILE_SECONDS < 1:
    raise ImproperlyConfigured(f"IMR_FILE_SECONDS must be at least 1, got {IMR_FILE_SECONDS}")

# How long one database statement of a search may run. A search whose counts take longer
# shows its results without them (and says so) rather than hold a worker
# (decisions/search/budget.py).
IMR_SEARCH_STATEMENT_MS = env_int("IMR_SEARCH_STATEMENT_MS", 2000)

# Where the search index beside Postgres lives (decisions/engine: Tantivy's files, one folder
# per build and a `current` link). Files of this machine, rebuilt from Postgres at will
# (`manage.py search_index build`), so not in the database's backups.
IMR_SEARCH_INDEX_DIR = Path(os.environ.get("IMR_SEARCH_INDEX_DIR", BASE_DIR / ".search-index"))

# --- Access and uploads (decisions/middleware.py, decisions/services/uploads.py) ---
# Browsing is public (the letters are public, redacted records) unless this is on.
IMR_LOGIN_REQUIRED = env_bool("IMR_LOGIN_REQUIRED", False)
# Files in one upload. Django enforces it while reading the request (DATA_UPLOAD_MAX_NUMBER_FILES),
# stopping at the first file over the limit, and the upload page turns that into a message.
IMR_UPLOAD_MAX_FILES = env_int("IMR_UPLOAD_MAX_FILES", 500)
DATA_UPLOAD_MAX_NUMBER_FILES = IMR_UPLOAD_MAX_FILES
# Uploaded files larger than this go to a temporary file rather than memory, so one upload holds
# at most IMR_UPLOAD_MAX_FILES times this in memory, and an oversized letter is on disk, where its
# size is checked before it is read.
FILE_UPLOAD_MAX_MEMORY_SIZE = min(256 * 1024, IMR_MAX_FILE_BYTES)
# What the ZIP files of one upload may hold, together: entries (folders and macOS metadata not
# counted) and bytes once decompressed, counted while decompressing. The bytes also cap a ZIP
# file's own size, and bound the memory an upload's letters take while they are ingested.
IMR_ZIP_MAX_ENTRIES = env_int("IMR_ZIP_MAX_ENTRIES", 2000)
IMR_ZIP_MAX_TOTAL_BYTES = env_int("IMR_ZIP_MAX_TOTAL_BYTES", 200 * 1024 * 1024)
# A DWC metadata CSV uploaded on the upload page (decisions/services/metadata_uploads.py): the
# DWC's data of one year (~180,000-300,000 letters, ~0.5 million rows of ~100 bytes) is ~50 MB,
# the whole record (~2 million letters, ~5 million rows) ~500 MB. 1 GB takes the whole record
# in one file; the request only streams it to disk while checking it (UTF-8, the header), and
# the worker reads it a batch of cases at a time, so memory does not grow with it. The proxy's
# request-size limit (nginx client_max_body_size) must allow as much.
IMR_METADATA_MAX_BYTES = env_int("IMR_METADATA_MAX_BYTES", 1024 * 1024 * 1024)
# Uploads are loaded by a worker process (`manage.py worker`), from a queue in the database:
# django-tasks' API (Django 6's django.tasks), django-tasks-db's table. No other server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# --- end of access and uploads ---

# HTTPS and HSTS are production's (settings/production.py); these headers cost nothing anywhere.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
