from __future__ import annotations

import datetime
import shutil
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.engine import sync
from decisions.models import DisputedItem, Letter, SearchIndexRegistration
from decisions.search import indexed
from decisions.services import ingest as ingest_service
from devtools.synthetic import generate_letter
from tests.factories import make_letter
from tests.helpers import CHRONIC_PAIN, FIXTURE_LETTERS, LOW_BACK, make_decision
from tests.preparation_hooks import prepare_with_warnings


@pytest.fixture
def letters_dir(tmp_path: Path) -> Path:
    """A private copy of the three fixture letters, for tests that add files beside them."""
    target = tmp_path / "letters"
    shutil.copytree(FIXTURE_LETTERS, target)
    return target


@pytest.fixture
def warned_letter(letters_dir, monkeypatch) -> Letter:
    """The three seeds ingested, the Occupational Medicine one with warnings
    (tests/preparation_hooks.py, `warned`)."""
    monkeypatch.setattr(ingest_service, "prepare", prepare_with_warnings)
    call_command("ingest", str(letters_dir), "--workers=1", stdout=StringIO())
    return Letter.objects.get(reviewer_specialty="Occupational Medicine")


@pytest.fixture
def six_decisions(db) -> dict[str, DisputedItem]:
    """Six decisions that differ in one or two ways each, keyed by a short name."""
    ortho = make_letter(
        reviewer_specialty="Orthopedic Surgery",
        patient_age=57,
        patient_sex="male",
        date_of_injury=datetime.date(2008, 7, 28),
        decision_date=datetime.date(2014, 3, 1),
    )
    occ = make_letter(
        reviewer_specialty="Occupational Medicine",
        patient_age=34,
        patient_sex="female",
        date_of_injury=datetime.date(2013, 12, 31),
        decision_date=datetime.date(2015, 1, 10),
    )
    pmr = make_letter(reviewer_specialty="Physical Medicine & Rehabilitation")
    return {
        "esi": make_decision(
            ortho,
            treatment="Lumbar epidural steroid injection L4-5",
            rationale="Epidural injections are recommended for radicular pain.",
            cites=[("MTUS", CHRONIC_PAIN, [46])],
            claims_cites=[("MTUS", CHRONIC_PAIN, [46])],
            guideline_mismatch=False,
        ),
        "mri": make_decision(
            ortho,
            treatment="MRI of the lumbar spine",
            outcome="overturned",
            rationale="Imaging is indicated when red flags are present.",
            cites=[("MTUS", LOW_BACK, [303, 304])],
            claims_cites=[("ODG", "Low Back Chapter", [])],
            guideline_mismatch=True,
        ),
        "norco": make_decision(
            occ,
            treatment="Norco 10/325mg, #120",
            outcome="overturned",
            rationale="Short-acting opioids are indicated for moderate to severe pain.",
            cites=[("MTUS", CHRONIC_PAIN, [91])],
            claims_cites=[("MTUS", CHRONIC_PAIN, [])],
            guideline_mismatch=False,
        ),
        "flexeril": make_decision(
            occ,
            treatment="Flexeril 7.5mg, #60",
            rationale="Adding cyclobenzaprine to Norco is not recommended.",
            cites=[("MTUS", CHRONIC_PAIN, [41])],
        ),
        "pt": make_decision(
            pmr,
            treatment="Physical therapy x12",
            rationale="The ODG supports a short course of therapy after surgery.",
            cites=[("ODG", "Low Back Chapter", []), ("MTUS", LOW_BACK, [300])],
            claims_cites=[("ODG", "Low Back Chapter", [])],
            guideline_mismatch=True,
        ),
        "norco_again": make_decision(
            pmr,
            treatment="NORCO 10/325 mg #120",
            rationale="No functional improvement was documented on opioids.",
            cites=[("MTUS", CHRONIC_PAIN, [80, 91])],
        ),
    }


@pytest.fixture
def synthetic_corpus(db, tmp_path) -> dict[str, str]:
    """150 synthetic letters, ingested; returns frequent values to filter by."""
    for index in range(150):
        (tmp_path / f"{index:04d}.txt").write_text(generate_letter(5, index)[0], encoding="utf-8")
    call_command("ingest", str(tmp_path), "--workers=1", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics, as autovacuum keeps them, for realistic plans
    items = DisputedItem.objects.all()
    specialties = Counter(items.values_list("reviewer_specialty_canonical", flat=True))
    pages = Counter(p for pages in items.values_list("reviewer_pages", flat=True) for p in pages)
    treatments = Counter(items.values_list("treatment", flat=True))
    return {
        "specialty": specialties.most_common(1)[0][0],
        "page": pages.most_common(1)[0][0],
        "rare_page": pages.most_common()[-1][0],
        "treatment": treatments.most_common(1)[0][0],
    }


@pytest.fixture(params=["postgres", "index"])
def both_ways(request, settings, tmp_path, monkeypatch) -> Iterator[str]:
    """A search test run both ways: counted in Postgres (no index kept), and read from a
    search index of the entries the test's transaction holds when this fixture is set up
    (request it AFTER the fixtures that write the corpus), written in that transaction (a
    build takes the writer's lock and its own snapshot, so it cannot run inside one). After
    the test: the index answered every query it was asked (none fell back), or, without an
    index, none; so that neither way passes by taking the other. The index is registered, as
    a build registers it: the process keeps the combinations' values for a registered
    database (decisions/search/combination_values.py), and a write after this fixture makes
    the index stale (its change rows), never silently behind."""
    settings.IMR_SEARCH_INDEX_DIR = tmp_path / "search-index"
    if request.param == "index":
        SearchIndexRegistration.objects.create()
        folder, _ = sync.write_generation(settings.IMR_SEARCH_INDEX_DIR)
        sync.make_current(settings.IMR_SEARCH_INDEX_DIR, folder)
    answers: list[indexed.Answer | None] = []
    answer = indexed.answer

    def spy(*args, **kwargs):
        answers.append(answer(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(indexed, "answer", spy)
    yield request.param
    if request.param == "index":
        assert None not in answers, "the index did not answer every query asked of it"
    else:
        assert not any(answers), "the index answered where none is kept"
