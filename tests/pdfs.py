"""Real PDF files for tests, written with fpdf2 (a text layer like DWC's published letters)."""

from __future__ import annotations

from fpdf import FPDF
from PIL import Image


def text_pdf(text: str, *, password: str | None = None) -> bytes:
    """A PDF whose text layer holds `text`, one PDF line per text line, paginated as needed.

    With a password, encrypted (RC4, which fpdf2 writes without the cryptography package) so
    that it opens only with that password; an empty one encrypts it against editing only, as
    many published PDFs are, and anyone can read it.
    """
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in text.splitlines():
        if not line.strip():
            continue
        pdf.cell(0, 5, _latin1(line.rstrip()), new_x="LMARGIN", new_y="NEXT")
    if password is not None:
        pdf.set_encryption(owner_password="the owner's", user_password=password)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A page holding only an image, as a scanner makes it: no text layer."""
    pdf = FPDF(format="letter")
    pdf.add_page()
    pdf.image(Image.new("L", (850, 1100), 230), x=0, y=0, w=pdf.w)
    return bytes(pdf.output())


def _latin1(line: str) -> str:
    # The PDF core fonts only carry Latin-1; letters are ASCII apart from stray quotes.
    return line.encode("latin-1", "replace").decode("latin-1")
