"""A query Postgres has parsed (the text form of `websearch_to_tsquery`) as a Tantivy query over
one of the index's lexeme fields (decisions/engine/documents.py).

Why from Postgres' parse: the index holds each entry's own lexemes at their own positions, so
a query that names the same lexemes with the same operators matches exactly the entries
Postgres matches. Stemming, stop words and websearch's syntax stay Postgres' (one `SELECT
websearch_to_tsquery(...)::text`); this module only maps the operators, through the tree
decisions/engine/tsquery.py reads:

- a lexeme: a TermQuery (the field is indexed as given, nothing lowercased or stemmed);
- `&`: a BooleanQuery of Must clauses, a negated operand a MustNot clause;
- `|`: Should clauses;
- `!x` standing alone: everything (AllQuery) but x; Tantivy matches nothing from MustNot
  clauses alone;
- `<N>` chains of lexemes: a PhraseQuery with explicit offsets. Postgres matches `A <N> B`
  when B starts N positions after A ends (a group's width counts), so nested chains
  flatten to offsets: the right side starts at the left side's end + N. Offsets may repeat
  (`<0>`), as Tantivy allows.

Not converted (`Unconvertible`): a phrase with an operand other than a lexeme or a chain of
lexemes (`'a' <-> !'b'`, `'a' <-> ('b' | 'c')`), and prefix or weight-restricted lexemes
(`:*`, `:AB`). websearch_to_tsquery yields none of them with the english configuration; a
caller given one counts in Postgres instead. Pure Python: no database, no Django.

`negation_free` says whether a query can only match more where a field holds more lexemes at
more positions (no `!` anywhere): the index then asks "the treatment matches too" of the small
treatment field alone (decisions/engine/index.py).
"""

from __future__ import annotations

import tantivy

from .tsquery import And, Node, Not, Phrase, Word, parse


class Unconvertible(ValueError):
    """A tsquery this mapping does not express exactly; the message says which part."""


def from_tsquery(schema: tantivy.Schema, field: str, tsquery: str) -> tantivy.Query:
    """The Tantivy query matching exactly the documents whose `field` the tsquery text
    matches."""
    tree = parse(tsquery)
    if tree is None:  # only stop words: Postgres matches nothing
        return tantivy.Query.empty_query()
    return _query(schema, field, tree)


def negation_free(tsquery: str) -> bool:
    """Whether the tsquery has no `!`: then adding lexemes or positions to a field never makes
    it stop matching (Postgres' and the mapping's operators alike), so whatever a part of a
    field matches at that part's own positions, the whole field matches too."""
    tree = parse(tsquery)
    return tree is None or not _negated(tree)


def _negated(node: Node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, Word):
        return False
    return any(_negated(operand) for operand in node.operands)


def _query(schema: tantivy.Schema, field: str, node: Node) -> tantivy.Query:
    if isinstance(node, Word):
        return tantivy.Query.term_query(schema, field, _lexeme(node))
    if isinstance(node, Phrase):
        terms, _ = _chain(node)
        return tantivy.Query.phrase_query(schema, field, sorted(terms))
    if isinstance(node, Not):
        return _boolean([(tantivy.Occur.MustNot, _query(schema, field, node.operand))])
    if isinstance(node, And):
        return _boolean(
            [
                (tantivy.Occur.MustNot, _query(schema, field, operand.operand))
                if isinstance(operand, Not)
                else (tantivy.Occur.Must, _query(schema, field, operand))
                for operand in node.operands
            ]
        )
    return tantivy.Query.boolean_query(  # an Or
        [(tantivy.Occur.Should, _query(schema, field, operand)) for operand in node.operands]
    )


def _boolean(clauses: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query:
    """A conjunction; with only negated clauses, of everything else (as Postgres' `!`)."""
    if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
        clauses = [(tantivy.Occur.Must, tantivy.Query.all_query()), *clauses]
    return tantivy.Query.boolean_query(clauses)


def _chain(node: Node) -> tuple[list[tuple[int, str]], int]:
    """A phrase's lexemes with their offsets from its first position, and its last
    position's offset (its width)."""
    if isinstance(node, Word):
        return [(0, _lexeme(node))], 0
    if not isinstance(node, Phrase):
        kind = "a negation" if isinstance(node, Not) else "an alternative or a conjunction"
        raise Unconvertible(f"a phrase with {kind} inside has no PhraseQuery equivalent")
    terms, end = _chain(node.operands[0])
    for operand, distance in zip(node.operands[1:], node.distances, strict=True):
        right, width = _chain(operand)
        start = end + distance
        terms += [(start + offset, lexeme) for offset, lexeme in right]
        end = start + width
    return terms, end


def _lexeme(word: Word) -> str:
    if not word.plain:
        raise Unconvertible(f"{word.lexeme!r} is a prefix or weight-restricted lexeme")
    return word.lexeme
