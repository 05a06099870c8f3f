"""Development settings, manage.py's default: DEBUG on, a fixed key, local hosts only.

Every command works with nothing set (`manage.py parse`, `help`, `ingest` on the embedded
server); the environment still overrides the shared settings (README, Configuration).
"""

import os

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True

# The synthetic letters and the benchmark (generate_corpus, benchmark): development only;
# production never imports them (tests/devtools/test_isolation.py).
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405

SECRET_KEY = (
    os.environ.get("SECRET_KEY")
    or "django-insecure-development-only-key-never-used-in-production-0123456789"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["localhost", "127.0.0.1", "[::1]"]
