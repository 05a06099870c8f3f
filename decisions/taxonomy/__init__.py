"""What each disputed item requests, in the words analysts use (issue 13): its category, and
for drugs the drug class and generic names. Pure Python, no Django.

    classify("Norco 10/325mg, #120") == Classification(
        Category.PHARMACEUTICAL, DrugClass.OPIOID, ("hydrocodone", "acetaminophen")
    )

The words it knows are data (data/drugs.toml, data/services.toml); `unclassified()` lists
the commonest treatments they do not name yet.
"""

from __future__ import annotations

from .classifier import Unclassified, classify, generic_names_of, unclassified
from .model import Category, Classification, DrugClass

__all__ = [
    "Category",
    "Classification",
    "DrugClass",
    "Unclassified",
    "classify",
    "generic_names_of",
    "unclassified",
]
