"""WSGI entry point (gunicorn imr_site.wsgi), used by production and the benchmark."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings")
application = get_wsgi_application()
