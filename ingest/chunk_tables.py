"""Tab-separated tables (the Bilag 1 note): one chunk per table row.

A table starts at a line "Tabel N"; the next line is its title, the next its header
row. Every following line with tabs is a row; a line whose first cell is empty continues
the row above (a row broken across a page break), cell by cell. Rows are never split:
a row is the unit a caseworker asks about.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.index_schema import Span
from core.textnorm import display
from ingest import segment
from ingest.chunk import Chunk, region_units, split_long

Cell = tuple[int, int]  # a table cell's (start, end) while the table is read


@dataclass
class _Row:
    cells: list[list[Cell]] = field(default_factory=list)

    def add(self, cells: list[Cell]) -> None:
        for i, cell in enumerate(cells):
            while len(self.cells) <= i:
                self.cells.append([])
            if cell[1] > cell[0]:
                self.cells[i].append(cell)


def _text(source: str, spans: list[Cell]) -> str:
    return " ".join(display(source[s:e]) for s, e in spans)


def chunk(source: str, max_chars: int) -> list[Chunk]:
    marks = list(segment.TABLE_MARK.finditer(source))
    first = marks[0].start() if marks else len(source)
    chunks: list[Chunk] = []
    if source[:first].strip():
        front = Chunk(0, first, "Forside", "Forside", region_units(source, 0, first))
        chunks.extend(split_long(front, source, max_chars))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(source)
        chunks.extend(_table(source, int(mark[1]), mark.end(), end))
    return chunks


def _table(source: str, number: int, start: int, end: int) -> list[Chunk]:
    rows_raw = [line for line in segment.raw_lines(source, start, end) if source[slice(*line)].strip()]
    if not rows_raw:
        return []
    title_span = segment.trim(source, *segment.tab_cells(source, *rows_raw[0])[0]) or rows_raw[0]
    title = display(source[title_span[0] : title_span[1]])
    header: list[str] = []
    rows: list[_Row] = []
    notes: list[Cell] = []  # lines without tabs (a footnote, a source line): not part of a row
    for line_start, line_end in rows_raw[1:]:
        cells = segment.tab_cells(source, line_start, line_end)
        if len(cells) == 1:
            notes.append(cells[0])
        elif not header:
            header = [display(source[s:e]) for s, e in cells]
        elif rows and cells[0][1] == cells[0][0]:
            rows[-1].add(cells)  # an empty first cell: the row above continues
        else:
            row = _Row()
            row.add(cells)
            rows.append(row)

    context = f"Tabel {number} – {title}"
    heading = Span(title_span[0], title_span[1], "heading")
    out = []
    for r, row in enumerate(rows, 1):
        title_cells = row.cells[0] if row.cells else []
        units = [Span(s, e, "title") for s, e in title_cells]
        lines = [_text(source, title_cells)] if title_cells else []
        for c, spans in enumerate(row.cells[1:], 1):
            name = header[c] if c < len(header) else f"Kolonne {c + 1}"
            for s, e in spans:
                units.extend(region_units(source, s, e))
            if spans:
                lines.append(f"{name}: {_text(source, spans)}")
        all_spans = [span for cell in row.cells for span in cell]
        row_chunk = Chunk(
            start=min(s for s, _ in all_spans),
            end=max(e for _, e in all_spans),
            locator=f"Tabel {number}, række {r}",
            context=context,
            units=units,
            group=f"tabel-{number}",
            item=_text(source, title_cells),
            text="\n".join(lines),
            heading=(heading.start, heading.end),
        )
        if units:
            out.append(row_chunk)
    if notes:
        units = [u for s, e in notes for u in region_units(source, s, e)]
        if units:
            out.append(
                Chunk(
                    notes[0][0],
                    notes[-1][1],
                    f"Tabel {number}, note",
                    context,
                    units,
                    heading=(heading.start, heading.end),
                )
            )
    return out
