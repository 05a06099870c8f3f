"""Build, update and inspect the search index beside Postgres (decisions/engine).

`build` writes the whole index from the search entries into a new folder and swaps it in;
`apply` applies the changes the search trigger logged since (the ingest, reparse,
reclassify and regroup services apply theirs; run it from a timer for other writers);
`ensure` builds when no index of this database is kept here, else applies (`make run`, the
benchmark); `status` says where the index is, how many documents it holds and how many
changes wait; `drop` stops keeping it (the trigger logs no more changes; its folders are
deleted).
Postgres stays the system of record: the index can be rebuilt from it at any time. The
work is in decisions/engine/sync.py; this command only reports.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.engine import NoIndex, sync


class Command(BaseCommand):
    help = "Build the search index from Postgres, apply the logged changes to it, or report on it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=("build", "apply", "ensure", "status", "drop"),
            help="build: the whole index, swapped in when done (the first build starts the "
            "change log); apply: the changes logged since; ensure: build when no index of "
            "this database is kept, else apply; status: documents, pending changes, size, "
            "path; drop: stop keeping the index (log and folders deleted).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")()
        except NoIndex as error:
            raise CommandError(str(error)) from error
        except sync.IndexBusy as error:
            raise CommandError(f"{error}; try again when it has finished") from error

    def _build(self) -> None:
        self.stdout.write(f"Building the search index in {sync.root()} ...")
        self._built(sync.build(progress=self._progress))

    def _ensure(self) -> None:
        done = sync.ensure(progress=self._progress)
        if isinstance(done, sync.Built):
            self._built(done)
        else:
            self._applied(done)

    def _progress(self, entries: int) -> None:
        self.stdout.write(f"  {entries:,} entries")

    def _built(self, built: sync.Built) -> None:
        rate = built.documents / built.seconds if built.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {built.documents:,} documents in {built.seconds:.1f} s ({rate:,.0f}/s), "
                f"{built.bytes / 1e6:,.1f} MB, in {built.folder}; "
                f"{built.changes_cleared:,} logged changes it includes cleared."
            )
        )

    def _apply(self) -> None:
        self._applied(sync.apply_changes())

    def _applied(self, applied: sync.Applied) -> None:
        if not applied.changes:
            self.stdout.write("No changes to apply: the index is up to date.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied {applied.changes:,} changes ({applied.items:,} items: "
                f"{applied.replaced:,} replaced, {applied.items - applied.replaced:,} deleted) "
                f"in {applied.seconds * 1000:,.0f} ms."
            )
        )

    def _drop(self) -> None:
        deleted = sync.drop()
        self.stdout.write(
            self.style.SUCCESS(
                f"The search index in {sync.root()} is no longer kept: its folders and "
                f"{deleted:,} logged changes deleted; changes are no longer logged."
            )
        )

    def _status(self) -> None:
        status = sync.status()
        if status.folder is None:
            self.stdout.write(
                f"No search index in {status.root} yet (`manage.py search_index build`); "
                f"{status.pending:,} changes logged."
            )
            return
        fresh = "up to date" if not status.pending else f"{status.pending:,} changes pending"
        self.stdout.write(
            f"Search index {status.folder}\n"
            f"  documents: {status.documents:,}\n"
            f"  size: {status.bytes / 1e6:,.1f} MB\n"
            f"  built: {status.built_at}; changes applied since: {status.changes_applied:,}\n"
            f"  {fresh}"
        )
