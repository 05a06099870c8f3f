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
