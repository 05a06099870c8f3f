"""Reads for the search, letter and export pages.

Sized for millions of items: every query reads item rows only (the reviewer's citations are
copied onto them as GIN-indexed arrays), the result count and all facets come from one query,
a results page from one more, whatever the page's length.

Highlighting: letter text is untrusted, so Postgres marks matches with two Unicode
noncharacters (reserved for internal use, never in interchange text) and the template filter
`marked` escapes the whole string before turning them into <mark> elements.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OrderBy,
    OuterRef,
    Prefetch,
    Value,
)
from django.db.models.functions import JSONObject, Left

from .filters import SEARCH_CONFIG, ItemFilter, Sort, search_query
from .models import Citation, DisputedItem, Letter, Outcome, Party

HIGHLIGHT_START = "\ufdd0"
HIGHLIGHT_STOP = "\ufdd1"

PER_PAGE = 20
SIMILAR_PER_KIND = 3
EXPORT_CHUNK = 2000

# How many values each facet shows, most frequent first (None: all of them).
FACET_LIMITS: dict[str, int | None] = {
    "outcome": None,
    "specialty": 15,
    "guideline": None,
    "document": 15,
    "cited_page": 10,
    "mismatch": None,
}
# The item column each facet counts; array columns count each element.
FACET_COLUMNS = {
    "outcome": "outcome",
    "specialty": "reviewer_specialty",
    "guideline": "reviewer_guidelines",
    "document": "reviewer_documents",
    "cited_page": "reviewer_pages",
    "mismatch": "guideline_mismatch",
}
ARRAY_FACETS = frozenset({"guideline", "document", "cited_page"})
assert tuple(FACET_COLUMNS) == ItemFilter.FACETS

# What a results page shows of an item; rationale is only read inside Postgres for the snippet.
PAGE_COLUMNS = (
    "id",
    "letter_id",
    "position",
    "treatment",
    "outcome",
    "reviewer_specialty",
    "patient_age",
    "patient_sex",
    "date_of_injury",
    "decision_date",
    "guideline_mismatch",
    "reviewer_guidelines",
)

NEWEST = (F("decision_date").desc(nulls_last=True), F("id").desc())
OLDEST = (F("decision_date").asc(nulls_last=True), F("id").asc())

_headline = partial(
    SearchHeadline,
    config=SEARCH_CONFIG,
    start_sel=HIGHLIGHT_START,
    stop_sel=HIGHLIGHT_STOP,
)


@dataclass(frozen=True)
class FacetValue:
    value: str
    hits: int  # items the page would list with this value chosen instead
    overturned: int  # of `decided`, how many were overturned
    decided: int  # like hits, but whatever the outcome filter says
    active: bool

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.decided if self.decided else None


@dataclass(frozen=True)
class Facets:
    """The exact result count and, per facet, its most frequent values among the results."""

    total: int
    overturned: int  # among the results as they would be without the outcome filter
    decided: int
    values: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.decided if self.decided else None


@dataclass(frozen=True)
class Pagination:
    number: int
    per_page: int
    total: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def exists(self) -> bool:
        return self.number <= self.num_pages

    @property
    def has_previous(self) -> bool:
        return 1 < self.number <= self.num_pages

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def end_index(self) -> int:
        return min(self.offset + self.per_page, self.total)


@dataclass(frozen=True)
class ItemSearch:
    filterset: ItemFilter
    query: str
    sort: str
    facets: Facets | None = None  # None when the parameters are invalid
    pagination: Pagination | None = None
    items: list[DisputedItem] = field(default_factory=list)


def item_filterset(params: Mapping[str, str]) -> ItemFilter:
    """The search's FilterSet, bound to GET parameters; check `is_valid()` before reading."""
    return ItemFilter(params, queryset=DisputedItem.objects.all())


def item_search(filterset: ItemFilter, *, per_page: int = PER_PAGE) -> ItemSearch:
    """One results page: count and facets (one query), then the page's rows (one query).

    Invalid parameters give no results (the page shows the form's errors instead), and a
    page past the end gives no rows and no query for them.
    """
    if not filterset.is_valid():
        return ItemSearch(filterset=filterset, query="", sort="")
    data = filterset.form.cleaned_data
    query, sort = data["q"] or "", _effective_sort(filterset)
    facets = item_facets(filterset)
    pagination = Pagination(number=data["page"] or 1, per_page=per_page, total=facets.total)
    items = []
    if pagination.offset < facets.total:
        items = item_page(filterset, offset=pagination.offset, limit=per_page)
    return ItemSearch(filterset, query, sort, facets, pagination, items)


def _effective_sort(filterset: ItemFilter) -> str:
    """Relevance when there is a query (unless asked otherwise), newest first without one."""
    data = filterset.form.cleaned_data
    sort = data["sort"] or (Sort.RELEVANCE if data["q"] else Sort.NEWEST)
    return Sort.NEWEST if sort == Sort.RELEVANCE and not data["q"] else sort


def item_order(filterset: ItemFilter) -> tuple[OrderBy, ...]:
    """The result order; ties always end in the item id, so pages never overlap."""
    sort = _effective_sort(filterset)
    if sort == Sort.RELEVANCE:
        rank = SearchRank(F("search_vector"), search_query(filterset.form.cleaned_data["q"]))
        return (rank.desc(), *NEWEST)
    return OLDEST if sort == Sort.OLDEST else NEWEST


def item_page(filterset: ItemFilter, *, offset: int, limit: int) -> list[DisputedItem]:
    """The page's items with a snippet and their citations, in one query however deep the page.

    With a query, `snippet` holds the best rationale fragments and `treatment_marked` the
    treatment, both with highlight sentinels; without one, `snippet` is the rationale's start.
    Each item gets `reviewer_cited` and `claims_cited` (dicts of guideline, document, topic
    and pages) and `claims_guidelines`, the families the claims administrator cited.
    """
    query = filterset.form.cleaned_data["q"]
    if query:
        highlights = {
            "snippet": _headline(
                "rationale", search_query(query), max_words=35, min_words=15, max_fragments=2,
                fragment_delimiter=" … ",
            ),
            "treatment_marked": _headline("treatment", search_query(query), highlight_all=True),
        }
    else:
        highlights = {"snippet": Left("rationale", 400), "treatment_marked": F("treatment")}
    citations = (
        Citation.objects.filter(item=OuterRef("pk"))
        .order_by("party", "position")
        .values(
            json=JSONObject(
                party="party", guideline="guideline", document="document", topic="topic",
                pages="pages",
            )
        )
    )
    # The page's ids first, then its columns: Postgres computes a row's output (headlines,
    # citations) before OFFSET discards it, so a deep page would pay for every skipped row.
    order = item_order(filterset)
    page_ids = filterset.qs.order_by(*order).values("pk")[offset : offset + limit]
    rows = (
        DisputedItem.objects.filter(pk__in=page_ids)
        .order_by(*order)
        .only(*PAGE_COLUMNS)
        .annotate(**highlights, cited=ArraySubquery(citations))
    )
    items = list(rows)
    for item in items:
        item.reviewer_cited = [c for c in item.cited if c["party"] == Party.REVIEWER]
        item.claims_cited = [c for c in item.cited if c["party"] == Party.CLAIMS_ADMINISTRATOR]
        item.claims_guidelines = sorted({c["guideline"] for c in item.claims_cited})
    return items


def item_facets(filterset: ItemFilter) -> Facets:
    """Result count, overturn rate and every facet's top values, in one pass over the results.

    A value's count is the number of results that have it: what the list would show after a
    click on it. A facet whose filter is active shows just the chosen value, to be removed.
    Outcome is the exception: its facet and every overturn rate are counted as if no outcome
    were chosen, or each rate would read 0% or 100%. So the pass reads the rows that match
    every filter but the outcome (through the filters' indexes, never more rows than that) and
    counts them by their combination of facet values (thousands of combinations for tens of
    thousands of rows); a lateral subquery turns each combination into one row per facet
    value, and a second GROUP BY adds them up.
    """
    conditions = filterset.conditions()
    outcome = conditions.pop("outcome", None)
    rows = DisputedItem.objects.filter(*conditions.values()).order_by()
    columns = {f"v_{name}": F(column) for name, column in FACET_COLUMNS.items()}
    if outcome is not None:
        columns["chosen_outcome"] = ExpressionWrapper(outcome, output_field=BooleanField())
    combinations = rows.values(**columns).annotate(n=Count("pk"))
    inner_sql, inner_params = combinations.query.sql_with_params()
    value_rows = " UNION ALL ".join(
        f"SELECT '{name}', x FROM unnest(m.v_{name}) AS x"
        if name in ARRAY_FACETS
        else f"SELECT '{name}', m.v_{name}::text"
        for name in ItemFilter.FACETS
    )
    hits = "sum(m.n)"
    if outcome is not None:
        hits = "sum(m.n) FILTER (WHERE f.facet = 'outcome' OR m.chosen_outcome)"
    limits = " ".join(
        f"WHEN '{name}' THEN {limit}" for name, limit in FACET_LIMITS.items() if limit is not None
    )
    sql = f"""
        SELECT facet, value, hits, overturned, decided FROM (
            SELECT f.facet, f.value, {hits}::bigint AS hits,
                   coalesce(sum(m.n) FILTER (WHERE m.v_outcome = %s), 0)::bigint AS overturned,
                   sum(m.n)::bigint AS decided,
                   row_number() OVER (PARTITION BY f.facet ORDER BY {hits} DESC, f.value) AS place
            FROM ({inner_sql}) AS m
            CROSS JOIN LATERAL ({value_rows}) AS f(facet, value)
            WHERE f.value IS NOT NULL
            GROUP BY f.facet, f.value
            HAVING {hits} > 0
        ) AS counted
        WHERE place <= CASE facet {limits} ELSE place END
        ORDER BY facet, place
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (Outcome.OVERTURNED, *inner_params))
        found = cursor.fetchall()
    chosen = dict(filterset.form.cleaned_data)
    chosen["mismatch"] = "true" if chosen["mismatch"] else ""  # Postgres spells booleans so
    values: dict[str, list[FacetValue]] = {name: [] for name in ItemFilter.FACETS}
    for facet, value, n, overturned, decided in found:
        active = value == chosen[facet]
        # An array facet with a chosen value still counts the results' other values (items
        # citing MTUS also cite ODG): not choices a click could offer in its place.
        if active or not chosen[facet] or facet == "outcome":
            values[facet].append(FacetValue(value, n, overturned, decided, active))
    # The page offers "different guideline" as a filter; "same guideline" is not one.
    values["mismatch"] = [v for v in values["mismatch"] if v.value == "true"]
    outcomes = values["outcome"]
    return Facets(
        total=sum(v.hits for v in outcomes if chosen["outcome"] in ("", v.value)),
        overturned=sum(v.hits for v in outcomes if v.value == Outcome.OVERTURNED),
        decided=sum(v.hits for v in outcomes),
        values=values,
    )


@dataclass(frozen=True)
class LetterDetail:
    """A letter with its items in order; each item has `claims_cited` and `reviewer_cited`
    (Citation rows) and `similar_treatment` and `similar_citation` (dicts of other items).

    With a query, `letter.summary_marked`, `item.treatment_marked` and `item.rationale_marked`
    hold the whole texts with highlight sentinels.
    """

    letter: Letter
    items: list[DisputedItem]
    query: str


def letter_detail(*, pk: int, query: str = "") -> LetterDetail | None:
    """Four queries whatever the letter's size: letter, items, citations, similar decisions."""
    letters = Letter.objects.defer("raw_text")
    items = DisputedItem.objects.order_by("position").prefetch_related(
        Prefetch("citations", queryset=Citation.objects.order_by("party", "position"))
    )
    if query:
        letters = letters.annotate(
            summary_marked=_headline("case_summary", search_query(query), highlight_all=True)
        )
        items = items.annotate(
            treatment_marked=_headline("treatment", search_query(query), highlight_all=True),
            rationale_marked=_headline("rationale", search_query(query), highlight_all=True),
        )
    letter = letters.filter(pk=pk).first()
    if letter is None:
        return None
    items = list(items.filter(letter=letter))
    for item in items:
        cited = list(item.citations.all())
        item.claims_cited = [c for c in cited if c.party == Party.CLAIMS_ADMINISTRATOR]
        item.reviewer_cited = [c for c in cited if c.party == Party.REVIEWER]
    similar = item_similar(items)
    for item in items:
        item.similar_treatment = similar.get((item.pk, "treatment"), [])
        item.similar_citation = similar.get((item.pk, "citation"), [])
    return LetterDetail(letter=letter, items=items, query=query)


def item_similar(items: list[DisputedItem]) -> dict[tuple[int, str], list[dict]]:
    """Recent decisions in other letters on the same treatment wording, and citing a page the
    reviewer cited, keyed by (item id, "treatment" | "citation"); one query for all items.

    Each part is a LIMIT over an index: the treatment-key B-tree (already in newest order) and
    the reviewer-pages GIN index.
    """
    fields = ("id", "letter_id", "position", "treatment", "outcome", "reviewer_specialty")
    parts = []
    for item in items:
        others = DisputedItem.objects.exclude(letter_id=item.letter_id).order_by(*NEWEST)
        matches = {"treatment": others.filter(treatment_key=item.treatment_key)}
        if item.reviewer_pages:
            matches["citation"] = others.filter(reviewer_pages__overlap=item.reviewer_pages)
        parts.extend(
            qs.values(*fields, source=Value(item.pk), kind=Value(kind))[:SIMILAR_PER_KIND]
            for kind, qs in matches.items()
        )
    if not parts:
        return {}
    found: dict[tuple[int, str], list[dict]] = {}
    for row in parts[0].union(*parts[1:], all=True):
        found.setdefault((row.pop("source"), row.pop("kind")), []).append(row)
    return found


# The export's columns, in order; the citation columns are the IMR reviewer's.
EXPORT_COLUMNS = (
    "letter_id",
    "position",
    "case_number",
    "decision_date",
    "treatment",
    "outcome",
    "reviewer_specialty",
    "patient_age",
    "patient_sex",
    "date_of_injury",
    "reviewer_guidelines",
    "reviewer_documents",
    "reviewer_pages",
    "guideline_mismatch",
    "claims_administrator_basis",
    "reviewer_basis",
    "rationale",
)


def item_export_rows(filterset: ItemFilter) -> Iterator[dict]:
    """Every result of a valid search as dicts of EXPORT_COLUMNS, in the page's order.

    Streamed from a server-side cursor in chunks, so memory stays flat however many rows.
    """
    fields = [c for c in EXPORT_COLUMNS if c != "case_number"]
    rows = (
        filterset.qs.order_by(*item_order(filterset))
        .values(*fields, case_number=F("letter__case_number"))
    )
    return rows.iterator(chunk_size=EXPORT_CHUNK)
