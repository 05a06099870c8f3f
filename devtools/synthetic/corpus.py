"""Writing a corpus: letters as files in shard folders, split over worker processes.

The output depends only on (letters, seed): each letter is drawn from its own seed, and each
worker writes whole shards, so any worker count writes the same files.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .letter import draw_letter

LETTERS_PER_SHARD = 1000


@dataclass(frozen=True)
class CorpusStats:
    """What write_corpus did. cpu_seconds is the workers' own CPU time (user and system), so
    letters_per_cpu_second tells the generator's speed apart from a busy machine's."""

    letters: int
    items: int
    overturned: int
    bytes_written: int
    seconds: float
    cpu_seconds: float

    @property
    def letters_per_second(self) -> float:
        return self.letters / self.seconds if self.seconds else 0.0

    @property
    def letters_per_cpu_second(self) -> float:
        return self.letters / self.cpu_seconds if self.cpu_seconds else 0.0


def letter_path(out_dir: Path, index: int, suffix: str = ".txt") -> Path:
    """Where write_corpus puts letter `index`: 1,000 letters per shard folder."""
    return out_dir / f"{index // LETTERS_PER_SHARD:04d}" / f"{index:07d}{suffix}"


def _write_file(folder: int, name: str, text: str) -> int:
    """Create and fill one file with plain syscalls, relative to an open folder: creating a
    million small files is the corpus writer's bottleneck, and io.open's layers and repeated
    path lookups only add to it."""
    data = text.encode("utf-8")
    handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=folder)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    finally:
        os.close(handle)
    return len(data)


def _write_shard(task: tuple[Path, int, int, int, bool]) -> tuple[int, int, int, int, float]:
    """Write letters start..stop-1, all in one shard folder; return the counts and CPU seconds."""
    out_dir, seed, start, stop, with_truth = task
    cpu = time.process_time()
    items = overturned = written = 0
    shard = letter_path(out_dir, start).parent
    shard.mkdir(parents=True, exist_ok=True)
    folder = os.open(shard, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for index in range(start, stop):
            letter = draw_letter(seed, index)
            name = letter_path(out_dir, index).name
            written += _write_file(folder, name, letter.text())
            if with_truth:
                written += _write_file(
                    folder, name[:-4] + ".json", json.dumps(letter.expected(), indent=1)
                )
            items += len(letter.items)
            overturned += sum(item.outcome == "overturned" for item in letter.items)
    finally:
        os.close(folder)
    return stop - start, items, overturned, written, time.process_time() - cpu


def write_corpus(
    out_dir: Path, letters: int, seed: int, workers: int, *, with_truth: bool = False
) -> CorpusStats:
    """Write letters 0..letters-1 of corpus `seed` as out_dir/<shard>/<index>.txt (and, with
    with_truth, <index>.json beside each), split over `workers` processes by index range.

    The output depends only on (letters, seed): any worker count writes the same files.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    chunk = LETTERS_PER_SHARD
    tasks = [
        (out_dir, seed, start, min(start + chunk, letters), with_truth)
        for start in range(0, letters, chunk)
    ]
    totals = [0, 0, 0, 0, 0.0]
    if workers <= 1 or len(tasks) <= 1:
        results = map(_write_shard, tasks)
        for result in results:
            totals = [a + b for a, b in zip(totals, result, strict=True)]
    else:
        with multiprocessing.get_context("fork" if os.name == "posix" else "spawn").Pool(
            workers
        ) as pool:
            for result in pool.imap_unordered(_write_shard, tasks):
                totals = [a + b for a, b in zip(totals, result, strict=True)]
    letters_written, items, overturned, written, cpu_seconds = totals
    return CorpusStats(
        letters_written, items, overturned, written, time.perf_counter() - started, cpu_seconds
    )
