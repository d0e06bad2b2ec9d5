"""Chunks to llama-index nodes: metadata, search text and what gets embedded."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from llama_index.core.schema import TextNode

from assistant.store import Span, encode_spans
from assistant.textnorm import display, search_text
from ingest.chunk import Chunk
from ingest.manifest import DocumentMeta
from ingest.parse import SourceFile


@dataclass
class PreparedDocument:
    """Everything one document adds to the store, before embedding."""

    nodes: list[TextNode] = field(default_factory=list)
    node_texts: list[str] = field(default_factory=list)  # what each node's vector encodes
    span_ids: list[str] = field(default_factory=list)
    span_texts: list[str] = field(default_factory=list)
    span_meta: list[dict[str, str]] = field(default_factory=list)


def _id(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:24]


def build_nodes(
    sf: SourceFile,
    meta: DocumentMeta,
    chunks: list[Chunk],
    revision: str,
    repair: Callable[[str], str] | None = None,
) -> PreparedDocument:
    """One node per chunk. ``repair`` (OCR documents) changes only what is searched and
    embedded; a node's text is always the exact source slice."""
    fix = repair or (lambda text: text)
    out = PreparedDocument()
    for i, chunk in enumerate(chunks):
        raw = sf.text[chunk.start : chunk.end]
        shown = chunk.display_text(sf.text)
        indexed = display(fix(chunk.text or raw)) if repair else shown
        context = display(fix(chunk.context))
        node_id = _id(sf.source, revision, i)
        spans = []
        for unit in chunk.units:
            unit_raw = sf.text[unit.start : unit.end]
            spans.append(Span(unit.start, unit.end, unit.kind, search_text(fix(unit_raw))))
            out.span_ids.append(f"{node_id}:{len(spans) - 1}")
            out.span_texts.append(display(fix(unit_raw)))
            out.span_meta.append({"source": sf.source, "revision": revision, "passage": node_id})
        embed_text = f"{meta.title}\n{context}\n{indexed}"
        heading = chunk.heading or (-1, -1)
        node = TextNode(
            id_=node_id,
            text=raw,
            start_char_idx=chunk.start,
            end_char_idx=chunk.end,
            metadata={
                "source": sf.source,
                "doc_hash": sf.doc_hash,
                "revision": revision,
                "title": meta.title,
                "date": meta.date,
                "kind": meta.kind,
                "locator": chunk.locator,
                "context": chunk.context,
                "group": chunk.group,
                "item": chunk.item,
                "order": i,
                "start": chunk.start,
                "end": chunk.end,
                "heading_start": heading[0],
                "heading_end": heading[1],
                "heading_raw": sf.text[heading[0] : heading[1]] if chunk.heading else "",
                "display": shown,
                "search": search_text(f"{context}\n{fix(chunk.item)}\n{indexed}"),
                "spans": encode_spans(spans),
                "content_hash": hashlib.sha256(embed_text.encode()).hexdigest()[:32],
            },
        )
        out.nodes.append(node)
        out.node_texts.append(embed_text)
    return out
