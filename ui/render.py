"""What the app shows, as Markdown and HTML strings. Gradio-free.

The HTML comes from the Jinja2 templates in ui/templates/, rendered with autoescape on, so
every piece of text from a document, a manifest or a question shows as text: a document
containing ``<script>`` or a ``javascript:`` link renders inert. The chat's Markdown goes
through ``md_escape`` here. The only markup is the templates'. All the words a user reads
are Danish.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

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
    groups = [(title, locator, [_citation(c) for c in cites]) for title, locator, cites in _groups(answer)]
    return _render(
        "sources.html", answered=answer.answered, label=_sources_label(answer), groups=groups, plain=plain_text(answer)
    )


def _citation(c: Citation) -> dict[str, object]:
    return {
        "n": c.n,
        "href": link(c.source, c.start, c.end),
        "source": c.source,
        "start": c.start,
        "end": c.end,
        "quote": display(c.quote),
    }


def viewer_html(highlight: Highlight, window: int) -> str:
    """A document with the linked span marked (the page scrolls it into view)."""
    text, start, end = highlight.document.text, highlight.start, highlight.end
    left, right = 0, len(text)
    if right > window:  # a very long document: show the stretch around the span
        left = max(0, min(start - window // 2, right - window))
        right = min(len(text), max(end, left + window))
    return _render(
        "viewer.html",
        document=highlight.document,
        locator=highlight.locator,
        start=start,
        end=end,
        href=link(highlight.document.record.source, start, end),
        before=text[left:start],
        marked=text[start:end],
        after=text[end:right],
        cut_left=left > 0,
        cut_right=right < len(text),
    )


def document_html(document: SourceText, window: int) -> str:
    """A whole document, to read (the first ``window`` characters of a very long one)."""
    return _render("document.html", document=document, text=document.text[:window], cut=len(document.text) > window)


def message_html(message: str) -> str:
    """A Danish message in place of a document (a bad link, an unreadable file)."""
    return _render("message.html", message=message)


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
    return _render("documents.html", rows=rows, headers=DOCUMENT_HEADERS)


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
    return _render(
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
    return _render("login.html", title=title, message=message, next_path=next_path, failed=failed)


_TEMPLATES = Environment(
    loader=PackageLoader("ui", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)
_TEMPLATES.globals["ocr_note"] = OCR_NOTE


def _render(name: str, **values: object) -> str:
    return _TEMPLATES.get_template(name).render(**values).strip()
