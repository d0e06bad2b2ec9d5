"""What the layout chunkers produce, and the helpers they share.

A ``Chunk`` is a passage of the source (what gets embedded and retrieved) with the
citable ``Span``s inside it (sentences, table cells, list items, headings). All
offsets point into the original file text.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.index_schema import Span
from core.textnorm import display
from ingest import segment


@dataclass
class Chunk:
    """One passage: a table row, a slide (or one trial on it), a section, a window."""

    start: int
    end: int
    locator: str
    context: str
    units: list[Span]
    group: str = ""  # chunks with the same group form one list (rows of a table, ...)
    item: str = ""  # the row's or item's title, when the chunk is about one item
    text: str = ""  # display text; built from the units when left empty
    heading: tuple[int, int] | None = None  # span of the heading/table title it sits under

    def display_text(self, source: str) -> str:
        if self.text:
            return self.text
        return "\n".join(display(source[u.start : u.end]) for u in self.units)


def region_units(source: str, start: int, end: int, lines: list[segment.Line] | None = None) -> list[Span]:
    """Units of a free-text region: bullet paragraphs are items, the rest sentences."""
    out: list[Span] = []
    for region_start, region_end in segment.tag_free_regions(source, start, end):
        region_lines = [
            ln
            for ln in (lines or segment.lines(source, region_start, region_end))
            if region_start <= ln.start < region_end
        ]
        for para in segment.group_paragraphs(region_lines):
            s, e = segment.paragraph_span(para)
            if para[0].bullet:
                out.append(Span(s, e, "item"))
            else:
                out.extend(Span(a, b, "sentence") for a, b in segment.sentences(source, s, e))
    return out


def split_long(chunk: Chunk, source: str, max_chars: int) -> list[Chunk]:
    """Split a chunk that is too long into balanced consecutive chunks of whole units."""
    length = chunk.end - chunk.start
    if length <= max_chars or len(chunk.units) < 2:
        return [chunk]
    heads = [u for u in chunk.units if u.kind == "heading"]
    body = [u for u in chunk.units if u.kind != "heading"]
    target = length / -(-length // max_chars)  # equal shares of ceil(length / max_chars)
    parts: list[list[Span]] = [[]]
    for unit in body:
        current = parts[-1]
        if current and unit.end - current[0].start > target:
            parts.append([])
        parts[-1].append(unit)
    if len(parts) > 1 and parts[-1][-1].end - parts[-1][0].start < target / 3:
        parts[-2].extend(parts.pop())  # no stub at the end
    if len(parts) == 1:
        return [chunk]
    out = []
    for i, units in enumerate(parts, 1):
        members = (heads if i == 1 else []) + units
        out.append(
            Chunk(
                start=min(u.start for u in members),
                end=max(u.end for u in members),
                locator=f"{chunk.locator} (del {i} af {len(parts)})",
                context=chunk.context,
                units=members,
                group=chunk.group,
                item=chunk.item,
                heading=chunk.heading,
            )
        )
    return out
