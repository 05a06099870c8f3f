"""Real PDF files for tests, written with fpdf2 (a text layer like DWC's published letters)."""

from __future__ import annotations

from fpdf import FPDF


def text_pdf(text: str) -> bytes:
    """A PDF whose text layer holds `text`, one PDF line per text line, paginated as needed."""
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in text.splitlines():
        if not line.strip():
            continue
        pdf.cell(0, 5, _latin1(line.rstrip()), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin1(line: str) -> str:
    # The PDF core fonts only carry Latin-1; letters are ASCII apart from stray quotes.
    return line.encode("latin-1", "replace").decode("latin-1")
