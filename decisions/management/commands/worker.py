"""Run the background jobs (uploads), and pick up again those whose worker died.

django-tasks-db's `db_worker` with every option it has (`--batch` runs what is queued, then
exits), plus `recover_uploads` (decisions/services/upload_jobs.py): when the worker starts, so
that a worker restarted after a crash resumes the upload it was loading, and every
RECOVERY_SECONDS while it runs, so that a surviving worker takes over from one that died.
`make run` starts one beside the web server; production runs it as a process of its own.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import DatabaseError, connection
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from decisions.services.upload_jobs import MAX_ATTEMPTS, recover_uploads

RECOVERY_SECONDS = 60

logger = logging.getLogger(__name__)


class Command(DatabaseWorkerCommand):
    help = (
        "Run queued jobs (uploads) from the database queue, and queue again those whose "
        "worker died. Takes db_worker's options; --batch runs what is queued, then exits."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.recover()
        if not options["batch"]:
            threading.Thread(target=self.recover_periodically, daemon=True).start()
        super().handle(*args, **options)

    def recover(self) -> None:
        for upload in recover_uploads():
            if upload.attempts >= MAX_ATTEMPTS:
                message = f"stopped: its worker died {upload.attempts} times"
            else:
                message = "its worker died; queued again"
            self.stdout.write(f"Upload {upload.pk}: {message}")

    def recover_periodically(self) -> None:
        """In a thread of its own, for the life of the worker; on its own connection, closed
        between rounds. A round that fails (the database away) is logged, and the next tries
        again."""
        while True:
            time.sleep(RECOVERY_SECONDS)
            try:
                self.recover()
            except DatabaseError:
                logger.exception("Looking for uploads whose worker died failed")
            finally:
                connection.close()
