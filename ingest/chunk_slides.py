"""Slide decks: every slide's heading is context for everything on it.

Slides are separated by runs of blank lines. A slide's heading is its all-caps line(s)
(wherever the extraction put them) or else its first (or last) short line. Three shapes:

* a list slide: a heading and single-line items ("FORSØG DER IKKE UDBREDES ...");
  one chunk whose units are the items;
* a table slide: narrow, wrapped item titles beside wide remarks ("Forsøg | Bemærkninger");
  one chunk per item, all in the group of the heading, so the items form one list
  across every slide with that heading;
* a text slide: one chunk (split if long); bullets become items.

Lines that repeat on at least half of the slides (a logo text such as "Aalborg Kommune") are dropped.
"""

from __future__ import annotations

import re
from collections import Counter

from core.index_schema import Span
from core.textnorm import display, fold
from ingest import segment
from ingest.chunk import Chunk, region_units, split_long
from ingest.segment import Line

NARROW = 28  # item titles in a table column wrap at about this width
HEADING_WORDS = 12
# "Mikrolån Det fremgår af …": a one-word item title fused with the first remark.
_FUSED_TITLE = re.compile(r"^([A-ZÆØÅ][\wæøå/-]{2,24}) (?=[A-ZÆØÅ][a-zæøå]+ [a-zæøå])")


def _slides(source: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in segment.SLIDE_BREAK.finditer(source):
        if source[pos : m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if source[pos:].strip():
        out.append((pos, len(source)))
    return out


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _heading(paras: list[list[Line]]) -> tuple[int, int] | None:
    """Index range [i, j) of the heading paragraphs, or None."""
    for i, para in enumerate(paras):
        if all(_is_caps(line.text) for line in para):
            j = i + 1
            while j < len(paras) and all(_is_caps(line.text) for line in paras[j]):
                j += 1
            return i, j
    for i in (0, len(paras) - 1):
        if i < 0 or not paras:
            continue
        text = " ".join(line.text for line in paras[i])
        if (
            not paras[i][0].bullet
            and len(text.split()) <= HEADING_WORDS
            and not text.rstrip().endswith((".", ",", ";", ":"))
        ):
            return i, i + 1
    return None


def _is_subtitle(body: list[list[Line]]) -> bool:
    """A short, unpunctuated first paragraph followed by bullets."""
    if len(body) < 3 or body[0][0].bullet or not all(p[0].bullet for p in body[1:]):
        return False
    text = " ".join(line.text for line in body[0])
    return len(text.split()) <= 5 and not text.rstrip().endswith((".", ",", ";", ":"))


def _split_fused(lines: list[Line]) -> list[Line]:
    """Split "Mikrolån Det fremgår …" into a title line and a remark line."""
    out: list[Line] = []
    seen_item = False
    for line in lines:
        m = _FUSED_TITLE.match(line.text) if seen_item else None
        if m and len(line.text) > NARROW * 2:
            title_end = line.start + len(m[1])
            out.append(Line(line.start, title_end, m[1], False))
            out.append(Line(line.start + m.end(), line.end, line.text[m.end() :], False))
            continue
        seen_item = seen_item or len(line.text) <= NARROW
        out.append(line)
    return out


def chunk(source: str, max_chars: int) -> list[Chunk]:
    slides = _slides(source)
    line_counts = Counter(
        fold(line.text) for s, e in slides for line in {ln.text: ln for ln in segment.lines(source, s, e)}.values()
    )
    repeated = {text for text, n in line_counts.items() if n >= 3 and n >= len(slides) / 2 and len(text) < 40}
    chunks: list[Chunk] = []
    for number, (start, end) in enumerate(slides, 1):
        lines = [ln for ln in segment.lines(source, start, end) if fold(ln.text) not in repeated]
        if lines:
            chunks.extend(_slide(source, number, lines, max_chars))
    return chunks


def _slide(source: str, number: int, lines: list[Line], max_chars: int) -> list[Chunk]:
    paras = segment.group_paragraphs(lines)
    head = _heading(paras)
    heading_span = None
    heading_text = ""
    body = paras
    if head:
        hparas = paras[head[0] : head[1]]
        heading_span = (hparas[0][0].start, hparas[-1][-1].end)
        heading_text = display(source[heading_span[0] : heading_span[1]])
        body = paras[: head[0]] + paras[head[1] :]
    locator = f"Dias {number}" + (f": {heading_text}" if heading_text else "")
    context = heading_text or f"Dias {number}"
    heading_units = [Span(*heading_span, "heading")] if heading_span else []
    start = min(ln.start for ln in lines)
    end = max(ln.end for ln in lines)
    group = f"dias:{fold(heading_text)}" if heading_text else ""

    wide = any(len(ln.text) >= 60 for ln in lines)
    narrow_titles = [p for p in body if len(p) >= 2 and all(len(ln.text) <= NARROW for ln in p) and not p[0].bullet]
    if wide and narrow_titles:
        return _table_slide(source, lines, locator, context, group, heading_span)

    items = body[1:] if body and len(body[0]) == 1 and len(body[0][0].text.split()) <= 2 else body
    if len(items) >= 2 and all(len(p) == 1 and len(p[0].text) <= 100 and not p[0].text.endswith(".") for p in items):
        units = heading_units + [Span(*segment.paragraph_span(p), "item") for p in items]
        return [Chunk(start, end, locator, context, units, group=group, heading=heading_span)]

    units = heading_units.copy()
    if _is_subtitle(body):
        # "Psykologforsøget" above the bullets: part of what the slide is about
        subtitle = body.pop(0)
        units.append(Span(*segment.paragraph_span(subtitle), "heading"))
        context = f"{context} – {display(source[subtitle[0].start : subtitle[-1].end])}"
    for para in body:
        units.extend(region_units(source, *segment.paragraph_span(para), lines=para))
    units.sort(key=lambda u: u.start)
    slide = Chunk(start, end, locator, context, units, heading=heading_span)
    return split_long(slide, source, max_chars)


def _table_slide(
    source: str,
    lines: list[Line],
    locator: str,
    context: str,
    group: str,
    heading_span: tuple[int, int] | None,
) -> list[Chunk]:
    body_lines = [ln for ln in lines if not (heading_span and heading_span[0] <= ln.start < heading_span[1])]
    body = segment.group_paragraphs(_split_fused(body_lines))
    chunks: list[Chunk] = []
    current: list[list[Line]] = []
    title: list[Line] | None = None

    def flush() -> None:
        if title is None:
            return
        units = [Span(*segment.paragraph_span(title), "title")]
        for para in current:
            units.extend(region_units(source, *segment.paragraph_span(para), lines=para))
        item = display(source[title[0].start : title[-1].end])
        all_lines = title + [ln for p in current for ln in p]
        chunks.append(
            Chunk(
                min(ln.start for ln in all_lines),
                max(ln.end for ln in all_lines),
                f"{locator} – {item}",
                context,
                units,
                group=group,
                item=item,
                heading=heading_span,
            )
        )

    for para in body:
        text = para[-1].text.rstrip()
        is_title = (
            not para[0].bullet
            and not text.endswith((".", "!", "?", ":", ";"))
            and all(len(ln.text) <= NARROW for ln in para)
            and (len(para) >= 2 or (title is not None and bool(current)))
        )
        if is_title:
            flush()
            title, current = para, []
        elif title is not None:
            current.append(para)
        # paragraphs before the first title are the column header row: not content
    flush()
    return chunks
