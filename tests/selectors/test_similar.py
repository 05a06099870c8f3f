"""Similar decisions: other letters' items with the same treatment wording or a cited page."""

from __future__ import annotations

import pytest

from decisions.selectors.letters import letter_detail
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
    html = client.get(f"/letters/{norco.letter_id}/").content.decode()
    assert "Same generic drugs: hydrocodone, acetaminophen" in html
    assert '<a href="/?drug=hydrocodone">All requests for hydrocodone</a>' in html
