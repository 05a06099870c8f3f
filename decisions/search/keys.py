"""Page keys: where a page starts, so that a deep page reads from there instead of OFFSET.

A results page's "next" link carries the key of its last row (`after=`), its "previous" link
the key of its first (`before=`): the row's values in the result order (whether the query
matches its treatment, for relevance; its decision date, or none; its item id). The page
then reads its rows past that row along the order's index (a range condition on the
search entries' or the items' date indexes), where `?page=500` by OFFSET walks 9,980 index
entries first. The page number stays in the address, so the page still says where it is.

A key is signed (Django's signing, the site's SECRET_KEY) together with its direction, the
sort, the page number and the filters of the search it was written for: a key altered by
hand, or carried into another search, page, order or direction, is not read, and the page
is found by its number (OFFSET) as if there were no key. A key never makes an error page.

The date orders put undated rows last (NULLS LAST), which no single range of an index can
express: the rows past a dated key are the dated ones past it, then every undated one
(`PageKey.parts`, each a range of the index). The page merges the ranges in order under one
LIMIT, so Postgres reads the undated range only as far as the page reaches into it (at 20,000
letters, page 300 newest first: 21 index entries and 8 buffers for its ids, against 6,000
entries walked past by OFFSET).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core import signing
from django.db.models import BooleanField, F, Func, OrderBy, Q, Value

from .vocabulary import Sort


class Direction(StrEnum):
    """The link a key comes from, and its parameter: the rows after the key (a next page) or
    before it (a previous page)."""

    AFTER = "after"
    BEFORE = "before"


# A page's place: its number and key. Every link but a page's own leaves them out (another
# order or filter starts from page 1), and a key's signature covers every other parameter.
PAGING_PARAMETERS = ("page", *Direction)

_SIGNER_SALT = "decisions.search.keys"
# Within the signed value: the values' separator, and the spelling of a missing date.
_SEPARATOR = "_"
_UNDATED = "undated"


@dataclass(frozen=True)
class PageKey:
    """A result row's place in the order: its values, and which side of it a page lists."""

    direction: Direction
    date: datetime.date | None
    item_id: int
    in_treatment: bool | None = None  # relevance only

    @property
    def forward(self) -> bool:
        """The page lists the rows after the key (read in the order), not before it."""
        return self.direction == Direction.AFTER

    def sign(self, context: str) -> str:
        """The key as a link carries it, valid only in the search `context` (`context_of`):
        e.g. "2015-03-02_1234.<signature>", "undated_1234.<signature>", and for relevance
        "t_2015-03-02_1234.<signature>" (t: the query matches the treatment, f: it does not)."""
        values = [self.date.isoformat() if self.date else _UNDATED, str(self.item_id)]
        if self.in_treatment is not None:
            values.insert(0, "t" if self.in_treatment else "f")
        return _signer(context, self.direction).sign(_SEPARATOR.join(values))

    @classmethod
    def read(cls, direction: Direction, signed: str, context: str) -> PageKey | None:
        """The key a link carried, or None when it was not written for this context (then
        the page is found by its number)."""
        try:
            *rank, date, item_id = _signer(context, direction).unsign(signed).split(_SEPARATOR)
            return cls(
                direction=direction,
                date=None if date == _UNDATED else datetime.date.fromisoformat(date),
                item_id=int(item_id),
                in_treatment={"t": True, "f": False}[rank[0]] if rank else None,
            )
        except (signing.BadSignature, ValueError, KeyError):
            return None

    def parts(self, date: str, item_id: str, in_treatment: Q | None, descending: bool) -> list[Q]:
        """The rows past the key, as conditions each a range of the order's index, in the
        order the page reads them: past the key among the rows like it (dated or not, and
        for relevance matching the treatment or not), then each later group whole.

        `date` and `item_id` name the columns, `in_treatment` is the relevance condition
        (None in a date order), `descending` whether the order lists the newest first.
        """
        # Read backwards (a previous page), the comparisons flip and the undated come first.
        past = "lt" if descending == self.forward else "gt"
        dated, undated = Q(**{f"{date}__isnull": False}), Q(**{f"{date}__isnull": True})
        if self.date is None:
            own = undated & Q(**{f"{item_id}__{past}": self.item_id})
            later = [] if self.forward else [dated]
        else:
            own = Q(_RowComparison(F(date), F(item_id), self.date, self.item_id, past))
            later = [undated] if self.forward else []
        if in_treatment is None:
            return [own, *later]
        rank, other = (in_treatment, ~in_treatment)
        if not self.in_treatment:
            rank, other = other, rank
        # The treatment's matches come first, read forwards: after them, the other matches.
        other_later = self.in_treatment == self.forward
        return [rank & part for part in (own, *later)] + ([other] if other_later else [])


def reading_order(order: tuple[OrderBy, ...], key: PageKey) -> tuple[OrderBy, ...]:
    """The result order as a page past `key` reads it: reversed for a previous page (its
    rows are the last ones before the key, put back in order once read)."""
    if key.forward:
        return order
    return tuple(
        OrderBy(
            term.expression,
            descending=not term.descending,
            nulls_first=term.nulls_last,
            nulls_last=term.nulls_first,
        )
        for term in order
    )


def context_of(sort: Sort, number: int, cleaned: dict[str, Any]) -> str:
    """What a key is valid for: the order, the page it leads to, and every other parameter
    as cleaned (so any spelling of the same search reads the same key)."""
    others = sorted(
        (name, repr(value))
        for name, value in cleaned.items()
        if name not in (*PAGING_PARAMETERS, "sort")
    )
    return repr((str(sort), number, others))


def _signer(context: str, direction: Direction) -> signing.Signer:
    """Signs for one context and direction: a next link's key read as `before` is not valid."""
    return signing.Signer(salt=f"{_SIGNER_SALT}:{direction}:{context}", sep=".")


class _RowComparison(Func):
    """(date, id) < (d, i), or >: compared as a row, which a btree index answers as one
    range (its Index Cond), where `date < d OR (date = d AND id < i)` is a filter on a walk
    from the index's start. Rows without a date are in neither range."""

    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, date: F, item_id: F, day: datetime.date, number: int, lookup: str) -> None:
        super().__init__(
            Func(date, item_id, function="ROW"),
            Func(Value(day), Value(number), function="ROW"),
            arg_joiner={"lt": " < ", "gt": " > "}[lookup],
        )
