"""Test settings: production's (DEBUG off, its hardening), with a test key and host, no HTTPS
redirect (the test client speaks HTTP), plain static storage and a private media root.

Production refuses to load without SECRET_KEY and ALLOWED_HOSTS, so they are given here unless
the environment has them. `testserver` is the test client's host; the live server adds its own.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

from imr_site.settings.production import *  # noqa: F403

# The tests cover the development tools too, which only the development settings install.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405

SECURE_SSL_REDIRECT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the source folders (finders); STATIC_ROOT only has to exist, or
# WhiteNoise warns on every request handler the tests build.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="imr-test-static-"))
# The search index's root: tests that build one point it at their own folder.
IMR_SEARCH_INDEX_DIR = Path(tempfile.mkdtemp(prefix="imr-test-search-index-"))
# Queued jobs run at once, inside the request that queues them; tests of the worker itself
# switch to the database queue (tests/services/test_upload_worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="imr-test-media-"))
