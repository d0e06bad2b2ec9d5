"""Lines, paragraphs and sentences of raw source text, always as offsets into it.

The source files are PDF and slide extractions: lines are hard-wrapped, often with a blank
line after every line, bullets are private-use characters, table cells hold <p> tags.
This module finds the logical units anyway, and every unit is a ``(start, end)`` pair such
that ``source[start:end]`` is the exact text (trimmed of white space and bullet marks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.textnorm import ABBREVIATIONS, ends_sentence

BULLETS = "•▪\uf0b7\uf0a1\uf0fc\uf0a7\uf0d8\u25cf\u25aa\u2022"
# "-" and "o" start list items, and so do the letters of a lettered list ("a. hvorvidt …",
# "b) om …"); an en dash at the start of a line continues the line above.
_BULLET = re.compile(rf"^(?:[{BULLETS}]|o(?=\s)|-(?=\s)|[a-h][.)](?=\s))\s*")
_TAG = re.compile(r"</?p>", re.IGNORECASE)
_TAG_AT_END = re.compile(r"</?p>$", re.IGNORECASE)
# Structure markers, shared by the chunkers. "\r" is allowed wherever a line ends.
TABLE_MARK = re.compile(r"^Tabel\s+(\d+)[ \t\r]*$", re.MULTILINE)
BLOCK_BREAK = re.compile(r"\n[ \t\r]*\n\s*")  # a blank line
SLIDE_BREAK = re.compile(r"\n[ \t\r]*\n[ \t\r]*\n[ \t\r]*\n\s*")  # three or more blank lines
_SENTENCE_END = re.compile(r"[.!?](?=[\"”)]?\s+[\"”(]?[A-ZÆØÅ0-9])")
# Words after which a wrapped line always continues, whatever the next line starts with.
_CONTINUING = frozenset(
    [
        "og",
        "eller",
        "i",
        "af",
        "for",
        "til",
        "med",
        "på",
        "om",
        "at",
        "er",
        "de",
        "den",
        "det",
        "en",
        "et",
        "som",
        "der",
        "fra",
        "ved",
        "samt",
        "under",
        "over",
        "efter",
        "inden",
        "mellem",
        # the other prepositions: no line of prose ends with one ("har gennem" above
        # "Frikommuneforsøg II vist, …" on a slide)
        "gennem",
        "mod",
        "hos",
        "uden",
        "blandt",
        "omkring",
        "via",
        "trods",
        "ifølge",
        "hvor",
        "når",
        "hvis",
        "kan",
        "skal",
        "vil",
        "har",
        "blev",
        "bliver",
        "mv",
    ]
)
WRAPPED_LINE = 70  # a line at least this long that ends without punctuation was wrapped
SHORT_LINE = 40


@dataclass(frozen=True)
class Line:
    """One non-blank line: offsets of its content (bullet and white space trimmed)."""

    start: int
    end: int
    text: str
    bullet: bool


def lines(source: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The non-blank lines of ``source[start:end]``."""
    end = len(source) if end is None else end
    out: list[Line] = []
    pos = start
    while pos < end:
        nl = source.find("\n", pos, end)
        stop = end if nl == -1 else nl
        raw = source[pos:stop]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if body:
            m = _BULLET.match(body)
            bullet = bool(m) and len(body) > (m.end() if m else 0)
            cut = m.end() if (m and bullet) else 0
            s = pos + lead + cut
            text = source[s : pos + lead + len(body)]
            out.append(Line(s, s + len(text), text, bullet))
        pos = stop + 1
    return out


def continues(previous: Line, line: Line) -> bool:
    """Does ``line`` continue the paragraph whose last line is ``previous``?"""
    if line.bullet:
        return False
    prev = previous.text.rstrip()
    if ends_sentence(prev):
        return False
    if prev.endswith((":", ";")):
        return False
    first = line.text[0]
    if first.islower() or first.isdigit() or first in "(–-,)/&":
        return True
    last_word = prev.split()[-1].lower() if prev.split() else ""
    if prev.endswith(("(", ",", "-", "–", "/")) or last_word in _CONTINUING:
        return True
    # A full-width line without punctuation was wrapped, unless what follows is a
    # short stand-alone line (a title or list item beside or below the text).
    return len(prev) >= WRAPPED_LINE and (len(line.text) >= SHORT_LINE or ends_sentence(line.text))


def group_paragraphs(items: list[Line]) -> list[list[Line]]:
    """Lines grouped into logical paragraphs (wrapped lines joined, blank lines ignored)."""
    out: list[list[Line]] = []
    for line in items:
        if out and continues(out[-1][-1], line):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def paragraphs(source: str, start: int = 0, end: int | None = None) -> list[list[Line]]:
    """The logical paragraphs of ``source[start:end]``."""
    return group_paragraphs(lines(source, start, end))


def sentences(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one paragraph region ``source[start:end]``."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in _SENTENCE_END.finditer(source, start, end):
        cut = m.end()
        before = source[cursor:cut]
        words = before.split()
        last = words[-1].lower().rstrip(".") if words else ""
        if last in ABBREVIATIONS or (last.isdigit() and len(last) <= 2 and len(words) > 1):
            continue
        spans.append((cursor, cut))
        cursor = cut
    spans.append((cursor, end))
    return [trimmed for s, e in spans if (trimmed := trim(source, s, e))]


def raw_lines(source: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Every line of ``source[start:end]`` as (start, end) without its newline, blank ones
    included (a text ending in a newline ends in an empty line)."""
    end = len(source) if end is None else end
    out, pos = [], start
    while pos <= end:
        nl = source.find("\n", pos, end)
        stop = end if nl == -1 else nl
        out.append((pos, stop))
        pos = stop + 1
    return out


def tab_cells(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """The tab-separated cells of the line ``source[start:end]``, each trimmed of white
    space and <p> tags; an empty cell is (pos, pos) where it stands."""
    out, pos = [], start
    for part in source[start:end].split("\t"):
        out.append(trim(source, pos, pos + len(part)) or (pos, pos))
        pos += len(part) + 1
    return out


def trim(source: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink a span to exclude white space and <p> tags at its ends; None if empty."""
    while True:
        while start < end and source[start].isspace():
            start += 1
        while end > start and source[end - 1].isspace():
            end -= 1
        head = _TAG.match(source, start, end)
        if head:
            start = head.end()
            continue
        tail = _TAG_AT_END.search(source, start, end)
        if tail:
            end = tail.start()
            continue
        break
    return (start, end) if end > start else None


def tag_free_regions(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``source[start:end]`` at <p>/</p> tags: the regions between them."""
    regions: list[tuple[int, int]] = []
    cursor = start
    for m in _TAG.finditer(source, start, end):
        if m.start() > cursor:
            regions.append((cursor, m.start()))
        cursor = m.end()
    if cursor < end:
        regions.append((cursor, end))
    return [r for s, e in regions if (r := trim(source, s, e))]


def sentence_spans(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """All sentences of a region, respecting tags and paragraphs."""
    out: list[tuple[int, int]] = []
    for rs, re_ in tag_free_regions(source, start, end):
        for para in paragraphs(source, rs, re_):
            out.extend(sentences(source, para[0].start, para[-1].end))
    return out


def paragraph_span(para: list[Line]) -> tuple[int, int]:
    return para[0].start, para[-1].end
