"""Similar decisions: other letters' items with the same treatment wording or a cited page."""

from __future__ import annotations

from datetime import date

import pytest

from decisions.selectors.letters import letter_detail
from tests.factories import make_item, make_letter
from tests.helpers import CHRONIC_PAIN, make_decision

pytestmark = pytest.mark.django_db


def test_similar_decisions_share_treatment_wording_or_a_cited_page(six_decisions):
    detail = letter_detail(pk=six_decisions["norco"].letter_id)
    norco = next(i for i in detail.items if i.item.pk == six_decisions["norco"].pk)
    assert [o["treatment"] for o in norco.similar_treatment] == ["NORCO 10/325 mg #120"]
    assert [o["treatment"] for o in norco.similar_citation] == ["NORCO 10/325 mg #120"]
    flexeril = next(i for i in detail.items if i.item.pk == six_decisions["flexeril"].pk)
    assert flexeril.similar_treatment == [] and flexeril.similar_citation == []
    # Another item of the same letter is not a "similar decision", however alike.
    esi = six_decisions["esi"]
    make_decision(esi.letter, treatment=esi.treatment, cites=[("MTUS", CHRONIC_PAIN, [46])])
    esi = letter_detail(pk=six_decisions["esi"].letter_id).items[0]
    assert esi.similar_treatment == [] and esi.similar_citation == []


def test_similar_decisions_on_the_same_generic_drugs_whatever_the_brand(six_decisions, client):
    """Hydrocodone with acetaminophen, whether Norco or Vicodin; hydrocodone alone is not
    the same request, nor is a non-drug anyone's."""
    vicodin = make_decision(treatment="Vicodin 5/300mg #60")
    make_decision(treatment="Hysingla ER 20mg")  # hydrocodone alone
    norco = six_decisions["norco"]
    detail = letter_detail(pk=norco.letter_id)
    shown = next(i for i in detail.items if i.item.pk == norco.pk)
    assert [o["treatment"] for o in shown.similar_drug] == [
        vicodin.treatment,
        "NORCO 10/325 mg #120",
    ]
    esi = letter_detail(pk=six_decisions["esi"].letter_id).items[0]
    assert esi.similar_drug == []
    # The same set of names, whatever their order or repetition; a request for more drugs
    # (a compound that adds one) is another request.
    reordered = make_item(
        treatment="APAP/hydrocodone", generic_names=["acetaminophen", "hydrocodone", "hydrocodone"]
    )
    make_item(treatment="Compound", generic_names=["hydrocodone", "acetaminophen", "caffeine"])
    shown = next(i for i in letter_detail(pk=norco.letter_id).items if i.item.pk == norco.pk)
    assert [o["id"] for o in shown.similar_drug][:1] == [reordered.pk]
    assert "Compound" not in [o["treatment"] for o in shown.similar_drug]
    html = client.get(f"/letters/{norco.letter_id}/").content.decode()
    assert "Same generic drugs: hydrocodone, acetaminophen" in html
    assert '<a href="/?drug=hydrocodone">All requests for hydrocodone</a>' in html


def test_each_item_lists_the_newest_three_of_each_kind():
    """Newest decision first, undated last, the later-stored first on a date; each item of the
    letter its own lists, whatever their number."""
    letter = make_letter()
    norco = make_item(letter, treatment="Norco 10/325mg, #120", reviewer_pages=["Doc:1"])
    gabapentin = make_item(letter, treatment="Gabapentin 600mg #90", reviewer_pages=["Doc:2"])
    dates = [date(2020, 1, 1), date(2020, 3, 1), None, date(2020, 3, 1), date(2020, 2, 1)]
    others = [
        make_item(treatment="NORCO 10/325 mg #120", decision_date=day, reviewer_pages=["Doc:1"])
        for day in dates
    ]
    newest = [others[3].pk, others[1].pk, others[4].pk]
    make_item(treatment="Gabapentin 600mg #90", reviewer_pages=["Doc:3"])
    shown = {i.item.pk: i for i in letter_detail(pk=letter.pk).items}
    for kind in ("similar_treatment", "similar_drug", "similar_citation"):
        assert [o["id"] for o in getattr(shown[norco.pk], kind)] == newest
    assert len(shown[gabapentin.pk].similar_treatment) == 1
    assert len(shown[gabapentin.pk].similar_drug) == 1
    assert shown[gabapentin.pk].similar_citation == []
