"""Plain data builders (make_* with defaults), for tests that need rows without parsing files."""

from __future__ import annotations

import hashlib
import itertools

from decisions.models import Citation, DisputedItem, Letter
from decisions.specialties import grouping_name_of
from decisions.taxonomy import classify

_counter = itertools.count(1)


def make_letter(**fields) -> Letter:
    n = next(_counter)
    fields.setdefault("sha256", hashlib.sha256(f"letter-{n}".encode()).hexdigest())
    fields.setdefault("source_name", f"letter-{n}.txt")
    fields.setdefault("original_kind", Letter.Kind.TEXT)
    fields.setdefault("raw_text", f"raw text of letter {n}")
    fields.setdefault("layout", "standard")
    fields.setdefault("reviewer_specialty", "Occupational Medicine")
    # Grouped as ingest groups it: the vocabulary's canonical name, else the wording.
    fields.setdefault(
        "reviewer_specialty_canonical", grouping_name_of(fields["reviewer_specialty"])
    )
    fields.setdefault("reviewer_licensed_in", ["California"])
    fields.setdefault("case_summary", "The applicant is a represented employee.")
    return Letter.objects.create(**fields)


def make_item(letter: Letter | None = None, **fields) -> DisputedItem:
    """An item; the letter's copied columns (specialty, patient, dates) follow the letter."""
    letter = letter or make_letter()
    fields.setdefault("position", letter.items.count() + 1)
    fields.setdefault("treatment", "Norco 10/325mg, #120")
    fields.setdefault("outcome", "upheld")
    fields.setdefault("rationale", "Therefore, the request is not medically necessary.")
    # Classified as ingest classifies it, unless the test says otherwise.
    requested = classify(fields["treatment"])
    fields.setdefault("category", requested.category.value)
    fields.setdefault("drug_class", requested.drug_class and requested.drug_class.value)
    fields.setdefault("generic_names", list(requested.generic_names))
    for name in (
        "reviewer_specialty_canonical",
        "patient_age",
        "patient_sex",
        "date_of_injury",
        "decision_date",
    ):
        fields.setdefault(name, getattr(letter, name))
    fields.setdefault("received_date", letter.application_received or letter.dwc_received_date)
    return DisputedItem.objects.create(letter=letter, **fields)


def make_citation(item: DisputedItem, **fields) -> Citation:
    fields.setdefault("party", "reviewer")
    fields.setdefault("position", item.citations.filter(party=fields["party"]).count() + 1)
    fields.setdefault("guideline", "MTUS")
    fields.setdefault("document", "Chronic Pain Medical Treatment Guidelines")
    fields.setdefault("pages", [46])
    fields.setdefault("text", "MTUS Chronic Pain Treatment Guidelines Page(s): 46.")
    return Citation.objects.create(item=item, **fields)
