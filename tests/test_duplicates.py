"""The same letter stored once, by its bytes or by its content: ingest, uploads, history, races."""

from __future__ import annotations

import codecs
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import DisputedItem, IngestDuplicate, IngestRun, Letter, UploadFile
from decisions.parsing import parse_letter
from decisions.preparation import FileInput
from decisions.services import ingest as ingest_service
from decisions.services.ingest import ingest_files
from tests.conftest import SEED_NAMES, seed_text, seed_variant
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
