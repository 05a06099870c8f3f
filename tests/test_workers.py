"""Files sent to the parse workers in chunks: each file keeps its own budget and its own failure.

The ingest service's tests (tests/services/test_ingest.py) run one misbehaving file among a few
good ones through the command; these put several misbehaviours in the middle of chunks, so that
what ends a chunk (an alarm, the chunk's budget, a dead worker, an exception) is seen to fail the
one file that caused it, in its place, and every other file of the chunk to be read.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from decisions.preparation import FileInput, Prepared, Rejected
from decisions.workers import prepared_in_workers
from tests.helpers import seed_variant
from tests.preparation_hooks import misbehaving_prepare

SECONDS = 1
REASONS = {
    "sleeps": f"took longer than {SECONDS} s to read",
    "ignores_alarm": f"took longer than {SECONDS} s to read",
    "killed": "the worker reading it died (killed by SIGKILL)",
    "exits": "the worker reading it died (exit status 3)",
    "raises": "could not be read: internal error while reading (RuntimeError)",
}


def prepared(files: list[FileInput], *, workers: int, per_task: int) -> list:
    work = partial(misbehaving_prepare, max_bytes=1_000_000, keep_original=False)
    return list(
        prepared_in_workers(
            files,
            work,
            workers=workers,
            seconds=SECONDS,
            ahead=len(files),
            log_config={"version": 1},
            per_task=per_task,
        )
    )


def letter_files(folder: Path, names: list[str]) -> list[FileInput]:
    files = []
    for n, name in enumerate(names):
        path = folder / f"{name}.txt"
        path.write_text(seed_variant(n))
        files.append(FileInput(name=str(path), path=str(path)))
    return files


# A run that waits forever on a dead worker fails here instead of holding CI.
@pytest.mark.timeout(90)
@pytest.mark.parametrize("workers", [1, 2])
def test_a_misbehaving_file_fails_alone_in_its_chunk_and_order_is_kept(tmp_path, workers):
    names = []
    for n, misbehaviour in enumerate(REASONS):
        names += [f"good{2 * n}", misbehaviour, f"good{2 * n + 1}"]
    files = letter_files(tmp_path, names)

    results = prepared(files, workers=workers, per_task=4)

    assert [r.name for r in results] == [f.name for f in files]
    for name, result in zip(names, results, strict=True):
        if name in REASONS:
            assert result == Rejected(str(tmp_path / f"{name}.txt"), REASONS[name])
        else:
            assert isinstance(result, Prepared), result


@pytest.mark.timeout(60)
def test_files_after_a_chunk_that_ran_out_of_time_keep_their_own_budget(tmp_path):
    """The chunk's budget ran out on its second file: that file fails, the first (done, its
    result lost with the worker) and the rest are read again."""
    files = letter_files(tmp_path, ["first", "ignores_alarm", "third", "fourth"])

    results = prepared(files, workers=1, per_task=4)

    assert [type(r) for r in results] == [Prepared, Rejected, Prepared, Prepared]
    assert results[1].reason == REASONS["ignores_alarm"]


@pytest.mark.parametrize("per_task", [1, 3, 50])
def test_every_file_is_read_once_in_order_whatever_the_chunk(tmp_path, per_task):
    files = letter_files(tmp_path, [f"letter{n}" for n in range(7)])

    results = prepared(files, workers=2, per_task=per_task)

    assert [r.name for r in results] == [f.name for f in files]
    assert all(isinstance(r, Prepared) for r in results)
    assert len({r.sha256 for r in results}) == 7
