"""Print the search's database-side SQL as decisions/schema.py renders it now.

A migration freezes what it installs: after changing decisions/schema.py or the facets, paste
the parts that changed from this output into the new migration (tests/test_schema.py fails
until the database holds exactly this). Touches no database.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from decisions import schema


class Command(BaseCommand):
    help = "Print the SQL functions and triggers of decisions/schema.py, to freeze in a migration."
    requires_system_checks = ()

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(schema.SQL, ending="")
