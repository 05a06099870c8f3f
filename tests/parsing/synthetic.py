"""The synthetic letter generator, imported in this one place for the parsing tests."""

from __future__ import annotations

from devtools.synthetic import generate_letter

__all__ = ["generate_letter"]
