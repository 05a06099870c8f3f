"""The ingest service and command: whole letters, no duplicates, isolated failures, run records."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import asdict
from datetime import timedelta
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection, reset_queries
from django.utils import timezone

from decisions import preparation
from decisions.models import Citation, DisputedItem, IngestFailure, IngestRun, Letter
from decisions.preparation import FileInput, Rejected
from decisions.services import ingest as ingest_service
from decisions.services.ingest import connection_lost, ingest_files
from tests.helpers import (
    SEED_NAMES,
    assert_derived_rows_match_the_items,
    seed_text,
    seed_variant,
    words_past_the_search_index,
)
from tests.pdfs import text_pdf
from tests.preparation_hooks import (
    CITATION_WARNING,
    SPECIALTY_WARNING,
    misbehaving_prepare,
    parse_a_huge_number,
    prepare_with_warnings,
    prepare_with_warnings_and_overlong_specialty,
)

pytestmark = pytest.mark.django_db


def ingest(
    *paths, dry_run=False, skip_stored=False, workers=1
) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    error = None
    args = [str(p) for p in paths] + [f"--workers={workers}"]
    args += (["--dry-run"] if dry_run else []) + (["--skip-stored"] if skip_stored else [])
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
    except CommandError as exc:
        error = exc
    return out.getvalue(), err.getvalue(), error


def table_counts() -> tuple[int, int, int]:
    return Letter.objects.count(), DisputedItem.objects.count(), Citation.objects.count()


def test_ingest_folder_stores_letters_items_and_citations(letters_dir):
    out, err, error = ingest(letters_dir)
    assert error is None, err
    assert "created 3, duplicates 0, failed 0" in out
    assert Letter.objects.count() == 3
    assert DisputedItem.objects.count() == 5 + 4 + 1
    letter = Letter.objects.get(source_name__endswith=SEED_NAMES[1])
    assert letter.reviewer_specialty == "Occupational Medicine"
    assert letter.raw_text == seed_text(SEED_NAMES[1])
    norco = letter.items.get(position=3)
    assert norco.treatment == "Norco 10/325mg, #120" and norco.outcome == "overturned"
    assert list(norco.citations.values_list("party", "guideline", "pages")) == [
        ("claims_administrator", "MTUS", []),
        ("reviewer", "MTUS", [91]),
    ]
    # Letter values copied onto the item rows the search reads.
    assert norco.reviewer_specialty_canonical == "Occupational Medicine"
    assert str(norco.date_of_injury) == "2013-12-31"
    # Text files keep no separate original: raw_text is the file.
    assert not letter.original_file


def test_second_ingest_counts_duplicates_and_writes_nothing(letters_dir):
    ingest(letters_dir)
    before = table_counts()
    out, _, error = ingest(letters_dir)
    assert error is None
    assert "created 0, duplicates 3, failed 0" in out
    assert table_counts() == before


def test_every_explicit_ingest_is_a_run_even_with_nothing_new(letters_dir):
    ingest(letters_dir)
    ingest(letters_dir)
    assert [(r.created, r.duplicates) for r in IngestRun.objects.order_by("pk")] == [
        (3, 0),
        (0, 3),
    ]


def test_skip_stored_records_no_run_when_every_file_is_stored(letters_dir):
    """`make run` loads the fixture letters this way on every start."""
    ingest(letters_dir)
    before = table_counts()
    out, _, error = ingest(letters_dir, skip_stored=True)
    assert error is None
    assert out.strip() == "nothing new: 3 files already stored, no run recorded"
    assert IngestRun.objects.count() == 1
    assert table_counts() == before


def test_skip_stored_ingests_only_the_new_files(letters_dir):
    new = letters_dir / SEED_NAMES[0]
    held_back = new.rename(letters_dir.parent / new.name)
    ingest(letters_dir)
    held_back.rename(new)
    (letters_dir / "empty.txt").write_bytes(b"")
    out, err, error = ingest(letters_dir, skip_stored=True)
    assert error is not None and f"FAILED {letters_dir / 'empty.txt'}" in err
    assert "created 1, duplicates 0, failed 1" in out and "; skipped 2 already stored" in out
    run = IngestRun.objects.order_by("pk").last()
    assert (run.created, run.duplicates, run.failed) == (1, 0, 1)
    assert list(run.letters.values_list("source_name", flat=True)) == [str(new)]


def test_skip_stored_on_an_empty_database_is_a_plain_ingest(letters_dir):
    out, _, error = ingest(letters_dir, skip_stored=True)
    assert error is None
    assert "created 3, duplicates 0, failed 0" in out and "skipped 0 already stored" in out
    assert IngestRun.objects.get().created == 3


def test_same_letter_twice_in_one_run_is_stored_once(letters_dir, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes((letters_dir / SEED_NAMES[0]).read_bytes())
    out, _, _ = ingest(letters_dir, copy)
    assert "created 3, duplicates 1" in out
    assert Letter.objects.count() == 3


BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "garbage.txt": (bytes(range(256)) * 40, "binary"),
    # Cut inside the Norco item, after its heading and bases, before its rationale.
    "truncated.txt": (
        seed_text(SEED_NAMES[1]).split("Decision rationale: The request in question")[0].encode(),
        "Decision rationale",
    ),
    "unknown_outcome.txt": (
        seed_text(SEED_NAMES[2]).replace("x3:  Upheld", "x3:  Partially Certified").encode(),
        "Partially Certified",
    ),
    "shopping.pdf": (text_pdf("Shopping list\nMilk\nEggs\n"), "not an IMR"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_among_good_ones_is_reported_and_the_rest_load(letters_dir, name):
    data, reason_fragment = BAD_FILES[name]
    (letters_dir / name).write_bytes(data)
    out, err, error = ingest(letters_dir)
    assert error is not None and error.returncode == 1
    assert "created 3, duplicates 0, failed 1" in out
    [line] = [line for line in err.splitlines() if line.startswith("FAILED")]
    assert line.startswith(f"FAILED {letters_dir / name}: ")
    assert reason_fragment.lower() in line.lower()
    assert Letter.objects.count() == 3
    assert not Letter.objects.filter(source_name__endswith=name).exists()
    failure = IngestFailure.objects.get()
    assert failure.source_name == str(letters_dir / name)
    assert reason_fragment.lower() in failure.reason.lower()


def test_oversized_file_is_refused_before_reading(letters_dir, settings):
    settings.IMR_MAX_FILE_BYTES = 20_000
    big = letters_dir / "big.txt"
    big.write_bytes(b"x" * 20_001)
    _, err, error = ingest(big)
    assert error is not None
    assert "over the" in err and "limit" in err
    assert Letter.objects.count() == 0


def test_letter_the_database_refuses_fails_alone_and_leaves_no_rows(letters_dir):
    """A specialty longer than its column: the batch falls back to one transaction per letter."""
    text = seed_variant(3).replace("Neurology", "Neurology " + "and Neurology " * 30, 1)
    (letters_dir / "long_specialty.txt").write_text(text)
    out, err, error = ingest(letters_dir)
    assert error is not None and error.returncode == 1
    assert "created 3, duplicates 0, failed 1" in out
    assert f"FAILED {letters_dir / 'long_specialty.txt'}: cannot be stored:" in err
    assert "too long" in err
    assert not Letter.objects.filter(source_name__endswith="long_specialty.txt").exists()
    assert DisputedItem.objects.count() == 10  # only the three good letters' items
    assert (
        Citation.objects.filter(item__letter__source_name__endswith="long_specialty.txt").count()
        == 0
    )


def test_letter_too_long_for_the_search_index_fails_alone(letters_dir):
    """Postgres refuses a search vector over 1 MB as a limit it has (program_limit_exceeded,
    an OperationalError), not as a bad value: still this letter's failure, not the run's."""
    words = words_past_the_search_index(1.5)
    text = seed_text(SEED_NAMES[0]).replace(
        "Decision rationale: ", f"Decision rationale: {words} ", 1
    )
    (letters_dir / "long_rationale.txt").write_text(text)
    out, err, error = ingest(letters_dir)
    assert error is not None and error.returncode == 1
    assert "created 3, duplicates 0, failed 1" in out
    [line] = [line for line in err.splitlines() if line.startswith("FAILED")]
    assert re.fullmatch(
        rf"FAILED {re.escape(str(letters_dir / 'long_rationale.txt'))}: cannot be stored: "
        r"string is too long for tsvector \(\d+ bytes, max 1048575 bytes\)",
        line,
    ), line
    assert not Letter.objects.filter(source_name__endswith="long_rationale.txt").exists()
    assert IngestRun.objects.values_list("status", "created", "failed").get() == (
        "finished",
        3,
        1,
    )
    assert_derived_rows_match_the_items()


def test_batches_store_many_letters_with_a_few_statements(
    letters_dir, django_assert_max_num_queries
):
    """Ten letters cost the same statements as one: batched inserts, not a loop of saves."""
    for n in range(7):
        (letters_dir / f"variant{n}.txt").write_text(seed_variant(n))
    files = [FileInput(name=str(p), path=str(p)) for p in sorted(letters_dir.iterdir())]
    # a look for a bulk load's mark, run row, lookup, savepoint, letters, ids, items,
    # citations, the run's count, release, the batch's other counts (savepoint, failures,
    # update, release), run update
    with django_assert_max_num_queries(16):
        summary = ingest_files(files, origin="command", sources="t")
    assert summary.created == 10


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("parallel", [{"workers": 2}, {"writers": 3}], ids=["workers", "writers"])
def test_batch_boundaries_keep_every_file_in_order(letters_dir, monkeypatch, parallel):
    """Many batches through the parse workers' window, or stored at once by several writers on
    their own connections: a duplicate in a later batch, a refused letter and a bad file each
    decided once, in input order, the rest stored, counts exact."""
    monkeypatch.setattr(ingest_service, "BATCH_SIZE", 3)
    for n in range(6):
        (letters_dir / f"variant{n}.txt").write_text(seed_variant(n))
    (letters_dir / "zz_copy.txt").write_text(seed_text(SEED_NAMES[0]))  # same bytes as a seed
    (letters_dir / "empty.txt").write_bytes(b"")
    refused = seed_variant(7).replace("Occupational Medicine", "Occupational " * 40, 1)
    (letters_dir / "long_specialty.txt").write_text(refused)
    files = [FileInput(name=p.name, path=str(p)) for p in sorted(letters_dir.iterdir())]
    heard = []
    summary = ingest_files(
        files, origin="command", sources="t", on_outcome=heard.append, **parallel
    )
    assert [o.name for o in heard] == [f.name for f in files]
    status = {o.name: o.status for o in heard}
    assert (status["zz_copy.txt"], status["empty.txt"], status["long_specialty.txt"]) == (
        "duplicate",
        "failed",
        "failed",
    )
    assert (summary.created, summary.duplicates, summary.failed) == (9, 1, 2)
    assert sorted(Letter.objects.values_list("id", flat=True)) == sorted(
        o.letter_id for o in heard if o.status == "created"
    )
    assert_derived_rows_match_the_items()


def test_dry_run_writes_nothing(letters_dir):
    out, _, error = ingest(letters_dir, dry_run=True)
    assert error is None
    assert "would create 3" in out and "nothing written" in out
    assert table_counts() == (0, 0, 0)
    assert IngestRun.objects.count() == 0


def test_run_is_recorded_with_counts_and_failures(letters_dir):
    (letters_dir / "empty.txt").write_bytes(b"")
    ingest(letters_dir)
    run = IngestRun.objects.get()
    assert run.origin == "command"
    assert run.sources == str(letters_dir.resolve())
    assert (run.created, run.duplicates, run.failed) == (3, 0, 1)
    assert run.finished_at is not None
    assert set(run.letters.values_list("source_name", flat=True)) == {
        str(letters_dir / n) for n in SEED_NAMES
    }


def test_parallel_workers_give_the_same_rows(letters_dir):
    out, _, error = ingest(letters_dir, workers=2)
    assert error is None and "created 3" in out
    assert DisputedItem.objects.count() == 10


def test_pdf_letter_is_ingested_and_its_original_kept(tmp_path):
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(text_pdf(seed_text(SEED_NAMES[1])))
    _, err, error = ingest(pdf)
    assert error is None, err
    letter = Letter.objects.get()
    assert letter.original_kind == "pdf"
    assert [i.treatment for i in letter.items.all()][2] == "Norco 10/325mg, #120"
    with letter.original_file.open("rb") as handle:
        assert handle.read() == pdf.read_bytes()


def test_missing_path_is_a_clear_error(tmp_path):
    _, _, error = ingest(tmp_path / "nope")
    assert error is not None and "no such file or folder" in str(error)


@pytest.mark.django_db(transaction=True)
def test_concurrent_ingests_store_each_letter_once(letters_dir):
    """Two runs racing over the same files: every letter once, the loser counts duplicates."""
    files = [FileInput(name=str(p), path=str(p)) for p in sorted(letters_dir.iterdir())] * 3
    barrier = threading.Barrier(2)
    summaries = []

    def run():
        try:
            barrier.wait()
            summaries.append(ingest_files(files, origin="command", sources="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Letter.objects.count() == 3
    assert sum(s.created for s in summaries) == 3
    assert sum(s.duplicates for s in summaries) == 2 * 9 - 3
    assert sum(s.failed for s in summaries) == 0


def write_variants(folder: Path, count: int, first: int) -> Path:
    """`count` distinct letters, variants of the three seed letters."""
    folder.mkdir()
    for n in range(first, first + count):
        (folder / f"variant{n:05}.txt").write_text(seed_variant(n))
    return folder


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writers", [1, 3])
def test_a_long_ingest_keeps_no_statements_from_batch_to_batch(
    tmp_path, monkeypatch, settings, writers
):
    """With DEBUG on, as in development, Django logs every statement, parameters written in,
    on the connection that ran it, and clears the log only when a request starts. An ingest
    run that kept those logs, on the command's connection (one writer) or on the writer
    threads' (several), grew by ~0.7 kB a letter (1 GB resident at a million). Every batch
    must start on a connection holding no earlier batch's statements, whether the run stores
    4 batches or 16. (Python's traced memory says the same, but too noisily for a test: each
    batch's Letter rows are reference cycles, with their FieldFile, that wait for the garbage
    collector.)"""
    settings.DEBUG = True
    monkeypatch.setattr(ingest_service, "BATCH_SIZE", 3)
    store_batch = ingest_service._store_batch
    held: list[int] = []

    def store_batch_noting_the_log(batch, **kwargs):
        held.append(len(connection.queries_log))
        return store_batch(batch, **kwargs)

    monkeypatch.setattr(ingest_service, "_store_batch", store_batch_noting_the_log)

    def most_held(folder: Path) -> int:
        held.clear()
        reset_queries()  # each run starts on a clean log, as in a command's fresh process
        call_command(
            "ingest", str(folder), "--workers=1", f"--writers={writers}", stdout=StringIO()
        )
        return max(held)

    short = most_held(write_variants(tmp_path / "short", 12, first=0))
    long = most_held(write_variants(tmp_path / "long", 48, first=12))
    assert Letter.objects.count() == 12 + 48
    assert long <= short, f"held {short} statements over 4 batches, {long} over 16"


# --- Files that misbehave: each is its own failure, and the run finishes ---------------------

# The budget the tests give a file; the ones that misbehave are named after what they do
# (tests/preparation_hooks.py), with the reason each gets.
TEST_FILE_SECONDS = 1
MISBEHAVIOURS = {
    "sleeps.txt": f"took longer than {TEST_FILE_SECONDS} s to read",
    "killed.txt": "the worker reading it died (killed by SIGKILL)",
    "exits.txt": "the worker reading it died (exit status 3)",
    "huge_number.txt": "could not be read: internal error while parsing (ValueError)",
    "raises.txt": "could not be read: internal error while reading (RuntimeError)",
}


@pytest.fixture
def misbehaving(monkeypatch, settings):
    """Files prepared by `misbehaving_prepare`, each within TEST_FILE_SECONDS."""
    settings.IMR_FILE_SECONDS = TEST_FILE_SECONDS
    monkeypatch.setattr(ingest_service, "prepare", misbehaving_prepare)


# A run that waits forever on a dead worker fails here instead of holding CI.
@pytest.mark.timeout(60)
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("name", sorted(MISBEHAVIOURS))
def test_a_file_that_misbehaves_fails_alone_and_the_run_finishes(
    letters_dir, misbehaving, name, workers
):
    """Too slow, its worker killed or exiting, an exception nobody expected: that file fails
    with a plain reason, every other file (before and after it) is stored, the run finishes."""
    (letters_dir / name).write_text(seed_variant(3))
    (letters_dir / "zz_after.txt").write_text(seed_variant(4))
    out, err, error = ingest(letters_dir, workers=workers)
    assert error is not None and error.returncode == 1
    assert "created 4, duplicates 0, failed 1" in out
    assert [line for line in err.splitlines() if line.startswith("FAILED")] == [
        f"FAILED {letters_dir / name}: {MISBEHAVIOURS[name]}"
    ]
    run = IngestRun.objects.get()
    assert (run.status, run.created, run.failed) == ("finished", 4, 1)
    assert run.failures.get().reason == MISBEHAVIOURS[name]
    assert not Letter.objects.filter(source_name__endswith=name).exists()


@pytest.mark.timeout(60)
def test_a_result_that_breaks_the_worker_pool_fails_that_file_alone(letters_dir, misbehaving):
    """Pebble's workers share a pipe, and a result that cannot be read back breaks it for every
    file in flight: the pool is replaced and those files sent again; the file that breaks it
    again fails, the others are stored."""
    (letters_dir / "unreadable.txt").write_text(seed_variant(3))
    (letters_dir / "zz_after.txt").write_text(seed_variant(4))
    out, err, _ = ingest(letters_dir, workers=1)
    assert "created 4, duplicates 0, failed 1" in out
    assert f"FAILED {letters_dir / 'unreadable.txt'}: the worker pool failed twice" in err


def test_an_unexpected_exception_is_logged_with_its_traceback(tmp_path, monkeypatch, caplog):
    """Users read the plain reason; developers get the traceback in the log."""
    monkeypatch.setattr(preparation, "parse_letter", parse_a_huge_number)
    path = tmp_path / "letter.txt"
    path.write_text(seed_text(SEED_NAMES[0]))
    result = preparation.prepare(
        FileInput(name=str(path), path=str(path)), max_bytes=100_000, keep_original=False
    )
    assert result == Rejected(
        str(path), "could not be read: internal error while parsing (ValueError)"
    )
    [record] = caplog.records
    assert record.levelname == "ERROR" and str(path) in record.getMessage()
    assert record.exc_info[0] is ValueError


# --- Runs that tell the truth -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_counts_grow_as_batches_are_stored(letters_dir, monkeypatch):
    """A run killed mid-load still says what it stored: each batch's counts are on the run's
    record as soon as the batch is stored, whichever writer stored it."""
    monkeypatch.setattr(ingest_service, "BATCH_SIZE", 3)
    folder = write_variants(letters_dir.parent / "variants", 9, first=0)
    seen = []

    def note_the_record(outcome):
        seen.append(IngestRun.objects.values_list("status", "created").get())

    files = [FileInput(name=p.name, path=str(p)) for p in sorted(folder.iterdir())]
    ingest_files(files, origin="command", sources="t", writers=3, on_outcome=note_the_record)
    # Heard after its batch is stored, every outcome finds its batch counted.
    assert all(created >= n // 3 * 3 + 3 for n, (_, created) in enumerate(seen))
    assert seen[0][0] == "running"
    assert IngestRun.objects.values_list("status", "created").get() == ("finished", 9)


@pytest.mark.timeout(60)
@pytest.mark.django_db(transaction=True)
def test_a_running_run_beats_while_a_slow_file_holds_it(
    letters_dir, misbehaving, monkeypatch, settings
):
    """Between batches too: one slow batch must not make a live run look dead."""
    settings.IMR_FILE_SECONDS = 2
    monkeypatch.setattr(IngestRun, "HEARTBEAT", timedelta(seconds=0.1))
    (letters_dir / "sleeps.txt").write_text("a letter that takes its whole budget")
    files = [FileInput(name=p.name, path=str(p)) for p in sorted(letters_dir.iterdir())]

    def run_on_its_own_connection():
        try:
            ingest_files(files, origin="command", sources="t")
        finally:
            connection.close()

    run = threading.Thread(target=run_on_its_own_connection, daemon=True)
    run.start()
    beats = set()
    while run.is_alive():
        beats.update(IngestRun.objects.filter(status="running").values_list("heartbeat_at"))
        time.sleep(0.05)
    connection.close()
    assert len(beats) >= 5, beats
    assert IngestRun.objects.get().status == "finished"


def test_a_run_that_stopped_beating_is_shown_as_interrupted():
    run = IngestRun.objects.create(origin="command", sources="/data", created=1200)
    assert (run.state, run.get_state_display()) == ("running", "running")
    run.heartbeat_at = timezone.now() - IngestRun.STALE_AFTER - timedelta(seconds=1)
    assert (run.status, run.state) == ("running", "interrupted")


def test_a_run_stopped_by_an_error_is_marked_interrupted(letters_dir):
    """An error that is not the database's (here, the caller's own) still leaves the run
    saying it stopped, with what it stored."""

    def stop(outcome):
        raise KeyboardInterrupt

    files = [FileInput(name=p.name, path=str(p)) for p in sorted(letters_dir.iterdir())]
    with pytest.raises(KeyboardInterrupt):
        ingest_files(files, origin="command", sources="t", on_outcome=stop)
    run = IngestRun.objects.get()
    assert (run.status, run.created) == ("interrupted", 3)
    assert run.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_losing_the_database_is_said_in_one_line_and_the_same_command_finishes(
    tmp_path, monkeypatch
):
    """The connection dies just after the second batch is stored, before anything else: the run
    still counts the letters it holds (counted in their own transaction), the command says in
    one line how many it knows of, and running it again stores the rest."""
    monkeypatch.setattr(ingest_service, "BATCH_SIZE", 3)
    folder = write_variants(tmp_path / "letters", 9, first=0)
    count_others = ingest_service._count_others
    batches = []

    def lose_the_database_after_the_second_batch(run, outcomes):
        batches.append(outcomes)
        if len(batches) == 2:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        count_others(run, outcomes)

    monkeypatch.setattr(ingest_service, "_count_others", lose_the_database_after_the_second_batch)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as lost:
        call_command("ingest", str(folder), "--workers=1", "--writers=1", stdout=out, stderr=err)
    assert str(lost.value) == (
        "lost the database connection after at least 3 letters stored; run the same command "
        "again to finish: stored letters are skipped as duplicates"
    )
    assert lost.value.returncode == 1 and (out.getvalue(), err.getvalue()) == ("", "")
    connection.close()  # a new process, as when the command is run again
    run = IngestRun.objects.get()
    assert (run.status, run.created, run.finished_at) == ("running", 6, None)
    assert run.letters.count() == 6

    monkeypatch.setattr(ingest_service, "_count_others", count_others)
    out, _, error = ingest(folder)
    assert error is None and "created 3, duplicates 6, failed 0" in out
    assert Letter.objects.count() == 9


@pytest.mark.parametrize(
    ("cause", "lost"),
    [
        (psycopg.OperationalError("consuming input failed: server closed the connection"), True),
        (psycopg.errors.AdminShutdown("terminating connection"), True),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
    ],
)
def test_connection_loss_is_told_from_other_operational_errors(cause, lost):
    error = OperationalError(str(cause))
    error.__cause__ = cause
    assert connection_lost(error) is lost


class FakeTerminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_and_stays_quiet_otherwise():
    from decisions.management.commands.ingest import progress_bar

    terminal, pipe = FakeTerminal(), StringIO()
    for stream in (terminal, pipe):
        progress = progress_bar(stream, total=2)
        progress.update()
        progress.update()
        progress.close()
    assert "2/2" in terminal.getvalue() and "100%" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_warnings_are_stored_with_their_letter_and_item_and_counted(letters_dir, monkeypatch):
    monkeypatch.setattr(ingest_service, "prepare", prepare_with_warnings)
    out, _, _ = ingest(letters_dir, dry_run=True)
    assert "would create 3 (1 with warnings), duplicates 0, failed 0" in out
    out, err, error = ingest(letters_dir)
    assert error is None, err
    assert "created 3 (1 with warnings), duplicates 0, failed 0" in out

    warned = Letter.objects.get(reviewer_specialty="Occupational Medicine")
    assert warned.warnings == [asdict(SPECIALTY_WARNING)]
    assert warned.warning_codes == sorted([SPECIALTY_WARNING.code, CITATION_WARNING.code])
    assert warned.items.get(position=1).warnings == [asdict(CITATION_WARNING)]
    assert not warned.items.exclude(position=1).exclude(warnings=[]).exists()
    others = Letter.objects.exclude(pk=warned.pk)
    assert list(others.values_list("warnings", "warning_codes")) == [([], [])] * 2
    assert not DisputedItem.objects.exclude(letter=warned).exclude(warnings=[]).exists()


def test_a_letter_stored_alone_after_its_batch_failed_keeps_its_warnings(letters_dir, monkeypatch):
    monkeypatch.setattr(ingest_service, "prepare", prepare_with_warnings_and_overlong_specialty)
    out, _, _ = ingest(letters_dir)
    assert "created 2 (1 with warnings), duplicates 0, failed 1" in out
    assert Letter.objects.get(reviewer_specialty="Occupational Medicine").warnings
