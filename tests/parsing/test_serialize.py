"""The JSON object of the contract, and letters that survive the trip to a worker process."""

from __future__ import annotations

import json
import pickle

from decisions.parsing import letter_to_dict, parse_letter
from tests.helpers import LETTER_KEYS, SEED_NAMES, seed_text
from tests.parsing.letters import NOTICE, double_spaced


def test_seed_as_contract_json():
    obj = letter_to_dict(parse_letter(seed_text(SEED_NAMES[0])))
    assert list(obj) == LETTER_KEYS
    assert obj["reviewer"] == {
        "specialty": "Neurology",
        "subspecialty": "Neuromuscular Medicine",
        "licensed_in": ["California"],
        "specialty_canonical": "Neurology",
        "subspecialty_canonical": "Neuromuscular Medicine",
    }
    assert obj["warnings"] == []
    assert obj["patient"] == {"age": 42, "sex": "male", "date_of_injury": "2012-11-02"}
    assert obj["documents_reviewed"] is None
    first = obj["items"][0]
    assert list(first) == [
        "treatment",
        "outcome",
        "rationale",
        "claims_administrator_basis",
        "reviewer_basis",
        "warnings",
    ]
    assert first["claims_administrator_basis"] == {
        "text": "Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 46.",
        "citations": [
            {
                "guideline": "MTUS",
                "document": "Chronic Pain Medical Treatment Guidelines",
                "topic": None,
                "pages": [46],
                "text": "MTUS Chronic Pain Treatment Guidelines Page(s): 46.",
            }
        ],
    }
    assert json.loads(json.dumps(obj)) == obj


def test_dates_are_iso_strings():
    obj = letter_to_dict(parse_letter(double_spaced(NOTICE)))
    assert (obj["decision_date"], obj["ur_denial_date"], obj["patient"]["date_of_injury"]) == (
        "2013-09-26",
        "2013-07-15",
        "2010-01-15",
    )
    assert json.loads(json.dumps(obj)) == obj


def test_letters_pickle():
    letter = parse_letter(seed_text(SEED_NAMES[2]))
    assert pickle.loads(pickle.dumps(letter)) == letter
