"""A verbatim quote as text for reading.

A citation's quote is always the exact source text, OCR damage and line-break hyphens
included. What an answer shows a person is this module's reading of it:

* ``<p>`` tags and private-use bullets removed, whitespace collapsed (as ``display``);
* line-break hyphens joined ("udfor-" + line break + "dringer" -> "udfordringer"), never
  before a conjunction ("kontant- og uddannelseshjælp") or a capital letter;
* a table column that the OCR interleaved into a hyphenated word pulled out of it: the
  line "Psykologbehand- Jammerbugt og Thisted" followed by "ling i jobcentrene" reads
  "Psykologbehandling i jobcentrene – Jammerbugt og Thisted";
* with an ``OcrRepairer`` (for documents that are scans), damaged words replaced by
  their repair, each recorded with the scan's spelling so a reader can see both.

Nothing here changes a quote or an offset into the source: ``Reading`` is shown beside
the quote, never instead of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.ocr import OcrRepairer
from core.textnorm import NOT_JOINED, join_hyphen_breaks, unmark

# "Psykologbehand- Jammerbugt og Thisted": a word cut by a hyphen, then (after a space) a
# capitalised cell of another column on the same line.
_COLUMN = re.compile(r"^(?P<head>.*[^\W\d_]{2})-[ \t]+(?P<other>[^\W\d_].*?)\s*$")
_ENDS_HYPHEN = re.compile(r"[^\W\d_]{2}-[ \t\r]*$")
_TOKEN = re.compile(r"[\w@&]+")
_SPACE = re.compile(r"\s+")
_FIRST_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Reading:
    """``text`` to read; ``repairs`` are (start, end, scan): ``text[start:end]`` was
    ``scan`` in the scan."""

    text: str
    repairs: list[tuple[int, int, str]] = field(default_factory=list)


def reading(quote: str, repairer: OcrRepairer | None = None) -> Reading:
    """The text a person reads for ``quote`` (a verbatim source slice); OCR words are
    repaired only when a ``repairer`` is given (documents that are scans)."""
    text = join_hyphen_breaks(_pull_out_columns(unmark(quote)), keep_acronyms=True)
    text = _SPACE.sub(" ", text).strip()
    if repairer is None:
        return Reading(text)
    return _repaired(text, repairer)


def _pull_out_columns(text: str) -> str:
    """Each "Xxxx- Other column" line whose next non-blank line continues the word in lower
    case becomes "Xxxx" + the continuation (and the lines it hyphenates into) + " – Other
    column"."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _COLUMN.match(lines[i])
        nxt = _next_filled(lines, i + 1)
        if match is None or nxt is None or not _continues(match["other"], lines[nxt]):
            out.append(lines[i])
            i += 1
            continue
        end = nxt
        while _ENDS_HYPHEN.search(lines[end]):
            after = _next_filled(lines, end + 1)
            if after is None or not lines[after].lstrip()[:1].islower():
                break
            end = after
        block = "\n".join(line.strip() for line in lines[nxt : end + 1] if line.strip())
        out.append(f"{match['head']}{block} – {match['other']}")
        i = end + 1
    return "\n".join(out)


def _continues(other: str, line: str) -> bool:
    """The other column starts with a capital, and ``line`` carries on the cut word."""
    first = _FIRST_WORD.match(line.lstrip())
    return other[:1].isupper() and first is not None and first[0][:1].islower() and first[0] not in NOT_JOINED


def _next_filled(lines: list[str], start: int) -> int | None:
    return next((j for j in range(start, len(lines)) if lines[j].strip()), None)


def _repaired(text: str, repairer: OcrRepairer) -> Reading:
    parts: list[str] = []
    repairs: list[tuple[int, int, str]] = []
    at = length = 0
    for match in _TOKEN.finditer(text):
        token = match[0]
        if text[match.end() : match.end() + 1] == "-" and not text[match.end() + 1 : match.end() + 2].isalpha():
            continue  # the first part of a word cut at a line ("forre-"): not a word to repair by itself
        fixed = repairer.word(token) if len(token) >= 3 else repairer.short_word(token)
        if fixed.lower() == token.lower():
            continue
        parts.append(text[at : match.start()])
        length += match.start() - at
        repairs.append((length, length + len(fixed), token))
        parts.append(fixed)
        length += len(fixed)
        at = match.end()
    parts.append(text[at:])
    return Reading("".join(parts), repairs)
