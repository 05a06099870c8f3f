"""The search index as the counting code asks it: a query's matches counted by facet
combination, and a page of their item ids, with the semantics of decisions/search/counting.py
(`_match_summary`, `_match_page`) over the same entries. Pure Python: no database, no Django.

A query is given as Postgres parsed it (`websearch_to_tsquery('english', q)::text`), so both
match the same lexemes (decisions/engine/queries.py); None means no query (a drug filter
alone). The matches are what counting's `SearchEntry` rows are: the query on the search
vector, also on the treatment vector with `treatment_only` (scope=treatment), and any of the
`drugs` groups (each group's generic names all named by the entry, decisions/search/
parameters.py `drug_groups`).

Facet filters: the counts are by combination, so the combinations a filter allows are the
caller's to keep (counting's `plan.combinations(with_outcome=False)`); the page takes them as
`combinations` (with the outcome's: `with_outcome=True`), or the `outcome` alone.

What the index cannot say (a tsquery `queries.Unconvertible` names, more combinations than
an aggregation returns) raises; the caller counts in Postgres instead. Whether the index is
as fresh as the caller's snapshot is Postgres' to say (decisions/engine/sync.py `FRESH`): ask
that first, then `refresh()` the reader, then count, in that order (the applier commits the
index before it deletes the change rows it applied). A build puts a new folder in place;
a process keeping a `SearchIndex` open reopens it when `sync.current_folder()` is no longer
its `folder` (the old folder is deleted by the build after next).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import tantivy

from . import documents
from .queries import from_tsquery, negation_free

# Tantivy refuses an aggregation of more buckets than this (its default limit); the 1M corpus
# has ~35,000 combinations, and a broad query matched at most ~4,200 of them.
MAX_BUCKETS = 65_000


class Order(StrEnum):
    """The result orders, spelled as decisions/search/vocabulary.py's Sort (`Order(sort)`)."""

    RELEVANCE = "relevance"  # the query matches the treatment first, then newest
    NEWEST = "newest"
    OLDEST = "oldest"


class NoIndex(Exception):
    """There is no index where one was looked for (it has not been built)."""


class Uncounted(Exception):
    """The answer would leave combinations out (more than MAX_BUCKETS matched)."""


# A match's counts: (matches, of which the treatment matches the query too).
Counts = dict[int, tuple[int, int]]


@dataclass(frozen=True)
class Key:
    """A page key as the index reads it (decisions/search/keys.py's PageKey): a result row's
    values in the order, and whether the page lists the rows after it (`forward`) or before."""

    item_id: int
    decision_date: datetime.date | None
    in_treatment: bool | None = None  # relevance only
    forward: bool = True


def _key_value(field: str, key: Key) -> int:
    if field == documents.OLDEST:
        return documents.oldest_key(key.item_id, key.decision_date)
    return documents.newest_key(key.item_id, key.decision_date)


class SearchIndex:
    """An index opened for reading (`open`). Its searcher stays at the commit it last loaded
    until `refresh()`, so one search reads one state of it."""

    def __init__(self, index: tantivy.Index, folder: Path):
        self._index = index
        self.folder = folder
        self.schema = index.schema

    @classmethod
    def open(cls, folder: Path) -> SearchIndex:
        if not tantivy.Index.exists(str(folder)):
            raise NoIndex(f"no search index in {folder}")
        index = tantivy.Index.open(str(folder))
        index.config_reader(reload_policy="Manual")
        return cls(index, folder)

    def refresh(self) -> None:
        """Load the index's last commit."""
        self._index.reload()

    @property
    def documents(self) -> int:
        return self._index.searcher().num_docs

    def counts(
        self,
        tsquery: str | None,
        *,
        treatment_only: bool = False,
        drugs: Sequence[Collection[str]] = (),
    ) -> Counts:
        """The matches by combination: {combination id: (n, n_in_treatment)}, exact. Without a
        query no match's treatment matches it (0); scoped to the treatment, every one does."""
        searcher = self._index.searcher()
        matches = self._matches(tsquery, treatment_only, drugs)
        counts = _by_field(searcher, matches, documents.COMBINATION)
        if tsquery is None or treatment_only:
            return {pk: (n, 0 if tsquery is None else n) for pk, n in counts.items()}
        in_treatment = _by_field(
            searcher, self._matches(tsquery, True, drugs), documents.COMBINATION
        )
        return {pk: (n, in_treatment.get(pk, 0)) for pk, n in counts.items()}

    def page_ids(
        self,
        tsquery: str | None,
        *,
        treatment_only: bool = False,
        drugs: Sequence[Collection[str]] = (),
        combinations: Collection[int] | None = None,
        outcome: str = "",
        order: Order = Order.NEWEST,
        offset: int = 0,
        limit: int = 20,
        key: Key | None = None,
    ) -> list[int]:
        """The page's item ids among the matches listed: those in `combinations` (the ones the
        facet filters and the outcome allow) when given, and with `outcome` when given, in
        `order`: `limit` of them past `offset`, or, with a page `key`, the first `limit` after
        it (or the last before it), in the order either way."""
        listed = self._listed(tsquery, treatment_only, drugs, combinations, outcome)
        field = documents.OLDEST if order == Order.OLDEST else documents.NEWEST
        # The order's ranks, in order, each one read along `field`: relevance puts the matches
        # whose treatment matches first.
        ranks: list[tuple[bool | None, tantivy.Query]] = [(None, listed)]
        if order == Order.RELEVANCE and tsquery is not None:
            first = self._listed(tsquery, True, drugs, combinations, outcome)
            others = [
                (tantivy.Occur.Must, listed),
                (tantivy.Occur.MustNot, self._treatment(tsquery)),
            ]
            ranks = [(True, first), (False, tantivy.Query.boolean_query(others))]
        if key is None:
            return self._read([query for _, query in ranks], field, True, offset, limit)
        value = _key_value(field, key)
        past = []
        for in_treatment, query in ranks if key.forward else reversed(ranks):
            if in_treatment is None or in_treatment == key.in_treatment:
                past.append(_both(query, self._beyond(field, value, key.forward)))
            elif (in_treatment is False) == key.forward:  # a rank wholly past the key's
                past.append(query)
        page = self._read(past, field, key.forward, 0, limit)
        return page if key.forward else page[::-1]

    def undated(
        self,
        tsquery: str | None,
        *,
        treatment_only: bool = False,
        drugs: Sequence[Collection[str]] = (),
        combinations: Collection[int] | None = None,
        outcome: str = "",
    ) -> int:
        """How many of the matches listed (as `page_ids` lists them) have no decision date:
        their `newest` key is the item id alone, below every dated one's."""
        listed = self._listed(tsquery, treatment_only, drugs, combinations, outcome)
        return self._search(
            _both(listed, self._beyond(documents.NEWEST, documents.FIRST_DATED, forward=True)),
            documents.NEWEST,
            True,
            0,
            0,
            count=True,
        )[1]

    def months(
        self,
        tsquery: str | None,
        *,
        treatment_only: bool = False,
        drugs: Sequence[Collection[str]] = (),
        combinations: Collection[int] | None = None,
        outcome: str = "",
    ) -> dict[int, int]:
        """The matches listed (as `page_ids` lists them) by decision month: {`month` value
        (documents.month_of, 0 undated): n}, exact (the statistics' periods)."""
        listed = self._listed(tsquery, treatment_only, drugs, combinations, outcome)
        return _by_field(self._index.searcher(), listed, documents.MONTH)

    def _listed(
        self,
        tsquery: str | None,
        treatment_only: bool,
        drugs: Sequence[Collection[str]],
        combinations: Collection[int] | None,
        outcome: str,
    ) -> tantivy.Query:
        listed = self._matches(tsquery, treatment_only, drugs)
        if combinations is not None:
            listed = _both(listed, self._terms(documents.COMBINATION, [*combinations]))
        if outcome:
            listed = _both(listed, self._terms(documents.OUTCOME, [outcome]))
        return listed

    def _read(
        self, ranks: list[tantivy.Query], field: str, forward: bool, offset: int, limit: int
    ) -> list[int]:
        """`limit` item ids past `offset` of the ranks read one after the other, each along
        `field` in the order's direction (`forward`) or against it."""
        ids: list[int] = []
        for place, query in enumerate(ranks):
            last = place == len(ranks) - 1
            found, matched = self._search(
                query, field, forward, offset, limit - len(ids), count=not last
            )
            ids += found
            if len(ids) >= limit or last:
                break
            offset = max(0, offset - matched)
        return ids

    def _search(
        self,
        query: tantivy.Query,
        field: str,
        forward: bool,
        offset: int,
        limit: int,
        *,
        count: bool = False,
    ) -> tuple[list[int], int]:
        """Item ids along `field` (`newest` descending, `oldest` ascending; the other way when
        not `forward`) and, if asked, how many matched in all."""
        if limit <= 0 and not count:
            return [], 0
        ascending = (field == documents.OLDEST) == forward
        # tantivy-py 0.27 panics on limit=0: a count alone asks for one hit and drops it.
        found = self._index.searcher().search(
            query,
            limit=max(limit, 1),
            count=count,
            order_by_field=field,
            offset=offset,
            order=tantivy.Order.Asc if ascending else tantivy.Order.Desc,
        )
        ids = [documents.item_of(key) for key, _ in found.hits][: max(limit, 0)]
        # tantivy-py 0.27's type stub leaves out SearchResult.count (None unless counted).
        return ids, found.count or 0  # type: ignore[attr-defined]

    def _beyond(self, field: str, value: int, forward: bool) -> tantivy.Query:
        """The documents past `value` along `field` in the order (or before it)."""
        above = (field == documents.OLDEST) == forward
        lower, upper = (value, None) if above else (None, value)
        return tantivy.Query.range_query(
            self.schema,
            field,
            tantivy.FieldType.Unsigned,
            lower,
            upper,
            include_lower=lower is None,
            include_upper=upper is None,
        )

    def _terms(self, field: str, values: list) -> tantivy.Query:
        return tantivy.Query.term_set_query(self.schema, field, values)

    def _matches(
        self, tsquery: str | None, treatment_only: bool, drugs: Sequence[Collection[str]]
    ) -> tantivy.Query:
        """The query's matches (`treatment_only`: those whose treatment matches it too) having
        the drugs. A negation-free query that matches the treatment matches the entry: the
        search vector begins with the treatment vector at its own positions (decisions/
        schema.py), so the treatment field alone is asked, not the whole text's positions
        again (at a million letters a broad phrase's whole-text reading is ~35 ms a time)."""
        clauses = []
        if tsquery is not None:
            if not (treatment_only and negation_free(tsquery)):
                clauses.append(from_tsquery(self.schema, documents.LEXEMES, tsquery))
            if treatment_only:
                clauses.append(self._treatment(tsquery))
        if drugs:
            clauses.append(self._drugs(drugs))
        if not clauses:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, clause) for clause in clauses])

    def _treatment(self, tsquery: str) -> tantivy.Query:
        return from_tsquery(self.schema, documents.TREATMENT, tsquery)

    def _drugs(self, drugs: Sequence[Collection[str]]) -> tantivy.Query:
        """Any of the groups, each with all its names (the drug filter's condition)."""
        groups = [
            tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.term_query(self.schema, documents.GENERIC_NAMES, name),
                    )
                    for name in group
                ]
            )
            for group in drugs
        ]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, group) for group in groups])


def _both(left: tantivy.Query, right: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, left), (tantivy.Occur.Must, right)])


def _by_field(searcher: tantivy.Searcher, query: tantivy.Query, field: str) -> dict[int, int]:
    """The query's matches counted by a fast u64 field's value: every bucket of every
    segment, or an error."""
    terms = {"field": field, "size": MAX_BUCKETS, "segment_size": MAX_BUCKETS}
    counted = searcher.aggregate(query, {"c": {"terms": terms}})["c"]
    if counted["sum_other_doc_count"]:
        raise Uncounted(f"more than {MAX_BUCKETS:,} values of {field} matched")
    return {int(bucket["key"]): bucket["doc_count"] for bucket in counted["buckets"]}
