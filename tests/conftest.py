from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_LETTERS = Path(__file__).resolve().parent.parent / "fixtures" / "letters"
SEED_NAMES = sorted(p.name for p in FIXTURE_LETTERS.glob("*.txt"))


@pytest.fixture
def letters_dir(tmp_path: Path) -> Path:
    """A private copy of the three fixture letters, for tests that add files beside them."""
    target = tmp_path / "letters"
    shutil.copytree(FIXTURE_LETTERS, target)
    return target


def seed_text(name: str) -> str:
    return (FIXTURE_LETTERS / name).read_text(encoding="utf-8")


def with_overlong_specialty(parse):
    """Wrap a parse function so the Neurology seed gets a specialty too long for its column:
    a parse the database refuses, for tests of per-letter failure."""
    from dataclasses import replace

    def parse_with_overlong_specialty(text):
        parsed = parse(text)
        if parsed.reviewer.specialty != "Neurology":
            return parsed
        return replace(parsed, reviewer=replace(parsed.reviewer, specialty="x" * 500))

    return parse_with_overlong_specialty
