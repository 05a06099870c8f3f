"""A query as Postgres parsed it (the text form of `websearch_to_tsquery`), as a tree.

The search index beside Postgres is asked the lexemes and operators Postgres' own parse gave
(decisions/engine/queries.py), so that both match the same entries: stemming, stop words and
websearch's syntax stay Postgres'. This module only reads the text form back into operators,
with Postgres' precedence. It needs no database and no Django.

(It once also rewrote phrases into lookups of an n-gram index on the search entries; that
index cost about half of an item's insert and is gone: BENCHMARKS.md, "Session 10".)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|''|\\.)*)'(:[*A-Da-d]+)?|(<->|<\d+>|[&|!()]))")


@dataclass(frozen=True)
class Word:
    lexeme: str
    plain: bool  # no prefix match or weight restriction (":*", ":AB")


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Phrase:
    """A left-associative chain: operand[0] <distance[0]> operand[1] <distance[1]> ..."""

    operands: tuple[Node, ...]
    distances: tuple[int, ...]


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Word | Not | Phrase | And | Or


def parse(tsquery: str) -> Node | None:
    """The tree of a tsquery's text form (None for an empty query). Precedence as Postgres
    prints it: ! over <-> over & over |."""
    tokens = _tokens(tsquery)
    if not tokens:
        return None
    tree, rest = _or(tokens)
    if rest:
        raise ValueError(f"unexpected {rest[0]!r} in tsquery {tsquery!r}")
    return tree


def _tokens(text: str) -> list[Word | str]:
    tokens: list[Word | str] = []
    position = 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"cannot read tsquery {text!r} at {position}")
        lexeme, suffix, operator = match.groups()
        if operator is None:
            unescaped = re.sub(r"''|\\(.)", lambda m: m.group(1) or "'", lexeme)
            tokens.append(Word(unescaped, plain=suffix is None))
        else:
            tokens.append(operator)
        position = match.end()
    return tokens


def _or(tokens: list) -> tuple[Node, list]:
    return _binary(tokens, "|", Or, _and)


def _and(tokens: list) -> tuple[Node, list]:
    return _binary(tokens, "&", And, _phrase)


def _binary(
    tokens: list,
    operator: str,
    kind: type[And] | type[Or],
    operand: Callable[[list], tuple[Node, list]],
) -> tuple[Node, list]:
    first, tokens = operand(tokens)
    operands = [first]
    while tokens and tokens[0] == operator:
        node, tokens = operand(tokens[1:])
        operands.append(node)
    return (first if len(operands) == 1 else kind(tuple(operands))), tokens


def _phrase(tokens: list) -> tuple[Node, list]:
    first, tokens = _unary(tokens)
    operands, distances = [first], []
    while tokens and isinstance(tokens[0], str) and tokens[0].startswith("<"):
        distances.append(1 if tokens[0] == "<->" else int(tokens[0][1:-1]))
        node, tokens = _unary(tokens[1:])
        operands.append(node)
    if not distances:
        return first, tokens
    return Phrase(tuple(operands), tuple(distances)), tokens


def _unary(tokens: list) -> tuple[Node, list]:
    if not tokens:
        raise ValueError("tsquery ends where an operand was expected")
    head, rest = tokens[0], tokens[1:]
    if isinstance(head, Word):
        return head, rest
    if head == "!":
        node, rest = _unary(rest)
        return Not(node), rest
    if head == "(":
        node, rest = _or(rest)
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced parentheses in tsquery")
        return node, rest[1:]
    raise ValueError(f"unexpected {head!r} in tsquery")
