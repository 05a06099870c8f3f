"""The item's copies of its reviewer citations (the guideline, document and page columns the
search filters and counts by): written by ingest, and the same by migration 0002's backfill."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.models import DisputedItem
from tests.helpers import CHRONIC_PAIN, LOW_BACK

pytestmark = pytest.mark.django_db


def test_reviewer_citation_columns_from_a_real_letter(letters_dir):
    call_command("ingest", str(letters_dir), "--workers=1")
    norco = DisputedItem.objects.get(treatment="Norco 10/325mg, #120")
    assert norco.reviewer_guidelines == ["MTUS"]
    assert norco.reviewer_documents == [CHRONIC_PAIN]
    assert norco.reviewer_pages == [f"{CHRONIC_PAIN}:91"]
    two = DisputedItem.objects.get(treatment__startswith="Left L4-L5")
    assert two.reviewer_pages == [f"{LOW_BACK}:300", f"{CHRONIC_PAIN}:46"]


def test_migration_backfill_writes_what_ingest_writes(letters_dir):
    """Items stored before the search columns existed get the same values from the migration."""
    from importlib import import_module

    migration = import_module("decisions.migrations.0002_item_search_columns")
    call_command("ingest", str(letters_dir), "--workers=1")
    expected = {
        item.pk: (item.reviewer_guidelines, item.reviewer_documents, item.reviewer_pages)
        for item in DisputedItem.objects.all()
    }
    DisputedItem.objects.update(reviewer_guidelines=[], reviewer_documents=[], reviewer_pages=[])
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL_REVIEWER_CITATIONS)
    backfilled = {
        item.pk: (item.reviewer_guidelines, item.reviewer_documents, item.reviewer_pages)
        for item in DisputedItem.objects.all()
    }
    assert backfilled == expected
