"""The text of an uploaded or on-disk letter file, whatever its type and encoding.

Pure Python (no Django), so ingest workers can run it. The type is decided by content, never
by file name: people upload "letter.txt" that is a PDF and PDFs without an extension. Every
failure is an `ExtractionError` whose message is a reason in plain words, shown to the person
who uploaded the file and stored with failed ingests.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from dataclasses import dataclass
from typing import Literal

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

Kind = Literal["pdf", "zip", "text", "binary"]
# What a letter can be read from; the values of decisions.models.Letter.Kind.
LetterKind = Literal["pdf", "text"]

# Readers accept a PDF header anywhere in the first kilobyte, after junk some tools prepend.
_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024
_BINARY_MAGICS = (
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"PK\x07\x08", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
    (b"{\\rtf", "RTF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x7fELF", "executable"),
)
# Longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Without a byte-order mark: strict UTF-8 rarely decodes anything else by accident; cp1252 is
# what Windows tools write (curly quotes at 0x91-0x94, dashes at 0x96/0x97); Latin-1 decodes
# every byte, for the few that cp1252 leaves undefined.
_FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")
# UTF-16 without a byte-order mark (what some Windows tools save as "Unicode"): English text
# has a NUL high byte in nearly every character, so one byte position of each pair is mostly
# NUL and the other almost never is. Binary data has NULs at both positions, or few at either;
# what passes still has to decode strictly, and then to read as text (`_sniff`). Tried before
# UTF-8, which decodes NUL bytes too.
_UTF16_SAMPLE = 4096
_UTF16_MIN_NUL_SHARE = 0.5
_UTF16_MAX_OTHER_NUL_SHARE = 0.05
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Extracted text has the odd stray control character; in binary data about one byte in nine is
# one (counted in the first characters: enough to tell, and bounded work for a large file).
_MAX_CONTROL_SHARE = 0.05
_CONTROL_SAMPLE = 65536
_MEGABYTE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    kind: LetterKind
    encoding: str | None  # the codec that decoded a text file; None for a PDF


class ExtractionError(Exception):
    """The file yields no letter text; the message says why in plain words."""


def sha256_hex(data: bytes) -> str:
    """The file's identity: duplicates are recognised by it, whatever the file's name."""
    return hashlib.sha256(data).hexdigest()


def sniff_kind(data: bytes) -> Kind:
    """What the bytes are, by content: lets the upload page open ZIPs and refuse other binaries."""
    return _sniff(data).kind


def sniff_content(data: bytes) -> tuple[Kind, str, str | None]:
    """What the bytes are (as `sniff_kind`), a binary format's name when known ("PNG image"),
    and the codec a text decodes with: lets the metadata upload name what a file is instead."""
    content = _sniff(data)
    return content.kind, content.format, content.encoding


def extract_text(data: bytes, *, max_bytes: int) -> Extracted:
    """The text of a PDF (pages joined by form feeds) or of a text file in any common encoding."""
    content = _letter_content(data, max_bytes=max_bytes)
    if content.kind == "pdf":
        return Extracted(text=_pdf_text(data), kind="pdf", encoding=None)
    return Extracted(text=content.text, kind="text", encoding=content.encoding)


def check_letter_content(data: bytes, *, max_bytes: int) -> None:
    """Raise the ExtractionError `extract_text` would for bytes that cannot hold a letter (empty,
    too large, neither PDF nor text), judging by content alone: a PDF is not read.

    The upload page refuses such files at once, and keeps the rest for the background worker,
    which reads them (parsing a hostile PDF is work for the worker, not for a web request).
    """
    _letter_content(data, max_bytes=max_bytes)


def too_large(size: int, max_bytes: int) -> str:
    """Why a file of `size` bytes is refused: the same words whether or not it was read."""
    return f"file is {_size(size)}, over the {_size(max_bytes)} limit"


def _letter_content(data: bytes, *, max_bytes: int) -> _Content:
    if not data:
        raise ExtractionError("file is empty")
    if len(data) > max_bytes:
        raise ExtractionError(too_large(len(data), max_bytes))
    content = _sniff(data)
    if content.kind in ("pdf", "text"):
        return content
    named = f" ({content.format})" if content.format else ""
    raise ExtractionError(f"binary file{named}, not a PDF or text")


def _size(count: int) -> str:
    return f"{count / _MEGABYTE:.1f} MB"


@dataclass(frozen=True, slots=True)
class _Content:
    kind: Kind
    format: str = ""  # a known binary format's name
    text: str = ""  # a text file's decoded text
    encoding: str | None = None


def _sniff(data: bytes) -> _Content:
    if _PDF_MAGIC in data[:_PDF_HEADER_WINDOW]:
        return _Content("pdf")
    for magic, name in _BINARY_MAGICS:
        if data.startswith(magic):
            return _Content("zip" if name == "ZIP archive" else "binary", name)
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError:
        return _Content("binary")
    sample = text[:_CONTROL_SAMPLE]
    if "\x00" in text or len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        return _Content("binary")
    return _Content("text", text=text, encoding=encoding)


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the codec that decoded it; raises UnicodeDecodeError for a broken BOM file."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    utf16 = _utf16_without_bom(data)
    for encoding in ((utf16,) if utf16 else ()) + _FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 codec ("utf-16-le" or "utf-16-be") the first bytes' NULs point to, if any."""
    sample = data[:_UTF16_SAMPLE]
    pairs = len(sample) // 2
    if len(data) % 2 or not pairs:
        return None
    even, odd = sample[0::2].count(0) / pairs, sample[1::2].count(0) / pairs
    if odd >= _UTF16_MIN_NUL_SHARE and even <= _UTF16_MAX_OTHER_NUL_SHARE:
        return "utf-16-le"
    if even >= _UTF16_MIN_NUL_SHARE and odd <= _UTF16_MAX_OTHER_NUL_SHARE:
        return "utf-16-be"
    return None


def _pdf_text(data: bytes) -> str:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        # Many published PDFs are encrypted only against editing, with an empty user password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (FileNotDecryptedError, DependencyError) as exc:
        raise ExtractionError("PDF is encrypted") from exc
    except PyPdfError as exc:
        raise ExtractionError(f"PDF is damaged: {exc}") from exc
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        # pypdf lets built-in errors through on some malformed files.
        raise ExtractionError(f"PDF is damaged: {type(exc).__name__}: {exc}") from exc
    if not pages:
        raise ExtractionError("PDF has no pages")
    # A text layer can map a glyph to NUL, which pypdf passes on; Postgres stores no NUL in
    # text, and it shows nothing: left out, rather than the letter refused for it.
    text = "\f".join(pages).replace("\x00", "")
    if not text.replace("\f", "").strip():
        raise ExtractionError("PDF has no text layer (scanned image?)")
    return text
