"""What the app shows, as Markdown and HTML strings. Gradio-free.

The HTML comes from the Jinja2 templates in ui/templates/, rendered with autoescape on, so
every piece of text from a document, a manifest or a question shows as text: a document
containing ``<script>`` or a ``javascript:`` link renders inert. The chat's Markdown goes
through ``md_escape`` here. The only markup is the templates'. All the words a user reads
are Danish.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

from assistant.messages import danish_date, uncertain_note
from assistant.schema import Answer, Citation
from core.index_schema import DocumentRecord
from core.textnorm import display
from ui.documents import Highlight, SourceText, link
from ui.startup import Status

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")
OCR_NOTE = (
    "Dokumentet er OCR-scannet. Citater gengiver scanningens tekst ordret, også dens fejl (fx »forsgg« for »forsøg«)."
)
DOCUMENT_HEADERS = ("Titel", "Type", "Udgiver", "Dato", "Passager", "Fil")


def md_escape(text: str) -> str:
    """Text that Markdown (and the HTML under it) shows literally, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


_MARKER = re.compile(r"\[(\d+)\]")
_LAYOUT = re.compile(r"</?p>", re.IGNORECASE)  # document markup shown as layout, never as text


def _sources_label(answer: Answer) -> str:
    return "Kilder" if answer.answered else "Muligvis relevante steder (besvarer ikke spørgsmålet)"


def _dated(citation: Citation) -> str:
    """The document's title with its date, as every citation shows it."""
    date = danish_date(citation.date)
    return f"{citation.title} ({date})" if date else citation.title


def _by_document(citations: list[Citation]) -> list[tuple[str, list[Citation]]]:
    """Citations grouped by document, in order of first citation: the title (and date) once
    per document, however many places of it an answer cites."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(_dated(c), []).append(c)
    return list(groups.items())


def _md_piece(text: str) -> str:
    """``md_escape`` for a piece of a line: a space at either edge is kept (a word that
    follows a marked repair must not stick to it)."""
    if not text.strip():
        return " " if text else ""
    return (" " if text[0].isspace() else "") + md_escape(text) + (" " if text[-1].isspace() else "")


def _reading_md(text: str, citation: Citation | None) -> str:
    """A piece of the answer as Markdown: text for reading, with the words the OCR repair
    changed marked (dotted underline; the scan's spelling on hover)."""
    if citation is None or not citation.repairs or not citation.reading:
        return _md_piece(text)
    at = text.find(citation.reading)
    if at < 0:
        return _md_piece(text)
    out, pos = [_md_piece(text[:at])], at
    for r in sorted(citation.repairs, key=lambda r: r.start):
        start, end = at + r.start, at + r.end
        if start < pos or end > at + len(citation.reading):
            continue
        out.append(_md_piece(text[pos:start]))
        scan = html.escape(f"Rettet fra scanningens »{r.scan}«", quote=True)
        out.append(f'<span class="ocr-fix" title="{scan}">{html.escape(text[start:end])}</span>')
        pos = end
    out.append(_md_piece(text[pos:]))
    return "".join(piece for piece in out if piece)


def _line_md(line: str, by_n: dict[int, Citation]) -> str:
    """One line of the answer: each [n] a link to its span (title and place on hover), the
    text before it read with its citation's repairs marked."""
    out, pos = [], 0
    for m in _MARKER.finditer(line):
        citation = by_n.get(int(m[1]))
        piece = line[pos : m.start()]
        if citation is None:
            out.append(_md_piece(piece + m[0]))
        else:
            where = f"{_dated(citation)} – {citation.locator}".replace('"', "'")
            href = link(citation.source, citation.start, citation.end)
            out.append(_reading_md(piece, citation) + f'[\\[{citation.n}\\]]({href} "{_md_piece(where)}")')
        pos = m.end()
    out.append(_md_piece(line[pos:]))
    return "".join(out).strip()


def answer_message(answer: Answer) -> str:
    """The chat message: the answer once, as text for reading, each [n] a link to its span
    (so the history stays checkable after later questions; the sources panel lists the
    verbatim quotes of the latest answer); list items as a real list; the notes that
    belong to it (documents not indexed yet, an answer limited to some documents)."""
    by_n = {c.n: c for c in answer.citations}
    blocks: list[str] = []
    items: list[str] = []
    for line in answer.answer.split("\n"):
        if line.startswith("- "):
            items.append("- " + _line_md(line[2:], by_n))
            continue
        if items:
            blocks.append("\n".join(items))
            items = []
        if line.strip():
            blocks.append(_line_md(line, by_n))
    if items:
        blocks.append("\n".join(items))
    if answer.uncertain:  # the other places, each [n] a link like the answer's own
        also = {c.n: c for c in answer.also}
        blocks.append(f"*{_line_md(uncertain_note(sorted(also), answer.maybe_not_covered), also)}*")
    notes = [note for note in (answer.scope, answer.notice) if note]
    blocks += [f"*{md_escape(note)}*" for note in notes]
    return "\n\n".join(blocks)


def plain_text(answer: Answer) -> str:
    """The answer and its sources as plain text, for a case note: the answer as read, the
    quotes verbatim."""
    lines = [f"Spørgsmål: {answer.question}", "", answer.answer]
    if answer.uncertain:
        lines += ["", uncertain_note([c.n for c in answer.also], answer.maybe_not_covered)]
    for note in (answer.scope, answer.notice):
        if note:
            lines += ["", note]
    if answer.citations:
        lines += ["", f"{_sources_label(answer)}:"]
        lines += [f"[{c.n}] {_dated(c)}, {c.locator}: »{display(c.quote)}«" for c in answer.citations]
    if answer.also:
        lines += ["", "Andre steder, der kan svare:"]
        lines += [f"[{c.n}] {_dated(c)}, {c.locator}: »{display(c.quote)}«" for c in answer.also]
    return "\n".join(lines)


def sources_html(answer: Answer | None) -> str:
    """The numbered sources of the latest answer, grouped by document (the title once):
    each place with its verbatim quote. Click a quote to see it marked in the source
    viewer; each link is also the stable address of its span; one button copies the
    answer with its sources."""
    if answer is None or not answer.citations:
        return ""
    groups = [(title, [_citation(c) for c in cites]) for title, cites in _by_document(answer.citations)]
    also = [(title, [_citation(c) for c in cites]) for title, cites in _by_document(answer.also)]
    return render_template(
        "sources.html",
        answered=answer.answered,
        label=_sources_label(answer),
        groups=groups,
        also=also,
        plain=plain_text(answer),
    )


def _citation(c: Citation) -> dict[str, object]:
    quote = display(c.quote)
    return {
        "n": c.n,
        "href": link(c.source, c.start, c.end),
        "source": c.source,
        "start": c.start,
        "end": c.end,
        "locator": c.locator,
        "quote": quote,
        "read": bool(c.reading) and c.reading != quote,  # the answer shows it for reading
    }


def _layout(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, bool]]:
    """``text[start:end]`` as (piece, is_markup) pieces: markup such as ``<p>`` is shown as
    layout (a paragraph break), its characters kept so that offsets and the marked text
    stay the source's own. Markup is found in the whole text, so a span that begins or
    ends inside a tag still shows that tag's part as markup."""
    end = len(text) if end is None else end
    markup = [False] * len(text)
    for m in _LAYOUT.finditer(text):
        markup[m.start() : m.end()] = [True] * (m.end() - m.start())
    out: list[tuple[str, bool]] = []
    pos = start
    while pos < end:
        kind, stop = markup[pos], pos
        while stop < end and markup[stop] == kind:
            stop += 1
        out.append((text[pos:stop], kind))
        pos = stop
    return out


def viewer_html(highlight: Highlight, window: int) -> str:
    """A document with the linked span marked (the page scrolls it into view)."""
    text, start, end = highlight.document.text, highlight.start, highlight.end
    left, right = 0, len(text)
    if right > window:  # a very long document: show the stretch around the span
        left = max(0, min(start - window // 2, right - window))
        right = min(len(text), max(end, left + window))
    return render_template(
        "viewer.html",
        document=highlight.document,
        locator=highlight.locator,
        start=start,
        end=end,
        href=link(highlight.document.record.source, start, end),
        before=_layout(text, left, start),
        marked=_layout(text, start, end),
        after=_layout(text, end, right),
        cut_left=left > 0,
        cut_right=right < len(text),
    )


def document_html(document: SourceText, window: int) -> str:
    """A whole document, to read (the first ``window`` characters of a very long one)."""
    text = _layout(document.text, 0, min(window, len(document.text)))
    return render_template("document.html", document=document, text=text, cut=len(document.text) > window)


def message_html(message: str) -> str:
    """A Danish message in place of a document (a bad link, an unreadable file)."""
    return render_template("message.html", message=message)


VIEWER_EMPTY = (
    '<div class="viewer empty"><p>Klik på en kilde under svaret for at se det citerede sted '
    "markeret i dokumentet.</p></div>"
)


def documents_html(records: Iterable[DocumentRecord]) -> str:
    """The indexed documents as a table; a click on a title shows the whole text."""
    rows = [
        {
            "href": "?" + urlencode({"doc": r.source}),
            "source": r.source,
            "title": r.title,
            "kind": r.kind,
            "pages": _pages(r),
            "publisher": r.publisher,
            "date": r.date,
            "passages": r.passages,
            "file": Path(r.source).name,
        }
        for r in records
    ]
    return render_template("documents.html", rows=rows, headers=DOCUMENT_HEADERS)


def _pages(record: DocumentRecord) -> str:
    return f", {record.pages} sider" if record.pages > 1 else (", 1 side" if record.pages == 1 else "")


def status_html(status: Status, ready: bool, stale: list[str]) -> str:
    """The banner over the chat: build progress, failures and a stale index; empty when
    all is well."""
    busy = {
        "opening": "Åbner indekset …",
        "building": "Der er intet indeks endnu, så det bygges nu. Du kan stille spørgsmål, når det er færdigt.",
        "updating": (
            "Dokumenterne er ændret siden sidste indeksering; indekset opdateres nu. "
            "Indtil da kommer svarene fra den forrige udgave."
        ),
    }.get(status.phase, "")
    failed = ""
    if status.phase == "failed":
        failed = "Indekset kunne ikke opdateres" if ready else "Indekset kunne ikke bygges"
    return render_template(
        "status.html",
        busy=busy,
        total=status.total,
        done=min(status.done, status.total),
        failed_phase=failed,
        error=status.error,
        tail=" Svarene kommer fra den seneste gode udgave." if ready else "",
        failed_files=status.failed,
        stale=stale,
    )


def login_html(title: str, message: str = "", next_path: str = "/", failed: bool = False) -> str:
    """The login page (a plain form, no scripts): shown when ASSISTANT_AUTH_FILE is set."""
    return render_template("login.html", title=title, message=message, next_path=next_path, failed=failed)


_TEMPLATES = Environment(
    loader=PackageLoader("ui", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)
_TEMPLATES.globals["ocr_note"] = OCR_NOTE


def render_template(name: str, **values: object) -> str:
    """A template of ui/templates/, autoescaped: every value shows as text."""
    return _TEMPLATES.get_template(name).render(**values).strip()
