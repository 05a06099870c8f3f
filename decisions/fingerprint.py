"""The content fingerprint of a parsed letter: the same letter, whatever file it came in.

Pure Python (no Django), so ingest's worker processes compute it beside the parse. A file's
SHA-256 tells the same file; the same letter also comes re-encoded (a UTF-16 copy of a UTF-8
file) or in another format (the text file and the PDF it was extracted from), whose bytes and
extracted text differ in line breaks, page breaks, spaces, quotes and dashes. What a reader
would call the letter's content does not: its case summary and its items' treatments,
outcomes and rationales. Each is reduced to its lower-case ASCII letters and digits (accents
dropped after Unicode compatibility decomposition, so "ﬁ" is "fi" and "é" is "e"), and the
parts are hashed in order with a separator, so that a word moving from one item to the next is
another letter.

A change to this definition changes every stored fingerprint: `manage.py reparse --all`
recomputes them (and reports letters that come out alike).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator

from .parsing import Letter

# Every byte but a-z and 0-9: deleted by bytes.translate, a C loop (a regular expression
# doubled the cost of a fingerprint, then 45% of the parse's).
_NOT_LETTER_OR_DIGIT = bytes(sorted(set(range(256)) - set(b"abcdefghijklmnopqrstuvwxyz0123456789")))
# Never in a reduced part, so the parts' boundaries count.
_SEPARATOR = b"|"


def content_fingerprint(letter: Letter) -> str:
    """The hex SHA-256 of the letter's reduced case summary and items."""
    digest = hashlib.sha256()
    for part in _parts(letter):
        digest.update(reduced(part))
        digest.update(_SEPARATOR)
    return digest.hexdigest()


def reduced(text: str) -> bytes:
    """Only the text's letters and digits, lower case, accents dropped, as ASCII bytes."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).casefold()
    return text.encode("ascii", "ignore").lower().translate(None, _NOT_LETTER_OR_DIGIT)


def _parts(letter: Letter) -> Iterator[str]:
    yield letter.case_summary
    for item in letter.items:
        yield item.treatment
        yield item.outcome
        yield item.rationale
