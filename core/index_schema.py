"""The index schema: what one passage, one citable span and one document record hold, and
their one serialisation to and from Chroma's flat metadata (str, int, float, bool values).

Ingest builds these objects and the store writes ``to_chroma()``; everything that reads
the index gets them back through ``from_chroma``. No other module reads a metadata key by
name. ``INDEX_VERSION`` is derived from the fields below and the chunking layout: change
either, and an index written before is not read (it says to rebuild) and is re-indexed
on the next ingest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from core.errors import IndexCorruptError, Remedy

# Bump when what ingest writes changes without a field changing (chunking, span rules).
LAYOUT_VERSION = "11"


@dataclass(frozen=True)
class Span:
    """A citable span: ``document_text[start:end]`` is its exact text. ``kind`` is
    "heading", "title", "item" or "sentence"; ``search`` its normalised search text (empty
    while ingest is still cutting the document)."""

    start: int
    end: int
    kind: str
    search: str = ""


@dataclass(frozen=True)
class PassageMeta:
    """One passage (a table row, a slide item, a section, a window): where it is, what it
    is called, and its citable spans. Offsets index the document text as ingest read it."""

    source: str
    start: int
    end: int
    spans: tuple[Span, ...] = ()
    revision: str = ""
    doc_hash: str = ""
    title: str = ""
    date: str = ""
    kind: str = ""  # the document's kind ("Notat", "Evalueringsrapport", …)
    locator: str = ""  # "Tabel 2, række 3", "Dias 7: …", "side 3, …"
    page_marks: str = ""  # JSON [[page, offset], ...] of the PDF pages inside it; "" for others
    context: str = ""  # the headings it sits under, as shown
    group: str = ""  # the table/slide/list the passage belongs to ("" for none)
    item: str = ""  # the row title or list item it is about ("" for none)
    order: int = 0  # its position in the document
    heading_start: int = -1  # the heading above it (a table title above a row); -1 for none
    heading_end: int = -1
    heading_raw: str = ""
    display: str = ""  # the text as a person reads it (hyphens joined, tags removed)
    search: str = ""  # the normalised text BM25 reads (OCR-repaired, dates canonical)
    content_hash: str = ""

    @property
    def heading(self) -> Span | None:
        if self.heading_start < 0:
            return None
        return Span(self.heading_start, self.heading_end, "heading")

    def locator_at(self, offset: int) -> str:
        """The passage's locator, with the exact PDF page of ``offset`` when it spans pages."""
        marks = json.loads(self.page_marks or "[]")
        if len(marks) < 2:
            return self.locator
        page = max((n for n, start in marks if start <= offset), default=marks[0][0])
        return re.sub(r"^side \d+(–\d+)?", f"side {page}", self.locator)

    def to_chroma(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "spans"}
        out["spans"] = json.dumps([[s.start, s.end, s.kind, s.search] for s in self.spans], ensure_ascii=False)
        return out

    @classmethod
    def from_chroma(cls, meta: Mapping[str, Any]) -> PassageMeta:
        try:
            values = {f.name: meta[f.name] for f in fields(cls) if f.name != "spans"}
            spans = tuple(Span(*row) for row in json.loads(meta["spans"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexCorruptError(
                f"En passage i indekset mangler feltet {exc} eller kan ikke læses.", remedy=Remedy.REBUILD
            ) from exc
        for name in ("start", "end", "order", "heading_start", "heading_end"):
            values[name] = int(values[name])
        return cls(**values, spans=spans)


def locator_of(passages: Iterable[PassageMeta], source: str, start: int, end: int) -> str:
    """The locator of the narrowest of ``passages`` of ``source`` that holds ``start``–``end``
    (with the exact page of ``start``): the name every answer gives that place; "" when no
    passage holds it."""
    holders = [
        (p.end - p.start, p.locator_at(start))
        for p in passages
        if p.source == source and p.start <= start and end <= p.end
    ]
    return min(holders)[1] if holders else ""


@dataclass(frozen=True)
class SourceInfo:
    """What ingest tells the node parser about a document (a llama-index ``Document``'s
    metadata): the fields every passage copies, and how to cut the text."""

    source: str
    revision: str = ""
    doc_hash: str = ""
    title: str = ""
    date: str = ""
    kind: str = ""
    layout: str | None = None  # a chunking layout, or None to detect one
    ocr: bool = False  # a scan: OCR repair for search and embedding
    pages: tuple[int, ...] = ()  # start offsets of a PDF's pages in the text

    def to_document(self) -> dict[str, Any]:
        return {**asdict(self), "pages": list(self.pages)}

    @classmethod
    def from_document(cls, meta: Mapping[str, Any]) -> SourceInfo:
        values = {f.name: meta[f.name] for f in fields(cls) if f.name in meta}
        values["pages"] = tuple(values.get("pages") or ())
        return cls(**values)


@dataclass(frozen=True)
class SpanMeta:
    """What the span collection keeps beside each span's vector."""

    source: str
    revision: str
    passage: str  # the passage id

    def to_chroma(self) -> dict[str, str]:
        return asdict(self)


def span_id(passage_id: str, index: int) -> str:
    """The id of the ``index``-th span of a passage in the span collection."""
    return f"{passage_id}:{index}"


def owner(meta: Mapping[str, Any]) -> tuple[str, str]:
    """(source, revision) of a passage's or a span's metadata: which committed version of
    which document it belongs to."""
    return str(meta.get("source", "")), str(meta.get("revision", ""))


@dataclass(frozen=True)
class DocumentRecord:
    """What the registry knows about one indexed document."""

    source: str
    doc_hash: str
    title: str
    publisher: str
    date: str
    kind: str
    passages: int
    spans: int
    revision: str
    ingested_at: str
    index_version: str = ""
    ocr: bool = False
    fmt: str = "txt"
    pages: int = 0  # PDF pages (0 for other formats)

    def to_chroma(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_chroma(cls, meta: Mapping[str, Any]) -> DocumentRecord:
        """A record as stored; keys of other versions are ignored (their index_version
        differs, and the engine says to rebuild)."""
        return cls(**{f.name: meta[f.name] for f in fields(cls) if f.name in meta})


def fingerprint(types: Iterable[type]) -> str:
    names = ";".join(f"{t.__name__}:{','.join(f.name for f in fields(t))}" for t in types)  # type: ignore[arg-type]
    return hashlib.sha1(names.encode()).hexdigest()[:8]


INDEX_VERSION = f"{LAYOUT_VERSION}.{fingerprint((Span, PassageMeta, SpanMeta, DocumentRecord))}"
