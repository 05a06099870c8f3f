"""A search entry as a Tantivy document: the index's schema, and each field's value from the
entry's columns as Postgres stores them (decisions_searchentry). Pure Python: no database,
no Django.

One document per search entry:
- `item_id`: indexed, so that an entry's document can be replaced or deleted by its item;
- `combination_id`: the entry's facet combination, a fast field (counted by a terms
  aggregation) and indexed (the page's facet filters, a set of combinations);
- `outcome`: its combination's outcome, one term: the outcome filter of a page without
  other facet filters. The outcome is part of the combination, so it changes only when the
  combination does;
- `newest`, `oldest`: the result orders as fast u64 keys, the decision date's day in the high
  32 bits and the item id in the low ones. Descending, `newest` is Postgres' `decision_date
  DESC NULLS LAST, item_id DESC` (an undated entry below every dated one); ascending,
  `oldest` is `decision_date ASC NULLS LAST, item_id ASC` (an undated entry above every dated
  one). Either key carries the item id;
- `month`: the decision's month as a fast u64 (`month_of`: year * 12 + month, 0 undated), so
  that the statistics' periods are counted by a terms aggregation, as the combinations are;
- `lexemes`: the entry's search vector, lexeme by lexeme at its Postgres position (read in
  the vector's text form and split here, `lexemes_of`), nothing lowercased or stemmed again;
- `treatment`: the same for the treatment vector, so that "the query matches the treatment"
  (relevance's first rank, scope=treatment) is asked of the index too;
- `generic_names`: the entry's generic names, each one term as stored (the `drug` filter).

How a vector becomes a field: positions are kept as they are, gaps (stop words) included, so
phrases match as Postgres matches them. Given as text: the lexemes in position order,
separated by spaces, a placeholder in each gap, split by Tantivy's whitespace tokenizer,
whose stop-word filter drops the placeholders and keeps the gaps (`ANALYZER`). That cannot
say everything a vector can: Postgres clamps positions past 16,383 to 16,383, so several
lexemes may share one, and a lexeme without positions has none to place (none in a vector
made by to_tsvector); a lexeme could hold a space or be the placeholder. Such a vector is
given pre-tokenized instead (each token with its position; a lexeme without positions far
past any phrase's reach, each apart), which says all of it but costs 60% more time per entry
(Python makes an object per token).

The schema's version is FORMAT, written beside each index it builds (decisions/engine/
sync.py): an index of another format is not read (the search counts in Postgres) nor written
until it is built again, never misread.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import tantivy

# The fields.
ITEM_ID = "item_id"
COMBINATION = "combination_id"
OUTCOME = "outcome"
NEWEST = "newest"
OLDEST = "oldest"
MONTH = "month"
LEXEMES = "lexemes"
TREATMENT = "treatment"
GENERIC_NAMES = "generic_names"

# The schema's version: 2 added `month`. Bump it with any change to the fields or their values.
FORMAT = 2

# The lexeme fields' analyzer: split on (ASCII) whitespace, drop the placeholders, nothing else.
# Tantivy keeps no analyzer but its own, so a writer registers it on each opening (`ready`).
ANALYZER_NAME = "postgres_lexemes"
PLACEHOLDER = "_"
ANALYZER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
    .filter(tantivy.Filter.custom_stopword([PLACEHOLDER]))
    .build()
)

# Where lexemes without positions go: past any position Postgres stores (16,383) and each
# further apart than the widest phrase (<16384>), so no PhraseQuery can join them.
POSITIONLESS_START = 1_000_000
POSITIONLESS_GAP = 20_000

_ITEM_BITS = 32
# Days before 1970 stay positive in the high bits; an undated entry's `oldest` day is above
# every real day's.
_DAY_OFFSET = 1 << 20
_UNDATED_OLDEST = (1 << 32) - 1
# Every dated entry's `newest` key is at least this; every undated one's below it.
FIRST_DATED = 1 << _ITEM_BITS
_EPOCH = datetime.date(1970, 1, 1)

# A lexeme of a vector's text form: quoted, a quote doubled and a backslash escaped, then its
# positions, each with an optional weight letter.
_LEXEME = re.compile(r"'([^']*(?:''[^']*)*)'(?::([0-9A-D,]+))?")
_ESCAPED = re.compile(r"''|\\(.)")
_WEIGHTS = re.compile("[A-D]")


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field(ITEM_ID, indexed=True)
    builder.add_unsigned_field(COMBINATION, indexed=True, fast=True)
    builder.add_text_field(OUTCOME, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field(NEWEST, fast=True)
    builder.add_unsigned_field(OLDEST, fast=True)
    builder.add_unsigned_field(MONTH, fast=True)
    builder.add_text_field(LEXEMES, tokenizer_name=ANALYZER_NAME, index_option="position")
    builder.add_text_field(TREATMENT, tokenizer_name=ANALYZER_NAME, index_option="position")
    builder.add_text_field(GENERIC_NAMES, tokenizer_name="raw", index_option="basic")
    return builder.build()


def ready(index: tantivy.Index) -> tantivy.Index:
    """`index` with the lexeme analyzer registered, as a writer needs it."""
    index.register_tokenizer(ANALYZER_NAME, ANALYZER)
    return index


@dataclass(frozen=True)
class Entry:
    """A search entry's columns as Postgres gives them (the vectors in their text form)."""

    item_id: int
    combination_id: int
    outcome: str
    decision_date: datetime.date | None
    search_vector: str
    treatment_vector: str
    generic_names: list[str] | None


def document(entry: Entry) -> tantivy.Document:
    """The entry's document (see the module docstring)."""
    doc = tantivy.Document()
    doc.add_unsigned(ITEM_ID, entry.item_id)
    doc.add_unsigned(COMBINATION, entry.combination_id)
    doc.add_text(OUTCOME, entry.outcome)
    doc.add_unsigned(NEWEST, newest_key(entry.item_id, entry.decision_date))
    doc.add_unsigned(OLDEST, oldest_key(entry.item_id, entry.decision_date))
    doc.add_unsigned(MONTH, month_of(entry.decision_date))
    add_vector(doc, LEXEMES, entry.search_vector)
    add_vector(doc, TREATMENT, entry.treatment_vector)
    for name in entry.generic_names or ():
        doc.add_text(GENERIC_NAMES, name)
    return doc


def add_vector(
    doc: tantivy.Document, field: str, vector: str
) -> tuple[list[tuple[int | None, str]], bool]:
    """Add a vector (in its text form) to `field`: as text when it can say it, else
    pre-tokenized (see the module docstring). Its lexemes, and whether they went as text."""
    lexemes = lexemes_of(vector)
    text = as_text(lexemes)
    if text is None:
        doc.add_pre_tokenized_text(field, tantivy.PreTokenizedString("", tokens(lexemes)))
    else:
        doc.add_text(field, text)
    return lexemes, text is not None


def newest_key(item_id: int, decision_date: datetime.date | None) -> int:
    """The `newest` field's value (see the module docstring)."""
    _check(item_id)
    if decision_date is None:
        return item_id
    return _day(decision_date) << _ITEM_BITS | item_id


def oldest_key(item_id: int, decision_date: datetime.date | None) -> int:
    """The `oldest` field's value (see the module docstring)."""
    _check(item_id)
    day = _UNDATED_OLDEST if decision_date is None else _day(decision_date)
    return day << _ITEM_BITS | item_id


def month_of(decision_date: datetime.date | None) -> int:
    """The `month` field's value: year * 12 + month (1-12), or 0 without a date."""
    return 0 if decision_date is None else decision_date.year * 12 + decision_date.month


def month_start(month: int) -> datetime.date | None:
    """The first day of a `month` value's month; None for an undated one (0)."""
    if month == 0:
        return None
    year, month_index = divmod(month - 1, 12)
    return datetime.date(year, month_index + 1, 1)


def item_of(key: int) -> int:
    """The item id a `newest` or `oldest` key carries."""
    return key & ((1 << _ITEM_BITS) - 1)


def _day(decision_date: datetime.date) -> int:
    return (decision_date - _EPOCH).days + _DAY_OFFSET


def _check(item_id: int) -> None:
    if item_id >> _ITEM_BITS:
        raise ValueError(f"item id {item_id} does not fit in {_ITEM_BITS} bits")


def lexemes_of(vector: str) -> list[tuple[int | None, str]]:
    """A vector's text form as (position, lexeme) pairs, lexeme by lexeme, each one's
    positions ascending; a lexeme without positions once, with None."""
    pairs: list[tuple[int | None, str]] = []
    for quoted, positions in _LEXEME.findall(vector):
        lexeme = (
            _ESCAPED.sub(lambda m: m.group(1) or "'", quoted)
            if "'" in quoted or "\\" in quoted
            else quoted
        )
        if positions:
            pairs += [(int(p), lexeme) for p in _WEIGHTS.sub("", positions).split(",")]
        else:
            pairs.append((None, lexeme))
    return pairs


def as_text(lexemes: list[tuple[int | None, str]]) -> str | None:
    """The lexemes in position order, a PLACEHOLDER in each gap, separated by spaces; None
    when that text would not say them (see the module docstring)."""
    if any(position is None for position, _ in lexemes):
        return None
    slots = [PLACEHOLDER] * max((position or 0 for position, _ in lexemes), default=0)
    for position, lexeme in lexemes:
        slots[(position or 0) - 1] = lexeme
    text = " ".join(slots)
    # A shared position, or a lexeme that is the placeholder, leaves fewer lexemes than
    # slots filled; one with whitespace in it splits into more words.
    if len(slots) - slots.count(PLACEHOLDER) != len(lexemes) or len(text.split()) != len(slots):
        return None
    return text


def tokens(lexemes: list[tuple[int | None, str]]) -> list[tantivy.Token]:
    """The lexemes as Tantivy tokens at their positions; those without one far apart (see
    POSITIONLESS_START). The tokens need not be in position order, only each lexeme's."""
    placed = []
    apart = 0
    for position, lexeme in lexemes:
        if position is None:
            position = POSITIONLESS_START + apart * POSITIONLESS_GAP
            apart += 1
        placed.append(tantivy.Token(lexeme, position, 0, 0))
    return placed
