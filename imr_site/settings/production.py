"""Production settings, imr_site.wsgi's default: DEBUG off, HTTPS, and no insecure defaults.

It refuses to load without a SECRET_KEY or ALLOWED_HOSTS, so a deployment missing either
stops at once with what to set rather than run with a guessable key or answer every request
with 400. `manage.py check --deploy` is clean with these settings (tests/test_configuration.py).
Management commands on a production server name this module:
`DJANGO_SETTINGS_MODULE=imr_site.settings.production python manage.py migrate`.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, STORAGES, env_bool, env_int

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set for the production settings (imr_site.settings.production): "
        "a long random string, kept secret. Development runs with "
        "DJANGO_SETTINGS_MODULE=imr_site.settings.development (manage.py's default)."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set for the production settings (imr_site.settings.production): "
        "the comma-separated host names the site answers to, e.g. ALLOWED_HOSTS=imr.example.org"
    )

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Hardening checked by `manage.py check --deploy`.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
