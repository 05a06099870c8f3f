"""Settings modules: `base` (shared), `development` and `production`; tests use tests/settings.py.

manage.py defaults DJANGO_SETTINGS_MODULE to `imr_site.settings.development` and imr_site/wsgi.py
(gunicorn) to `imr_site.settings.production`, so a server started without it never runs with
DEBUG on. This package itself defines no settings.
"""
