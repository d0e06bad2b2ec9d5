"""What the app shows, as Markdown and HTML strings. Gradio-free.

Every piece of text that comes from a document, a manifest or a question goes through
``html.escape`` (HTML) or ``md_escape`` (Markdown) here, so it always shows as text: a
document containing ``<script>`` or a ``javascript:`` link renders inert. The only markup
is the markup written in this module. All the words a user reads are Danish.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from pathlib import Path
from urllib.parse import urlencode

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


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _sources_label(answer: Answer) -> str:
    return "Kilder" if answer.answered else "Muligvis relevante steder (besvarer ikke spørgsmålet)"


def _groups(answer: Answer) -> list[tuple[str, str, list[Citation]]]:
    """Citations grouped by document and place, in order: a list answer cites one slide
    five times, and the reader should see its title once."""
    groups: dict[tuple[str, str], list[Citation]] = {}
    for c in answer.citations:
        groups.setdefault((c.title, c.locator), []).append(c)
    return [(title, locator, cites) for (title, locator), cites in groups.items()]


def answer_message(answer: Answer) -> str:
    """The chat message: the answer with its [n] markers, then its sources, each number a
    link to its span (so the history stays checkable after later questions); and, while
    documents are not indexed yet, a note that says so."""
    lines = [md_escape(line) for line in answer.answer.split("\n")]
    if answer.notice:
        lines.append(f"*{md_escape(answer.notice)}*")
    if answer.citations:
        sources = [f"*{md_escape(_sources_label(answer))}:*"]
        for title, locator, cites in _groups(answer):
            numbers = " ".join(f"[\\[{c.n}\\]]({link(c.source, c.start, c.end)})" for c in cites)
            sources.append(f"{numbers} {md_escape(title)} – {md_escape(locator)}")
        lines.append("  \n".join(sources))
    return "\n\n".join(lines)


def plain_text(answer: Answer) -> str:
    """The answer and its sources as plain text, for a case note."""
    lines = [f"Spørgsmål: {answer.question}", "", answer.answer]
    if answer.notice:
        lines += ["", answer.notice]
    if answer.citations:
        lines += ["", f"{_sources_label(answer)}:"]
        lines += [f"[{c.n}] {c.title}, {c.locator}: »{display(c.quote)}«" for c in answer.citations]
    return "\n".join(lines)


def sources_html(answer: Answer | None) -> str:
    """The numbered sources of the latest answer, grouped by document and place: click a
    quote to see it marked in the source viewer; each link is also the stable address of
    its span; one button copies the answer with its sources."""
    if answer is None or not answer.citations:
        return ""
    groups = []
    for title, locator, cites in _groups(answer):
        items = "".join(
            f'<li><a class="cite" href="{_attr(link(c.source, c.start, c.end))}" data-doc="{_attr(c.source)}" '
            f'data-start="{c.start}" data-end="{c.end}" title="Vis stedet i kilden">'
            f'<span class="n">[{c.n}]</span> »{escape(display(c.quote))}«</a></li>'
            for c in cites
        )
        groups.append(
            f'<div class="group"><p class="where"><strong>{escape(title)}</strong> – {escape(locator)}</p>'
            f'<ul class="citations">{items}</ul></div>'
        )
    return (
        f'<div class="sources{"" if answer.answered else " unanswered"}">'
        f'<div class="sources-head"><strong>{escape(_sources_label(answer))}</strong>'
        '<button type="button" class="copy-answer">Kopiér svar med kilder</button></div>'
        f'{"".join(groups)}<p class="hint">Klik på et citat for at se det i dokumentet.</p>'
        f'<textarea class="copy-text" hidden readonly>{escape(plain_text(answer))}</textarea></div>'
    )


def _document_head(record: DocumentRecord, extra: str = "") -> str:
    facts = " · ".join(escape(x) for x in (record.kind, record.publisher, record.date) if x)
    ocr = f'<p class="ocr-note">{escape(OCR_NOTE)}</p>' if record.ocr else ""
    title = f'<p class="doc-title">{escape(record.title)}</p>'
    return f'<div class="doc-head">{title}<p class="facts">{facts}</p>{ocr}{extra}</div>'


def viewer_html(highlight: Highlight, window: int) -> str:
    """A document with the linked span marked (the page scrolls it into view)."""
    text, start, end = highlight.document.text, highlight.start, highlight.end
    left, right = 0, len(text)
    if right > window:  # a very long document: show the stretch around the span
        left = max(0, min(start - window // 2, right - window))
        right = min(len(text), max(end, left + window))
    href = link(highlight.document.record.source, start, end)
    where = f"{escape(highlight.locator)}, " if highlight.locator else ""
    extra = _changed_note(highlight.document) + (
        f'<p class="place">Markeret: {where}tegn {start}–{end}. '
        f'<a class="permalink" href="{_attr(href)}" target="_blank" rel="noopener">Link til dette sted</a> '
        '<button type="button" class="copy-link">Kopiér link</button></p>'
    )
    cut_left = '<p class="cut">… (begyndelsen af dokumentet er udeladt)</p>' if left else ""
    cut_right = '<p class="cut">… (resten af dokumentet er udeladt)</p>' if right < len(text) else ""
    body = f'{escape(text[left:start])}<mark id="cite-mark">{escape(text[start:end])}</mark>{escape(text[end:right])}'
    return (
        f'<div class="viewer">{_document_head(highlight.document.record, extra)}'
        f'{cut_left}<div class="doc-text">{body}</div>{cut_right}</div>'
    )


def document_html(document: SourceText, window: int) -> str:
    """A whole document, to read (the first ``window`` characters of a very long one)."""
    note = _changed_note(document)
    text = document.text
    cut = '<p class="cut">… (resten af dokumentet er udeladt)</p>' if len(text) > window else ""
    return (
        f'<div class="viewer">{_document_head(document.record, note)}'
        f'<div class="doc-text">{escape(text[:window])}</div>{cut}</div>'
    )


def _changed_note(document: SourceText) -> str:
    if not document.changed:
        return ""
    return (
        '<p class="warning">Filen er ændret, efter den blev indekseret. Her vises den indekserede udgave, '
        "som svarene bygger på.</p>"
    )


def message_html(message: str) -> str:
    """A Danish message in place of a document (a bad link, an unreadable file)."""
    return f'<div class="viewer"><p class="warning">{escape(message)}</p></div>'


VIEWER_EMPTY = (
    '<div class="viewer empty"><p>Klik på en kilde under svaret for at se det citerede sted '
    "markeret i dokumentet.</p></div>"
)


def documents_html(records: Iterable[DocumentRecord]) -> str:
    """The indexed documents as a table; a click on a title shows the whole text."""
    rows = "".join(
        f'<tr><td><a class="doc" href="{_attr("?" + urlencode({"doc": r.source}))}" data-doc="{_attr(r.source)}">'
        f"{escape(r.title)}</a></td><td>{escape(r.kind)}{_pages(r)}</td><td>{escape(r.publisher)}</td>"
        f'<td>{escape(r.date)}</td><td class="num">{r.passages}</td>'
        f'<td class="file">{escape(Path(r.source).name)}</td></tr>'
        for r in records
    )
    if not rows:
        return '<p class="empty">Der er ingen dokumenter i indekset endnu.</p>'
    head = "".join(f"<th>{h}</th>" for h in DOCUMENT_HEADERS)
    return f'<table class="documents"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _pages(record: DocumentRecord) -> str:
    return f", {record.pages} sider" if record.pages > 1 else (", 1 side" if record.pages == 1 else "")


def status_html(status: Status, ready: bool, stale: list[str]) -> str:
    """The banner over the chat: build progress, failures and a stale index; empty when
    all is well."""
    parts = []
    if status.phase in ("opening", "building", "updating"):
        if status.phase == "opening":
            text = "Åbner indekset …"
        elif status.phase == "building":
            text = "Der er intet indeks endnu, så det bygges nu. Du kan stille spørgsmål, når det er færdigt."
        else:
            text = (
                "Dokumenterne er ændret siden sidste indeksering; indekset opdateres nu. "
                "Indtil da kommer svarene fra den forrige udgave."
            )
        bar = ""
        if status.total:
            done = min(status.done, status.total)
            bar = (
                f'<progress max="{status.total}" value="{done}"></progress> '
                f"<span>{done} af {status.total} dokumenter</span>"
            )
        else:
            bar = "<progress></progress>"
        parts.append(f'<div class="status busy"><p>{escape(text)}</p>{bar}</div>')
    elif status.phase == "failed":
        head = "Indekset kunne ikke opdateres" if ready else "Indekset kunne ikke bygges"
        tail = " Svarene kommer fra den seneste gode udgave." if ready else ""
        parts.append(f'<div class="status error"><p>{head}: {escape(status.error)}{tail}</p></div>')
    if status.failed:
        items = "".join(f"<li>{escape(m)}</li>" for m in status.failed)
        parts.append(
            '<div class="status error"><p>Disse filer kunne ikke indekseres (en tidligere udgave er bevaret, '
            f"hvis der var en):</p><ul>{items}</ul></div>"
        )
    if stale:
        items = "".join(f"<li>{escape(s)}</li>" for s in stale)
        parts.append(
            '<div class="status stale"><p>Indekset er forældet: disse filer er nye, ændrede eller slettede siden '
            "indekseringen, så svarene tager ikke højde for dem. Opdatér med <code>make index</code> "
            f"(eller genstart appen).</p><ul>{items}</ul></div>"
        )
    return "".join(parts)


def login_html(title: str, message: str = "", next_path: str = "/", failed: bool = False) -> str:
    """The login page (a plain form, no scripts): shown when ASSISTANT_AUTH_FILE is set."""
    note = f'<p class="{"error" if failed else "note"}" role="alert">{escape(message)}</p>' if message else ""
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Log ind – {escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;background:#f6f7f9;margin:0;display:flex;min-height:100vh;"
        "align-items:center;justify-content:center}"
        "form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:20rem}"
        "h1{font-size:1.2rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .2rem}"
        "input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}"
        "button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem}"
        ".error{color:#a00;font-weight:600}.note{color:#333}</style></head><body>"
        f'<form method="post" action="login"><h1>{escape(title)}</h1>{note}'
        f'<input type="hidden" name="next" value="{_attr(next_path)}">'
        '<label for="username">Brugernavn</label>'
        '<input id="username" name="username" autocomplete="username" required autofocus>'
        '<label for="password">Adgangskode</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" required>'
        '<button type="submit">Log ind</button></form></body></html>'
    )
