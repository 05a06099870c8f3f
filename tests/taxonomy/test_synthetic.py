"""Accuracy on the synthetic generator's requests (truth per category: synthetic.py).

The generator's headings were in view when the data files were written, so this is no measure
of letters never seen; it holds the classifier to every kind of request the corpus draws, as
often as the corpus draws it, wrapped ("1 prescription of ... between ...") and in the 2013
notices' wording ("a 20 day functional restoration program") included.
"""

from __future__ import annotations

from collections import Counter

from decisions.taxonomy import classify
from tests.taxonomy.synthetic import requests


def test_synthetic_requests_are_classified_as_their_category_says():
    wrong: Counter[tuple[str, str, str | None, str, str | None]] = Counter()
    total = 0
    for request in requests(seed=5, letters=2000):
        total += 1
        result = classify(request.treatment)
        if (result.category, result.drug_class) != (request.category, request.drug_class):
            wrong[
                (
                    request.treatment,
                    request.category,
                    request.drug_class,
                    result.category,
                    result.drug_class,
                )
            ] += 1
    assert total > 4000
    assert not wrong, wrong.most_common(20)


def test_synthetic_drug_requests_name_their_generics():
    """Every drug the generator requests is one the taxonomy resolves, but medical foods."""
    nameless = {
        request.treatment
        for request in requests(seed=6, letters=1000)
        if request.category == "pharmaceutical" and not classify(request.treatment).generic_names
    }
    assert all(
        any(food in treatment for food in ("Sentra", "Theramine", "Trepadone"))
        for treatment in nameless
    ), sorted(nameless)
