"""The same letter stored once, by its bytes or by its content: ingest, uploads, history, races,
letters stored twice before fingerprints existed (migration, `fingerprints`), re-parse."""

from __future__ import annotations

import codecs
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import AddField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.fingerprint import content_fingerprint
from decisions.models import DisputedItem, IngestDuplicate, IngestRun, Letter, UploadFile
from decisions.parsing import parse_letter
from decisions.preparation import FileInput
from decisions.services import ingest as ingest_service
from decisions.services import reparse as reparse_service
from decisions.services.ingest import ingest_files
from decisions.services.reparse import letter_reparse
from tests.factories import make_letter
from tests.helpers import SEED_NAMES, seed_text, seed_variant
from tests.pdfs import text_pdf

pytestmark = pytest.mark.django_db

SAME_FILE = IngestDuplicate.SAME_FILE
SAME_LETTER = IngestDuplicate.SAME_LETTER


def ingest(*paths: Path, verbosity: int = 1, dry_run: bool = False) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    args = [str(p) for p in paths] + ["--workers=1", f"--verbosity={verbosity}"]
    call_command("ingest", *args + (["--dry-run"] if dry_run else []), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be"], ids=["bom", "le-no-bom", "be-no-bom"]
)
def test_a_utf16_copy_of_a_stored_letter_is_a_duplicate_with_its_link(tmp_path, encoding):
    text = seed_text(SEED_NAMES[1])
    ingest(write(tmp_path / "first", "letter.txt", text.encode()))
    stored = Letter.objects.get()

    copy = write(tmp_path / "second", "letter-utf16.txt", text.encode(encoding))
    out, _ = ingest(copy)
    assert "created 0, duplicates 1, failed 0" in out
    url = reverse("decisions:letter-detail", args=[stored.pk])
    assert f"duplicate {copy}: {SAME_LETTER}: letter {stored.pk}, {url}" in out
    assert Letter.objects.get() == stored
    run = IngestRun.objects.latest("pk")
    assert list(run.duplicate_files.values_list("source_name", "letter", "same_file")) == [
        (str(copy), stored.pk, False)
    ]


def test_a_pdf_of_a_stored_text_letter_is_a_duplicate_and_leaves_no_file(tmp_path, settings):
    text = seed_text(SEED_NAMES[2])
    ingest(write(tmp_path, "letter.txt", text.encode()))
    stored = Letter.objects.get()
    originals = Path(settings.MEDIA_ROOT) / "originals"
    kept_before = sorted(originals.rglob("*")) if originals.exists() else []

    pdf = write(tmp_path / "pdfs", "letter.pdf", text_pdf(text))
    out, _ = ingest(pdf)
    assert "created 0, duplicates 1" in out and f"letter {stored.pk}" in out
    assert Letter.objects.get() == stored
    assert (sorted(originals.rglob("*")) if originals.exists() else []) == kept_before


def test_the_same_file_again_is_said_only_when_asked(tmp_path):
    """A repeated load is expected to find its files; only another file of a letter is news."""
    path = write(tmp_path, "letter.txt", seed_text(SEED_NAMES[0]).encode())
    ingest(path)
    stored = Letter.objects.get()
    out, _ = ingest(path)
    assert "duplicate" not in out.split("created")[0]
    out, _ = ingest(path, verbosity=2)
    assert f"duplicate {path}: {SAME_FILE}: letter {stored.pk}" in out
    assert list(IngestDuplicate.objects.values_list("same_file", flat=True)) == [True, True]


def test_two_encodings_in_one_batch_store_one_letter(tmp_path):
    text = seed_text(SEED_NAMES[1])
    folder = tmp_path / "letters"
    write(folder, "a-utf8.txt", text.encode())
    write(folder, "b-utf16.txt", text.encode("utf-16-le"))
    write(folder, "c-utf8-again.txt", text.encode())
    heard = []
    summary = ingest_files(
        [FileInput(name=p.name, path=str(p)) for p in sorted(folder.iterdir())],
        origin="command",
        sources="t",
        on_outcome=heard.append,
    )
    stored = Letter.objects.get()
    assert [(o.status, o.letter_id, o.reason) for o in heard] == [
        ("created", stored.pk, ""),
        ("duplicate", stored.pk, SAME_LETTER),
        ("duplicate", stored.pk, SAME_FILE),
    ]
    assert (summary.created, summary.duplicates) == (1, 2)


def test_a_dry_run_finds_duplicates_by_content(tmp_path):
    text = seed_text(SEED_NAMES[0])
    ingest(write(tmp_path, "letter.txt", text.encode()))
    out, _ = ingest(write(tmp_path / "copy", "copy.txt", text.encode("utf-16")), dry_run=True)
    assert "would create 0, duplicates 1" in out
    assert IngestRun.objects.count() == 1


def test_duplicates_by_content_cost_one_lookup_per_batch(tmp_path, monkeypatch):
    """UTF-16 copies of stored letters: the same statements for one copy as for nine, all
    decided by the batch's one lookup."""
    originals, one, nine = tmp_path / "originals", tmp_path / "one", tmp_path / "nine"
    for n in range(9):
        write(originals, f"{n}.txt", seed_variant(n).encode())
        write(nine, f"{n}.txt", seed_variant(n).encode("utf-16"))
    write(one, "0.txt", seed_variant(0).encode("utf-16"))
    ingest(originals)
    lookups = []
    real_lookup = ingest_service.stored_letters
    monkeypatch.setattr(
        ingest_service,
        "stored_letters",
        lambda letters: lookups.append(len(letters)) or real_lookup(letters),
    )

    def statements(folder: Path) -> int:
        files = [FileInput(name=p.name, path=str(p)) for p in sorted(folder.iterdir())]
        with CaptureQueriesContext(connection) as context:
            summary = ingest_files(files, origin="command", sources="t")
        assert summary.duplicates == len(files)
        return len(context.captured_queries)

    assert statements(one) == statements(nine)
    assert lookups == [1, 9]
    assert Letter.objects.count() == 9


@pytest.mark.django_db(transaction=True)
def test_two_ingests_of_two_encodings_at_once_store_one_letter(tmp_path, monkeypatch):
    """Both runs look the letter up before either stores it: the unique constraint on its
    content makes the loser's insert fail, and the loser reports a duplicate of the winner's."""
    text = seed_text(SEED_NAMES[1])
    utf8 = write(tmp_path, "letter-utf8.txt", text.encode())
    utf16 = write(tmp_path, "letter-utf16.txt", codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    both_looked = threading.Barrier(2, timeout=30)
    looked = threading.local()
    real_lookup = ingest_service.stored_letters

    def lookup_then_wait(letters):
        found = real_lookup(letters)
        if not getattr(looked, "once", False):  # the batch's lookup, not the loser's retry
            looked.once = True
            both_looked.wait()
        return found

    monkeypatch.setattr(ingest_service, "stored_letters", lookup_then_wait)
    outcomes = {}

    def run(path: Path) -> None:
        try:
            ingest_files(
                [FileInput(name=path.name, path=str(path))],
                origin="command",
                sources="race",
                on_outcome=lambda outcome: outcomes.update({path.name: outcome}),
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(path,)) for path in (utf8, utf16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = Letter.objects.get()
    assert sorted(o.status for o in outcomes.values()) == ["created", "duplicate"]
    [loser] = [o for o in outcomes.values() if o.status == "duplicate"]
    assert (loser.letter_id, loser.reason) == (stored.pk, SAME_LETTER)
    assert DisputedItem.objects.count() == len(parse_letter(text).items)


def test_upload_of_a_stored_letter_in_utf16_reports_its_link(admin_client, tmp_path):
    text = seed_text(SEED_NAMES[1])
    ingest(write(tmp_path, "letter.txt", text.encode()))
    stored = Letter.objects.get()
    response = admin_client.post(
        reverse("decisions:upload"),
        {"files": [SimpleUploadedFile("unicode.txt", text.encode("utf-16-le"))]},
        follow=True,
    )
    [file] = response.context["files"]
    assert (file.status, file.letter, file.reason) == (
        UploadFile.Status.DUPLICATE,
        stored,
        SAME_LETTER,
    )
    html = response.content.decode()
    assert f'<a href="{stored.get_absolute_url()}">{stored}</a>: {SAME_LETTER}' in html


def test_history_lists_a_runs_duplicates_with_their_letters(admin_client, tmp_path):
    text = seed_text(SEED_NAMES[1])
    ingest(write(tmp_path, "letter.txt", text.encode()))
    stored = Letter.objects.get()
    ingest(write(tmp_path / "again", "letter.pdf", text_pdf(text)))
    run = IngestRun.objects.latest("pk")
    response = admin_client.get(reverse("decisions:history-run", args=[run.pk]))
    html = response.content.decode()
    assert response.context["duplicates_count"] == 1
    assert f'<a href="{stored.get_absolute_url()}">{stored}</a>: {SAME_LETTER}' in html
    assert str(tmp_path / "again" / "letter.pdf") in html


def test_history_says_when_a_run_counted_duplicates_it_did_not_list(admin_client):
    """Runs recorded before ingest listed its duplicates only counted them."""
    run = IngestRun.objects.create(origin="command", sources="/data", duplicates=2)
    response = admin_client.get(reverse("decisions:history-run", args=[run.pk]))
    assert "counted its files already stored without listing them" in response.content.decode()


def letters_stored_twice() -> tuple[Letter, Letter, Letter]:
    """What a database held before fingerprints: a letter, its UTF-16 copy stored as another
    letter, and a letter of its own; none with a fingerprint."""
    first, copy = (
        make_letter(raw_text=seed_text(SEED_NAMES[1]), source_name=name)
        for name in ("letter.txt", "letter-utf16.txt")
    )
    other = make_letter(raw_text=seed_text(SEED_NAMES[2]), source_name="other.txt")
    return first, copy, other


def fingerprints(*args: str) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("fingerprints", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_fill_numbers_letters_stored_twice_and_lists_them(django_assert_num_queries):
    first, copy, other = letters_stored_twice()
    broken = make_letter(raw_text="not a letter at all", source_name="broken.txt")
    out, err, error = fingerprints("--duplicates")
    assert "0 letters share 0 fingerprints" in out and "4 letters have no fingerprint yet" in out

    # Per batch of two: a query for the letters, one statement for their fingerprints (in a
    # savepoint: three); and the query that finds no letter left.
    with django_assert_num_queries(2 * (1 + 3) + 1):
        out, err, error = fingerprints("--fill", "--batch-size=2")
    assert "fingerprinted 3, of which 1 share their content with another letter" in out
    assert f"letter {broken.pk}: no fingerprint, it no longer parses" in err
    assert error is not None and error.returncode == 1
    fingerprint = content_fingerprint(parse_letter(seed_text(SEED_NAMES[1])))
    assert list(
        Letter.objects.order_by("pk").values_list("pk", "fingerprint", "fingerprint_copy")
    ) == [
        (first.pk, fingerprint, 0),
        (copy.pk, fingerprint, 1),
        (other.pk, content_fingerprint(parse_letter(seed_text(SEED_NAMES[2]))), 0),
        (broken.pk, None, 0),
    ]

    out, _, _ = fingerprints("--duplicates")
    assert f"fingerprint {fingerprint}, 2 letters:" in out
    first_line = f"  letter {first.pk}, {first.get_absolute_url()}, copy 0, from letter.txt"
    copy_line = f"  letter {copy.pk}, {copy.get_absolute_url()}, copy 1, from letter-utf16.txt"
    assert out.index(first_line) < out.index(copy_line)
    assert "other.txt" not in out
    assert "2 letters share 1 fingerprints" in out and "1 letters have no fingerprint yet" in out

    out, _, _ = fingerprints("--fill")
    assert "fingerprinted 0" in out


def test_fingerprints_needs_something_to_do():
    _, _, error = fingerprints()
    assert error is not None and "give --fill, --duplicates or both" in str(error)


def test_after_the_fill_a_new_file_of_an_old_letter_is_a_duplicate_of_its_first_copy(tmp_path):
    first, _, _ = letters_stored_twice()
    fingerprints("--fill")
    out, _ = ingest(write(tmp_path, "again.txt", seed_text(SEED_NAMES[1]).encode("utf-16")))
    assert "created 0, duplicates 1" in out and f"letter {first.pk}," in out


def test_fill_numbers_after_a_letter_stored_meanwhile(tmp_path):
    """A letter ingest stored since the migration holds copy 0; the old ones come after it."""
    first, copy, _ = letters_stored_twice()
    out, _ = ingest(write(tmp_path, "new.pdf", text_pdf(seed_text(SEED_NAMES[1]))))
    assert "created 1" in out  # the old copies have no fingerprint yet: not recognised
    new = Letter.objects.latest("pk")
    fingerprints("--fill")
    copies = dict(Letter.objects.values_list("pk", "fingerprint_copy"))
    assert (copies[new.pk], copies[first.pk], copies[copy.pk]) == (0, 1, 2)


@pytest.mark.django_db(transaction=True)
def test_fill_counts_a_letter_a_concurrent_writer_stores_meanwhile():
    """The fill numbers a letter copy 0 while a writer's uncommitted letter has that content:
    its statement waits for the writer, the constraint refuses it when the writer commits, and
    the next attempt numbers the old letters after the writer's."""
    first, copy, _ = letters_stored_twice()
    fingerprint = content_fingerprint(parse_letter(seed_text(SEED_NAMES[1])))
    inserted, release = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                make_letter(fingerprint=fingerprint, source_name="meanwhile.pdf")
                inserted.set()
                release.wait(30)
        finally:
            connection.close()

    def release_once_the_fill_waits() -> None:
        try:
            with connection.cursor() as cursor:
                for _ in range(300):
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                    if cursor.fetchone()[0]:
                        break
                    time.sleep(0.1)
        finally:
            release.set()
            connection.close()

    threads = [
        threading.Thread(target=writer),
        threading.Thread(target=release_once_the_fill_waits),
    ]
    threads[0].start()
    assert inserted.wait(30)
    threads[1].start()
    try:
        fingerprints("--fill")
    finally:
        for thread in threads:
            thread.join()
    copies = dict(Letter.objects.values_list("pk", "fingerprint_copy"))
    meanwhile = Letter.objects.get(source_name="meanwhile.pdf")
    assert (copies[meanwhile.pk], copies[first.pk], copies[copy.pk]) == (0, 1, 2)


def test_reparse_that_makes_two_letters_alike_keeps_both_and_says_so(monkeypatch):
    first, copy, other = letters_stored_twice()
    fingerprints("--fill")
    # A parser change that reads the other letter as the first one.
    first_parse = parse_letter(seed_text(SEED_NAMES[1]))
    monkeypatch.setattr(reparse_service, "parse_letter", lambda text, **options: first_parse)

    out = StringIO()
    call_command("reparse", str(other.pk), stdout=out)
    assert (
        f"now the same letter as letter {first.pk}, {copy.pk} (kept, listed as a duplicate)"
        in out.getvalue()
    )
    assert "changed 1, unchanged 0, failed 0" in out.getvalue()
    first.refresh_from_db()
    other.refresh_from_db()
    assert (other.fingerprint, other.fingerprint_copy) == (first.fingerprint, 2)


def test_reparse_fills_a_missing_fingerprint_and_leaves_a_known_one():
    letter = make_letter(raw_text=seed_text(SEED_NAMES[0]))
    result = letter_reparse(letter.pk)
    assert "fingerprint" in result.fields and result.same_content_as == ()
    letter.refresh_from_db()
    assert letter.fingerprint == content_fingerprint(parse_letter(seed_text(SEED_NAMES[0])))
    assert "fingerprint" not in letter_reparse(letter.pk).fields


def test_migration_adds_fingerprints_to_a_database_holding_a_letter_twice():
    """Migrated back to before fingerprints, two letters with the same content (text and its
    UTF-16 copy) are stored; the migration applies, and the fill numbers them."""
    executor = MigrationExecutor(connection)
    [fingerprints_added] = [
        key
        for key, migration in executor.loader.disk_migrations.items()
        if any(
            isinstance(operation, AddField)
            and (operation.model_name, operation.name) == ("letter", "fingerprint")
            for operation in migration.operations
        )
    ]
    [before] = [
        key
        for key in executor.loader.disk_migrations[fingerprints_added].dependencies
        if key[0] == "decisions"
    ]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([before])
    try:
        old_letter = executor.loader.project_state([before]).apps.get_model("decisions", "Letter")
        text = seed_text(SEED_NAMES[1])
        for sha256, name in (("a" * 64, "letter.txt"), ("b" * 64, "letter-utf16.txt")):
            old_letter.objects.create(
                sha256=sha256,
                source_name=name,
                original_kind="text",
                raw_text=text,
                layout="standard",
                case_summary="",
            )
        with connection.cursor() as cursor:
            # The rows' deferred foreign-key checks, which would stop ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert list(Letter.objects.values_list("fingerprint", "fingerprint_copy")) == [(None, 0)] * 2
    fingerprints("--fill")
    assert sorted(Letter.objects.values_list("source_name", "fingerprint_copy")) == [
        ("letter-utf16.txt", 1),
        ("letter.txt", 0),
    ]
