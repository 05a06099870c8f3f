"""The search's database-side code as it is now: the SQL Postgres runs, in one place.

The search reads rows Postgres derives from the items (decisions/models/search.py: SearchEntry,
FacetCombination, FacetCount; the statistics, PeriodCount). Statement-level triggers on the
item table see every row an INSERT, COPY, UPDATE or DELETE changed (its transition tables)
and apply the change to the derived rows in the same transaction, so the counts are exact at
every commit whichever code path wrote the items (ingest's COPY, the ORM, a cascade); except
while a bulk load's mark is there (COUNTING), when the load's end makes them all again. Beside
the trigger functions: `decisions_facet_key` and `decisions_facet_values`, which the search's
own SQL calls too, and `decisions_drug_set`, the expression of an index on items. The
search trigger also logs the items whose entries it changed (`decisions_searchchange`), for
the search index beside Postgres (decisions/engine), which applies them after the commit.

The SQL is rendered from decisions/facets.py, so each facet column is named in one place.
Migrations never import this module: each holds a frozen copy of the SQL it installs, so a
fresh `migrate` installs what each step always did. A change here (or to the facets) is
therefore installed by a new migration that freezes the newly rendered text (`manage.py
schema_sql` prints it); tests/test_schema.py fails until the database holds exactly what this
module renders.
"""

from __future__ import annotations

from textwrap import indent

from .facets import FACETS, OUTCOME, Facet

# The facets decisions_facet_values yields: all but the outcome, which every count row has in
# a column of its own (see facets.OUTCOME).
VALUE_FACETS = tuple(facet for facet in FACETS if facet is not OUTCOME)


def columns(alias: str = "", facets: tuple[Facet, ...] = FACETS) -> str:
    """The facets' columns in order, comma-separated, each prefixed with `alias.` if given."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{facet.column}" for facet in facets)


def typed_columns(facets: tuple[Facet, ...] = FACETS) -> str:
    """The facets' columns with their SQL types: function arguments, a record's definition."""
    return ", ".join(f"{facet.column} {facet.sql_type}" for facet in facets)


def facet_values_call(alias: str) -> str:
    """decisions_facet_values over the columns of the row `alias`."""
    return f"decisions_facet_values({columns(alias, VALUE_FACETS)})"


def facet_rows(alias: str) -> str:
    """A query giving the row `alias` as (facet, value) rows, the outcome included: every value
    it is counted under."""
    return (
        f"SELECT '{OUTCOME.name}', {alias}.{OUTCOME.column}::text\n"
        f"UNION ALL\n"
        f"SELECT * FROM {facet_values_call(alias)}"
    )


def _as_text(facet: Facet) -> str:
    """A facet column's values as text, one row each (an array's values are unnested)."""
    value = f"unnest({facet.column})" if facet.array else facet.column
    return value if facet.sql_type.removesuffix("[]") == "text" else f"{value}::text"


COLUMNS = columns()

# A combination of facet values as a key: FacetCombination's unique key, and how the trigger
# finds an item's combination. The values are hashed in the columns' order.
FACET_KEY = f"""
CREATE OR REPLACE FUNCTION decisions_facet_key({typed_columns()})
RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
RETURN md5(jsonb_build_array({COLUMNS})::text)::uuid;
"""

# An item's values of every facet but the outcome, as (facet, value) rows: the rows FacetCount
# counts, and how the search counts combinations by value. The facet names are the search
# parameters'.
_VALUES = "\n    UNION ALL ".join(
    f"SELECT '{facet.name}', {_as_text(facet)}"
    + ("" if facet.array else f" WHERE {facet.column} IS NOT NULL")
    for facet in VALUE_FACETS
)
FACET_VALUES = f"""
CREATE OR REPLACE FUNCTION decisions_facet_values({typed_columns(VALUE_FACETS)})
RETURNS TABLE (facet text, value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    {_VALUES}
$$;
"""

# An item's generic names as a set: sorted, each once (null for none), so that "the same
# drugs" is one value whatever order or repetition the wording gave them. The letter page's
# similar decisions on the same drugs read it from an index (item_drug_set_idx, with the
# date: newest first), three index entries whatever the drugs' frequency; the names' GIN index
# answered the same question by sorting every match (11,303 items for a compounded cream at a
# million letters, whose three names the planner took for independent: hundreds of ms cold).
DRUG_SET = """
CREATE OR REPLACE FUNCTION decisions_drug_set(names varchar[]) RETURNS varchar[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT array_agg(DISTINCT name ORDER BY name) FROM unnest(names) AS name);
"""

# The trigger function's statements, in the order it runs them. `changed` is a query of the
# changed items' facet columns with a `sign`: +1 for an item added, -1 for one removed.
ADDED = f"SELECT {COLUMNS}, 1 AS sign FROM new_items"
REMOVED = f"SELECT {COLUMNS}, -1 AS sign FROM old_items"


def insert_combinations(source: str) -> str:
    """Make the combinations of the rows of `source` that are not stored yet, with no items.

    ON CONFLICT DO NOTHING leaves existing rows unlocked, and the counts are added by the
    trigger's last step (count_changes): the count rows' locks are held from there to the
    commit, so a concurrent writer waits for them only then. Ingest makes a batch's
    combinations ahead with this statement, in a transaction of their own
    (decisions/services/letters.py), so the trigger finds them. Keys are inserted in order,
    so writers cannot deadlock.
    """
    return f"""\
INSERT INTO decisions_facetcombination (key, {COLUMNS}, items)
SELECT DISTINCT decisions_facet_key({COLUMNS}), {COLUMNS}, 0
FROM {source}
ORDER BY 1
ON CONFLICT (key) DO NOTHING"""


def new_combinations(changed: str) -> str:
    """insert_combinations over `changed`, in the trigger."""
    return f"WITH changed AS ({changed})\n{insert_combinations('changed')}"


# The words an item's treatment is searched by: its heading, then the generic names of the
# drugs it names (decisions/taxonomy), so that `hydrocodone` finds "Norco 10/325mg #120". The
# names' vector is appended (`||` shifts its positions past the heading's), so an item without
# names has the vector it always had.
TREATMENT_VECTOR = (
    "to_tsvector('english', coalesce(treatment, ''))"
    " || to_tsvector('english', array_to_string(generic_names, ' '))"
)


def insert_entries(items: str = "new_items") -> str:
    """Entries for the new items (`items`: new_items, or some of them), in combinations made
    by new_combinations. The vector: the treatment and its generic names (TREATMENT_VECTOR)
    weighted A above the rationale, B; the generic names also as they are, for the `drug`
    filter (null when none: most items are not drugs). The search vector begins with the
    treatment vector at its own positions: the search index relies on that (a query without
    a negation that matches the treatment matches the entry, decisions/engine/index.py)."""
    return f"""\
INSERT INTO decisions_searchentry
    (item_id, combination_id, decision_date, treatment_vector, search_vector, generic_names)
SELECT i.id, c.id, i.decision_date, i.treatment_vector,
       setweight(i.treatment_vector, 'A') || setweight(i.rationale_vector, 'B'),
       nullif(i.generic_names, '{{}}')
FROM (
    SELECT id, decision_date, generic_names, decisions_facet_key({COLUMNS}) AS key,
           {TREATMENT_VECTOR} AS treatment_vector,
           to_tsvector('english', coalesce(rationale, '')) AS rationale_vector
    FROM {items}
) AS i
JOIN decisions_facetcombination AS c ON c.key = i.key"""


DELETE_ENTRIES = (
    "DELETE FROM decisions_searchentry AS e USING old_items AS o WHERE e.item_id = o.id"
)

# An UPDATE rebuilds the entries of the items whose words changed (their vectors) and moves the
# others to their new combination and date in place: parsing the words of millions of items
# again to change a facet value (a specialty's canonical name) cost more than all the rest.
# (The moved entry is still a new row version with its index entries: combination_id is in
# the date indexes, so the update cannot be a HOT one. No text is parsed again.)
# SAME_WORDS: the item `n` of new_items is the item `o` of old_items with the same words (its
# generic names included: `manage.py reclassify` changing them rebuilds the entry).
SAME_WORDS = (
    "o.id = n.id AND o.treatment IS NOT DISTINCT FROM n.treatment"
    " AND o.rationale IS NOT DISTINCT FROM n.rationale"
    " AND o.generic_names IS NOT DISTINCT FROM n.generic_names"
)
DELETE_REWORDED_ENTRIES = (
    f"{DELETE_ENTRIES}\n  AND NOT EXISTS (SELECT FROM new_items AS n WHERE {SAME_WORDS})"
)
INSERT_REWORDED_ENTRIES = insert_entries(
    f"new_items AS n\n    WHERE NOT EXISTS (SELECT FROM old_items AS o WHERE {SAME_WORDS})"
)
MOVE_ENTRIES = f"""\
UPDATE decisions_searchentry AS e
SET combination_id = c.id, decision_date = n.decision_date
FROM new_items AS n
JOIN decisions_facetcombination AS c ON c.key = decisions_facet_key({columns("n")})
WHERE e.item_id = n.id
  AND EXISTS (SELECT FROM old_items AS o WHERE {SAME_WORDS})
  AND (e.combination_id, e.decision_date) IS DISTINCT FROM (c.id, n.decision_date)"""


# The change log of the search index beside Postgres (decisions/engine, SearchChange): the
# items whose entries a statement added, rebuilt, moved or deleted, appended in the writer's
# transaction, once an index is kept (SearchIndexRegistration: without one, nothing would read
# the log, so nothing is logged). An update logs the items whose entry's sources changed: the
# words (treatment, rationale, generic names), the date or any facet column (the combination);
# an update of anything else leaves the entry as it was and logs nothing.
_REGISTERED = "EXISTS (SELECT FROM decisions_searchindexregistration)"


def log_changes(items: str, where: str = "") -> str:
    """Log the items of `items` (a query with an `id` column) as changed, those `where` says
    (a condition, if any), while an index is registered."""
    condition = f"{where} AND {_REGISTERED}" if where else _REGISTERED
    return (
        f"INSERT INTO decisions_searchchange (item_id)\nSELECT id FROM {items}\nWHERE {condition}"
    )


LOG_INSERTED = log_changes("new_items")
LOG_DELETED = log_changes("old_items")
_ENTRY_SOURCES = ("treatment", "rationale", "generic_names", "decision_date")
LOG_UPDATED = log_changes(
    "new_items AS n",
    "EXISTS (\n    SELECT FROM old_items AS o WHERE o.id = n.id AND ("
    + ", ".join(f"o.{column}" for column in _ENTRY_SOURCES)
    + f", {columns('o')})\n    IS DISTINCT FROM ("
    + ", ".join(f"n.{column}" for column in _ENTRY_SOURCES)
    + f", {columns('n')})\n)",
)

# FacetCount's rows: every value among all items (given facet ''), and among the items with
# one value of each facet marked `given` (but the given facet's own values).
_GIVEN = ", ".join(f"'{facet.name}'" for facet in FACETS if facet.given)
# PeriodCount's: those of the facets whose months are given (`Facet.months_given`).
_GIVEN_MONTHS = ", ".join(f"'{facet.name}'" for facet in FACETS if facet.months_given)


def count_changes(changed: str) -> str:
    """Add `changed` to the counts: combinations and facet counts, each upserted in key order.

    Concurrent writers add to the same count rows under row locks, the second waiting for the
    first to commit; each statement takes its locks in key order, so two writers' batches
    cannot deadlock on them. Rows whose count falls to 0 stay (and are skipped by the search):
    a combination's id must outlive its last item's entry.
    """
    return f"""\
WITH changed AS ({changed}),
delta AS (
    SELECT decisions_facet_key({COLUMNS}) AS key, {COLUMNS}, sum(sign) AS n
    FROM changed
    GROUP BY {COLUMNS}
    HAVING sum(sign) <> 0
),
combinations AS (
    INSERT INTO decisions_facetcombination AS c (key, {COLUMNS}, items)
    SELECT key, {COLUMNS}, n FROM delta ORDER BY key
    ON CONFLICT (key) DO UPDATE SET items = c.items + excluded.items
)
INSERT INTO decisions_facetcount AS f (given_facet, given_value, facet, value, outcome, items)
SELECT g.facet, g.value, v.facet, v.value, d.{OUTCOME.column}, sum(d.n)
FROM delta AS d
CROSS JOIN LATERAL (
{indent(facet_rows("d"), "    ")}
) AS v (facet, value)
CROSS JOIN LATERAL (
    SELECT '', ''
    UNION ALL
    SELECT * FROM {facet_values_call("d")} WHERE facet IN ({_GIVEN})
) AS g (facet, value)
WHERE g.facet <> v.facet
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (given_facet, given_value, facet, value, outcome)
DO UPDATE SET items = f.items + excluded.items"""


def _steps(*statements: str) -> str:
    """The statements of one branch of the trigger function, indented as its body."""
    return indent("".join(f"{statement};\n" for statement in statements), " " * 8).rstrip()


# While a bulk load runs, or one cut short is not finished yet, its mark is in
# decisions_bulkload (decisions/services/loading.py): the triggers then keep no counts (8-16% of
# a load's time at 20,000 letters: BENCHMARKS.md, "Session 9: bulk ingest"), the search counts
# from the items (decisions/search/planning.py, Plan.counted), and the load's end rebuilds
# every count from the items in one pass (REBUILD_COUNTS) before it removes the mark. Read
# afresh by each trigger statement, after its table lock: a writer the rebuild's lock held
# back sees the mark gone, and counts.
COUNTING = "NOT EXISTS (SELECT FROM decisions_bulkload)"


def _when_counting(statement: str) -> str:
    """A count statement, run only while no bulk load's mark is there."""
    return f"IF {COUNTING} THEN\n{indent(statement, '    ')};\nEND IF"


# An insert makes the combinations it lacks, builds the entries (the vectors, both GIN
# indexes: the costly part) and takes the count rows' locks last; ingest writes a batch's
# items as its last statement, so those locks are held only until the commit and two writers'
# batches overlap everywhere else. An update is counted as a delete and an insert at once; its
# entries are rebuilt only where the words changed (MOVE_ENTRIES).
ITEM_SEARCH_SYNC = f"""
CREATE OR REPLACE FUNCTION decisions_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
-- Keeps the search's rows equal to the items; rendered by decisions/schema.py.
BEGIN
    IF TG_OP = 'INSERT' THEN
{
    _steps(
        new_combinations(ADDED),
        insert_entries(),
        _when_counting(count_changes(ADDED)),
        LOG_INSERTED,
    )
}
    ELSIF TG_OP = 'DELETE' THEN
{_steps(DELETE_ENTRIES, _when_counting(count_changes(REMOVED)), LOG_DELETED)}
    ELSE
{
    _steps(
        new_combinations(ADDED),
        DELETE_REWORDED_ENTRIES,
        INSERT_REWORDED_ENTRIES,
        MOVE_ENTRIES,
        _when_counting(count_changes(f"{REMOVED} UNION ALL {ADDED}")),
        LOG_UPDATED,
    )
}
    END IF;
    RETURN NULL;
END
$$;
"""


def _statement_triggers(prefix: str, function: str) -> str:
    """A function run once per statement that inserts, deletes or updates items, with the rows
    it changed (transition tables `new_items`, `old_items`)."""
    return f"""
CREATE OR REPLACE TRIGGER {prefix}_insert AFTER INSERT ON decisions_disputeditem
    REFERENCING NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE OR REPLACE TRIGGER {prefix}_delete AFTER DELETE ON decisions_disputeditem
    REFERENCING OLD TABLE AS old_items
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE OR REPLACE TRIGGER {prefix}_update AFTER UPDATE ON decisions_disputeditem
    REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


TRIGGERS = _statement_triggers("item_search", "decisions_item_search_sync")

# PeriodCount's rows: the items by month of decision (null: no date) and outcome, among all
# items (given facet '') and among the items with each value of the facets whose months are
# given (`Facet.months_given`: FacetCount's given facets and a few more); for the statistics'
# trend (decisions/search/statistics.py). `changed` is a query of the changed items' decision
# dates and facet columns with a `sign`, like count_changes'. A function and triggers of
# their own beside the search's, so a change to either is installed on its own.
PERIOD_ADDED = f"SELECT decision_date, {COLUMNS}, 1 AS sign FROM new_items"
PERIOD_REMOVED = f"SELECT decision_date, {COLUMNS}, -1 AS sign FROM old_items"


def count_periods(changed: str) -> str:
    """Add `changed` to the month counts, upserted in key order as count_changes does (the
    same row locks held to the commit, taken in the same order by every writer). An update
    that moves no date, outcome or given value nets to nothing and locks no row; one that
    does moves the item from its old month's counts to its new one's. Every insert already
    locks the unfiltered outcome rows of FacetCount, so these add no wait between writers."""
    return f"""\
WITH changed AS ({changed}),
delta AS (
    SELECT date_trunc('month', decision_date::timestamp)::date AS month, {COLUMNS}, sum(sign) AS n
    FROM changed
    GROUP BY 1, {COLUMNS}
    HAVING sum(sign) <> 0
)
INSERT INTO decisions_periodcount AS p (given_facet, given_value, month, outcome, items)
SELECT g.facet, g.value, d.month, d.{OUTCOME.column}, sum(d.n)
FROM delta AS d
CROSS JOIN LATERAL (
    SELECT '', ''
    UNION ALL
    SELECT * FROM {facet_values_call("d")} WHERE facet IN ({_GIVEN_MONTHS})
) AS g (facet, value)
GROUP BY 1, 2, 3, 4
HAVING sum(d.n) <> 0
ORDER BY 1, 2, 3, 4
ON CONFLICT (given_facet, given_value, month, outcome)
DO UPDATE SET items = p.items + excluded.items"""


ITEM_PERIOD_SYNC = f"""
CREATE OR REPLACE FUNCTION decisions_item_period_sync() RETURNS trigger LANGUAGE plpgsql AS $$
-- Keeps the month counts equal to the items; rendered by decisions/schema.py.
BEGIN
    IF TG_OP = 'INSERT' THEN
{_steps(_when_counting(count_periods(PERIOD_ADDED)))}
    ELSIF TG_OP = 'DELETE' THEN
{_steps(_when_counting(count_periods(PERIOD_REMOVED)))}
    ELSE
{_steps(_when_counting(count_periods(f"{PERIOD_REMOVED} UNION ALL {PERIOD_ADDED}")))}
    END IF;
    RETURN NULL;
END
$$;
"""

# Postgres fires a statement's triggers in the order of their names: item_search_* first, so
# these count rows are locked last, after FacetCount's, by every writer alike.
PERIOD_TRIGGERS = _statement_triggers("item_stats", "decisions_item_period_sync")

# A bulk load's end: every count made again from the items, in the statements the triggers
# use, over all items at once (each groups the items by combination first: 7.8 s in all at
# 100,000 letters, beside the index builds). The item table is locked against
# writers first, so that no change falls between the counts read and the mark removed.
# Combinations keep their rows (their ids outlive their items, see count_changes); the
# facet and month counts are deleted rather than truncated, so searches are never blocked.
ALL_ITEMS = "decisions_disputeditem"
REBUILD_COUNTS = (
    f"LOCK TABLE {ALL_ITEMS} IN SHARE MODE",
    "UPDATE decisions_facetcombination SET items = 0 WHERE items <> 0",
    "DELETE FROM decisions_facetcount",
    "DELETE FROM decisions_periodcount",
    count_changes(f"SELECT {COLUMNS}, 1 AS sign FROM {ALL_ITEMS}"),
    count_periods(f"SELECT decision_date, {COLUMNS}, 1 AS sign FROM {ALL_ITEMS}"),
)

# Everything, in the order it can be created: for `manage.py schema_sql` and the tests.
SQL = (
    FACET_KEY
    + FACET_VALUES
    + DRUG_SET
    + ITEM_SEARCH_SYNC
    + TRIGGERS
    + ITEM_PERIOD_SYNC
    + PERIOD_TRIGGERS
)
