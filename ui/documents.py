"""Documents as people see them: their names, the corpus folder's contents, the full
text of a source, and the span a citation link points at.

A person sees a document by its path relative to the corpus folder (``bilag-1.txt``),
never by an absolute path. A link is ``?doc=<name>&start=<n>&end=<n>``, with offsets
into the document text exactly as ingest read it, so ``text[start:end]`` is the quote.
Only documents in the index are ever read; a link cannot name any other file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from assistant.messages import quoted
from core.config import PROJECT_ROOT
from core.errors import LinkError
from core.index_schema import DocumentRecord

if TYPE_CHECKING:
    from assistant.engine import Assistant

# An absolute path inside a message (not a date such as 31/12-21, not a URL's //).
_ABSOLUTE = re.compile(r"(?<![\w.:/~-])/(?:[^\s/»«\"'()<>,;:]+/)*([^\s/»«\"'()<>,;:]+)")


def public_text(text: str, corpus_dir: Path, data_dir: Path) -> str:
    """``text`` (a message for a client) with no absolute path in it: a path in the
    corpus folder becomes relative to it, one in the data folder starts "datamappen/",
    one in the project is relative to it, and any other keeps only its last part."""
    roots = (
        (corpus_dir, "", "dokumentmappen"),
        (data_dir, "datamappen/", "datamappen"),
        (PROJECT_ROOT, "", "projektet"),
    )
    for root, inside, itself in sorted(roots, key=lambda r: -len(str(r[0]))):  # the deepest folder first
        pattern = re.escape(str(root)) + r"(/|(?![\w.-]))"
        text = re.sub(pattern, lambda m, i=inside, t=itself: i if m.group(1) else t, text)  # type: ignore[misc]
    return _ABSOLUTE.sub(lambda match: match.group(1), text)


@dataclass(frozen=True)
class SourceText:
    """An indexed document: the text it was indexed from, and whether its file changed since."""

    record: DocumentRecord
    text: str
    changed: bool  # the file differs from the version that was indexed: offsets may not fit


@dataclass(frozen=True)
class Highlight:
    """A document with the span a link points at."""

    document: SourceText
    start: int
    end: int
    locator: str = ""  # where the span sits ("Tabel 2, række 3"), when a passage holds it

    @property
    def quote(self) -> str:
        return self.document.text[self.start : self.end]


def link(source: str, start: int, end: int) -> str:
    """The stable, relative link to a span: paste it after the app's address."""
    return "?" + urlencode({"doc": source, "start": start, "end": end})


def read_document(assistant: Assistant, name: str) -> SourceText:
    """The text of an indexed document, by its name (relative to the corpus folder) or
    its source; its record carries the name people see. LinkError for anything not in
    the index."""
    assistant.refresh()  # a document re-indexed since the last question: show its new version
    source = assistant.source_of(name) or (name if name in assistant.documents else None)
    if source is None:
        raise LinkError(f"Dokumentet {quoted(name)} findes ikke i indekset.")
    record = assistant.documents[source]
    text = assistant.document_text(source)
    if text is None:
        raise LinkError(f"Dokumentet »{record.title}« kan ikke læses lige nu; prøv igen om lidt.")
    shown = replace(record, source=assistant.name_of(source))
    return SourceText(shown, text, changed=assistant.file_changed(source))


def open_link(assistant: Assistant, params: Mapping[str, str]) -> Highlight | None:
    """The span a link's query parameters point at; None when the link names no document.

    LinkError (Danish) for an unknown document, or offsets that are not whole numbers or
    fall outside the document. The offsets point into the indexed text, which the index
    keeps, so a file changed since then still shows the span as it was cited.
    """
    source = (params.get("doc") or "").strip()
    if not source:
        return None
    document = read_document(assistant, source)
    try:
        start, end = int(params.get("start", "")), int(params.get("end", ""))
    except ValueError:
        raise LinkError("Linket mangler gyldige positioner (start og end skal være hele tal).") from None
    if not 0 <= start < end <= len(document.text):
        raise LinkError(
            f"Linket peger uden for dokumentet (position {start}–{end}; "
            f"»{document.record.title}« har {len(document.text)} tegn)."
        )
    indexed = assistant.source_of(source) or source
    return Highlight(document, start, end, assistant.catalog.locator_of(indexed, start, end))
