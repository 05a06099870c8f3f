"""Writing a corpus: letters as files in shard folders, split over worker processes, and the
DWC's metadata of them as one CSV.

Each file is named as the DWC names it, by its case number (publication.py), 1,000 letters
to a shard folder; the metadata is `METADATA_FILE` at the corpus's top. The output depends
only on (letters, seed): each letter is drawn from its own seed, and each worker writes whole
shards, so any worker count writes the same files.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .letter import Letter, draw_letter
from .publication import METADATA_HEADER, file_stem, metadata

LETTERS_PER_SHARD = 1000
METADATA_FILE = "dwc-metadata.csv"
# Each shard's rows, until they are joined in shard order into METADATA_FILE.
_METADATA_PART = "dwc-metadata.part"


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
    # The disagreements between the letters and the DWC's metadata, planted by kind
    # (publication.RATES): what `apply_metadata` and the parser must report.
    planted: Counter[str] = field(default_factory=Counter)

    @property
    def letters_per_second(self) -> float:
        return self.letters / self.seconds if self.seconds else 0.0

    @property
    def letters_per_cpu_second(self) -> float:
        return self.letters / self.cpu_seconds if self.cpu_seconds else 0.0


def shard_folder(out_dir: Path, index: int) -> Path:
    """The folder of letter `index`: 1,000 letters per shard."""
    return out_dir / f"{index // LETTERS_PER_SHARD:04d}"


def published_letter(seed: int, index: int) -> tuple[Letter, str, str]:
    """Letter `index` of corpus `seed` as the DWC publishes it: the letter (whose expected()
    and metadata can then be had), its file's name without suffix, and its text."""
    letter = draw_letter(seed, index)
    text = letter.text()
    return letter, file_stem(seed, index, letter), text


def letter_path(out_dir: Path, seed: int, index: int, suffix: str = ".txt") -> Path:
    """Where write_corpus puts letter `index` of corpus `seed` (its file is named by its case
    number, so this draws the letter's facts: for tests, not for walking a corpus)."""
    return (
        shard_folder(out_dir, index) / f"{file_stem(seed, index, draw_letter(seed, index))}{suffix}"
    )


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


class _Shard(NamedTuple):
    """What one _write_shard call wrote, and the CPU time it took."""

    letters: int
    items: int
    overturned: int
    bytes_written: int
    cpu_seconds: float
    planted: Counter[str]


def _write_shard(task: tuple[Path, int, int, int, bool]) -> _Shard:
    """Write letters start..stop-1, all in one shard folder, and their metadata rows."""
    out_dir, seed, start, stop, with_truth = task
    cpu = time.process_time()
    items = overturned = written = 0
    planted: Counter[str] = Counter()
    shard = shard_folder(out_dir, start)
    shard.mkdir(parents=True, exist_ok=True)
    folder = os.open(shard, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with open(shard / _METADATA_PART, "w", encoding="utf-8", newline="") as part:
            rows = csv.writer(part)
            for index in range(start, stop):
                letter, stem, text = published_letter(seed, index)
                written += _write_file(folder, f"{stem}.txt", text)
                if with_truth:
                    truth = json.dumps(letter.expected(stem), indent=1)
                    written += _write_file(folder, f"{stem}.json", truth)
                published = metadata(seed, index, letter)
                rows.writerows(published.rows)
                planted.update(published.planted)
                items += len(letter.items)
                overturned += sum(item.outcome == "overturned" for item in letter.items)
    finally:
        os.close(folder)
    return _Shard(stop - start, items, overturned, written, time.process_time() - cpu, planted)


def _join_metadata(out_dir: Path, letters: int) -> None:
    """The shards' rows, in shard order, as one CSV with its header; the parts removed."""
    with open(out_dir / METADATA_FILE, "w", encoding="utf-8", newline="") as joined:
        csv.writer(joined).writerow(METADATA_HEADER)
        for start in range(0, letters, LETTERS_PER_SHARD):
            part = shard_folder(out_dir, start) / _METADATA_PART
            with open(part, encoding="utf-8", newline="") as rows:
                shutil.copyfileobj(rows, joined)
            part.unlink()


def write_corpus(
    out_dir: Path, letters: int, seed: int, workers: int, *, with_truth: bool = False
) -> CorpusStats:
    """Write letters 0..letters-1 of corpus `seed` as out_dir/<shard>/<case number>.txt (and,
    with with_truth, <case number>.json beside each) and their DWC metadata as
    out_dir/METADATA_FILE, split over `workers` processes by index range.

    The output depends only on (letters, seed): any worker count writes the same files.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    chunk = LETTERS_PER_SHARD
    tasks = [
        (out_dir, seed, start, min(start + chunk, letters), with_truth)
        for start in range(0, letters, chunk)
    ]
    if workers <= 1 or len(tasks) <= 1:
        shards = [_write_shard(task) for task in tasks]
    else:
        with multiprocessing.get_context("fork" if os.name == "posix" else "spawn").Pool(
            workers
        ) as pool:
            shards = list(pool.imap_unordered(_write_shard, tasks))
    _join_metadata(out_dir, letters)
    return CorpusStats(
        letters=sum(shard.letters for shard in shards),
        items=sum(shard.items for shard in shards),
        overturned=sum(shard.overturned for shard in shards),
        bytes_written=sum(shard.bytes_written for shard in shards),
        seconds=time.perf_counter() - started,
        cpu_seconds=sum(shard.cpu_seconds for shard in shards),
        planted=sum((shard.planted for shard in shards), Counter()),
    )
