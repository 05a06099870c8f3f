"""Synthetic IMR final determination letters, each with the parse a correct parser must return.

Why this exists: three real letters cannot show that the parser generalises, and the search
benchmark needs 10^5-10^6 letters whose text behaves like the published record (lengths, term
frequencies, layouts, extraction artifacts), or its numbers mean nothing. Each letter comes with
its expected parse in the JSON shape of decisions/parsing/CONTRACT.md (without "source" and
"sha256"), built from the same values the text was rendered from, so a test can hold the parser
against it without either side importing the other.

The words are data (data/*.toml, read by vocabulary.py); the modules draw a letter's facts
(letter.py, bases.py, rationales.py, summary.py), write them in a layout (layouts.py) as a PDF
extractor would emit them (page.py), describe them as the expected parse (truth.py) and write
corpora (corpus.py). No Django imports: worker processes and tests use this package without
settings.
"""

from .corpus import (
    LETTERS_PER_SHARD,
    METADATA_FILE,
    CorpusStats,
    letter_path,
    published_letter,
    shard_folder,
    write_corpus,
)
from .letter import generate_letter

__all__ = [
    "LETTERS_PER_SHARD",
    "METADATA_FILE",
    "CorpusStats",
    "generate_letter",
    "letter_path",
    "published_letter",
    "shard_folder",
    "write_corpus",
]
