"""What a hostile or unlucky world does to a load, in small, end to end.

The `ingest` command runs as an admin runs it, in a process of its own (tests/ingest_process.py),
on a few hundred synthetic letters in small batches: killed mid-load and run again, one of its
parse workers killed, two of it on the same folder at once. Each ends with every letter stored
once and whole, items, citations and the search's derived rows exact, and the runs' records
saying what each did.

The upload page is sent every kind of hostile file at once, by someone who may add letters:
each is refused with its reason in the report, the good letters among them are stored, and the
site goes on answering; once with the jobs run at once (tests/settings.py), once as production
runs them, by a worker process (tests/worker_process.py), with the live server asked for a
search over HTTP while the worker is in the middle of the upload.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from unittest.mock import ANY

import psutil
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import capfirst

from decisions.extraction import sha256_hex
from decisions.models import Citation, DisputedItem, IngestRun, Letter, Upload
from decisions.parsing import parse_letter
from devtools.synthetic import generate_letter
from tests.helpers import (
    PNG,
    assert_derived_rows_match_the_items,
    post,
    report_rows,
    send,
    words_past_the_search_index,
    zip_of,
)
from tests.ingest_process import start_ingest, wait_for
from tests.pdfs import scanned_pdf, text_pdf
from tests.worker_process import ROOT, start_worker

LETTERS = 240
FOLDERS = 4  # as a release comes: folders of letters, walked in order
BATCH = 10
# Seconds any one process of these tests may take; all of them together take far less.
PROCESS_SECONDS = 90


def letter(index: int) -> str:
    return generate_letter(11, index)[0]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "letters"
    for index in range(LETTERS):
        path = root / f"{index * FOLDERS // LETTERS:02}" / f"{index:04}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(letter(index), encoding="utf-8")
    return root


def expected_rows(folder: Path) -> tuple[list[str], list[tuple[str, int, str, str]], int]:
    """(letters' SHA-256, items, citations) the folder's letters give when loaded once: every
    letter parsed here, as a load without mishaps parses it."""
    letters, items, citations = [], [], 0
    for path in sorted(folder.rglob("*.txt")):
        data = path.read_bytes()
        parsed = parse_letter(data.decode("utf-8"))
        letters.append(sha256_hex(data))
        for position, item in enumerate(parsed.items, start=1):
            items.append((letters[-1], position, item.treatment, item.outcome))
            for basis in (item.claims_administrator_basis, item.reviewer_basis):
                citations += len(basis.citations) if basis else 0
    return sorted(letters), sorted(items), citations


def stored_rows() -> tuple[list[str], list[tuple[str, int, str, str]], int]:
    items = DisputedItem.objects.values_list("letter__sha256", "position", "treatment", "outcome")
    return (
        sorted(Letter.objects.values_list("sha256", flat=True)),
        sorted(items),
        Citation.objects.count(),
    )


def finish(process: subprocess.Popen) -> tuple[str, str]:
    return process.communicate(timeout=PROCESS_SECONDS)


@pytest.fixture
def processes():
    """Processes a test starts, killed with what they started if the test leaves any."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
            process.kill()
            process.communicate(timeout=PROCESS_SECONDS)


# A process that starts a sleeper the way the tests start their processes, prints its pid and
# ends at once, as a test run killed mid-way ends: its children are orphaned.
ORPHANING = """
import subprocess, sys
from tests.worker_process import start_bound_to_parent
start = start_bound_to_parent if sys.argv[1] == "bound" else subprocess.Popen
sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
print(start(sleeper, **quiet).pid, flush=True)
"""


def _orphan(how: str) -> psutil.Process:
    done = subprocess.run(
        [sys.executable, "-c", ORPHANING, how], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return psutil.Process(int(done.stdout))


def _ended(process: psutil.Process, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:  # dead, waiting for a reaper
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def test_a_process_a_test_starts_does_not_outlive_the_run_that_started_it():
    """A test run killed mid-way leaves no process behind: an orphan would go on writing, and
    a later run in a checkout at the same path reaches the same socket and test database."""
    assert _ended(_orphan("bound"), seconds=PROCESS_SECONDS)
    unbound = _orphan("plain")  # the same without the binding: the sleeper lives on
    try:
        assert not _ended(unbound, seconds=0.5)
    finally:
        unbound.kill()


@pytest.mark.timeout(4 * PROCESS_SECONDS)
@pytest.mark.django_db(transaction=True)
def test_ingest_killed_mid_load_and_run_again_stores_every_letter_once(
    corpus, tmp_path, processes, admin_client, monkeypatch
):
    """Killed with batches stored, others open in their transactions (three writers): the run's
    record counts exactly the letters it holds, the open batches left nothing, no parse worker
    outlives the command, and once its heartbeat is stale the history shows it interrupted; run
    again, it stores the rest and counts the first run's letters as duplicates."""
    held = tmp_path / "held"
    load = (str(corpus), "--workers=2", "--writers=3")
    first = start_ingest(*load, batch_size=BATCH, hold_in_batch=4, ready=held)
    processes.append(first)
    wait_for(held, first, seconds=PROCESS_SECONDS)
    descendants = psutil.Process(first.pid).children(recursive=True)
    assert len(descendants) >= 2  # its two parse workers, at least
    first.send_signal(signal.SIGKILL)
    finish(first)
    assert first.returncode == -signal.SIGKILL
    _, alive = psutil.wait_procs(descendants, timeout=PROCESS_SECONDS)
    assert alive == []

    run = IngestRun.objects.get()
    stored = Letter.objects.count()
    assert (run.status, run.created, run.duplicates, run.failed) == ("running", stored, 0, 0)
    assert run.letters.count() == stored
    assert 0 < stored < LETTERS and stored % BATCH == 0, stored
    assert_derived_rows_match_the_items()

    second = start_ingest(*load, batch_size=BATCH)
    processes.append(second)
    out, err = finish(second)
    assert second.returncode == 0, err
    # Some generated letters carry a parser warning by design ("created N (k with warnings)").
    assert re.search(
        rf"created {LETTERS - stored}( \(\d+ with warnings\))?, duplicates {stored}, failed 0", out
    )
    rerun = IngestRun.objects.exclude(pk=run.pk).get()
    assert (rerun.status, rerun.created, rerun.duplicates, rerun.failed) == (
        "finished",
        LETTERS - stored,
        stored,
        0,
    )
    assert rerun.letters.count() == LETTERS - stored
    run.refresh_from_db()
    assert (run.status, run.created, run.letters.count()) == ("running", stored, stored)
    assert stored_rows() == expected_rows(corpus)
    assert_derived_rows_match_the_items()

    # Nothing told the run it was killed: it reads as running until its heartbeat is stale.
    assert run.state == "running"
    later = timezone.now() + IngestRun.STALE_AFTER + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = admin_client.get(reverse("decisions:history-run", args=[run.pk])).content.decode()
    assert "interrupted, last heard from" in page
    assert f"{stored} added, 0 already stored, 0 not loaded" in page


@pytest.mark.timeout(2 * PROCESS_SECONDS)
@pytest.mark.django_db(transaction=True)
def test_a_parse_worker_killed_mid_load_fails_its_file_and_the_rest_load(corpus, processes):
    """As the OOM killer would: the worker on one file in the middle of the load is killed from
    outside. That file fails with the worker's death as its reason; every other file, before
    and after it, is stored, and the run finishes."""
    expected = expected_rows(corpus)
    victim = corpus / "01" / "killed_from_outside.txt"  # the last file of the second folder
    victim.write_text(letter(LETTERS), encoding="utf-8")
    ingest = start_ingest(str(corpus), "--workers=2", batch_size=BATCH, misbehaving=True)
    processes.append(ingest)
    announced = Path(f"{victim}.pid")
    wait_for(announced, ingest, seconds=PROCESS_SECONDS)
    worker = psutil.Process(int(announced.read_text()))
    assert worker in psutil.Process(ingest.pid).children(recursive=True)
    worker.send_signal(signal.SIGKILL)
    out, err = finish(ingest)

    assert ingest.returncode == 1, err
    reason = "the worker reading it died (killed by SIGKILL)"
    assert [line for line in err.splitlines() if line.startswith("FAILED")] == [
        f"FAILED {victim}: {reason}"
    ]
    assert re.search(rf"created {LETTERS}( \(\d+ with warnings\))?, duplicates 0, failed 1", out)
    run = IngestRun.objects.get()
    assert (run.status, run.created, run.duplicates, run.failed) == ("finished", LETTERS, 0, 1)
    assert list(run.failures.values_list("source_name", "reason")) == [(str(victim), reason)]
    assert stored_rows() == expected
    assert_derived_rows_match_the_items()


@pytest.mark.timeout(2 * PROCESS_SECONDS)
@pytest.mark.django_db(transaction=True)
def test_two_ingests_of_one_folder_at_once_store_each_letter_once(corpus, tmp_path, processes):
    """Both ready, both started together, racing over the same batches: each letter is
    stored by one of them, and counted by the other as a duplicate."""
    go = tmp_path / "go"
    ingests = []
    for n in range(2):
        ready = tmp_path / f"ready{n}"
        ingest = start_ingest(
            str(corpus), "--workers=1", batch_size=BATCH, start_when=go, ready=ready
        )
        processes.append(ingest)
        ingests.append(ingest)
        wait_for(ready, ingest, seconds=PROCESS_SECONDS)
    go.touch()
    for ingest in ingests:
        _, err = finish(ingest)
        assert ingest.returncode == 0, err

    runs = list(IngestRun.objects.values_list("status", "created", "duplicates", "failed"))
    assert [status for status, *_ in runs] == ["finished", "finished"]
    assert sum(created for _, created, _, _ in runs) == LETTERS
    assert all(created + duplicates == LETTERS for _, created, duplicates, _ in runs)
    assert all(failed == 0 for *_, failed in runs)
    for run in IngestRun.objects.all():
        assert run.letters.count() == run.created
    assert stored_rows() == expected_rows(corpus)
    assert_derived_rows_match_the_items()


# --- A hostile upload ----------------------------------------------------------------------

MB = 1_048_576


@pytest.fixture
def uploader(django_user_model) -> Client:
    """Someone who may add letters, and nothing more."""
    user = django_user_model.objects.create_user(username="uploader", password="pw")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="decisions", codename="add_letter")
    )
    client = Client()
    client.force_login(user)
    return client


def with_a_huge_page_number(text: str) -> str:
    """The letter with its first citation's pages one page of 5,000 digits."""
    huge, found = re.subn(r"Page\(s\): \d+(?:[-, ]+\d+)*", "Page(s): " + "9" * 5000, text, count=1)
    assert found
    return huge


def with_a_huge_line(text: str) -> str:
    """The letter with a 2 MB line of distinct words opening its first rationale."""
    words = words_past_the_search_index(2)
    huge, found = re.subn("Decision rationale: ", f"Decision rationale: {words} ", text, count=1)
    assert found
    return huge


def with_a_nul(text: str) -> str:
    """The letter with a NUL in its first rationale, as a PDF's text layer can hold one."""
    spoiled, found = re.subn("Decision rationale: ", "Decision rationale: \x00", text, count=1)
    assert found
    return spoiled


def hostile_zip() -> bytes:
    """A letter among entries that must not be read: paths out of the folder, a link, an
    archive inside, a NUL in a name (zip_of cannot write one: patched into its bytes)."""
    archive = zip_of(
        {
            "batch/good.txt": letter(1001).encode(),
            "../../etc/cron.d/escape.txt": letter(1002).encode(),
            "/etc/escape.txt": letter(1003).encode(),
            "batch/inner.zip": zip_of({"letter.txt": letter(1004).encode()}),
            "batch/evil.txt_../../x.txt": letter(1005).encode(),
        },
        links={"batch/link.txt": "/etc/passwd"},
    )
    return archive.replace(b"evil.txt_", b"evil.txt\x00")


UNSAFE = "unsafe path in the ZIP ({}): not read"
# Each file of the hostile upload, what becomes of it, and why (ANY: the letter it became).
HOSTILE_REPORT = [
    ("good.txt", "created", ANY),
    ("letters.zip/batch/good.txt", "created", ANY),
    (
        "letters.zip/../../etc/cron.d/escape.txt",
        "failed",
        UNSAFE.format("'..' in '../../etc/cron.d/escape.txt'"),
    ),
    ("letters.zip//etc/escape.txt", "failed", UNSAFE.format("absolute path '/etc/escape.txt'")),
    (
        "letters.zip/batch/inner.zip",
        "failed",
        "a ZIP inside the ZIP: nested archives are not opened",
    ),
    (
        "letters.zip/batch/evil.txt../../x.txt",
        "failed",
        UNSAFE.format("a NUL character in the name"),
    ),
    ("letters.zip/batch/link.txt", "failed", "a symbolic link in the ZIP, not a file: not read"),
    ("empty.txt", "failed", "file is empty"),
    ("oversize.txt", "failed", "file is 3.0 MB, over the 3.0 MB limit"),
    ("photo.pdf", "failed", "binary file (PNG image), not a PDF or text"),
    ("locked.pdf", "failed", "PDF is encrypted"),
    ("protected.pdf", "created", ANY),
    ("nul_in_text.pdf", "created", ANY),
    ("scan.pdf", "failed", "PDF has no text layer (scanned image?)"),
    (
        "one_line.txt",
        "failed",
        "no 'IMR ISSUES, DECISIONS AND RATIONALES' section: not an IMR final determination "
        "letter or an unknown layout",
    ),
    ("huge_line.txt", "failed", ANY),  # the search vector's size, checked on its own
    ("huge_number.txt", "created", ANY),
    ("nulname.txt", "created", ANY),
    (
        "bomb.zip/bomb.txt",
        "failed",
        "not loaded: the upload's ZIP files expand to more than 1.0 MB in all",
    ),
    ("last.txt", "created", ANY),
]


def hostile_files() -> list[tuple[str, bytes]]:
    """The files of HOSTILE_REPORT, in its order, for the limits of `hostile_limits`."""
    bomb = zip_of({"bomb.txt": b"A" * (20 * MB)})
    assert len(bomb) < 0.1 * MB  # it expands 200-fold and more
    return [
        ("good.txt", letter(1000).encode()),
        ("letters.zip", hostile_zip()),
        ("empty.txt", b""),
        ("oversize.txt", (letter(1010) + " " * (3 * MB)).encode()),
        ("photo.pdf", PNG),
        ("locked.pdf", text_pdf(letter(1011), password="secret")),
        ("protected.pdf", text_pdf(letter(1012), password="")),
        ("nul_in_text.pdf", text_pdf(with_a_nul(letter(1017)))),
        ("scan.pdf", scanned_pdf()),
        ("one_line.txt", words_past_the_search_index(2).encode()),
        ("huge_line.txt", with_a_huge_line(letter(1013)).encode()),
        ("huge_number.txt", with_a_huge_page_number(letter(1014)).encode()),
        ("nul\x00name.txt", letter(1015).encode()),
        ("bomb.zip", bomb),
        ("last.txt", letter(1016).encode()),
    ]


@pytest.fixture
def hostile_limits(settings) -> None:
    """Small limits, so that small files break them: the huge line still fits in a file."""
    settings.IMR_MAX_FILE_BYTES = 3 * MB
    settings.IMR_ZIP_MAX_TOTAL_BYTES = 1 * MB


@pytest.mark.timeout(PROCESS_SECONDS)
@pytest.mark.django_db
def test_a_hostile_upload_refuses_each_bad_file_with_its_reason_and_stores_the_good(
    uploader, hostile_limits
):
    """Every file refused on its own, for its own reason, shown in the report; the letters
    among them stored (a page number of 5,000 digits is no page: its letter is stored without
    it; a NUL in a PDF's text is left out); and the site answers a search with them after."""
    response = post(uploader, *hostile_files())

    rows = report_rows(response)
    assert rows == HOSTILE_REPORT
    huge_line = {name: reason for name, _, reason in rows}["huge_line.txt"]
    assert re.fullmatch(
        r"cannot be stored: string is too long for tsvector \(\d+ bytes, max 1048575 bytes\)",
        huge_line,
    )
    html = response.content.decode()
    for _, status, reason in rows:
        if status == "failed":
            assert escape(capfirst(reason)) in html

    created = [name for name, status, _ in HOSTILE_REPORT if status == "created"]
    failed = [name for name, status, _ in HOSTILE_REPORT if status == "failed"]
    upload = Upload.objects.get()
    run = upload.run
    assert (upload.state, run.status, run.created, run.duplicates, run.failed) == (
        "done",
        "finished",
        len(created),
        0,
        len(failed),
    )
    assert sorted(run.failures.values_list("source_name", flat=True)) == sorted(failed)
    assert sorted(Letter.objects.values_list("source_name", flat=True)) == sorted(created)
    [huge] = Citation.objects.filter(text__contains="9" * 5000)
    assert (huge.item.letter.source_name, huge.pages) == ("huge_number.txt", [])
    assert_derived_rows_match_the_items()

    search = uploader.get(reverse("decisions:search"))
    assert search.status_code == 200
    assert search.context["results"].facets.total == DisputedItem.objects.count() > 0
    page = uploader.get(huge.item.letter.get_absolute_url())
    assert page.status_code == 200 and "9" * 5000 in page.content.decode()


def get(live_server, client: Client, path: str) -> str:
    """GET `path` from the live server over HTTP, with `client`'s cookies (its login); the body."""
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    request = urllib.request.Request(live_server.url + path, headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=PROCESS_SECONDS) as response:
        assert response.status == 200
        return response.read().decode()


@pytest.mark.timeout(2 * PROCESS_SECONDS)
@pytest.mark.django_db(transaction=True)
def test_the_site_answers_while_a_worker_loads_a_hostile_upload(
    uploader, hostile_limits, settings, live_server, tmp_path, processes
):
    """As production runs it: the request only stages the files and queues the job, a worker
    process loads them, and the site, over HTTP, answers a search and the upload's progress
    while the worker is in the middle of the upload; the report is the same."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = send(uploader, *hostile_files())
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert upload.state == "queued"

    go_on = tmp_path / "go-on"
    worker = start_worker(at="last.txt", action=str(go_on))
    processes.append(worker)
    status_path = reverse("decisions:upload-status", args=[upload.pk])

    def progress() -> dict:
        return json.loads(get(live_server, uploader, status_path))

    held = len(HOSTILE_REPORT) - 1  # the worker holds before the last file, the others read
    deadline = time.monotonic() + PROCESS_SECONDS
    while (status := progress())["read"] < held:
        assert time.monotonic() < deadline and worker.poll() is None, status
        time.sleep(0.05)
    assert (status["state"], status["finished"]) == ("running", False)
    assert 'value="pain"' in get(live_server, uploader, reverse("decisions:search") + "?q=pain")

    go_on.touch()
    _, errors = worker.communicate(timeout=PROCESS_SECONDS)
    assert worker.returncode == 0, errors
    upload.refresh_from_db()
    assert upload.state == "done"
    assert report_rows(uploader.get(upload.get_absolute_url())) == HOSTILE_REPORT
    assert_derived_rows_match_the_items()
