#!/usr/bin/env python
"""Django's command-line utility for the IMR browser.

Development settings unless DJANGO_SETTINGS_MODULE says otherwise, so every command runs in a
bare checkout; a production server names its settings
(DJANGO_SETTINGS_MODULE=imr_site.settings.production).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings.development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
