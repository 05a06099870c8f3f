"""A parsed letter as the JSON object of the contract (without "source" and "sha256")."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

from .model import Letter


def letter_to_dict(letter: Letter) -> dict[str, Any]:
    """Plain JSON types only: dates as ISO strings, tuples as lists, nested objects as dicts."""
    return _plain(letter)


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
