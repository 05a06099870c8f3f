from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Installed only for development and tests, so that `manage.py` finds its commands."""

    name = "devtools"
    verbose_name = "Development tools"
