"""The search by what items request (decisions/taxonomy): generic names as words, the
category, drug class and drug filters, and their facets."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from decisions.models import DisputedItem
from decisions.search import item_filterset, item_search
from tests.factories import make_item, make_letter
from tests.helpers import assert_derived_rows_match_the_items, entry_writes_of

pytestmark = pytest.mark.django_db


def treatments(params: dict) -> list[str]:
    results = item_search(item_filterset(params))
    return [result.item.treatment for result in results.items]


def test_a_generic_name_finds_the_brand_requested(seeds):
    """No fixture letter says "hydrocodone" outside a citation; the Norco request names it."""
    assert treatments({"q": "hydrocodone"}) == ["Norco 10/325mg, #120"]
    assert treatments({"q": "cyclobenzaprine"}) == ["Flexeril 7.5mg, #60"]


def test_generic_names_changed_by_reclassify_rebuild_the_entry():
    soma = make_item(make_letter(), treatment="Soma 350mg #30", generic_names=[])
    assert treatments({"q": "carisoprodol"}) == []
    writes = entry_writes_of(lambda: call_command("reclassify", stdout=StringIO()))
    assert writes == {"deleted": 1, "inserted": 1}
    assert_derived_rows_match_the_items()
    assert DisputedItem.objects.get().generic_names == ["carisoprodol"]
    assert treatments({"q": "carisoprodol"}) == [soma.treatment]
