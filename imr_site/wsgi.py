"""WSGI entry point (gunicorn imr_site.wsgi), used by production and the benchmark.

Production settings unless DJANGO_SETTINGS_MODULE says otherwise: a server whose environment
forgot it runs without DEBUG, and refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings.production")
application = get_wsgi_application()
