"""Phrase searches answered by an index of adjacent words instead of rechecking positions.

Postgres' GIN index on a tsvector stores which entries contain a word, not where: for a phrase
("functional restoration program") it returns every entry with all three words (243,933 of
2.4 million items) and Postgres reads each one's whole vector out of line to check positions
(44,024 are real matches). The search entries therefore have a second GIN index over their
vector's *n-grams* (migration 0005, `decisions_phrase_ngrams`): every two and three words at
consecutive positions, one string each ("function restor program"). A phrase of two or three
words is then one n-gram, looked up like a word, and needs no check of positions at all.

This module rewrites a query Postgres has already parsed (the text form of
`websearch_to_tsquery`) into conditions on that index. It needs no database and no Django.

- The query is a conjunction of single words (possibly negated) and unbroken phrases of two
  or three words: the rewrite is `exact`. The phrases become n-grams every match must have,
  the words a tsquery on the search vector; together they match exactly what the original
  query matches.
- Any other query (OR, a longer phrase, a negated phrase, a gap left by a stop word: "tears
  of the meniscus") still yields the n-grams every match must contain, when there are any;
  they narrow the candidates and the original query, checked on each, keeps the result exact.

N-grams are built from the stored vector, so both sides agree by construction: a word beyond
a lexeme's 256th position, or past position 16,383, is as absent from the n-grams as it is
from Postgres' own phrase check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# The longest lexeme a tsvector holds (bytes); longer n-grams are not indexed (migration 0005).
MAX_NGRAM_BYTES = 2046
# The longest phrase one n-gram holds; a longer phrase needs all its overlapping n-grams and,
# since those can come from different places, the original query's check as well.
MAX_NGRAM_WORDS = 3

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


@dataclass(frozen=True)
class Rewrite:
    """Conditions for a query (see the module docstring).

    `ngrams`: strings every match's n-grams contain. `words`: when the rewrite is exact, the
    tsquery text the search vector must also match ("" for none); None when it is not exact,
    and the original query must be checked.
    """

    ngrams: tuple[str, ...]
    words: str | None

    @property
    def exact(self) -> bool:
        return self.words is not None

    @property
    def ngram_query(self) -> str:
        """The n-grams as tsquery text: each one lexeme, all of them required."""
        return " & ".join(quote(ngram) for ngram in self.ngrams)


def rewrite(tsquery: str) -> Rewrite | None:
    """The n-gram conditions for a query in tsquery text form, or None when it has no phrase
    (or one whose n-grams cannot be indexed): the ordinary word index serves it best."""
    tree = parse(tsquery)
    if tree is None:
        return None
    ngrams = tuple(dict.fromkeys(_required_ngrams(tree)))
    if not ngrams:
        return None
    return Rewrite(ngrams=ngrams, words=_exact_words(tree))


def quote(lexeme: str) -> str:
    """A lexeme as a tsquery literal: quoted, so spaces and operators are part of it."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


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


def _runs(phrase: Phrase) -> list[list[str]]:
    """The phrase's maximal runs of plain words at consecutive positions.

    A chain's position is its last operand's, so in ('a' <-> 'b') <2> 'c' <-> 'd' the words
    a, b and c, d are adjacent whatever came before. A group (parenthesised operand) breaks a
    run: what it matches at is not one word's position.
    """
    runs: list[list[str]] = []
    current: list[str] = []
    for operand, distance in zip(phrase.operands, (None, *phrase.distances), strict=True):
        if isinstance(operand, Word) and operand.plain:
            if distance == 1 and current:
                current.append(operand.lexeme)
                continue
            runs.append(current)
            current = [operand.lexeme]
        else:
            runs.append(current)
            current = []
    runs.append(current)
    return [run for run in runs if len(run) > 1]


def _run_ngrams(run: list[str]) -> list[str]:
    size = min(len(run), MAX_NGRAM_WORDS)
    grams = [" ".join(run[i : i + size]) for i in range(len(run) - size + 1)]
    return [gram for gram in grams if len(gram.encode()) <= MAX_NGRAM_BYTES]


def _required_ngrams(node: Node) -> list[str]:
    """N-grams every match contains: from the phrases that are conjuncts of the query."""
    if isinstance(node, And):
        return [gram for operand in node.operands for gram in _required_ngrams(operand)]
    if isinstance(node, Phrase):
        return [gram for run in _runs(node) for gram in _run_ngrams(run)]
    return []  # a word (the word index has it), a negation, an alternative


def _exact_words(tree: Node) -> str | None:
    """The words the search vector must match besides the n-grams, as tsquery text, when the
    n-grams and they are together exactly the query; None when they are not."""
    words: list[str] = []
    for operand in tree.operands if isinstance(tree, And) else (tree,):
        if isinstance(operand, Phrase):
            runs = _runs(operand)
            whole = (
                len(runs) == 1
                and len(runs[0]) == len(operand.operands) <= MAX_NGRAM_WORDS
                and len(_run_ngrams(runs[0])) == 1
            )
            if not whole:
                return None
        elif isinstance(operand, Word) and operand.plain:
            words.append(quote(operand.lexeme))
        elif (
            isinstance(operand, Not) and isinstance(operand.operand, Word) and operand.operand.plain
        ):
            words.append("!" + quote(operand.operand.lexeme))
        else:
            return None
    return " & ".join(words)
