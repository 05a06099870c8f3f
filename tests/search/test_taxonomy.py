"""The search by what items request (decisions/taxonomy): generic names as words, the
category, drug class and drug filters, and their facets."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.http import QueryDict

from decisions.models import DisputedItem
from decisions.search import item_filterset, item_search
from tests.factories import make_item, make_letter
from tests.helpers import assert_derived_rows_match_the_items, entry_writes_of, links

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


def test_drug_takes_generic_names_any_case_and_brands_as_all_their_names(seeds):
    tylenol = make_item(make_letter(), treatment="Tylenol 500mg #60", outcome="overturned")
    assert tylenol.generic_names == ["acetaminophen"]
    assert treatments({"drug": "hydrocodone"}) == ["Norco 10/325mg, #120"]
    assert treatments({"drug": "HydroCodone"}) == ["Norco 10/325mg, #120"]
    # A brand stands for all its generic names: acetaminophen alone is not Norco.
    assert treatments({"drug": "norco"}) == ["Norco 10/325mg, #120"]
    assert sorted(treatments({"drug": "acetaminophen"})) == [
        "Norco 10/325mg, #120",
        tylenol.treatment,
    ]
    # Repeated, the values are alternatives.
    assert sorted(treatments(QueryDict("drug=hydrocodone&drug=Flexeril"))) == [
        "Flexeril 7.5mg, #60",
        "Norco 10/325mg, #120",
    ]
    assert treatments({"drug": "unheardofine"}) == []


def test_the_norco_requests_and_their_rate(client, seeds):
    """The issue's question: how often is Norco overturned? One request, overturned, where
    q=norco also counts a Flexeril request whose rationale mentions Norco."""
    html = client.get("/", {"drug": "hydrocodone"}).content.decode()
    assert "1 decision" in html
    assert "100% overturned (1 of 1)" in html
    assert re.search(r"Drug: <strong>hydrocodone</strong>", html)
    # Carried through the form, so another search keeps it.
    assert '<input type="hidden" name="drug" value="hydrocodone"' in html
    both = client.get("/", {"drug": ["hydrocodone", "cyclobenzaprine"]}).content.decode()
    assert "Drug: <strong>hydrocodone or cyclobenzaprine</strong>" in both


def test_category_and_drug_class_facets_with_rates_and_filters(client, seeds):
    html = client.get("/").content.decode()
    facets = html[html.index('class="facets"') :]
    assert re.search(r'Injection</span>\s*<span class="facet__count">5</span>', facets)
    assert re.search(r'Pharmaceutical</span>\s*<span class="facet__count">2</span>', facets)
    assert re.search(r'Opioid</span>\s*<span class="facet__count">1</span>', facets)
    assert "?category=pharmaceutical" in links(facets)
    assert "?drug_class=opioid" in links(facets)
    filtered = client.get("/", {"category": "pharmaceutical"}).content.decode()
    assert "2 decisions" in filtered
    assert "50% overturned (1 of 2)" in filtered
    assert "Treatment category: <strong>Pharmaceutical</strong>" in filtered
    bad = client.get("/", {"category": "potion"}).content.decode()
    assert "Select a valid choice" in bad


def test_each_result_and_the_letter_page_say_what_was_requested(client, seeds):
    html = client.get("/", {"q": "hydrocodone"}).content.decode()
    assert "Pharmaceutical: opioid (hydrocodone, acetaminophen)" in html
    norco = DisputedItem.objects.get(treatment="Norco 10/325mg, #120")
    letter = client.get(f"/letters/{norco.letter_id}/").content.decode()
    item = letter[letter.index('id="item-3"') :]
    assert "<dt>Drug class</dt><dd>Opioid</dd>" in item
    assert '<a href="/?drug=hydrocodone">hydrocodone</a>' in item
    esi = letter[letter.index('id="item-1"') : letter.index('id="item-2"')]
    assert "<dt>Treatment category</dt><dd>Injection</dd>" in esi
    assert "<dd>not a drug</dd>" in esi
    assert "<dd>none named</dd>" in esi


def test_scope_treatment_counts_the_requests_not_the_mentions(client, seeds):
    """q=norco also finds a Flexeril request whose rationale mentions Norco; scoped to the
    treatment, the Norco request alone, and its rate, on every path."""
    everywhere = item_search(item_filterset({"q": "norco"})).facets
    assert (everywhere.total, everywhere.overturned) == (2, 1)
    scoped = item_search(item_filterset({"q": "norco", "scope": "treatment"})).facets
    assert (scoped.total, scoped.overturned, scoped.decided) == (1, 1, 1)
    assert [v.value for v in scoped.values["drug_class"]] == ["opioid"]
    assert treatments({"q": "hydrocodone", "scope": "treatment"}) == ["Norco 10/325mg, #120"]
    # The items' path (a filter only items answer), and a phrase.
    items = {"q": "norco", "scope": "treatment", "injured_from": "2000-01-01"}
    assert treatments(items) == ["Norco 10/325mg, #120"]
    phrase = treatments({"q": '"epidural steroid injection"', "scope": "treatment"})
    assert phrase and all("epidural steroid injection" in t.lower() for t in phrase)
    assert len(phrase) < len(treatments({"q": '"epidural steroid injection"'}))
    html = client.get("/", {"q": "norco", "scope": "treatment"}).content.decode()
    assert "1 decision matching" in html and "100% overturned (1 of 1)" in html
    assert "?q=norco&amp;scope=all" in html
    assert "?q=norco&amp;scope=treatment" in client.get("/", {"q": "norco"}).content.decode()
    export = client.get("/export.csv", {"q": "norco", "scope": "treatment"})
    assert b"".join(export.streaming_content).decode().count("Norco 10/325mg") == 1
    assert "Select a valid choice" in client.get("/", {"scope": "x"}).content.decode()
