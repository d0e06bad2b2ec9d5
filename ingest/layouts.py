"""Which chunker a document gets: the manifest's layout, or one detected from the text."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import CorpusError
from ingest import chunk_paragraphs, chunk_sections, chunk_slides, chunk_tables, segment
from ingest.chunk import Chunk

LAYOUTS = ("tables", "slides", "sections", "paragraphs")


def detect_layout(source: str) -> str:
    """Guess the layout of a document that the manifest does not describe."""
    tab_lines = sum(1 for line in source.splitlines() if line.count("\t") >= 2)
    if tab_lines >= 3 and segment.TABLE_MARK.search(source):
        return "tables"
    slides = len(segment.SLIDE_BREAK.findall(source)) + 1
    lines = [ln for ln in source.splitlines() if ln.strip()]
    short = sum(1 for ln in lines if len(ln.strip()) < 60)
    if slides >= 3 and lines and short / len(lines) > 0.5:
        return "slides"
    return "sections"


def chunk_document(source: str, layout: str | None, max_chars: int, window_chars: int, name: str = "") -> list[Chunk]:
    """Chunk one document's text with the given (or detected) layout."""
    layout = layout or detect_layout(source)
    chunkers: dict[str, Callable[[], list[Chunk]]] = {
        "tables": lambda: chunk_tables.chunk(source, max_chars),
        "slides": lambda: chunk_slides.chunk(source, max_chars),
        "sections": lambda: chunk_sections.chunk(source, max_chars),
        "paragraphs": lambda: chunk_paragraphs.chunk(source, window_chars),
    }
    if layout not in chunkers:
        raise CorpusError(name, f"ukendt layout {layout!r}; gyldige: {', '.join(LAYOUTS)}")
    chunks = [c for c in chunkers[layout]() if c.units]
    if not chunks:
        raise CorpusError(name, "filen indeholder ingen tekst, der kan indekseres")
    return chunks
