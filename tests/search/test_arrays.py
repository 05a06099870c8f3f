"""Integer arrays given to Postgres as text literals (decisions/search/arrays.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from decisions.search.arrays import bigint_array


@pytest.mark.parametrize(
    ("values", "literal"),
    [([], "{}"), ([7], "{7}"), ([1, 22, -333, 2**62], f"{{1,22,-333,{2**62}}}")],
)
def test_a_literal_postgres_reads_as_the_same_array(db, values, literal):
    assert bigint_array(values) == literal
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::bigint[]", [bigint_array(values)])
        assert cursor.fetchone()[0] == values


def test_only_integers_are_written():
    """Anything else could carry a quote or a brace into the literal: refused."""
    with pytest.raises(ValueError, match="invalid literal"):
        bigint_array(["1}, {2"])  # type: ignore[list-item]
