"""The Chroma adapter: the only module that talks to chromadb.

Three collections per encoder (so switching encoder never mixes vector spaces):

* ``<name>-<model>-passages``: one record per passage (node). The document is the exact
  source slice ``source_text[start:end]``; metadata carries the display text, locator,
  context, search text and the citable spans (JSON).
* ``<name>-<model>-spans``: one vector per citable span, for picking answer sentences.
* ``<name>-<model>-documents``: the registry. A document's passages count only once its
  registry record names their ``revision``; that record is written last, so an ingest
  that dies half-way leaves passages nobody reads, removed by the next run.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import TextNode

from assistant.errors import IndexCorruptError, IndexNotBuiltError

logger = logging.getLogger(__name__)

REBUILD_HINT = "Byg indekset igen med: python -m ingest --rebuild"
# The layout of what ingest writes (chunking, node metadata). A change re-indexes every
# file on the next ingest, and an index written by another version is not read.
INDEX_VERSION = "6"
_BATCH = 500


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


@dataclass(frozen=True)
class Span:
    """A citable span inside a passage."""

    start: int
    end: int
    kind: str
    search: str


def passage_spans(node: TextNode) -> list[Span]:
    return [Span(*row) for row in json.loads(node.metadata["spans"])]


def encode_spans(spans: Iterable[Span]) -> str:
    return json.dumps([[s.start, s.end, s.kind, s.search] for s in spans], ensure_ascii=False)


def _client(path: Path) -> chromadb.ClientAPI:
    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def forget_client(path: Path) -> None:
    """Drop Chroma's in-process client for ``path``. Chroma keeps one per path and would
    hand back a broken one after the files under it were replaced (a rebuild) or found
    corrupt; the next client then opens the files afresh."""
    from chromadb.api.shared_system_client import SharedSystemClient

    key = str(path)
    system = SharedSystemClient._identifier_to_system.pop(key, None)
    SharedSystemClient._identifier_to_refcount.pop(key, None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # already stopped or half-built: nothing left to release
            logger.debug("stopping the cached Chroma system for %s failed", key, exc_info=True)


class ChromaStore:
    """Passages, span vectors and the document registry of one encoder."""

    def __init__(self, path: Path, name: str, model: str, create: bool = False) -> None:
        self.path = path
        self.model = model
        base = f"{name}-{model}"
        if not create and not (path / "chroma.sqlite3").is_file():
            raise IndexNotBuiltError(f"Der er intet indeks i {path}. Byg det først med: python -m ingest")
        self._client: chromadb.ClientAPI | None = None
        try:
            path.mkdir(parents=True, exist_ok=True)
            self._client = _client(path)
            names = {c.name if hasattr(c, "name") else str(c) for c in self._client.list_collections()}
            if not create and f"{base}-documents" not in names:
                raise IndexNotBuiltError(
                    f"Indekset i {path} er ikke bygget med embeddingmodellen {model!r}. Byg det med: python -m ingest"
                )
            self.passages = self._collection(f"{base}-passages", cosine=True)
            self.spans = self._collection(f"{base}-spans", cosine=True)
            self.registry = self._collection(f"{base}-documents", cosine=False)
        except (IndexNotBuiltError, IndexCorruptError):
            self.close()
            raise
        except (sqlite3.DatabaseError, OSError, ValueError, RuntimeError, chromadb.errors.ChromaError) as exc:
            self.close()
            forget_client(path)
            raise IndexCorruptError(f"Indekset i {path} kan ikke læses ({exc}). {REBUILD_HINT}") from exc

    def close(self) -> None:
        """Release the Chroma client (Chroma shares one per path inside a process)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def _collection(self, name: str, cosine: bool) -> Any:
        config = {"hnsw": {"space": "cosine" if cosine else "l2"}}
        return self._client.get_or_create_collection(
            name, embedding_function=None, configuration=config, metadata={"model": self.model}
        )

    def _guard(self, action: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (sqlite3.DatabaseError, RuntimeError, chromadb.errors.ChromaError) as exc:
            raise IndexCorruptError(f"Indekset i {self.path} fejlede ved {action} ({exc}). {REBUILD_HINT}") from exc

    # -- registry -------------------------------------------------------------------
    def documents(self) -> dict[str, DocumentRecord]:
        """The committed documents, by source path."""
        got = self._guard("læsning af dokumentlisten", self.registry.get, include=["metadatas"])
        out = {}
        for meta in got["metadatas"] or []:
            fields = {k: meta[k] for k in DocumentRecord.__dataclass_fields__ if k in meta}
            out[meta["source"]] = DocumentRecord(**fields)
        return out

    def committed(self) -> dict[str, str]:
        """The committed revision of each document."""
        return {r.source: r.revision for r in self.documents().values()}

    def commit(self, record: DocumentRecord) -> None:
        """Make ``record`` (and so its passages) the indexed version of its document."""
        self._guard(
            "registrering",
            self.registry.upsert,
            ids=[record.source],
            embeddings=[[0.0]],
            metadatas=[asdict(record)],
        )

    def forget(self, source: str) -> None:
        """Drop a document from the registry, then its passages."""
        self._guard("sletning", self.registry.delete, ids=[source])
        self.delete_passages(source)

    # -- passages -------------------------------------------------------------------
    def add(
        self,
        nodes: Sequence[TextNode],
        vectors: np.ndarray,
        span_ids: Sequence[str],
        span_vectors: np.ndarray,
        span_meta: Sequence[dict[str, Any]],
    ) -> None:
        """Write passages and their span vectors. Metadata keys starting with "_" are
        ingest's working data and are not stored."""
        for i in range(0, len(nodes), _BATCH):
            part = nodes[i : i + _BATCH]
            self._guard(
                "skrivning",
                self.passages.upsert,
                ids=[n.node_id for n in part],
                embeddings=vectors[i : i + _BATCH],
                documents=[n.text for n in part],
                metadatas=[{k: v for k, v in n.metadata.items() if not k.startswith("_")} for n in part],
            )
        for i in range(0, len(span_ids), _BATCH):
            self._guard(
                "skrivning",
                self.spans.upsert,
                ids=list(span_ids[i : i + _BATCH]),
                embeddings=span_vectors[i : i + _BATCH],
                metadatas=list(span_meta[i : i + _BATCH]),
            )

    def delete_passages(self, source: str, keep_revision: str | None = None) -> None:
        """Delete a document's passages and spans (all, or all but one revision)."""
        where: dict[str, Any] = {"source": source}
        if keep_revision:
            where = {"$and": [{"source": source}, {"revision": {"$ne": keep_revision}}]}
        for collection in (self.passages, self.spans):
            self._guard("sletning", collection.delete, where=where)

    def collect_garbage(self) -> int:
        """Remove passages of versions that no registry record names (a killed ingest)."""
        committed = self.committed()
        removed = 0
        for collection in (self.passages, self.spans):
            got = self._guard("oprydning", collection.get, include=["metadatas"])
            stale = [
                pid
                for pid, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
                if committed.get(meta.get("source")) != meta.get("revision")
            ]
            for i in range(0, len(stale), _BATCH):
                self._guard("oprydning", collection.delete, ids=stale[i : i + _BATCH])
            removed += len(stale)
        return removed

    def committed_nodes(self) -> list[TextNode]:
        """Every passage of every committed document."""
        committed = self.committed()
        got = self._guard("læsning", self.passages.get, include=["documents", "metadatas"])
        nodes = []
        for pid, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True):
            if committed.get(meta.get("source")) == meta.get("revision"):
                nodes.append(_node(pid, text, meta))
        return nodes

    def query(self, vector: np.ndarray, k: int, sources: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``k`` nearest passages."""
        where = {"source": {"$in": list(sources)}} if sources else None
        got = self._guard(
            "søgning", self.passages.query, query_embeddings=[vector], n_results=k, where=where, include=["distances"]
        )
        return [(pid, 1.0 - float(d)) for pid, d in zip(got["ids"][0], got["distances"][0], strict=True)]

    def span_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self._guard("læsning", self.spans.get, ids=list(ids), include=["embeddings"])
        vectors = got["embeddings"]
        return {sid: np.asarray(vectors[i], dtype=np.float32) for i, sid in enumerate(got["ids"])}


def _node(pid: str, text: str, meta: dict[str, Any]) -> TextNode:
    return TextNode(
        id_=pid,
        text=text,
        metadata=meta,
        start_char_idx=int(meta["start"]),
        end_char_idx=int(meta["end"]),
    )
