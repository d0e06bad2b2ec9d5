"""The llama-index node parser of this project: a Document in, one TextNode per chunk out.

A node's text is the exact source slice ``document.text[start:end]`` (so every quote cut
from it is verbatim), and its metadata carries what retrieval and citation need: source,
title, date, locator, context, offsets, content hash, the search text and the citable
spans. Two working keys, ``_embed_text`` and ``_span_texts``, say what to embed; the
store does not keep them.

An OCR-damaged document passes ``repair``: it changes what is searched and embedded,
never what is quoted.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, Document, TextNode

from core.index_schema import PassageMeta, SourceInfo, Span
from core.textnorm import display, search_text
from ingest.chunk import Chunk
from ingest.layouts import chunk_document

EMBED_TEXT = "_embed_text"
SPAN_TEXTS = "_span_texts"


def _id(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:24]


class StructuredNodeParser(NodeParser):
    """Layout-aware chunking (tables, slides, sections, OCR windows) as a NodeParser.

    The Document's metadata must hold ``source``, ``revision`` and ``title``, and may hold
    ``layout`` (else detected) and the rest of the manifest entry.
    """

    max_chars: int = 1500
    window_chars: int = 700

    @classmethod
    def class_name(cls) -> str:
        return "StructuredNodeParser"

    def _parse_nodes(
        self,
        nodes: Sequence[BaseNode],
        show_progress: bool = False,
        repair: Callable[[str], str] | None = None,
        **kwargs: Any,
    ) -> list[BaseNode]:
        out: list[BaseNode] = []
        for document in nodes:
            assert isinstance(document, Document)
            info = SourceInfo.from_document(document.metadata)
            chunks = chunk_document(document.text, info.layout, self.max_chars, self.window_chars, info.source)
            out.extend(self._node(document.text, info, i, chunk, repair) for i, chunk in enumerate(chunks))
        return out

    def _postprocess_parsed_nodes(self, nodes: list[BaseNode], parent_doc_map: dict[str, Document]) -> list[BaseNode]:
        # The base class re-finds each node's offsets by searching its text in the
        # document; ours are exact already (and repeated text would fool a search).
        return nodes

    def _node(self, text: str, info: SourceInfo, i: int, chunk: Chunk, repair: Callable[[str], str] | None) -> TextNode:
        fix = repair or (lambda s: s)
        raw = text[chunk.start : chunk.end]
        shown = chunk.display_text(text)
        indexed = display(fix(chunk.text or raw)) if repair else shown
        context = display(fix(chunk.context))
        spans = tuple(Span(u.start, u.end, u.kind, search_text(fix(text[u.start : u.end]))) for u in chunk.units)
        heading = chunk.heading or (-1, -1)
        head = display(fix(chunk.item)) or context.split(" – ")[-1] or info.title
        locator, page_marks = _with_page(chunk, list(info.pages))
        passage = PassageMeta(
            source=info.source,
            start=chunk.start,
            end=chunk.end,
            spans=spans,
            revision=info.revision,
            doc_hash=info.doc_hash,
            title=info.title,
            date=info.date,
            kind=info.kind,
            locator=locator,
            page_marks=page_marks,
            context=chunk.context,
            group=chunk.group,
            item=chunk.item,
            order=i,
            heading_start=heading[0],
            heading_end=heading[1],
            heading_raw=text[heading[0] : heading[1]] if chunk.heading else "",
            display=shown,
            search=search_text(f"{context}\n{fix(chunk.item)}\n{indexed}"),
            content_hash=hashlib.sha256(raw.encode()).hexdigest()[:32],
        )
        return TextNode(
            id_=_id(info.source, info.revision, i),
            text=raw,
            start_char_idx=chunk.start,
            end_char_idx=chunk.end,
            metadata={
                **passage.to_chroma(),
                EMBED_TEXT: f"{info.title}\n{context}\n{indexed}",
                SPAN_TEXTS: json.dumps(
                    [span_embed_text(head, display(fix(text[s.start : s.end]))) for s in spans], ensure_ascii=False
                ),
            },
        )


def span_embed_text(head: str, span: str) -> str:
    """What a span is embedded as: its unit's name, then the span ("<row title>: <span>").

    A sentence deep in a table row or section rarely names the trial it is about; led by
    the row's title (or the innermost heading, or the document title) its vector says
    which trial it speaks of. Measured cross-validated on the dev splits (2026-12-01): the
    ranker's top span right 0.461 -> 0.473 on the bank and 0.675 -> 0.689 on the external
    set, against the bare span.
    """
    head = head.strip()
    return f"{head}: {span}" if head and head != span.strip() else span


def _with_page(chunk: Chunk, pages: list[int]) -> tuple[str, str]:
    """The chunk's locator, led by the PDF page(s) it is on ("side 3", "side 3–4"), and
    the page marks inside it as JSON ``[[page, start offset], ...]``, so a citation can
    name the exact page of its quote."""
    if not pages:
        return chunk.locator, ""
    first = bisect.bisect_right(pages, chunk.start)
    last = bisect.bisect_right(pages, max(chunk.start, chunk.end - 1))
    page = f"side {first}" if first == last else f"side {first}–{last}"
    marks = json.dumps([[n, pages[n - 1]] for n in range(first, last + 1)])
    return (f"{page}, {chunk.locator}" if chunk.locator else page), marks
