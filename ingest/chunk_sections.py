"""Long notes: split by section, the trial sections first.

A heading is a short paragraph of its own (at most two lines, a few words, no closing
punctuation) after a finished sentence. When the note opens with a bulleted list (the
trials it covers), the headings that match an item of that list start the top-level
sections; the other headings are subsections inside them. A chunk is a subsection with
the context "section › subsection"; long ones are split along sentence boundaries.
"""

from __future__ import annotations

import re
from collections import Counter

from core.index_schema import Span
from core.textnorm import display, reads_as_label, terms
from ingest import segment
from ingest.chunk import Chunk, region_units, split_long
from ingest.segment import Line

_LABEL_VALUE = re.compile(r"^[\w ]{2,30}:\s+\S")
HEADING_CHARS = 160
HEADING_WORDS = 16
SUBHEADING_WORDS = 8
MATCH = 0.6  # share of a list item's terms a heading must contain to be its section
LABEL_REPEATS = 3  # a paragraph repeated this often that reads as a label is a form field's


def _text(source: str, para: list[Line]) -> str:
    return display(source[para[0].start : para[-1].end])


def _is_heading(source: str, para: list[Line], previous: list[Line] | None) -> bool:
    text = _text(source, para)
    if para[0].bullet or len(para) > 2 or len(text) > HEADING_CHARS:
        return False
    if not text[:1].isupper() or text.endswith((".", ",", ";", ":", "?", "!")):
        return False
    if _LABEL_VALUE.match(text):
        return False  # "Kommune: Vesthimmerlands Kommune" is a statement, not a heading
    if len(text.split()) > HEADING_WORDS:
        return False
    if previous is None:
        return True
    prev = _text(source, previous)
    return segment.ends_sentence(prev) or prev.endswith((":", ";")) or _looks_like_title(prev)


def _looks_like_title(text: str) -> bool:
    return len(text) <= HEADING_CHARS and not text.endswith((".", ",", ";", ":"))


def _intro_items(source: str, paras: list[list[Line]]) -> list[set[str]]:
    """Terms of each item of the first bulleted list (two or more items)."""
    run: list[list[Line]] = []
    for para in paras:
        if para[0].bullet:
            run.append(para)
        elif len(run) >= 2:
            break
        else:
            run = []
    if len(run) < 2:
        return []
    return [set(terms(_text(source, p).lower().replace("/", " "))) for p in run]


def _matches(heading: str, items: list[set[str]]) -> bool:
    words = set(terms(heading.lower().replace("/", " ")))
    return any(item and len(item & words) / len(item) >= MATCH for item in items)


def chunk(source: str, max_chars: int) -> list[Chunk]:
    paras = segment.paragraphs(source)
    if not paras:
        return []
    items = _intro_items(source, paras)
    # A form repeated per trial: "Succeskriterier (hvad skal der til …)." before each
    # trial's value. A short value without a full stop ("Øge tilfredshed med forløbet")
    # would read as a heading; after a field's label it is the field's value.
    texts = [_text(source, para) for para in paras]
    labels = {t for t, n in Counter(texts).items() if n >= LABEL_REPEATS and reads_as_label(t)}
    headings: list[tuple[int, str, bool]] = []  # (paragraph index, text, top-level?)
    for i, para in enumerate(paras):
        if i and texts[i - 1] in labels:
            continue
        if _is_heading(source, para, paras[i - 1] if i else None):
            text = _text(source, para)
            top = not headings or not items or _matches(text, items)
            if top or len(text.split()) <= SUBHEADING_WORDS:
                headings.append((i, text, top))
    if not headings or headings[0][0] != 0:
        headings.insert(0, (0, "", True))

    chunks: list[Chunk] = []
    section = ""
    pending: list[Span] = []  # headings with no text of their own join the next chunk
    for n, (index, text, top) in enumerate(headings):
        stop = headings[n + 1][0] if n + 1 < len(headings) else len(paras)
        body = paras[index + 1 : stop] if text else paras[index:stop]
        if top:
            section = text
        context = section if top or not section else f"{section} › {text}"
        heading = (paras[index][0].start, paras[index][-1].end) if text else None
        units = pending + ([Span(*heading, "heading")] if heading else [])
        for para in body:
            units.extend(region_units(source, para[0].start, para[-1].end, lines=para))
        if not body and n + 1 < len(headings):
            pending = units
            continue
        pending = []
        part = Chunk(
            units[0].start, units[-1].end, context or "Indledning", context or "Indledning", units, heading=heading
        )
        chunks.extend(split_long(part, source, max_chars))
    return chunks
