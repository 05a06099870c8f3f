"""Corpora are reproducible: a letter depends only on (seed, index), whoever writes it.

No database and no Django: `pytest tests/devtools/synthetic -p no:django` runs these.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devtools.synthetic import METADATA_FILE, generate_letter, letter_path, write_corpus

from ..helpers import ROOT
from .helpers import SAMPLE, SEED, corpus


def test_same_seed_and_index_give_the_same_bytes():
    for index in (0, 1, 17, 999):
        assert generate_letter(SEED, index) == generate_letter(SEED, index)
        assert generate_letter(SEED, index)[0] == corpus()[index][0]


def test_different_seeds_and_indexes_give_different_letters():
    assert generate_letter(SEED, 5)[0] != generate_letter(SEED + 1, 5)[0]
    assert generate_letter(SEED, 5)[0] != generate_letter(SEED, 6)[0]
    assert len({text for text, _ in corpus()}) == SAMPLE


def test_write_corpus_writes_the_generated_letters_and_nothing_else(tmp_path: Path):
    stats = write_corpus(tmp_path, 1203, SEED, workers=2, with_truth=True)
    assert stats.letters == 1203
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0000", "0001", METADATA_FILE]
    assert len(list((tmp_path / "0000").iterdir())) == 2000  # 1,000 letters and their truths
    assert len(list((tmp_path / "0001").iterdir())) == 406
    for index in (0, 999, 1000, 1202):
        text, _ = generate_letter(SEED, index)
        assert letter_path(tmp_path, SEED, index).read_bytes() == text.encode("utf-8")
        assert letter_path(tmp_path, SEED, index, ".json").exists()
    assert stats.items == sum(len(generate_letter(SEED, i)[1]["items"]) for i in range(1203))


def test_write_corpus_does_not_depend_on_the_worker_count(tmp_path: Path):
    write_corpus(tmp_path / "one", 1100, 3, workers=1)
    write_corpus(tmp_path / "two", 1100, 3, workers=2)
    for index in (0, 500, 1099):
        assert (
            letter_path(tmp_path / "one", 3, index).read_bytes()
            == letter_path(tmp_path / "two", 3, index).read_bytes()
        )
    assert not letter_path(tmp_path / "one", 3, 0, ".json").exists()
    metadata = [(tmp_path / name / METADATA_FILE).read_bytes() for name in ("one", "two")]
    assert metadata[0] == metadata[1]


def test_a_letter_does_not_depend_on_the_process():
    """Not on the process's string hashing either (the order of a set of names, when two names
    differ only in case: "naproxen" from the summary's medications, "Naproxen" from a request)."""
    digest = (
        "import hashlib; from devtools.synthetic import generate_letter; "
        "letters = repr([generate_letter(1, i) for i in range(300)]); "
        "print(hashlib.sha256(letters.encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", digest],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1
