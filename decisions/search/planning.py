"""A valid search planned: its conditions sorted by what can answer them, and its order.

The search reads, for each page, the smallest source that can answer it (see `counting`): the
maintained counts, the combinations of facet values, a query's search entries, or the items.
`Plan` is what decides: which conditions only the items can answer (treatment wording, injury
dates, age, sex), which are facet values the combinations and entries share, the query, and
the order in each source's columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, F, OrderBy, Q, QuerySet

from ..models import BulkLoad, FacetCombination
from .keys import PageKey
from .parameters import ItemFilter, drug_groups
from .vocabulary import Scope, Sort, search_query

# The result orders in SQL over search entries' columns, as (column, descending) terms (see
# counting's summaries and `Plan.order`); the date's nulls come last.
MATCH_ORDERS = {
    Sort.RELEVANCE: (("in_treatment", True), ("decision_date", True), ("item_id", True)),
    Sort.NEWEST: (("decision_date", True), ("item_id", True)),
    Sort.OLDEST: (("decision_date", False), ("item_id", False)),
}


def match_order(sort: Sort, *, forward: bool = True) -> str:
    """A result order in SQL (`MATCH_ORDERS`), or reversed (`forward` False: a previous page
    read back from its key, decisions/search/keys.py), where the undated rows come first."""
    terms = []
    for column, descending in MATCH_ORDERS[sort]:
        direction = "DESC" if descending == forward else "ASC"
        nulls = (" NULLS LAST" if forward else " NULLS FIRST") if column == "decision_date" else ""
        terms.append(f"{column} {direction}{nulls}")
    return ", ".join(terms)


# The filters search entries answer as well as items: the query (their vectors) and the drug
# (their generic names).
ENTRY_FILTERS = ("q", "drug")


@dataclass(frozen=True)
class Columns:
    """Where a queryset finds what the result order needs."""

    date: str
    item_id: str
    treatment_vector: str


ITEMS = Columns("decision_date", "id", "search__treatment_vector")
ENTRIES = Columns("decision_date", "item_id", "treatment_vector")


def counts_kept() -> bool:
    """Whether the maintained counts are exact (no bulk load's mark, `Plan.counted`), for a
    plan made outside a search transaction, whose first statement reads it instead
    (`budget.Opening`)."""
    return not BulkLoad.objects.exists()


def _effective_sort(filterset: ItemFilter) -> Sort:
    """Relevance when there is a query (unless asked otherwise), newest first without one."""
    data = filterset.form.cleaned_data
    sort = Sort(data["sort"] or (Sort.RELEVANCE if data["q"] else Sort.NEWEST))
    return Sort.NEWEST if sort == Sort.RELEVANCE and not data["q"] else sort


@dataclass(frozen=True)
class Plan:
    """A valid search, its conditions sorted by what can answer them."""

    query: str
    sort: Sort
    outcome: str  # the chosen outcome, "" for either
    conditions: dict[str, Q]  # every filter's condition but the outcome's, the query's included
    facet_values: dict[str, str]  # chosen facet filters but the outcome, spelled as facet values
    scope: Scope = Scope.ALL  # where the query must match
    # The drug filter's generic names, a group per name given (`parameters.drug_groups`): the
    # search index asks them of its documents (decisions/search/indexed.py).
    drugs: tuple[tuple[str, ...], ...] = ()
    # Whether the maintained counts (FacetCount, the combinations', PeriodCount) are exact:
    # not while a bulk load runs or one cut short is unfinished (its mark; the triggers keep
    # no counts then, decisions/schema.py COUNTING; a search transaction reads it in its first
    # statement, `budget.Opening`). Without them every count is read from the items: slower,
    # never wrong.
    counted: bool = True

    @classmethod
    def of(cls, filterset: ItemFilter, *, counted: bool) -> Plan:
        data = filterset.form.cleaned_data
        conditions = filterset.conditions()
        conditions.pop("outcome", None)
        query = data["q"] or ""
        return cls(
            query=query,
            sort=_effective_sort(filterset),
            outcome=data["outcome"] or "",
            conditions=conditions,
            # Postgres spells the mismatch flag's value "true".
            facet_values={
                name: "true" if data[name] is True else data[name]
                for name in conditions
                if name in ItemFilter.FACETS
            },
            scope=Scope(data["scope"] or Scope.ALL),
            drugs=tuple(drug_groups(data["drug"] or [])),
            counted=counted,
        )

    @property
    def items_only(self) -> bool:
        """Some filter reads a column only items have (treatment wording, dates, age, sex), or
        the counts are not kept (a bulk load: `counted`)."""
        return not self.counted or any(
            name not in ENTRY_FILTERS and name not in self.facet_values for name in self.conditions
        )

    @property
    def matches(self) -> bool:
        """The search entries are chosen by a condition of their own (the query, a drug), not
        by their combinations alone: the results are counted as their matches."""
        return any(name in ENTRY_FILTERS for name in self.conditions)

    def entry_conditions(self) -> Q:
        """The query's and the drug filter's conditions on search entries (the drug's names the
        same column as the item's)."""
        match = self.entry_match() if self.query else Q()
        return match & self.conditions.get("drug", Q())

    def entry_match(self, path: str = "") -> Q:
        """The query's condition on search entries (on items, with path "search__"): on the
        word index, Postgres checking a phrase's positions on each candidate. Scoped to the
        treatment, the treatment's own vector must match too: the index finds the
        candidates, each is checked on that vector."""
        match = Q(**{f"{path}search_vector": search_query(self.query)})
        if self.scope == Scope.TREATMENT:
            match &= Q(**{f"{path}treatment_vector": search_query(self.query)})
        return match

    def item_conditions(self) -> list[Q]:
        """Every filter's condition on items but the outcome's, the query's through
        `entry_match` (the FilterSet's own reads the word index alone)."""
        conditions = dict(self.conditions)
        if self.query:
            conditions["q"] = self.entry_match("search__")
        return list(conditions.values())

    def facet_conditions(self) -> list[Q]:
        """The facet filters' conditions (but the outcome's), on combinations."""
        return [self.conditions[name] for name in self.facet_values]

    def combinations(self, *, with_outcome: bool) -> QuerySet[FacetCombination]:
        """The combinations of facet values the facet filters allow (and the outcome, if asked)."""
        conditions = self.facet_conditions()
        if with_outcome and self.outcome:
            conditions.append(Q(outcome=self.outcome))
        return FacetCombination.objects.filter(*conditions)

    def order(self, columns: Columns) -> tuple[OrderBy, ...]:
        """The result order; ties always end in the item id, so pages never overlap."""
        if self.sort == Sort.OLDEST:
            dates = (F(columns.date).asc(nulls_last=True), F(columns.item_id).asc())
        else:
            dates = (F(columns.date).desc(nulls_last=True), F(columns.item_id).desc())
        if self.sort != Sort.RELEVANCE:
            return dates
        return (self.in_treatment(columns).desc(), *dates)

    def past(self, key: PageKey, columns: Columns) -> list[Q]:
        """The results past a page key, as ranges of the order's index read in turn (see
        decisions/search/keys.py)."""
        return key.parts(
            columns.date,
            columns.item_id,
            self.treatment_match(columns) if self.sort == Sort.RELEVANCE else None,
            descending=self.sort != Sort.OLDEST,
        )

    def in_treatment(self, columns: Columns) -> ExpressionWrapper:
        """Whether the query matches the treatment: relevance ranks these matches first."""
        return ExpressionWrapper(self.treatment_match(columns), output_field=BooleanField())

    def treatment_match(self, columns: Columns) -> Q:
        """The condition that the query matches the treatment."""
        return Q(**{columns.treatment_vector: search_query(self.query)})
