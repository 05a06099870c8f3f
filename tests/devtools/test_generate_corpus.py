"""The generate_corpus command, end to end."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from devtools.synthetic import letter_path, published_letter

from .helpers import ROOT


def test_generate_corpus_command(tmp_path: Path):
    """The command end to end, in its own process: no database, manage.py's own (development)
    settings."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    command = [
        sys.executable,
        "manage.py",
        "generate_corpus",
        str(tmp_path),
        "--letters",
        "30",
        "--seed",
        "9",
        "--workers",
        "2",
        "--with-truth",
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^30 letters written to .+ letters/s", done.stdout)
    letter, stem, text = published_letter(9, 29)
    assert letter_path(tmp_path, 9, 29).read_bytes() == text.encode("utf-8")
    assert json.loads(letter_path(tmp_path, 9, 29, ".json").read_text()) == letter.expected(stem)
    refused = subprocess.run(
        [*command[:5], "0", *command[6:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0 and "--letters" in refused.stderr


def test_generate_corpus_checks_the_parser_against_the_truths(tmp_path: Path):
    """--check parses each letter written and prints field accuracy and the shares refused and
    warned; it needs the truths, and says so."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, "manage.py", "generate_corpus", str(tmp_path), "--letters", "60"]
    command += ["--seed", "9", "--workers", "1", "--with-truth", "--check"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(
        r"^60 letters: 60 parsed exactly as expected \(100\.00%\), 0 refused", done.stdout, re.M
    )
    assert re.search(r"^reviewer_families +[\d,]+ +[\d,]+ +100\.000%$", done.stdout, re.M)
    assert re.search(r"^age +60 +60 +100\.000%$", done.stdout, re.M)
    refused = subprocess.run(
        [part for part in command if part != "--with-truth"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0 and "--with-truth" in refused.stderr
