"""File bytes to letter text: real PDFs, encodings, and every refusal in plain words."""

from __future__ import annotations

import codecs
import hashlib
import io
import zipfile

import pytest
from fpdf import FPDF

from decisions.extraction import Extracted, ExtractionError, extract_text, sha256_hex, sniff_kind
from decisions.parsing import parse_letter
from tests.helpers import SEED_NAMES, seed_text
from tests.pdfs import scanned_pdf, text_pdf

LIMIT = 10 * 1024 * 1024
LINES_PER_PAGE = 25


def letter_pdf(text: str) -> bytes:
    """A PDF laid out like the published letters: one PDF line per visual line of the seed, a
    line holding one space between paragraphs (what their text layer has), several pages."""
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Helvetica", size=10)
    lines = [line.rstrip() or " " for line in text.split("\n") if line]
    for number, line in enumerate(lines):
        if number % LINES_PER_PAGE == 0:
            pdf.add_page()
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("letter.txt", "HOW THE IMR FINAL DETERMINATION WAS MADE\n")
    return buffer.getvalue()


@pytest.mark.parametrize("name", SEED_NAMES)
def test_pdf_of_a_seed_parses_like_its_text(name):
    text = seed_text(name)
    extracted = extract_text(letter_pdf(text), max_bytes=LIMIT)
    assert (extracted.kind, extracted.encoding) == ("pdf", None)
    assert extracted.text.count("\f") >= 1  # several pages, joined by form feeds
    assert parse_letter(extracted.text) == parse_letter(text)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_pdf_without_paragraph_lines_still_gives_the_same_items_and_people(name):
    expected = parse_letter(seed_text(name))
    parsed = parse_letter(extract_text(text_pdf(seed_text(name)), max_bytes=LIMIT).text)
    assert [(i.treatment, i.outcome) for i in parsed.items] == [
        (i.treatment, i.outcome) for i in expected.items
    ]
    assert [(i.claims_administrator_basis, i.reviewer_basis) for i in parsed.items] == [
        (i.claims_administrator_basis, i.reviewer_basis) for i in expected.items
    ]
    assert (parsed.reviewer, parsed.patient) == (expected.reviewer, expected.patient)


def test_pdf_is_recognised_by_content_after_leading_junk():
    data = b"\r\n" + letter_pdf(seed_text(SEED_NAMES[2]))
    assert sniff_kind(data) == "pdf"
    assert extract_text(data, max_bytes=LIMIT).kind == "pdf"


def test_pdf_encrypted_only_against_editing_is_read():
    pdf = text_pdf("Decision rationale: readable.", password="")
    assert extract_text(pdf, max_bytes=LIMIT).text == "Decision rationale: readable."


def test_nul_in_a_pdf_text_layer_is_left_out():
    """pypdf passes on the NUL a text layer can hold (a glyph mapped to U+0000), and Postgres
    stores no NUL in text: the letter would fail to store for one invisible character."""
    pdf = text_pdf("Decision rationale: a\x00b.")
    assert extract_text(pdf, max_bytes=LIMIT).text == "Decision rationale: ab."


def test_damaged_pdf_message_names_the_damage():
    data = letter_pdf(seed_text(SEED_NAMES[2]))
    with pytest.raises(ExtractionError, match=r"^PDF is damaged: \S"):
        extract_text(data[: len(data) // 2], max_bytes=LIMIT)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"^file is empty$"),
        (bytes(range(256)) * 4, r"^binary file, not a PDF or text$"),
        (b"\x00\x00\x00\x01garbage\x00", r"^binary file, not a PDF or text$"),
        (
            bytes([7, 8, 27, 1, 2, 3]) * 10 + b"mostly control bytes",
            r"^binary file, not a PDF or text$",
        ),
        (zip_bytes(), r"^binary file \(ZIP archive\), not a PDF or text$"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"^binary file \(PNG image\), not a PDF or text$"),
        (b"%PDF-1.4\ngarbage", r"^PDF is damaged: "),
        (scanned_pdf(), r"^PDF has no text layer \(scanned image\?\)$"),
        (text_pdf("Secret.", password="user"), r"^PDF is encrypted$"),
    ],
)
def test_refusals(data, message):
    with pytest.raises(ExtractionError, match=message):
        extract_text(data, max_bytes=LIMIT)


def test_oversized_file_is_refused_before_anything_else():
    with pytest.raises(ExtractionError, match=r"^file is 31\.2 MB, over the 10\.0 MB limit$"):
        extract_text(b"%PDF-" + b"\x00" * int(31.2 * 1024 * 1024), max_bytes=LIMIT)
    assert extract_text(b"a" * 100, max_bytes=100).text == "a" * 100


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (
            "applicant\u2019s pain \u2013 6/10".encode(),
            "applicant\u2019s pain \u2013 6/10",
            "utf-8",
        ),
        (b"\xef\xbb\xbfapplicant\xe2\x80\x99s", "applicant\u2019s", "utf-8-sig"),
        # Windows-1252: 0x92 is a right single quote, 0x96 an en dash, 0x93/0x94 double quotes.
        (
            b"applicant\x92s pain \x96 6/10, \x93better\x94",
            "applicant\u2019s pain \u2013 6/10, \u201cbetter\u201d",
            "cp1252",
        ),
        # Latin-1: 0x81 is undefined in cp1252, so the fallback decodes every byte as Latin-1.
        (b"caf\xe9 \x81 r\xe9sum\xe9", "caf\u00e9 \x81 r\u00e9sum\u00e9", "latin-1"),
        (
            codecs.BOM_UTF16_LE + "applicant\u2019s \u00e9".encode("utf-16-le"),
            "applicant\u2019s \u00e9",
            "utf-16",
        ),
        (b"\xfe\xff" + "Norco \u2013 #90".encode("utf-16-be"), "Norco \u2013 #90", "utf-16"),
        # Without a byte-order mark: told by the NUL high bytes of every other position.
        (
            "applicant\u2019s pain \u2013 6/10\n".encode("utf-16-le"),
            "applicant\u2019s pain \u2013 6/10\n",
            "utf-16-le",
        ),
        ("Norco \u2013 #90\r\n".encode("utf-16-be"), "Norco \u2013 #90\r\n", "utf-16-be"),
        (b"line one\r\nline two\f\tpage two\n", "line one\r\nline two\f\tpage two\n", "utf-8"),
    ],
)
def test_text_encodings(data, text, encoding):
    assert extract_text(data, max_bytes=LIMIT) == Extracted(
        text=text, kind="text", encoding=encoding
    )


@pytest.mark.parametrize("name", SEED_NAMES)
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_seed_in_other_encodings_parses_like_the_original(name, encoding):
    original = seed_text(name)
    typographic = original.replace("'", "\u2019").replace(" - ", " \u2013 ")
    extracted = extract_text(typographic.encode(encoding), max_bytes=LIMIT)
    assert extracted.text == typographic
    assert parse_letter(extracted.text) == parse_letter(original)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (zip_bytes(), "zip"),
        (b"PK\x05\x06" + b"\x00" * 18, "zip"),
        (b"\x1f\x8b\x08\x00", "binary"),
        (b"\x00\x01\x02\x03", "binary"),
        (b"Plain letter text\n", "text"),
        (
            b"A letter with a stray bell\x07 and a vertical tab\x0b among ordinary characters.\n",
            "text",
        ),
        (codecs.BOM_UTF16_LE + b"a", "binary"),  # a byte-order mark over bytes that are no UTF-16
        ("\u00e9t\u00e9".encode("utf-16"), "text"),
        ("\u00e9t\u00e9".encode("utf-16-le"), "text"),
        ("Plain letter text\n".encode("utf-16-be"), "text"),
        # NULs where UTF-16 has them, but the characters are control codes, not text.
        (b"".join(bytes([n, 0]) for n in range(1, 32)) * 8, "binary"),
        # NULs at both positions: UTF-32 without a byte-order mark, or binary data.
        ("Plain letter text\n".encode("utf-32-le"), "binary"),
        # Every other byte NUL, but an odd length: no UTF-16, so read as binary.
        ("Plain letter text\n".encode("utf-16-le")[:-1], "binary"),
        (b"", "text"),
    ],
)
def test_sniff_kind(data, kind):
    assert sniff_kind(data) == kind


def test_sha256_hex():
    assert sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
