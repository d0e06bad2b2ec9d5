"""Text whose structure did not survive extraction (the OCR-scanned evaluation table).

The scanned table's columns are interleaved, so rows cannot be recovered reliably. Blocks
(separated by blank lines) are grouped into overlapping windows of about
``window_chars``: each block appears in two windows (the first and last in one), so a trial's title, municipalities
and conclusions, which the scan scatters over neighbouring blocks, share a passage.
A line "Tabel N" and the line after it become the context of the blocks that follow.
"""

from __future__ import annotations

from core.index_schema import Span
from core.textnorm import display
from ingest import segment
from ingest.chunk import Chunk, region_units


def _blocks(source: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in segment.BLOCK_BREAK.finditer(source):
        if span := segment.trim(source, pos, m.start()):
            out.append(span)
        pos = m.end()
    if span := segment.trim(source, pos, len(source)):
        out.append(span)
    return out


def chunk(source: str, window_chars: int) -> list[Chunk]:
    blocks = _blocks(source)
    if not blocks:
        return []
    # Sections: the text before the first table, then each table.
    sections: list[tuple[str, tuple[int, int] | None, list[tuple[int, int]]]] = []
    title_span = blocks[0]
    context = "Indledning"
    current: list[tuple[int, int]] = []
    heading: tuple[int, int] | None = title_span
    i = 0
    while i < len(blocks):
        s, e = blocks[i]
        first_line = source[s:e].split("\n", 1)[0].strip()
        if segment.TABLE_MARK.match(first_line):
            sections.append((context, heading, current))
            title = blocks[i + 1] if i + 1 < len(blocks) else (s, e)
            context = f"{first_line} – {display(source[title[0] : title[1]])}"
            heading, current = title, []
            i += 2
            continue
        current.append((s, e))
        i += 1
    sections.append((context, heading, current))

    chunks: list[Chunk] = []
    for context, heading, members in sections:
        for first, last in _windows(members, window_chars):
            start, end = members[first][0], members[last][1]
            units: list[Span] = region_units(source, start, end)
            label = f"afsnit {first + 1}" if first == last else f"afsnit {first + 1}–{last + 1}"
            chunks.append(Chunk(start, end, f"{context.split(' – ')[0]}, {label}", context, units, heading=heading))
    return chunks


def _windows(blocks: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Index ranges [first, last]: consecutive pairs of groups of about ``size / 2`` chars."""
    groups: list[list[int]] = []
    for k, (_s, e) in enumerate(blocks):
        if groups and e - blocks[groups[-1][0]][0] <= size / 2:
            groups[-1].append(k)
        else:
            groups.append([k])
    if len(groups) == 1:
        return [(groups[0][0], groups[0][-1])]
    return [(groups[g][0], groups[g + 1][-1]) for g in range(len(groups) - 1)]
