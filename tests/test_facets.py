"""The facets as the models declare them."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from decisions.facets import FACETS
from decisions.models import FacetColumns


def python_type(field: models.Field) -> str:
    """The annotation a field's values have, as models.py spells it."""
    if isinstance(field, ArrayField):
        return f"list[{python_type(field.base_field)}]"
    name = {models.CharField: "str", models.BooleanField: "bool"}[type(field)]
    return f"{name} | None" if field.null else name


def test_the_declared_facet_columns_are_the_facets():
    """FacetColumns declares, for the type checker, the fields its decorator adds from FACETS:
    a facet added, renamed or retyped must be declared the same way."""
    assert FacetColumns.__annotations__ == {
        facet.column: python_type(facet.field) for facet in FACETS
    }
