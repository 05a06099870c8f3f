"""`manage.py parse`: the public JSON contract, error objects, exit status, no database."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.helpers import FIXTURE_LETTERS, LETTER_KEYS, SEED_NAMES

CONTRACT_KEYS = {"source", "sha256", *LETTER_KEYS}


def run_parse(*files) -> tuple[list[dict], CommandError | None]:
    out = StringIO()
    error = None
    try:
        call_command("parse", *map(str, files), stdout=out)
    except CommandError as exc:
        error = exc
    return json.loads(out.getvalue()), error


def test_one_object_per_file_in_argument_order():
    paths = [FIXTURE_LETTERS / name for name in reversed(SEED_NAMES)]
    result, error = run_parse(*paths)
    assert error is None
    assert [r["source"] for r in result] == [str(p) for p in paths]
    for path, obj in zip(paths, result, strict=True):
        assert set(obj) == CONTRACT_KEYS
        assert obj["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_seed_000_fields_in_json():
    [obj], _ = run_parse(FIXTURE_LETTERS / "000_f81e84064fb33700.txt")
    assert obj["reviewer"] == {
        "specialty": "Neurology",
        "subspecialty": "Neuromuscular Medicine",
        "licensed_in": ["California"],
        "specialty_canonical": "Neurology",
        "subspecialty_canonical": "Neuromuscular Medicine",
    }
    assert obj["warnings"] == [] and all(item["warnings"] == [] for item in obj["items"])
    assert obj["patient"] == {"age": 42, "sex": "male", "date_of_injury": "2012-11-02"}
    assert [(i["treatment"], i["outcome"]) for i in obj["items"]] == [
        ("Cervical ESI C5-6", "upheld"),
        ("Cervical ESI C6-7", "upheld"),
        ("Cervical Myelography", "upheld"),
        ("Cervical Epidurogram", "upheld"),
        ("IV Sodium", "upheld"),
    ]
    first = obj["items"][0]
    assert first["claims_administrator_basis"]["citations"] == [
        {
            "guideline": "MTUS",
            "document": "Chronic Pain Medical Treatment Guidelines",
            "topic": None,
            "pages": [46],
            "text": "MTUS Chronic Pain Treatment Guidelines Page(s): 46.",
        }
    ]
    assert first["reviewer_basis"]["citations"][0]["topic"] == "Epidural Steroid Injections"


def test_unparseable_file_gives_error_object_and_nonzero_exit(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("Shopping list: milk, eggs.\n")
    good = FIXTURE_LETTERS / SEED_NAMES[0]
    result, error = run_parse(good, bad)
    assert error is not None and error.returncode == 1
    assert "1 of 2 files could not be parsed" in str(error)
    assert result[0]["source"] == str(good) and "items" in result[0]
    assert set(result[1]) == {"source", "error"}
    assert result[1]["source"] == str(bad)
    assert "not an IMR" in result[1]["error"] or "IMR ISSUES" in result[1]["error"]


def test_missing_file_gives_error_object(tmp_path):
    result, error = run_parse(tmp_path / "absent.txt")
    assert error is not None
    assert result == [{"source": str(tmp_path / "absent.txt"), "error": result[0]["error"]}]
    assert "cannot read file" in result[0]["error"]


def test_parse_touches_no_database():
    # pytest-django blocks database access in tests without the db fixture: a query would raise.
    result, error = run_parse(*(FIXTURE_LETTERS / n for n in SEED_NAMES))
    assert error is None and len(result) == 3


@pytest.mark.parametrize("name", SEED_NAMES)
def test_output_is_plain_json_types(name):
    [obj], _ = run_parse(FIXTURE_LETTERS / name)
    # Round-trips without loss: no tuples, dates or custom objects leaked into the output.
    assert json.loads(json.dumps(obj)) == obj


def test_what_the_parser_did_not_understand_is_printed_with_the_letter(tmp_path):
    """A letter whose items are certain prints with its warnings (the letter's and an item's),
    each {code, field, message, quote}; the exit status is 0."""
    text = (FIXTURE_LETTERS / SEED_NAMES[0]).read_text(encoding="utf-8")
    text = text.replace("Neuromuscular Medicine", "Hospitalist Care", 1)
    text = text.replace("Cervical ESI C5-6: Upheld", "Cervical ESI C5-6: Upheld;", 1)
    path = tmp_path / "warned.txt"
    path.write_text(text, encoding="utf-8")
    [obj], error = run_parse(path)
    assert error is None
    assert obj["reviewer"]["subspecialty"] == "Hospitalist Care"
    assert obj["reviewer"]["subspecialty_canonical"] is None
    assert obj["warnings"] == [
        {
            "code": "specialty-unknown",
            "field": "reviewer.subspecialty",
            "message": "not a specialty or profession of the vocabulary: kept as written",
            "quote": "Hospitalist Care",
        }
    ]
    [warning] = obj["items"][0]["warnings"]
    assert (warning["code"], warning["field"]) == ("outcome-loose", "items[0].outcome")
    assert warning["quote"] == "Cervical ESI C5-6: Upheld;"
