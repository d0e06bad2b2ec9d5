"""Small PDF and Word files generated for tests (reportlab, pypdf, python-docx).

reportlab's standard Helvetica (WinAnsi encoding) gives æøå back through pypdf's text
extraction unchanged, so no font is embedded. PDFs are written with reportlab's
``invariant`` flag: the same arguments give the same bytes, and the creation date in the
metadata is always 2000-01-01.
"""

from __future__ import annotations

from pathlib import Path

import docx
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

PDF_DATE = "2000-01-01"  # what the invariant flag writes as /CreationDate


def make_pdf(path: Path, pages: list[str], title: str = "", author: str = "", password: str | None = None) -> Path:
    """One page per string, its lines split on "\\n", Helvetica 11 pt; ``password`` encrypts it."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if title:
        pdf.setTitle(title)
    if author:
        pdf.setAuthor(author)
    _, height = A4
    for page in pages:
        text = pdf.beginText(72, height - 72)
        text.setFont("Helvetica", 11)
        for line in page.split("\n"):
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    if password is not None:
        writer = PdfWriter(clone_from=PdfReader(path))
        writer.encrypt(user_password=password, owner_password=password)
        with path.open("wb") as out:
            writer.write(out)
    return path


def make_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Pages with drawn shapes only, like a scan: no text layer at all."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for n in range(pages):
        pdf.setFillGray(0.2 + 0.1 * n)
        pdf.rect(72, 400, 300, 200, fill=1)
        for y in range(300, 380, 8):  # "lines of text" as strokes
            pdf.line(72, y, 500, y)
        pdf.circle(300, 200, 40 + n)
        pdf.showPage()
    pdf.save()
    return path


def make_docx(
    path: Path,
    paragraphs: list[str],
    title: str = "",
    heading: str = "",
    table: list[list[str]] | None = None,
) -> Path:
    """A Word file: the heading (style Heading 1) first, then the paragraphs, then the table."""
    document = docx.Document()
    if title:
        document.core_properties.title = title
    if heading:
        document.add_heading(heading, 1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for cells, row in zip(grid.rows, table, strict=False):
            for cell, value in zip(cells.cells, row, strict=False):
                cell.text = value
    document.save(str(path))
    return path
