"""What each item requests (decisions/taxonomy), stored at ingest and by re-parse, and
classified again by `manage.py reclassify` without parsing a letter."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from decisions.models import DisputedItem, FacetCombination
from tests.factories import make_item, make_letter
from tests.helpers import assert_derived_rows_match_the_items, entry_writes_of

pytestmark = pytest.mark.django_db


def requested() -> dict[str, tuple]:
    """Each item's (category, drug class, generic names), by treatment."""
    return {
        treatment: (category, drug_class, tuple(names))
        for treatment, category, drug_class, names in DisputedItem.objects.values_list(
            "treatment", "category", "drug_class", "generic_names"
        )
    }


FIXTURE_ITEMS = {
    "Norco 10/325mg, #120": ("pharmaceutical", "opioid", ("hydrocodone", "acetaminophen")),
    "Flexeril 7.5mg, #60": ("pharmaceutical", "muscle_relaxant", ("cyclobenzaprine",)),
    "Cervical ESI C5-6": ("injection", None, ()),
    "Cervical Myelography": ("imaging", None, ()),
    "IV Sodium": ("other", None, ()),
}


def test_ingest_and_reparse_store_what_each_item_requests(letters_dir):
    call_command("ingest", str(letters_dir), "--workers=1", stdout=StringIO())
    assert requested().items() >= FIXTURE_ITEMS.items()
    DisputedItem.objects.update(category="other", drug_class=None, generic_names=[])
    call_command("reparse", "--all", stdout=StringIO(), stderr=StringIO())
    assert requested().items() >= FIXTURE_ITEMS.items()
    assert_derived_rows_match_the_items()


@pytest.fixture
def stale_items() -> list[DisputedItem]:
    """Items stored before the taxonomy knew them (as migration 0015 leaves every item), and
    one it never will."""
    letter = make_letter()
    stale = {"category": "other", "drug_class": None, "generic_names": []}
    return [
        make_item(letter, treatment="Norco 10/325mg, #120", outcome="overturned", **stale),
        make_item(letter, treatment="Norco 10/325mg, #120", **stale),
        make_item(letter, treatment="Cervical ESI C5-6", **stale),
        make_item(
            letter,
            treatment="Soma 350mg #30",
            category="pharmaceutical",
            drug_class="muscle_relaxant",
            generic_names=[],
        ),
        make_item(letter, treatment="Purple widget x2"),
        make_item(letter, treatment="Purple widget"),
    ]


def test_reclassify_writes_only_what_changed_and_rebuilds_only_renamed_entries(stale_items):
    out = StringIO()
    call_command("reclassify", "--dry-run", stdout=out)
    assert "items 6 read, 4 changed: category 3, drug class 2, generic names 3 (dry run" in (
        out.getvalue()
    )
    assert requested()["Cervical ESI C5-6"] == ("other", None, ())

    out = StringIO()
    writes = entry_writes_of(lambda: call_command("reclassify", "--batch-size=4", stdout=out))
    assert out.getvalue().splitlines()[:2] == [
        "category: other -> pharmaceutical: 2 items",
        "category: other -> injection: 1 items",
    ]
    assert "items 6 read, 4 changed: category 3, drug class 2, generic names 3" in out.getvalue()
    # The entries of the three items whose generic names changed were built again (the names
    # are searched); the injection, whose category alone changed, moved to its new
    # combination in place.
    assert writes == {"deleted": 3, "inserted": 3, "updated": 1}
    assert_derived_rows_match_the_items()
    # The combinations the moved items left are deleted, not kept at 0 (the pages that read
    # the combination table read every row: decisions/services/combinations.py).
    assert "; 1 emptied facet combinations deleted" in out.getvalue()
    assert not FacetCombination.objects.filter(items=0).exists()
    assert requested() == {
        "Norco 10/325mg, #120": FIXTURE_ITEMS["Norco 10/325mg, #120"],
        "Cervical ESI C5-6": ("injection", None, ()),
        "Soma 350mg #30": ("pharmaceutical", "muscle_relaxant", ("carisoprodol",)),
        "Purple widget x2": ("other", None, ()),
        "Purple widget": ("other", None, ()),
    }

    out = StringIO()
    call_command("reclassify", "--unclassified=5", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("items 6 read, 0 changed")
    assert lines[1:] == [
        "commonest treatments classified other (1):",
        "       2  purple widget  (e.g. 'Purple widget x2')",
    ]
