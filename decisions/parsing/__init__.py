"""Parse California workers' compensation IMR final determination letters (pure Python).

The shapes returned and their JSON form are specified in CONTRACT.md beside this package.
"""

from __future__ import annotations

from .errors import ParseError
from .letter import parse_letter
from .model import Basis, Citation, Item, Letter, ParseWarning, Patient, Reviewer
from .serialize import letter_to_dict

__all__ = [
    "Basis",
    "Citation",
    "Item",
    "Letter",
    "ParseError",
    "ParseWarning",
    "Patient",
    "Reviewer",
    "letter_to_dict",
    "parse_letter",
]
