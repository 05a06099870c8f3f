"""The words the classifier knows, read from data/drugs.toml and data/services.toml.

The data files say what each phrase means; this module turns them into the indexes the
classifier reads: phrases by their first word (longest first), the words that correct a
misspelt drug or service word, the endings that name a surgery or a drug class. Everything is
built once per process, on first use (`vocabulary()`), and checked as it is built: a phrase
given two meanings, a generic name without a class or an unknown category stops the load with
the file and phrase to fix, so that a mistake in the data never classifies quietly.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache
from importlib import resources
from typing import Any

from .model import Category, DrugClass

DATA_FILES = ("drugs.toml", "services.toml")

# Words are runs of letters or of digits: "10/325mg" is 10, 325, mg; "H-wave" is h, wave. Both
# alternatives are single character classes, so the scan is linear in the text.
_WORD = re.compile(r"[a-z]+|[0-9]+")

# Initials written with full stops are one word: "M.R.I." is mri, "T.E.N.S." tens, "p.o." po.
# Each repetition consumes a full stop and a letter, so the scan is linear too.
_INITIALS = re.compile(r"\b[a-z](?:\.[a-z])+\b")

# Fuzzy matching (one letter added, dropped, changed, or two neighbours swapped) corrects a
# word into a drug name of one word and at least this many letters, and only in a request that
# gives a dose or a quantity (drugs.toml [dosing]): in any other text an English word can be
# one letter from a drug ("ability", Abilify).
_FUZZY_MIN_LENGTH = 6
# A word of services.toml is corrected to in any request ("Physical therpay", "Pyschotherapy"),
# with a dose or without: one of at least _FUZZY_MIN_LENGTH letters by any one edit, one of
# this many by a swap of two neighbouring letters only ("blcok"), which turns no English word
# into another as often as a changed letter does ("black"). The first letter must be the one
# written: a typist rarely misses it, and most English words a letter from a service word
# differ there ("dollar", collar; "fraction", traction; "teacher", reacher). A letter added at
# the end is an English ending, not a slip ("evaluated", "officer").
_SWAP_MIN_LENGTH = 5
# Words whose fuzzy matches are kept (Vocabulary._near); the cache is emptied when full. Each
# is at most a target's length and a letter, so the memory is bounded.
_NEAR_CACHE_SIZE = 16_384


class Group(IntEnum):
    """Which kind of phrase decides a request's category: the lowest group named, then the
    first phrase of it (services.toml explains the order)."""

    CARE = 0
    VISITS = 1
    PROCEDURES = 2
    ANCILLARY = 3
    DRUGS = 4


_SERVICE_GROUPS = {
    "care": Group.CARE,
    "visits": Group.VISITS,
    "procedures": Group.PROCEDURES,
    "ancillary": Group.ANCILLARY,
}


@dataclass(frozen=True, slots=True)
class Term:
    """What a phrase means. A neutral phrase has no category: it only keeps the words it holds
    from meaning anything else ("post-operative" holds no operation)."""

    category: Category | None
    group: Group
    generics: tuple[str, ...] = ()
    drug_classes: tuple[DrugClass, ...] = ()
    topical: bool = False  # applied to the skin: a topical form, or a topical product
    compounded: bool = False  # "compounded": topical unless an oral form is named too
    oral: bool = False
    form: str = ""  # a form's word ("patch"): a product's ingredients may depend on it
    # A product whose ingredients depend on its form: (form, that form's generics) pairs.
    by_form: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def generics_given(self, forms: set[str]) -> tuple[str, ...]:
        """This product's generics in a request naming `forms`: those of each form named
        ("Terocin 4% patch": the patch's; "Terocin lotion and patches": both's), else its own."""
        named = [generics for form, generics in self.by_form if form in forms]
        if not named:
            return self.generics
        return tuple(dict.fromkeys(name for generics in named for name in generics))


NEUTRAL = Term(None, Group.DRUGS)
SURGERY = Term(Category.SURGERY, Group.PROCEDURES)

Phrase = tuple[str, ...]


def _ascii(char: str) -> str:
    """A character of a decomposed text as ASCII: an accent is dropped (it belongs to the
    letter before it), any other character outside ASCII separates words as punctuation does
    (an en dash in "Hydrocodone–APAP 10–325" is a hyphen, not nothing)."""
    if char.isascii():
        return char
    return "" if unicodedata.combining(char) else " "


def words(text: str) -> list[str]:
    """The words of `text`, lower case, accents dropped ("Flexéril" -> flexeril), other
    characters outside ASCII read as separators, initials joined ("M.R.I." -> mri)."""
    text = text.casefold()
    if not text.isascii():
        text = "".join(map(_ascii, unicodedata.normalize("NFKD", text)))
    if "." in text:
        text = _INITIALS.sub(lambda initials: initials[0].replace(".", ""), text)
    return _WORD.findall(text)


def _phrase(written: str, where: str) -> Phrase:
    phrase = tuple(words(written))
    if not phrase:
        raise ValueError(f"{where}: {written!r} has no words")
    return phrase


@dataclass
class _Builder:
    """Collects the phrases of both files, refusing a phrase given two meanings."""

    terms: dict[Phrase, tuple[Term, str]] = field(default_factory=dict)

    def add(self, written: str, term: Term, where: str) -> None:
        phrase = _phrase(written, where)
        previous = self.terms.get(phrase)
        if previous is not None and previous[0] != term:
            raise ValueError(
                f"{where}: {written!r} is also in {previous[1]}, with another meaning;"
                " a phrase may mean one thing only"
            )
        self.terms[phrase] = (term, where)


@dataclass(frozen=True)
class Vocabulary:
    """The indexes the classifier reads (see the module docstring)."""

    phrases: dict[str, tuple[tuple[Phrase, Term], ...]]  # first word -> longest first
    known_words: frozenset[str]
    words_alone: frozenset[str]  # the phrases of one word
    # Their beginnings and ends, two letters or more: "nor" and "co" of "norco".
    word_starts: frozenset[str]
    word_ends: frozenset[str]
    # The words of longer phrases, 6 letters or more, that an extraction may break in two
    # ("thera- py"), and their beginnings and ends, two letters or more.
    split_words: frozenset[str]
    split_starts: frozenset[str]
    split_ends: frozenset[str]
    aliases: dict[str, str]  # misspelt word -> the word meant
    spelt_right: frozenset[str]  # English words a letter from a known word: never corrected
    dose_words: frozenset[str]  # words that give a dose or quantity: "mg", "qty"
    dose_marks: tuple[str, ...]  # characters that do: "#", "%"
    # Fuzzy matching's targets: one-word drug names, 6 letters or more (in a request giving
    # a dose), and the words of services.toml, 5 letters or more (in any request).
    drug_words: frozenset[str]
    service_words: frozenset[str]
    fuzzy_words: frozenset[str]  # both
    fuzzy_deletions: dict[str, frozenset[str]]  # a target less one letter -> the targets
    longest_fuzzy_word: int
    # Word endings -> the drug class of an unlisted generic name, or None: a surgery.
    endings: tuple[tuple[str, DrugClass | None], ...]
    any_ending: tuple[str, ...]
    classes: dict[str, DrugClass]  # generic name -> class
    precedence: tuple[DrugClass, ...]
    systemic_transdermal: frozenset[str]
    drug_names: dict[Phrase, tuple[str, ...]]  # brand, spelling or generic -> generics
    # generic -> (its partner, the partner's strengths) pairs: "Hydrocodone 10/325" names
    # acetaminophen by its 325 (drugs.toml [implied_partners]).
    partners: dict[str, tuple[tuple[str, frozenset[str]], ...]]
    # Unknown words -> the targets one edit away: the words of headings repeat far more than
    # the headings do ("lumbar", "retrospective"), and the search is most of a heading's cost.
    _near: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def correct(self, word: str, *, dosed: bool) -> str:
        """The known word `word` stands for: itself, a listed misspelling's word, its singular,
        or the one word a letter away from it: a word of services.toml (same first letter,
        see _SWAP_MIN_LENGTH; not for a word known by its ending, "trapeziectomy") or, in a
        request giving a dose (`dosed`), a drug name; else `word` unchanged. A word a letter
        from two meanings stays unknown: which was meant would be a guess; so does an English
        word listed as spelt right (services.toml [spelt_right]: "infection")."""
        word = self.aliases.get(word, word)
        if word in self.known_words:
            return word
        for plural in ("s", "es"):
            if word.endswith(plural) and word[: -len(plural)] in self.known_words:
                return word[: -len(plural)]
        if len(word) < _SWAP_MIN_LENGTH or not word.isalpha() or word in self.spelt_right:
            return word
        near = self._near.get(word)
        if near is None:
            if len(self._near) >= _NEAR_CACHE_SIZE:
                self._near.clear()
            near = _near(word, self.fuzzy_words, self.fuzzy_deletions, self.longest_fuzzy_word)
            self._near[word] = near
        if not near:  # nearly every word
            return word
        services = [
            meant
            for meant in near
            if meant in self.service_words
            and meant[0] == word[0]
            and not word.startswith(meant)  # an ending added: "evaluated", "officer"
            and (len(meant) >= _FUZZY_MIN_LENGTH or _swapped(word, meant))
        ]
        drugs = [meant for meant in near if meant in self.drug_words]
        # Names a letter apart may mean one drug ("gabapenten" is listed as gabapentin); a
        # service word means itself (no generic name is "").
        meanings = {self.drug_names.get((meant,), ("", meant)) for meant in services + drugs}
        if len(meanings) != 1:
            return word
        if services:
            return word if self.derived(word) is not None else services[0]
        return drugs[0] if dosed and len(word) >= _FUZZY_MIN_LENGTH else word

    def derived(self, word: str) -> Term | None:
        """What an unlisted word means by its ending: a surgical procedure ("trapeziectomy")
        or a generic drug of a class ("rabeprazole"); None if nothing. The ending must follow
        a stem of three letters or more ("desis" alone is no arthrodesis)."""
        if not word.endswith(self.any_ending):  # one call rules out nearly every word
            return None
        for ending, drug_class in self.endings:
            if len(word) >= len(ending) + 3 and word.endswith(ending):
                if drug_class is None:
                    return SURGERY
                return Term(
                    Category.PHARMACEUTICAL,
                    Group.DRUGS,
                    generics=(word,),
                    drug_classes=(drug_class,),
                )
        return None

    def terms(self, text: str) -> Iterator[Term]:
        """The terms of `text`, in order: at each word the longest phrase starting there, or
        what the word means by its ending; a word that means nothing is joined to the next if
        that means nothing either and the two make a known word as written (an extraction
        breaks a word where the letter's line did: "Cyclobenza- prine", "Nor co 10/325",
        "Acupunct ure"), else passed over. A word of a longer phrase is joined so too ("thera-
        py"), before phrases are read, so that "Physical thera- py" is physical therapy."""
        written = words(text)
        dosed = any(mark in text for mark in self.dose_marks)
        dosed = dosed or not self.dose_words.isdisjoint(written)
        written, found = self._joined(
            written, [self.correct(word, dosed=dosed) for word in written]
        )
        i = 0
        while i < len(found):
            for phrase, term in self.phrases.get(found[i], ()):
                if tuple(found[i : i + len(phrase)]) == phrase:
                    yield term
                    i += len(phrase)
                    break
            else:
                by_ending = self.derived(found[i])
                if by_ending is not None:
                    yield by_ending
                elif (
                    written[i] in self.word_starts
                    and i + 1 < len(found)
                    and written[i + 1] in self.word_ends
                    and found[i + 1] not in self.words_alone
                    and self.derived(found[i + 1]) is None
                    and written[i] + written[i + 1] in self.words_alone
                ):
                    # No phrase is found[i] alone (one would have matched): the two are one.
                    found[i + 1] = written[i] + written[i + 1]
                i += 1

    def _joined(self, written: list[str], found: list[str]) -> tuple[list[str], list[str]]:
        """`written` and `found` with each two neighbouring unknown words that make a word of
        a longer phrase as written made one ("thera py": therapy); a word of a phrase of its
        own is joined as the phrases are read (`terms`)."""
        if not any(word in self.split_starts for word in written):  # nearly every request
            return written, found
        joined_written: list[str] = []
        joined_found: list[str] = []
        i = 0
        while i < len(found):
            if (
                i + 1 < len(found)
                and written[i] in self.split_starts
                and written[i + 1] in self.split_ends
                and written[i] + written[i + 1] in self.split_words
                and not self._means(found[i])
                and not self._means(found[i + 1])
            ):
                joined_written.append(written[i] + written[i + 1])
                joined_found.append(written[i] + written[i + 1])
                i += 2
            else:
                joined_written.append(written[i])
                joined_found.append(found[i])
                i += 1
        return joined_written, joined_found

    def _means(self, word: str) -> bool:
        return word in self.known_words or self.derived(word) is not None


def _near(
    word: str, targets: frozenset[str], deletions: dict[str, frozenset[str]], longest: int
) -> list[str]:
    """The words of `targets` one edit from `word` (see _one_edit), in alphabetical order;
    `deletions` maps each target less one letter to the targets, `longest` is the longest
    target (a longer word is none's: its cost is bounded, whatever its length)."""
    if len(word) > longest + 1:
        return []
    # Words sharing a deletion are at most two edits apart: keep those one edit away.
    candidates = set(deletions.get(word, ()))
    for i in range(len(word)):
        shorter = word[:i] + word[i + 1 :]
        if shorter in targets:
            candidates.add(shorter)
        candidates.update(deletions.get(shorter, ()))
    return sorted(candidate for candidate in candidates if _one_edit(word, candidate))


def _swapped(word: str, other: str) -> bool:
    """Whether `other` is `word` with two neighbouring letters swapped."""
    differ = [i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b]
    return (
        len(word) == len(other)
        and len(differ) == 2
        and differ[1] == differ[0] + 1
        and word[differ[0]] == other[differ[1]]
    )


def _one_edit(word: str, other: str) -> bool:
    """Whether `other` is `word` with one letter added, dropped or changed, or two neighbouring
    letters swapped."""
    if len(word) == len(other):
        differ = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
        return len(differ) == 1 or (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and word[differ[0]] == other[differ[1]]
            and word[differ[1]] == other[differ[0]]
        )
    shorter, longer = sorted((word, other), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    i = next(
        (i for i, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b), len(shorter)
    )
    return shorter[i:] == longer[i + 1 :]


def _read(name: str) -> dict[str, Any]:
    with resources.files(__package__).joinpath("data", name).open("rb") as file:
        return tomllib.load(file)


def _enum(kind: type[Category] | type[DrugClass], value: str, where: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a {kind.__name__}") from None


def _generic(name: str, classes: dict[str, DrugClass], where: str) -> str:
    if name not in classes:
        raise ValueError(f"drugs.toml {where}: {name!r} is not in [classes]")
    return name


def _drug_terms(data: dict[str, Any], builder: _Builder) -> dict[str, DrugClass]:
    classes: dict[str, DrugClass] = {}
    for class_name, generics in data["classes"].items():
        drug_class = _enum(DrugClass, class_name, "drugs.toml [classes]")
        for generic in generics:
            if generic in classes:
                raise ValueError(f"drugs.toml [classes]: {generic!r} is in two classes")
            classes[generic] = drug_class

    routes = data["routes"]
    topical = {_phrase(name, "topical_products") for name in routes["topical_products"]}
    injected = {_phrase(name, "injected_products") for name in routes["injected_products"]}

    forms = data["forms"]
    form_words = {" ".join(_phrase(written, "[forms]")) for key in forms for written in forms[key]}
    by_form = {
        brand: tuple(
            (
                _known_form(form, form_words, brand),
                tuple(_generic(each, classes, f"[brand_forms] {brand}") for each in generics),
            )
            for form, generics in named.items()
        )
        for brand, named in data["brand_forms"].items()
    }
    if set(by_form) - set(data["brands"]):
        raise ValueError(
            f"drugs.toml [brand_forms]: {sorted(set(by_form) - set(data['brands']))}"
            " are not in [brands]"
        )

    def add(name: str, generics: tuple[str, ...], where: str) -> None:
        phrase = _phrase(name, where)
        if phrase in injected:
            term = Term(Category.INJECTION, Group.PROCEDURES, generics)
        else:
            term = Term(
                Category.PHARMACEUTICAL,
                Group.DRUGS,
                generics,
                topical=phrase in topical,
                by_form=by_form.get(name, ()) if where == "[brands]" else (),
            )
        builder.add(name, term, f"drugs.toml {where}")

    for name in classes:
        add(name, (name,), "[classes]")
    for name, meant in data["spellings"].items():
        add(name, (_generic(meant, classes, "[spellings]"),), "[spellings]")
    for name, generics in data["brands"].items():
        add(
            name,
            tuple(_generic(each, classes, f"[brands] {name}") for each in generics),
            "[brands]",
        )
    named = set(builder.terms)
    for listed, where in ((topical, "topical_products"), (injected, "injected_products")):
        if listed - named:
            unknown = sorted(" ".join(phrase) for phrase in listed - named)
            raise ValueError(f"drugs.toml {where}: {unknown} name no drug")
    for class_name, phrases in data["class_words"].items():
        drug_class = _enum(DrugClass, class_name, "drugs.toml [class_words]")
        term = Term(Category.PHARMACEUTICAL, Group.DRUGS, drug_classes=(drug_class,))
        for written in phrases:
            builder.add(written, term, "drugs.toml [class_words]")
    for key in ("topical", "compounded", "oral"):
        for written in forms[key]:
            term = Term(
                Category.PHARMACEUTICAL,
                Group.DRUGS,
                topical=key == "topical",
                compounded=key == "compounded",
                oral=key == "oral",
                form=" ".join(_phrase(written, "[forms]")),
            )
            builder.add(written, term, f"drugs.toml [forms] {key}")
    return classes


def _known_form(form: str, form_words: set[str], brand: str) -> str:
    if form not in form_words:
        raise ValueError(f"drugs.toml [brand_forms] {brand}: {form!r} is not in [forms]")
    return form


def _partners(
    data: dict[str, Any], classes: dict[str, DrugClass]
) -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    found: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for partner, rule in data["implied_partners"].items():
        where = f"[implied_partners] {partner}"
        strengths = frozenset(rule["strengths"])
        for generic in rule["with"]:
            found.setdefault(_generic(generic, classes, where), []).append(
                (_generic(partner, classes, where), strengths)
            )
    return {generic: tuple(pairs) for generic, pairs in found.items()}


def _service_terms(data: dict[str, Any], builder: _Builder) -> frozenset[str]:
    """Adds the phrases of services.toml; returns their words of 5 letters or more."""
    for table, group in _SERVICE_GROUPS.items():
        for category_name, phrases in data[table].items():
            where = f"services.toml [{table}] {category_name}"
            term = Term(_enum(Category, category_name, where), group)
            for written in phrases:
                builder.add(written, term, where)
    for written in data["neutral"]["phrases"]:
        builder.add(written, NEUTRAL, "services.toml neutral")
    written = [data[table][name] for table in _SERVICE_GROUPS for name in data[table]]
    written.append(data["neutral"]["phrases"])
    return frozenset(
        word
        for phrases in written
        for phrase in phrases
        for word in words(phrase)
        if len(word) >= _SWAP_MIN_LENGTH and word.isalpha()
    )


def _deletions(targets: Iterable[str]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for word in targets:
        for i in range(len(word)):
            found.setdefault(word[:i] + word[i + 1 :], set()).add(word)
    return {shorter: frozenset(longer) for shorter, longer in found.items()}


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary, built on first use and kept for the life of the process."""
    drugs, services = (_read(name) for name in DATA_FILES)
    builder = _Builder()
    classes = _drug_terms(drugs, builder)
    service_words = _service_terms(services, builder)

    by_first: dict[str, list[tuple[Phrase, Term]]] = {}
    for phrase, (term, _where) in builder.terms.items():
        by_first.setdefault(phrase[0], []).append((phrase, term))
    phrases = {
        first: tuple(sorted(entries, key=lambda entry: -len(entry[0])))
        for first, entries in by_first.items()
    }
    known_words = frozenset(word for phrase in builder.terms for word in phrase)
    words_alone = {phrase[0] for phrase in builder.terms if len(phrase) == 1}
    split_words = frozenset(
        word
        for word in known_words - words_alone
        if len(word) >= _FUZZY_MIN_LENGTH and word.isalpha()
    )
    drug_names = {
        phrase: term.generics
        for phrase, (term, _where) in builder.terms.items()
        if term.generics and term.category in (Category.PHARMACEUTICAL, Category.INJECTION)
    }
    drug_words = frozenset(
        phrase[0]
        for phrase in drug_names
        if len(phrase) == 1 and len(phrase[0]) >= _FUZZY_MIN_LENGTH and phrase[0].isalpha()
    )
    aliases = services["token_aliases"]
    unknown = sorted(word for word in aliases.values() if word not in known_words)
    if unknown:
        raise ValueError(f"services.toml [token_aliases]: {unknown} mean no known word")
    endings: list[tuple[str, DrugClass | None]] = [
        (ending, None) for ending in services["suffixes"]["surgery"]
    ]
    endings += [
        (ending, _enum(DrugClass, class_name, "drugs.toml [stems]"))
        for class_name, stems in drugs["stems"].items()
        for ending in stems
    ]
    precedence = tuple(
        _enum(DrugClass, name, "drugs.toml precedence")
        for name in drugs["combinations"]["precedence"]
    )
    if set(precedence) != set(DrugClass):
        raise ValueError("drugs.toml precedence: must name every drug class once")
    return Vocabulary(
        phrases=phrases,
        known_words=known_words,
        words_alone=frozenset(words_alone),
        word_starts=frozenset(
            word[:end] for word in words_alone if word.isalpha() for end in range(2, len(word) - 1)
        ),
        word_ends=frozenset(
            word[start:]
            for word in words_alone
            if word.isalpha()
            for start in range(2, len(word) - 1)
        ),
        split_words=split_words,
        split_starts=frozenset(
            word[:end] for word in split_words for end in range(2, len(word) - 1)
        ),
        split_ends=frozenset(
            word[start:] for word in split_words for start in range(2, len(word) - 1)
        ),
        aliases=aliases,
        spelt_right=frozenset(services["spelt_right"]["words"]),
        dose_words=frozenset(drugs["dosing"]["words"]),
        dose_marks=tuple(drugs["dosing"]["marks"]),
        drug_words=drug_words,
        service_words=service_words,
        fuzzy_words=drug_words | service_words,
        fuzzy_deletions=_deletions(drug_words | service_words),
        longest_fuzzy_word=max(map(len, drug_words | service_words)),
        endings=tuple(endings),
        any_ending=tuple(ending for ending, _class in endings),
        classes=classes,
        precedence=precedence,
        systemic_transdermal=frozenset(
            _generic(name, classes, "systemic_transdermal")
            for name in drugs["routes"]["systemic_transdermal"]
        ),
        drug_names=drug_names,
        partners=_partners(drugs, classes),
    )
