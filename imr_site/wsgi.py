"""WSGI entry point (gunicorn imr_site.wsgi), used by production and the benchmark.

Production settings unless DJANGO_SETTINGS_MODULE says otherwise: a server whose environment
forgot it runs without DEBUG, and refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings.production")
application = get_wsgi_application()

# Built as each server process starts rather than by the first request that needs it: the
# treatment taxonomy's vocabulary (read from its data files, ~45 ms), which every drug filter
# reads. Built lazily, each process's first drug search paid for it (the benchmark's
# drug=hydrocodone p95: two slow requests of twenty, one per gunicorn worker).
from decisions.taxonomy.vocabulary import vocabulary  # noqa: E402 (needs the apps loaded above)

vocabulary()
