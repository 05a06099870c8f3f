"""A search index beside Postgres (Tantivy, in-process): a query's matches counted by facet
combination from posting lists instead of by visiting every matching row (issue 15).

Postgres stays the system of record; the index holds, per search entry, the lexemes Postgres
stored (at their positions), its combination, outcome, date keys and generic names, and is
asked Postgres' own parse of the query, so its counts equal Postgres' by construction.

- `tsquery`: a query as Postgres parsed it (`websearch_to_tsquery`'s text form), as a tree;
- `queries`: that tree as a Tantivy query (pure Python);
- `documents`: the schema, and an entry's columns as a document (pure Python);
- `index`: `SearchIndex`, what the search asks (decisions/search/indexed.py): counts by
  combination (with how many match in the treatment), page ids (by offset or past a page
  `Key`), the undated count, the matches by month (pure Python);
- `sync`: the index kept equal to Postgres: `build`, `apply_changes` (the change log the
  search trigger writes), `apply_if_kept` (after the services' writes), `ensure`, `status`,
  and `FRESH` and `REGISTRATION`, what says whether the index answers a search.
"""

from .index import MAX_BUCKETS, Counts, Key, NoIndex, Order, SearchIndex, Uncounted
from .queries import Unconvertible

__all__ = [
    "MAX_BUCKETS",
    "Counts",
    "Key",
    "NoIndex",
    "Order",
    "SearchIndex",
    "Unconvertible",
    "Uncounted",
]
