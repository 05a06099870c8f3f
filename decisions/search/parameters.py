"""The search page's query-string contract: every GET parameter, its validation and its condition.

Parameters (all optional, freely combined; the export takes the same ones):
  q             websearch full text over treatment (weighted higher) and rationale:
                "exact phrase", either OR other, -exclude; English stemming
  outcome       upheld | overturned
  specialty     the reviewer's specialty as a facet lists it (its canonical name); another
                spelling of it is read as the canonical name (decisions/specialties.py)
  guideline     MTUS | ODG | ACOEM | OTHER, a guideline family the IMR reviewer cited
  document      a canonical document the IMR reviewer cited ("Chronic Pain Medical Treatment
                Guidelines", "ACOEM Chapter 12 Low Back Complaints")
  cited_page    "<document>:<page>", a page the IMR reviewer cited
  treatment     same treatment wording, ignoring case, spaces and punctuation
  injured_from, injured_to   date-of-injury range, YYYY-MM-DD, inclusive
  age_min, age_max           patient age range, inclusive
  sex           male | female
  category      what the item requests (decisions/taxonomy): pharmaceutical | injection |
                imaging | electrodiagnostic | other_diagnostic | physical_therapy |
                chiropractic | acupuncture | surgery | dme | program | behavioral_health |
                evaluation_management | home_health | other
  drug_class    a pharmaceutical's class: opioid | nsaid | muscle_relaxant | anticonvulsant |
                antidepressant | benzodiazepine | sedative_hypnotic | topical |
                gastrointestinal | other
  drug          a drug the item requests: a generic name, any case ("hydrocodone"), or a
                brand name the taxonomy knows, read as all its generic names ("Norco":
                hydrocodone and acetaminophen); repeated, any of them
  mismatch      present (any value but "false"): the IMR reviewer relied on a guideline family
                the claims administrator did not cite
  scope         all (the default: q matches anywhere in the decision) | treatment (q matches
                the treatment requested and its generic names only)
  case_number   the letters' DWC case number, any case, the dash optional (CM15-0123456);
                typed alone in q, the page looks the case up (decisions/views/browse.py)
  decided_from, decided_to   decision-date range (the letter's date, else the DWC's), inclusive
  received_from, received_to date the IMR application was received (the letter's, else the
                DWC's), inclusive
  sort          relevance (the default with q) | newest (the default without) | oldest
  page          1-based result page
  after, before a page key: the next (previous) page's link carries the key of the row it
                follows (precedes), so the page reads from there (decisions/search/keys.py);
                one not written for this search and page is ignored (the page number stands)

The citation filters mean the IMR reviewer's citations, the basis of the decision, copied onto
the item row at ingest. Each filter states its condition as a `Q` (`ConditionFilter.condition`),
so the result list and the facet counts apply exactly the same conditions. The facet filters'
conditions name columns that `FacetCombination` shares with the item (`FacetColumns`), so
they select combinations as well as items (see `planning`).

The FilterSet only validates and states conditions: results come from the planner
(`decisions.search.item_search`), never from the FilterSet's own queryset.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any, NoReturn

import django_filters
from django import forms
from django.db.models import Q, Value
from django.http import QueryDict
from django.utils.dateformat import format as format_date
from django_filters.constants import EMPTY_VALUES

from .. import facets
from ..models import DisputedItem, Guideline, Sex, normalised_treatment
from ..parsing import case_numbers
from ..specialties import grouping_name_of
from ..taxonomy import generic_names_of
from .vocabulary import OUTCOME_MEANINGS, Scope, Sort, page_label, search_query
from .widgets import (
    DATE_INPUT,
    CheckboxInput,
    MultipleHiddenInput,
    NumberInput,
    SearchInput,
    Select,
)


class SearchForm(forms.Form):
    """Fields beside the filters: result order and page, and checks that span two fields."""

    scope = forms.ChoiceField(
        choices=[("", "Anywhere in the decision"), *Scope.choices],
        widget=Select,
        required=False,
        label="Search in",
    )
    sort = forms.ChoiceField(
        choices=[("", "Best match, or newest"), *Sort.choices],
        widget=Select,
        required=False,
        label="Order",
    )
    page = forms.IntegerField(min_value=1, required=False, label="Page")
    # Never shown: the page links set them, a submitted form starts again from page 1.
    after = forms.CharField(required=False)
    before = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for low, high, what in (
            ("injured_from", "injured_to", "injury dates"),
            ("decided_from", "decided_to", "decision dates"),
            ("received_from", "received_to", "received dates"),
            ("age_min", "age_max", "ages"),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, f"The {what} are the wrong way round.")
        return data


class ConditionFilter(django_filters.Filter):
    """A filter whose whole effect is one `Q` (applied by the planner, `planning.Plan`).

    Copied shallowly where a FilterSet deep-copies its filters for each instance: a copy
    only gets its own `model` and `parent`, and everything else (label, field name, the
    form field's arguments) is the same for every search. The deep copies of ~20 filters and
    their widgets, with a form class made per search, were half of the FilterSet's 0.8 ms a
    page (BENCHMARKS.md, "Session 10, end"). The form
    still deep-copies its fields per instance (`ItemFilter.get_form_class`), so nothing a
    request binds or validates is shared.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> ConditionFilter:
        return copy.copy(self)

    def condition(self, value: Any) -> Q:
        return Q(**{f"{self.field_name}__{self.lookup_expr}": value})


class TextCondition(ConditionFilter, django_filters.CharFilter):
    pass


class SelectFilter(django_filters.ChoiceFilter):
    """A choice filter shown as the cheaper `Select`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, widget=Select, **kwargs)


class ChoiceCondition(ConditionFilter, SelectFilter):
    pass


class DateCondition(ConditionFilter, django_filters.DateFilter):
    @classmethod
    def range(cls, field_name: str, what: str) -> tuple[DateCondition, DateCondition]:
        """The two ends of an inclusive date range ("<what> on or after", "... on or before")."""
        return (
            cls(
                field_name=field_name,
                lookup_expr="gte",
                label=f"{what} on or after",
                widget=DATE_INPUT,
            ),
            cls(
                field_name=field_name,
                lookup_expr="lte",
                label=f"{what} on or before",
                widget=DATE_INPUT,
            ),
        )


class IntegerCondition(ConditionFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, widget=NumberInput, **kwargs)


class ArrayCondition(ConditionFilter):
    """Items whose array column holds the value: `@>`, answered by the column's GIN index."""

    def condition(self, value: str) -> Q:
        return Q(**{f"{self.field_name}__contains": [value]})


class ArrayChoiceCondition(ArrayCondition, SelectFilter):
    pass


class ArrayTextCondition(ArrayCondition, django_filters.CharFilter):
    pass


class PageKeyField(forms.CharField):
    def clean(self, value: str) -> str:
        value = super().clean(value)
        if value and DisputedItem.split_page_key(value) is None:
            raise forms.ValidationError(
                'Give a cited page as "document:page", e.g. '
                '"Chronic Pain Medical Treatment Guidelines:46".'
            )
        return value


class PageKeyCondition(ArrayCondition, django_filters.CharFilter):
    field_class = PageKeyField


class SpecialtyField(forms.CharField):
    """A specialty however a link spells it, cleaned to the name it is grouped under: old
    bookmarks and other spellings ("Orthopaedic Surgery", "physical medicine &
    rehabilitation") find the items of the canonical name."""

    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        return grouping_name_of(value) if value else value


class SpecialtyCondition(TextCondition):
    field_class = SpecialtyField


class DrugField(forms.Field):
    """Generic drug names, each as a link gives it: repeated parameters, any case. Carried
    through the form as hidden fields (a facet or a letter page sets them)."""

    widget = MultipleHiddenInput
    MAX_NAMES = 20
    MAX_LENGTH = 100

    def clean(self, value: Any) -> list[str]:
        if isinstance(value, str):  # a dict of parameters gives one value as itself
            value = [value]
        names = [" ".join(str(name).split()) for name in value or ()]
        names = [name for name in names if name]
        if len(names) > self.MAX_NAMES:
            raise forms.ValidationError(f"Give at most {self.MAX_NAMES} drugs.")
        if any(len(name) > self.MAX_LENGTH for name in names):
            raise forms.ValidationError(f"A drug name has at most {self.MAX_LENGTH} characters.")
        return names


class DrugCondition(ConditionFilter):
    """Items requesting any of the drugs given: a generic name (any case) is looked up in the
    items' generic names; a brand name the taxonomy knows stands for its generic names, all of
    which the item must name ("Norco": hydrocodone and acetaminophen). Read as typed, never
    corrected (`generic_names_of`)."""

    field_class = DrugField

    def condition(self, value: list[str]) -> Q:
        either = Q()
        for generics in drug_groups(value):
            either |= Q(**{f"{self.field_name}__contains": list(generics)})
        return either


def drug_groups(names: list[str]) -> list[tuple[str, ...]]:
    """The `drug` filter's names as the generic names an item must all name, one group per
    name given (an item matches any group): what `DrugCondition` asks of the items and the
    search index (decisions/engine) of its documents."""
    return [generic_names_of(name) or (name.lower(),) for name in names]


class CaseNumberField(forms.CharField):
    """A DWC case number however it is typed ("cm15 0123456" aside: any case, the dash
    optional), cleaned to the one form letters store (decisions/parsing/case_numbers.py)."""

    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        if not value:
            return value
        number = case_numbers.canonical(value)
        if number is None:
            raise forms.ValidationError('Give a DWC case number, e.g. "CM15-0123456".')
        return number


class CaseNumberCondition(TextCondition):
    """The items of the letters with this case number (an index on the letters' numbers)."""

    field_class = CaseNumberField

    def condition(self, value: str) -> Q:
        return Q(letter__case_number=value)


class SearchCondition(TextCondition):
    """Items whose search entry matches the query (the vector lives in `SearchEntry`)."""

    def condition(self, value: str) -> Q:
        return Q(search__search_vector=search_query(value))


class TreatmentCondition(TextCondition):
    """Same treatment wording, ignoring case, spaces and punctuation (see normalised_treatment)."""

    def condition(self, value: str) -> Q:
        return Q(treatment_key=normalised_treatment(Value(value)))


class FlagCondition(ConditionFilter, django_filters.BooleanFilter):
    """A checkbox: ticked keeps the matching items, unticked filters nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, widget=CheckboxInput, **kwargs)


class ItemFilter(django_filters.FilterSet):
    """Disputed items by the search page's parameters; use it through `decisions.search`."""

    # Filters with a facet beside the results (decisions/facets.py).
    FACETS = tuple(facet.name for facet in facets.FACETS)

    q = SearchCondition(
        label="Search treatments and rationales",
        max_length=500,
        widget=SearchInput(attrs={"aria-describedby": "q-hint"}),
    )
    outcome = ChoiceCondition(
        field_name=facets.BY_NAME["outcome"].column,
        choices=list(OUTCOME_MEANINGS.items()),
        label="Outcome",
        empty_label="Any outcome",
    )
    specialty = SpecialtyCondition(
        field_name=facets.BY_NAME["specialty"].column, label="Reviewer specialty"
    )
    guideline = ArrayChoiceCondition(
        field_name=facets.BY_NAME["guideline"].column,
        choices=Guideline.choices,
        label="Guideline the IMR reviewer cited",
        empty_label="Any guideline",
    )
    document = ArrayTextCondition(
        field_name=facets.BY_NAME["document"].column,
        label="Document the IMR reviewer cited",
        max_length=facets.BY_NAME["document"].value_field.max_length,
    )
    cited_page = PageKeyCondition(
        field_name=facets.BY_NAME["cited_page"].column,
        label="Page the IMR reviewer cited",
        max_length=facets.BY_NAME["cited_page"].value_field.max_length,
    )
    treatment = TreatmentCondition(label="Same treatment as", max_length=1000)
    injured_from, injured_to = DateCondition.range("date_of_injury", "Injured")
    age_min = IntegerCondition(
        field_name="patient_age", lookup_expr="gte", label="Age from", min_value=0, max_value=120
    )
    age_max = IntegerCondition(
        field_name="patient_age", lookup_expr="lte", label="Age to", min_value=0, max_value=120
    )
    sex = ChoiceCondition(
        field_name="patient_sex", choices=Sex.choices, label="Sex", empty_label="Any sex"
    )
    category = ChoiceCondition(
        field_name=facets.BY_NAME["category"].column,
        choices=facets.BY_NAME["category"].field.choices,
        label="Treatment category",
        empty_label="Any category",
    )
    drug_class = ChoiceCondition(
        field_name=facets.BY_NAME["drug_class"].column,
        choices=facets.BY_NAME["drug_class"].field.choices,
        label="Drug class",
        empty_label="Any drug class",
    )
    drug = DrugCondition(field_name="generic_names", label="Drug")
    mismatch = FlagCondition(
        field_name=facets.BY_NAME["mismatch"].column,
        label="The IMR reviewer relied on a different guideline than the claims administrator",
    )

    # When and which case (issue 14): filters only the items answer.
    case_number = CaseNumberCondition(label="Case number", max_length=40)
    decided_from, decided_to = DateCondition.range("decision_date", "Decided")
    received_from, received_to = DateCondition.range("received_date", "Application received")

    class Meta:
        model = DisputedItem
        fields = ()
        form = SearchForm

    @classmethod
    @cache
    def _form_class(cls) -> type[forms.Form]:
        """The form class, made once: django-filter makes one per instance, from each
        instance's filters (a class creation and ~20 form fields per request), while these
        filters are the same for every search."""
        fields = {name: found.field for name, found in cls.base_filters.items()}
        return type(f"{cls.__name__}Form", (cls.Meta.form,), fields)

    def get_form_class(self) -> type[forms.Form]:
        return self._form_class()

    def conditions(self) -> dict[str, Q]:
        """The active filters' conditions by parameter name; the form must be valid.

        An unticked checkbox (False) is no filter at all.
        """
        return {
            name: self._condition_filter(name).condition(value)
            for name, value in self.form.cleaned_data.items()
            if name in self.filters and value not in EMPTY_VALUES and value is not False
        }

    def _condition_filter(self, name: str) -> ConditionFilter:
        found = self.filters[name]
        if not isinstance(found, ConditionFilter):
            raise TypeError(f"filter {name!r} states no condition: declare it as a ConditionFilter")
        return found

    def active_filters(self) -> list[tuple[str, str, str]]:
        """(parameter, label, value as shown) for each active filter, to list with remove links."""
        active = []
        for name in self.conditions():
            value = self.form.cleaned_data[name]
            choices = dict(getattr(self.form.fields[name], "choices", ()))
            if name == "cited_page":
                shown = page_label(value)
            elif name == "drug":
                shown = " or ".join(value)
            elif name == "mismatch":
                shown = "yes"
            elif hasattr(value, "isoformat"):
                shown = format_date(value, "M j, Y")
            else:
                shown = str(choices.get(value, value))
            label = "Search" if name == "q" else str(self.filters[name].label)
            active.append((name, label, shown))
        return active

    def typed_case_number(self) -> str | None:
        """The case number the search box holds, when it holds one and nothing else: the
        search page looks the case up instead of searching the words. The form must be valid."""
        return case_numbers.canonical(self.form.cleaned_data["q"] or "")

    def canonical_query(self) -> QueryDict | None:
        """The parameters with the specialty spelled as its canonical name, when the link spells
        it another way (the search page redirects there); None when it is spelled so already.
        The form must be valid."""
        data = self.data
        if not isinstance(data, QueryDict):
            return None  # a dict of parameters (not a request's) has no address to go to
        given = data.get("specialty", "")
        cleaned = self.form.cleaned_data["specialty"]
        if not cleaned or given == cleaned:
            return None
        query = data.copy()
        query["specialty"] = cleaned
        return query

    @property
    def qs(self) -> NoReturn:
        """Refused: the FilterSet's own queryset would read the items, the query on the word
        index alone, where the planner reads the smallest source that can answer."""
        raise TypeError("Search results come from decisions.search.item_search, not ItemFilter.qs")
