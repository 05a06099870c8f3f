"""Create a superuser for a development checkout, so `make run` ends with a way to log in.

Runs only with DEBUG on: a production database never gets an account whose password was printed
to a terminal. It does nothing when any superuser exists, so `make setup` can run it every time.
The password is IMR_ADMIN_PASSWORD when set, otherwise random, and is printed once.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

DEFAULT_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create a demo superuser (DEBUG only) unless one exists, and print its password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--username",
            default=os.environ.get("IMR_ADMIN_USERNAME", DEFAULT_USERNAME),
            help="Username (default: IMR_ADMIN_USERNAME, else 'admin').",
        )

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("refusing to create a demo admin with DEBUG off")
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            self.stdout.write(
                f"An admin exists already: {existing.get_username()} "
                f"(reset its password with `manage.py changepassword {existing.get_username()}`)."
            )
            return
        password = os.environ.get("IMR_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        created = f"Created the demo admin. Username: {username}  Password: {password}"
        self.stdout.write(self.style.SUCCESS(created))
