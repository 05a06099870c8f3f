"""One name per specialty: the canonical vocabulary of data/specialties.toml, and the lookup.

Letters spell a specialty several ways ("Physical Medicine & Rehabilitation" and "... and
Rehabilitation", "Orthopaedic" and "Orthopedic", "Pain Management" and "Pain Medicine",
"Chiropractor" and "Chiropractic"), and a facet that counts each spelling apart splits one
specialty's decisions over several entries. The names are data (the ABMS member boards'
certificates, the licensed professions that review IMRs, their aliases), kept apart from the
code so that adding a name is a one-line change to a table a reader can check.

A name that is not in the vocabulary has no canonical name (None): the parser keeps it as
written and warns, and never guesses the nearest name.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "specialties.toml"
_NOT_A_WORD = re.compile(r"[^a-z0-9]+")


def _plain(name: str) -> str:
    """Lower case, "&" as "and", punctuation as spaces, single spaces."""
    return " ".join(_NOT_A_WORD.sub(" ", name.lower().replace("&", " and ")).split())


@dataclass(frozen=True, slots=True)
class _Matching:
    """How names are compared: leading words dropped, then equivalent spellings replaced."""

    leading: re.Pattern[str]
    equivalents: tuple[tuple[str, str], ...]  # whole words, padded with spaces

    def key(self, name: str) -> str:
        padded = f" {self.leading.sub('', _plain(name))} "
        for written, same in self.equivalents:
            padded = padded.replace(written, same)
        return padded.strip()


def _load() -> tuple[_Matching, dict[str, str]]:
    with _DATA.open("rb") as file:
        data = tomllib.load(file)
    leading = "|".join(re.escape(_plain(words)) for words in data["matching"]["leading_words"])
    matching = _Matching(
        leading=re.compile(rf"^(?:(?:{leading}) )+"),
        equivalents=tuple(
            (f" {_plain(written)} ", f" {_plain(same)} ")
            for written, same in data["matching"]["equivalents"]
        ),
    )
    names = [
        name
        for group in (*data["boards"], *data["osteopathic"])
        for name in (*group["specialties"], *group["subspecialties"])
    ] + [name for group in (*data["professions"], *data["letters"]) for name in group["names"]]
    canonical = set(names)
    pairs = [(name, name) for name in names]
    for alias, name in data["aliases"].items():
        if name not in canonical:
            raise ValueError(f"{_DATA.name}: alias {alias!r} names no canonical name: {name!r}")
        pairs.append((alias, name))
    index: dict[str, str] = {}
    for written, name in pairs:
        key = matching.key(written)
        if index.setdefault(key, name) != name:
            raise ValueError(f"{_DATA.name}: {written!r} reads as both {index[key]!r} and {name!r}")
    return matching, index


_MATCHING, _INDEX = _load()

# Every canonical name, for those who list or check them (the database's facet values).
CANONICAL_NAMES = frozenset(_INDEX.values())


# Letters repeat a few dozen names; longer values are looked up every time, so that a cache
# cannot hold a hostile file's megabytes.
_CACHED_LENGTH = 120


def canonical_specialty(name: str | None) -> str | None:
    """The canonical name of a specialty, subspecialty or profession as a letter writes it, or
    None when the vocabulary does not know it (or there is no name).

    Case, "&"/"and", punctuation, runs of spaces, the spellings of [matching] and the listed
    aliases are ignored: "physical medicine & rehabilitation" and "Physical Medicine and
    Rehabilitation" give "Physical Medicine and Rehabilitation"; "Pain Management" gives
    "Pain Medicine"; "Chiropractor" gives "Chiropractic". Pure and cheap: usable to map
    stored rows as well as while parsing.
    """
    if not name:
        return None
    return _cached(name) if len(name) <= _CACHED_LENGTH else _lookup(name)


def _lookup(name: str) -> str | None:
    return _INDEX.get(_MATCHING.key(name))


_cached = lru_cache(maxsize=1024)(_lookup)
