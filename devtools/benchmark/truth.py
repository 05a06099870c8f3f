"""How many items each query should find, counted in the generator's expected parses.

Why: a fast page that counts the wrong items is no win, and a count equal to the peer's
could be equally wrong in both. The corpus carries each letter's expected parse
(devtools/synthetic/truth.py), so each query's parameters are applied to those values here,
in plain Python, and the report puts the count beside the app's: a difference is a letter
the parser read otherwise (or refused), or a search that finds other items.

What a parameter means here:
- q: every word of the query at the start of a word of the item's treatment, generic names
  or rationale (case aside: "injection" finds "Injections"), a "quoted phrase" its words in
  a row. That is the app's stemmed search on the generator's vocabulary, which has no word
  that stems to a query word without beginning with it; a query with operators (OR, -word)
  has no truth here (None).
- outcome, specialty (grouping name, decisions/specialties.py), cited_page (a page of a
  document in the reviewer's citations): the expected parse's values.
- drug, category, drug_class: the app's taxonomy (decisions/taxonomy) applied to the
  expected treatment, so that the count checks the parse, storage and search, not the
  classifier.
No Django: the counting runs in worker processes, a shard of the corpus each.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from decisions.specialties import grouping_name, grouping_name_of
from decisions.taxonomy import classify, generic_names_of
from devtools.synthetic import LETTERS_PER_SHARD, shard_folder

from .queries import Query


@dataclass(frozen=True)
class TruthItem:
    text: str  # treatment, generic names and rationale, lower case
    outcome: str
    specialty: str | None
    cited_pages: frozenset[str]
    generic_names: frozenset[str]
    category: str
    drug_class: str | None


def truth_items(expected: dict) -> Iterator[TruthItem]:
    """A letter's items as the queries see them, from its expected parse."""
    reviewer = expected["reviewer"]
    specialty = grouping_name(reviewer["specialty"], reviewer["specialty_canonical"])
    for item in expected["items"]:
        requested = classify(item["treatment"])
        citations = (item["reviewer_basis"] or {}).get("citations", [])
        yield TruthItem(
            text=" ".join(
                (item["treatment"], " ".join(requested.generic_names), item["rationale"])
            ).lower(),
            outcome=item["outcome"],
            specialty=specialty,
            cited_pages=frozenset(
                f"{c['document']}:{page}" for c in citations if c["document"] for page in c["pages"]
            ),
            generic_names=frozenset(requested.generic_names),
            category=requested.category.value,
            drug_class=None if requested.drug_class is None else requested.drug_class.value,
        )


@dataclass(frozen=True)
class Selection:
    """The items a query's parameters select: each pattern found in the text, each attribute
    equal to its value, each set attribute holding its values."""

    patterns: tuple[re.Pattern, ...] = ()
    equal: tuple[tuple[str, str | None], ...] = ()
    holding: tuple[tuple[str, frozenset[str]], ...] = ()

    def __call__(self, item: TruthItem) -> bool:
        return (
            all(pattern.search(item.text) for pattern in self.patterns)
            and all(getattr(item, name) == value for name, value in self.equal)
            and all(values <= getattr(item, name) for name, values in self.holding)
        )


_TERMS = re.compile(r'"([^"]*)"|(\S+)')


def selection(params: dict[str, str | int]) -> Selection | None:
    """The items a query's parameters select, or None when the truth cannot say (see the
    module docstring)."""
    patterns: list[re.Pattern] = []
    equal: list[tuple[str, str | None]] = []
    holding: list[tuple[str, frozenset[str]]] = []
    for name, value in params.items():
        text = str(value)
        if name == "q":
            found = _text_patterns(text)
            if found is None:
                return None
            patterns += found
        elif name in ("outcome", "category", "drug_class"):
            equal.append((name, text))
        elif name == "specialty":
            equal.append(("specialty", grouping_name_of(text)))
        elif name == "cited_page":
            holding.append(("cited_pages", frozenset([text])))
        elif name == "drug":
            holding.append(("generic_names", frozenset(generic_names_of(text) or (text.lower(),))))
        elif name not in ("sort", "page_base"):
            return None
    return Selection(tuple(patterns), tuple(equal), tuple(holding))


def _text_patterns(query: str) -> list[re.Pattern] | None:
    """One pattern per word or quoted phrase of a query; None for websearch's operators."""
    patterns = []
    for phrase, word in _TERMS.findall(query.lower()):
        words = phrase.split() if phrase else [word]
        if not phrase and (word == "or" or word.startswith("-")):
            return None
        if words:
            patterns.append(re.compile(r"\b" + r"\W+".join(re.escape(w) for w in words)))
    return patterns


def _count_shard(queries: list[Query], folder: Path) -> Counter[str]:
    selections = {query.label: selection(query.params) for query in queries}
    counts: Counter[str] = Counter()
    for path in sorted(folder.glob("*.json")):
        for item in truth_items(json.loads(path.read_text(encoding="utf-8"))):
            for label, selects in selections.items():
                counts[label] += selects is not None and selects(item)
    return counts


def truth_counts(
    corpus: Path, letters: int, queries: list[Query], workers: int = 1
) -> dict[str, int | None]:
    """Each query's expected count of items in letters 0..letters-1 of `corpus` (None where
    the truth cannot say), shards split over `workers` processes."""
    folders = [shard_folder(corpus, start) for start in range(0, letters, LETTERS_PER_SHARD)]
    total: Counter[str] = Counter()
    count = partial(_count_shard, queries)
    if workers <= 1 or len(folders) <= 1:
        for folder in folders:
            total.update(count(folder))
    else:
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with context.Pool(min(workers, len(folders))) as pool:
            for counts in pool.imap_unordered(count, folders):
                total.update(counts)
    return {
        query.label: None if selection(query.params) is None else total[query.label]
        for query in queries
    }
