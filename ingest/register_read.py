"""Trials named by one document's structure, as offsets into its text (issue 13).

Three shapes are read, none of them by a trial's name:

* a tab-separated table whose header row has a title column: one mention per row, its
  status from the caption line above the header;
* a heading (all-caps lines) whose words mean a status, on a slide: the items under it,
  one a line on a list slide, the narrow wrapped names beside wide remarks on a table slide;
* a scanned table whose header line names a title and a municipalities column but whose
  columns the scan interleaved: each line split into the title column's text and the
  municipalities' list beside it ("Ledighedsydelse- Aalborg, Jammerbugt, Thisted"), a list
  carried on over lines (a name cut "Vesthimmer-" is finished by a lone "land." further
  down), a single name when the document lists it as a municipality elsewhere; the wide
  paragraphs after a row are its other columns, the conclusions those of the wider wrap;
* a slide whose heading has a conclusion word ("Erfaringer og anbefalinger"): its bullets
  are conclusions about what the heading lines above that word name (a theme).

What the words mean (statuses, column names, "until" patterns) is data: corpus/register.toml.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import CorpusError
from core.textnorm import display, fold, join_hyphen_breaks
from ingest import segment

Span = tuple[int, int]
NARROW = 30  # the name column of a table slide wraps at about 28 characters
LIST_ITEM_CHARS = 120  # a list slide's item is one short line
_FUSED_TITLE = re.compile(r"^([A-ZÆØÅ][\wæøå/-]{2,24}) (?=[A-ZÆØÅ][a-zæøå]+ [a-zæøå])")
_NAME = r"[A-ZÆØÅ][\w@&]+(?:-[ \t]*\n[ \t]*[a-zæøå][\w@&]*)*"  # "Frede-\nrikshavn" is one name
_SEP = r"(?:,[ \t]*\n?[ \t]*|[ \t]*\n?[ \t]*\bog[ \t]+\n?[ \t]*)"
# "Aalborg, Frederikshavn, Jam-\nmerbugt og Laesg": two names or more, the last after "og".
_NAME_LIST = re.compile(rf"{_NAME}(?:{_SEP}{_NAME})+")


@dataclass(frozen=True)
class Vocabulary:
    """corpus/register.toml."""

    status: dict[str, tuple[str, ...]] = field(default_factory=dict)
    until: tuple[str, ...] = ()
    until_prepositions: tuple[str, ...] = ()
    until_before: dict[str, tuple[str, str]] = field(default_factory=dict)
    title_columns: tuple[str, ...] = ()
    municipality_columns: tuple[str, ...] = ()
    conclusion_columns: tuple[str, ...] = ()
    reason_columns: tuple[str, ...] = ()
    table_end: tuple[str, ...] = ()
    conclusion_headings: tuple[str, ...] = ()
    ends: tuple[str, ...] = ()
    certain: float = 0.85
    uncertain: float = 0.70
    margin: float = 0.10

    def status_of(self, text: str) -> tuple[str, str] | None:
        """(status, the phrase that says it) for a caption or heading; the longest phrase wins."""
        folded = fold(display(text))
        hits = [(len(p), value, p) for value, phrases in self.status.items() for p in phrases if fold(p) in folded]
        if not hits:
            return None
        _, value, phrase = max(hits)
        return value, phrase

    def until_in(self, text: str, start: int, end: int) -> Span | None:
        for pattern in self.until:
            m = re.compile(pattern, re.IGNORECASE).search(text, start, end)
            if m:
                return m.start(), m.end()
        return None

    def until_phrase(self, text: str, span: Span, status: str) -> str:
        """The "until" as it reads after the status: with the preposition the document
        writes before it, else the one [until.before] gives for the status."""
        until = display(text[span[0] : span[1]]).lower()
        before = fold(text[max(0, span[0] - 20) : span[0]]).rstrip()
        for word in sorted(self.until_prepositions, key=len, reverse=True):
            if re.search(rf"(?:^|\W){re.escape(fold(word))}$", before):
                return f"{word} {until}"
        pair = self.until_before.get(status, ("", ""))
        word = pair[0] if until[:1].isdigit() else pair[1]
        return f"{word} {until}".strip()

    def predicate_of(self, before: str) -> str | None:
        """What a sentence says happens at its "until", from the text ``before`` it: the
        status (or "ends") whose phrase stands last there."""
        folded = fold(before)
        found = [
            (folded.rfind(fold(p)), name)
            for name, phrases in (*self.status.items(), ("ends", self.ends))
            for p in phrases
            if fold(p) in folded
        ]
        return max(found)[1] if found else None

    def column(self, cell: str) -> str | None:
        """The column a header cell names: that of its last vocabulary word (the head noun:
        "Kommunernes egne konklusioner" names the conclusions)."""
        folded = fold(cell)
        hits = [
            (folded.rfind(fold(w)), name)
            for name, words in (
                ("title", self.title_columns),
                ("municipalities", self.municipality_columns),
                ("conclusions", self.conclusion_columns),
                ("reasons", self.reason_columns),
            )
            for w in words
            if fold(w) in folded
        ]
        return max(hits)[1] if hits else None

    def ends_table(self, line: str) -> bool:
        return any(fold(line).startswith(fold(w)) for w in self.table_end)

    def concludes(self, heading: str) -> bool:
        return any(fold(w) in fold(heading) for w in self.conclusion_headings)


def load_vocabulary(path: Path) -> Vocabulary:
    """The register's vocabulary; a missing file is an empty one (no statuses are read)."""
    if not path.is_file():
        return Vocabulary()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        columns, link, until = data.get("columns", {}), data.get("link", {}), data.get("until", {})
        return Vocabulary(
            status={str(k): tuple(map(str, v)) for k, v in data.get("status", {}).items()},
            until=tuple(map(str, until.get("patterns", []))),
            until_prepositions=tuple(map(str, until.get("prepositions", []))),
            until_before={str(k): (str(v[0]), str(v[1])) for k, v in until.get("before", {}).items()},
            title_columns=tuple(columns.get("title", [])),
            municipality_columns=tuple(columns.get("municipalities", [])),
            conclusion_columns=tuple(columns.get("conclusions", [])),
            reason_columns=tuple(columns.get("reasons", [])),
            table_end=tuple(map(str, columns.get("end", []))),
            conclusion_headings=tuple(map(str, data.get("conclusions", {}).get("headings", []))),
            ends=tuple(map(str, until.get("ends", []))),
            certain=float(link.get("certain", 0.85)),
            uncertain=float(link.get("uncertain", 0.70)),
            margin=float(link.get("margin", 0.10)),
        )
    except (OSError, ValueError, TypeError, AttributeError, IndexError, re.error) as exc:
        raise CorpusError(path.name, f"kan ikke læses: {exc}") from exc


@dataclass
class Mention:
    """One place a document names a trial."""

    name: Span
    kind: str  # "table", "list" or "scan"
    locator: str = ""
    status: str | None = None
    status_span: Span | None = None
    until: Span | None = None
    # where the status and its until are read, when not at ``locator`` (a table's caption
    # says the status of every row: "Tabel 2", not "Tabel 2, række 3")
    status_locator: str = ""
    # each list of municipalities as its pieces, read joined (a scan splits a list over lines)
    municipalities: list[list[Span]] = field(default_factory=list)
    conclusions: list[Span] = field(default_factory=list)
    # the paragraphs of the reason cell, each as its pieces: one, or more when a page break
    # moved the rest of a paragraph to the table's next line, after that line's other cells
    reasons: list[list[Span]] = field(default_factory=list)
    name_parts: list[Span] = field(default_factory=list)  # a name the scan split up, read joined


@dataclass
class Theme:
    """A slide of conclusions: ``subject`` (the heading lines naming what it is about), and
    the bullets under the conclusion heading."""

    subject: list[Span]
    items: list[Span]
    locator: str = ""


@dataclass
class Reading:
    mentions: list[Mention] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # Danish notes
    units: list[Span] = field(default_factory=list)  # the regions read as trials (tables, status slides)


def name_text(text: str, span: Span) -> str:
    """A mention's name as one line: wrapped lines and hyphen breaks joined."""
    return display(join_hyphen_breaks(text[span[0] : span[1]])).rstrip("- ")


def read(text: str, vocab: Vocabulary) -> Reading:
    out = Reading()
    _tab_tables(text, vocab, out)
    if not out.mentions:
        _heading_lists(text, vocab, out)
        _scanned_table(text, vocab, out)
        _conclusion_slides(text, vocab, out)
    return out


def _tab_tables(text: str, vocab: Vocabulary, out: Reading) -> None:
    lines = segment.raw_lines(text)
    i, number = 0, 0
    while i < len(lines):
        s, e = lines[i]
        if "\t" not in text[s:e] or not text[s:e].replace("\t", "").strip():
            i += 1
            continue
        header = segment.tab_cells(text, s, e)
        if sum(b > a for a, b in header) < 2:  # a caption line with trailing tabs
            i += 1
            continue
        names = [vocab.column(text[a:b]) for a, b in header]
        j = i + 1  # the table runs while lines have tabs (blank lines between page breaks allowed)
        while j < len(lines) and ("\t" in text[slice(*lines[j])] or not text[slice(*lines[j])].strip()):
            j += 1
        number += 1
        if "title" not in names:
            first = display(text[header[0][0] : header[0][1]]) or "?"
            out.skipped.append(f"en tabel uden titelkolonne (første celle {first!r}) er sprunget over")
            i = j
            continue
        caption = _caption(text, lines, i)
        out.units.append((caption[0] if caption else s, lines[j - 1][1]))
        status = vocab.status_of(text[caption[0] : caption[1]]) if caption else None
        _table_rows(text, vocab, out, lines[i + 1 : j], names, caption, status, number)
        i = j


def _caption(text: str, lines: list[Span], header: int) -> Span | None:
    """The nearest non-blank line above a table's header row."""
    for k in range(header - 1, -1, -1):
        span = segment.trim(text, *lines[k])
        if span:
            return span
    return None


def _table_rows(
    text: str,
    vocab: Vocabulary,
    out: Reading,
    rows: list[Span],
    names: list[str | None],
    caption: Span | None,
    status: tuple[str, str] | None,
    number: int,
) -> None:
    col = names.index("title")
    current: Mention | None = None
    count = 0
    for s, e in rows:
        if not text[s:e].strip():
            continue
        cells = segment.tab_cells(text, s, e)
        if len(cells) != len(names):
            out.skipped.append(f"tabel {number}: en række har {len(cells)} celler, overskriften {len(names)}")
        title = cells[col] if col < len(cells) else (s, s)
        if title[1] > title[0]:
            count += 1
            current = Mention(
                name=title, kind="table", locator=f"Tabel {number}, række {count}", status_locator=f"Tabel {number}"
            )
            if caption and status:
                current.status, current.status_span = status[0], caption
                current.until = vocab.until_in(text, *caption)
            out.mentions.append(current)
        if current is None:
            continue  # a continuation before any row: nothing to continue
        for c, span in enumerate(cells):
            kind = names[c] if c < len(names) else None
            if span[1] > span[0] and kind == "municipalities":
                current.municipalities.append([span])
            elif span[1] > span[0] and kind == "conclusions":
                current.conclusions.append(span)
            elif span[1] > span[0] and kind == "reasons":
                for k, part in enumerate(_paragraphs(text, span)):
                    last = current.reasons[-1][-1] if current.reasons else None
                    # a paragraph the page break cut: the last one stops mid-sentence and
                    # this one goes on in lower case
                    cut = last is not None and text[last[1] - 1] not in ".!?:" and text[part[0]].islower()
                    if cut and last and not _PARAGRAPH.sub("", text[last[1] : part[0]]).strip():
                        current.reasons[-1][-1] = (last[0], part[1])  # only tags between: one span
                    elif cut and k == 0 and title[1] <= title[0]:
                        # the rest is in the next table line, after that line's other cells:
                        # a second piece of the same reason, cited apart
                        current.reasons[-1].append(part)
                    else:
                        current.reasons.append([part])


_PARAGRAPH = re.compile(r"</?p>")


def _paragraphs(text: str, span: Span) -> list[Span]:
    """A cell's paragraphs (its ``<p>…</p>`` parts), trimmed; the cell itself without any."""
    out, pos = [], span[0]
    for m in [*_PARAGRAPH.finditer(text, span[0], span[1]), None]:
        stop = m.start() if m else span[1]
        part = segment.trim(text, pos, stop)
        if part and any(c.isalnum() for c in text[part[0] : part[1]]):
            out.append(part)
        pos = m.end() if m else span[1]
    return out


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _heading_lists(text: str, vocab: Vocabulary, out: Reading) -> None:
    slides = _slides(text)
    found: list[tuple[int, Span, tuple[str, str], list[segment.Line]]] = []
    after_heading: dict[str, int] = {}
    for number, (start, end) in enumerate(slides, 1):
        lines = segment.lines(text, start, end)
        k = 0
        while k < len(lines) and not _is_caps(lines[k].text):
            k += 1
        h = k
        while h < len(lines) and _is_caps(lines[h].text):
            h += 1
        if k == h:
            continue
        heading = (lines[k].start, lines[h - 1].end)
        status = vocab.status_of(text[heading[0] : heading[1]])
        body = lines[h:]
        if status and body:
            found.append((number, heading, status, body))
            out.units.append((heading[0], body[-1].end))
            after_heading[fold(body[0].text)] = after_heading.get(fold(body[0].text), 0) + 1
    for n, heading, status, body in found:  # n: the slide's number among all slides
        if after_heading[fold(body[0].text)] >= 2:  # a column header ("Forsøg") repeated under headings
            body = body[1:]
        until = vocab.until_in(text, *heading)
        for item in _items(text, body):
            out.mentions.append(
                Mention(name=item, kind="list", locator=f"Dias {n}", status=status[0], status_span=heading, until=until)
            )


def _slides(text: str) -> list[Span]:
    out, pos = [], 0
    for m in segment.SLIDE_BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [s for s in out if text[s[0] : s[1]].strip()]


def _blocks(text: str, body: list[segment.Line]) -> list[list[segment.Line]]:
    """The lines grouped into blocks separated by blank lines."""
    blocks: list[list[segment.Line]] = []
    for line in body:
        if blocks and not text[blocks[-1][-1].end : line.start].count("\n") > 1:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _items(text: str, body: list[segment.Line]) -> list[Span]:
    """A list slide: every line is an item. A table slide (some lines are wide remarks):
    the blocks of narrow lines, and a one-word name fused with the first remark."""
    if all(len(line.text) <= LIST_ITEM_CHARS and not segment.ends_sentence(line.text) for line in body):
        seen: set[str] = set()
        items = []
        for line in body:
            if fold(line.text) not in seen:  # a list the extraction repeated
                seen.add(fold(line.text))
                items.append((line.start, line.end))
        return items
    items = []
    for block in _blocks(text, body):
        if all(len(line.text) <= NARROW for line in block):
            items.append((block[0].start, block[-1].end))
        elif (m := _FUSED_TITLE.match(block[0].text)) and len(block[0].text) > 2 * NARROW:
            items.append((block[0].start, block[0].start + len(m[1])))
    return items


_CAP = r"[A-ZÆØÅ][\w@&]*"
_LINE_SEP = r"(?:,[ \t]*|[ \t]+og[ \t]+)"
# The end of a line that is (part of) a list of names: "Aalborg, Jammerbugt, Thisted",
# "og Rebild", "merbugt og Laesg" (the rest of a cut name first), "Vesthimmer-", "Aalborg."
_PIECE = re.compile(
    rf"(?P<og>og[ \t]+)?(?P<first>[a-zæøå][\w@&]*|{_CAP})(?P<rest>(?:{_LINE_SEP}{_CAP})*)(?P<end>[-.,]|[ \t]+og)?[ \t]*"
)
_WORD_START = re.compile(r"(?<!\S)\S")


@dataclass
class _Row:
    title: list[Span] = field(default_factory=list)
    lists: list[list[Span]] = field(default_factory=list)
    paragraphs: list[tuple[Span, int]] = field(default_factory=list)  # (block, its widest line)


@dataclass
class _Open:
    """The list last read: which row holds it, and how its last piece ended."""

    row: _Row
    end: str  # "-" (a name cut), "," (more names follow), "." or "" (closed, or "og ..." may follow)


def _tail(line: str) -> str:
    """How a list piece ends: "-" (a cut name), "," (more names follow, also after "og"),
    "." or "" (closed, or "og ..." may follow)."""
    line = line.rstrip()
    if re.search(r"\sog$", line):
        return ","
    return line[-1:] if line[-1:] in "-.," else ""


def _known_names(text: str) -> set[str]:
    """The names the document lists somewhere whole ("Aalborg, Rebild, Morsø, ..."): a
    single name beside a title counts as a municipality only when it is one of them."""
    known = set()
    for m in _NAME_LIST.finditer(text):
        if _is_name_list(m[0]):
            for part in re.split(r",|\bog\b", m[0]):
                part = part.strip().strip(".")
                if part and "\n" not in part and "-" not in part:
                    known.add(fold(part))
    return known


def _piece(line: str, known: set[str], open_list: _Open | None) -> tuple[int, bool] | None:
    """Where the line's list piece starts, and whether it continues the open list."""
    for m in _WORD_START.finditer(line):
        p = _PIECE.fullmatch(line, m.start())
        if p is None:
            continue
        names = [p["first"], *re.split(_LINE_SEP, p["rest"])[1:]]
        if p["first"][:1].islower():  # the rest of a cut name: only after "Vesthimmer-"
            if open_list and open_list.end == "-" and (len(names) > 1 or m.start() == 0):
                return m.start(), True
        elif p["og"]:
            if open_list and open_list.end == "":
                return m.start(), True
        elif open_list and open_list.end == ",":  # "Aalborg, Rebild og" goes on
            return m.start(), True
        elif len(names) >= 2 or fold(p["first"]) in known:
            return m.start(), False
    return None


def _scan_header(text: str, vocab: Vocabulary) -> tuple[Span, list[str]] | None:
    """The header line (title and municipalities named, no tabs), through the last of the
    next few lines that names a column; and the columns named after the first line."""
    lines = segment.raw_lines(text)
    for k, (s, e) in enumerate(lines):
        if "\t" in text[s:e] or not {"title", "municipalities"} <= {vocab.column(w) for w in text[s:e].split()}:
            continue
        filled = [span for span in lines[k + 1 :] if text[slice(*span)].strip()][:4]
        cells = [vocab.column(text[slice(*span)]) or "" for span in filled]
        last = max((i for i, c in enumerate(cells) if c), default=-1)
        end = filled[last][1] if last >= 0 else e
        named = {vocab.column(w) for w in text[s:e].split()}
        return (s, end), (["conclusions"] if "conclusions" in named else []) + cells[: last + 1]
    return None


def _scanned_table(text: str, vocab: Vocabulary, out: Reading) -> None:
    """A header line naming a title and a municipalities column, without tabs: each line
    below it split into the title column's text and a list piece at its end; blocks of
    such narrow lines are rows, the wide paragraphs after them the row's other columns."""
    found = _scan_header(text, vocab)
    if found is None:
        return
    (head, start), cells = found
    end = next((s for s, e in segment.raw_lines(text) if s >= start and vocab.ends_table(text[s:e].strip())), len(text))
    out.units.append((head, end))
    known = _known_names(text)
    rows: list[_Row] = []
    open_list: _Open | None = None
    for block in _blocks(text, segment.lines(text, start, end)):
        if _is_wide(block, known, open_list):  # a paragraph of another column
            if rows:
                rows[-1].paragraphs.append(((block[0].start, block[-1].end), max(len(x.text) for x in block)))
            continue
        for line in block:
            got = _piece(line.text, known, open_list)  # again: the open list changes line by line
            head = segment.trim(text, line.start, line.start + got[0]) if got else (line.start, line.end)
            if got and got[1] and open_list is not None:
                row = open_list.row
                row.lists[-1].append((line.start + got[0], line.end))
            elif got:
                if not rows or rows[-1].lists or rows[-1].paragraphs:
                    rows.append(_Row())
                row = rows[-1]
                row.lists.append([(line.start + got[0], line.end)])
            if got:
                open_list = _Open(row, _tail(line.text))
            if head:
                if not rows or rows[-1].paragraphs:
                    rows.append(_Row())
                rows[-1].title.append(head)
    _row_mentions(text, rows, cells, out)


def _is_wide(block: list[segment.Line], known: set[str], open_list: _Open | None) -> bool:
    """Is some line of the block, its list piece left out, wider than a title column?"""
    state = _Open(_Row(), open_list.end) if open_list else None
    for line in block:
        got = _piece(line.text, known, state)
        if len((line.text[: got[0]] if got else line.text).strip()) > NARROW - 6:
            return True
        if got:
            state = _Open(_Row(), _tail(line.text))
    return False


def _row_mentions(text: str, rows: list[_Row], cells: list[str], out: Reading) -> None:
    conclusions = _conclusion_paragraphs(rows, cells)
    groups = [_groups(row, conclusions) for row in rows]
    for i, row_groups in enumerate(groups):  # a row's text the scan put before its title
        k = i + 1
        while len(row_groups) > 1 and k < len(groups) and not groups[k]:
            groups[k] = [row_groups.pop(1)]
            k += 1
    for n, (row, row_groups) in enumerate(zip(rows, groups, strict=True), 1):
        if not row.title:
            out.skipped.append(f"tabel, række {n}: en liste uden titel ved siden af er sprunget over")
            continue
        out.mentions.append(
            Mention(
                name=(row.title[0][0], row.title[-1][1]),
                kind="scan",
                locator=f"Tabel, række {n}",
                municipalities=row.lists,
                conclusions=[span for group in row_groups for span in group if span in conclusions],
                name_parts=row.title,
            )
        )


def _conclusion_paragraphs(rows: list[_Row], cells: list[str]) -> set[Span]:
    """The paragraphs of the conclusions column. With one more column beside it, the two
    are told apart by how wide they wrap (two clusters); the conclusions are the cluster
    whose column comes where the header puts the conclusions."""
    if "conclusions" not in cells:
        return set()
    paragraphs = [p for row in rows for p in row.paragraphs]
    after = [c for c in cells if c != "conclusions"]
    if not after or len(paragraphs) < 2:
        return {span for span, _ in paragraphs}
    widths = sorted(w for _, w in paragraphs)
    cost = [
        sum((w - sum(part) / len(part)) ** 2 for part in (widths[:k], widths[k:]) for w in part)
        for k in range(1, len(widths))
    ]
    cut = widths[cost.index(min(cost)) + 1]
    wide_last = cells.index("conclusions") == len(cells) - 1
    return {span for span, w in paragraphs if (w >= cut) == wide_last}


def _groups(row: _Row, conclusions: set[Span]) -> list[list[Span]]:
    """The row's paragraphs as (other columns, then conclusions) groups: another column's
    paragraph after a conclusion starts a new group (a row the scan put before its title)."""
    groups: list[list[Span]] = []
    previous = None
    for span, _ in row.paragraphs:
        is_conclusion = span in conclusions
        if not groups or (previous and not is_conclusion):
            groups.append([])
        groups[-1].append(span)
        previous = is_conclusion
    return groups


def _is_name_list(quote: str) -> bool:
    parts = [p.strip().strip(".") for p in re.split(r",|\bog\b", join_hyphen_breaks(quote))]
    return len(parts) >= 2 and all(p[:1].isupper() and len(p) >= 3 for p in parts)


def _conclusion_slides(text: str, vocab: Vocabulary, out: Reading) -> None:
    """Slides with a heading line that has a conclusion word and bullets under it: the
    heading lines above it (a running header left out) name the subject, the bullets are
    the conclusions."""
    slides = [segment.lines(text, s, e) for s, e in _slides(text)]
    firsts = [fold(lines[0].text) for lines in slides if lines]
    for n, lines in enumerate(slides, 1):
        at = next((k for k, line in enumerate(lines[:6]) if not line.bullet and vocab.concludes(line.text)), None)
        if at is None:
            continue
        subject = [
            (x.start, x.end) for k, x in enumerate(lines[:at]) if not (k == 0 and firsts.count(fold(x.text)) > 1)
        ]
        items: list[Span] = []
        if at + 1 >= len(lines) or not lines[at + 1].bullet:
            continue
        for line in lines[at + 1 :]:
            if line.bullet or not items:
                items.append((line.start, line.end))
            else:
                items[-1] = (items[-1][0], line.end)
        if subject and items:
            out.themes.append(Theme(subject=subject, items=items, locator=f"Dias {n}"))
