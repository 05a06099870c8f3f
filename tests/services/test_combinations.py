"""Deleting the facet combinations no item has any more (decisions/services/combinations.py)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, connection

from decisions.models import FacetCombination
from decisions.services.combinations import empty_combinations_prune
from tests.factories import make_item, make_letter


@pytest.mark.django_db(transaction=True)
def test_deleting_empty_combinations_waits_for_items_being_written():
    """A transaction writing items may be counting them in a combination that is empty until
    it commits: the deletion waits for it (the item table in SHARE mode), and deletes only
    what is empty once nothing writes."""
    letter = make_letter()
    moved = make_item(letter, treatment="Norco 10/325mg, #120", outcome="overturned")
    make_item(letter, treatment="Cervical ESI C5-6")
    emptied = FacetCombination.objects.get(outcome="overturned").pk
    moved.outcome = "upheld"
    moved.save(update_fields=["outcome"])
    assert FacetCombination.objects.get(pk=emptied).items == 0

    params = connection.get_connection_params()
    with psycopg.connect(**params) as writer:
        writer.execute("UPDATE decisions_disputeditem SET treatment = treatment")  # not committed
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        with pytest.raises(OperationalError, match="lock timeout"):
            empty_combinations_prune()
        writer.rollback()
    assert empty_combinations_prune() == 1
    assert not FacetCombination.objects.filter(pk=emptied).exists()
    assert FacetCombination.objects.filter(items__gt=0).count() == FacetCombination.objects.count()
