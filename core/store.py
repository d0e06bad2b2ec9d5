"""The Chroma adapter: the only module that talks to chromadb.

Three collections per encoder (so switching encoder never mixes vector spaces):

* ``<name>-<model>-passages``: one record per passage (node). The document is the exact
  source slice ``source_text[start:end]``; metadata carries the display text, locator,
  context, search text and the citable spans (JSON). The assistant reads every committed
  passage with its vector at start-up and ranks them itself (assistant/vectors.py).
* ``<name>-<model>-spans``: one vector per citable span, for picking answer sentences.
* ``<name>-<model>-documents``: the registry. A document's passages count only once its
  registry record names their ``revision``; that record is written last, so an ingest
  that dies half-way leaves passages nobody reads, removed by the next run.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError
from llama_index.core.schema import TextNode

from core.errors import IndexCorruptError, IndexNotBuiltError, Remedy, StoreUnavailableError
from core.index_schema import DocumentRecord, PassageMeta, owner

if TYPE_CHECKING:
    from core.config import Settings

logger = logging.getLogger(__name__)

_BATCH = 500
# HNSW breadth for queries against Chroma's own index. The assistant ranks passages
# exactly in memory (assistant/vectors.py), so this only serves other readers of the store.
EF_SEARCH = 400
_PAGE = 5000


@dataclass(frozen=True)
class Location:
    """Where an index lives: a folder (embedded Chroma) or a Chroma server."""

    path: Path | None = None
    host: str | None = None
    port: int = 8000

    @property
    def label(self) -> str:
        return f"Chroma-serveren på {self.host}:{self.port}" if self.host else str(self.path)

    @classmethod
    def of(cls, settings: Settings) -> Location:
        """The configured index: the Chroma server when one is set, else data_dir/chroma."""
        if settings.chroma_host:
            return cls(host=settings.chroma_host, port=settings.chroma_port)
        return cls(path=settings.chroma_dir)

    def client(self) -> chromadb.ClientAPI:
        settings = ChromaSettings(anonymized_telemetry=False)
        if self.host:
            return chromadb.HttpClient(host=self.host, port=self.port, settings=settings)
        return chromadb.PersistentClient(path=str(self.path), settings=settings)


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


def _unreachable(exc: BaseException) -> bool:
    """Is ``exc`` a Chroma server that cannot be reached (rather than a broken index)?"""
    import httpx

    while exc is not None:
        if isinstance(exc, httpx.TransportError | ConnectionError):
            return True
        if "could not connect" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


class ChromaStore:
    """Passages, span vectors and the document registry of one encoder."""

    def __init__(self, location: Location | Path, name: str, model: str, create: bool = False) -> None:
        self.location = location if isinstance(location, Location) else Location(path=location)
        self.path = self.location.path
        self.name = name
        self.model = model
        base = f"{name}-{model}"
        where = self.location.label
        if not create and self.path is not None and not (self.path / "chroma.sqlite3").is_file():
            raise IndexNotBuiltError(f"Der er intet indeks i {where}.", remedy=Remedy.INGEST)
        self._client: chromadb.ClientAPI | None = None
        try:
            if self.path is not None:
                self.path.mkdir(parents=True, exist_ok=True)
            self._client = self.location.client()
            names = {c.name if hasattr(c, "name") else str(c) for c in self._client.list_collections()}
            if not create and f"{base}-documents" not in names:
                raise IndexNotBuiltError(
                    f"Der er intet indeks med embeddingmodellen {model!r} i {where}.", remedy=Remedy.INGEST
                )
            self.passages = self._collection(f"{base}-passages", cosine=True)
            self.spans = self._collection(f"{base}-spans", cosine=True)
            self.registry = self._collection(f"{base}-documents", cosine=False)
        except (IndexNotBuiltError, IndexCorruptError):
            self.close()
            raise
        except Exception as exc:
            self.close()
            if _unreachable(exc):
                raise _unavailable(self.location, exc) from exc
            if not isinstance(exc, sqlite3.DatabaseError | OSError | ValueError | RuntimeError | ChromaError):
                raise
            if self.path is not None:
                forget_client(self.path)
            raise IndexCorruptError(f"Indekset i {where} kan ikke læses ({exc}).", remedy=Remedy.REBUILD) from exc

    def close(self) -> None:
        """Release the Chroma client (Chroma shares one per path inside a process)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def _collection(self, name: str, cosine: bool) -> Any:
        config = {"hnsw": {"space": "cosine" if cosine else "l2", "ef_search": EF_SEARCH}}
        return self._client.get_or_create_collection(
            name, embedding_function=None, configuration=config, metadata={"model": self.model}
        )

    def _guard(self, action: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return fn(*args, **kwargs)
            except NotFoundError:
                fresh = self._reattach(fn)
                if fresh is None:
                    raise
                return fresh(*args, **kwargs)
        except Exception as exc:
            if _unreachable(exc):
                raise _unavailable(self.location, exc) from exc
            if isinstance(exc, sqlite3.DatabaseError | RuntimeError | ChromaError):
                raise IndexCorruptError(
                    f"Indekset i {self.location.label} fejlede ved {action} ({_detail(exc)}).", remedy=Remedy.REBUILD
                ) from exc
            raise

    def _reattach(self, fn: Any) -> Any:
        """``fn`` bound to the collection of the same name as it is now, or None. A rebuild
        on a server (``take_over``) replaces the collections under their names, and the
        client reaches a collection by its id, so an instance that was running holds the ids
        of deleted collections until it looks them up again."""
        owner = getattr(fn, "__self__", None)
        for attr in ("passages", "spans", "registry"):
            if owner is not None and getattr(self, attr, None) is owner:
                try:
                    fresh = self._client.get_collection(owner.name, embedding_function=None)
                except NotFoundError:
                    return None  # gone for good, or the moment between delete and rename
                setattr(self, attr, fresh)
                return getattr(fresh, fn.__name__)
        return None

    # -- registry -------------------------------------------------------------------
    def documents(self) -> dict[str, DocumentRecord]:
        """The committed documents, by source path."""
        got = self._guard("læsning af dokumentlisten", self.registry.get, include=["metadatas"])
        out = {}
        for meta in got["metadatas"] or []:
            record = DocumentRecord.from_chroma(meta)
            out[record.source] = record
        return out

    def committed(self) -> dict[str, str]:
        """The committed revision of each document."""
        return {r.source: r.revision for r in self.documents().values()}

    def commit(self, record: DocumentRecord, text: str) -> None:
        """Make ``record`` (and so its passages) the indexed version of its document.
        ``text`` is the document text the passages' offsets point into; it is kept with
        the record, so every app instance reads the same text, wherever the file is."""
        self._guard(
            "registrering",
            self.registry.upsert,
            ids=[record.source],
            embeddings=[[0.0]],
            metadatas=[record.to_chroma()],
            documents=[text],
        )

    def document_text(self, source: str) -> tuple[str, str] | None:
        """(revision, text) of the committed document: the text its passages' offsets point
        into, and the version it belongs to (None when unknown)."""
        got = self._guard(
            "læsning af dokumenttekst", self.registry.get, ids=[source], include=["documents", "metadatas"]
        )
        texts, metas = got["documents"] or [], got["metadatas"] or []
        return (str(metas[0].get("revision", "")), texts[0]) if texts and metas else None

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
                metadatas=[PassageMeta.from_chroma(n.metadata).to_chroma() for n in part],
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
            got = self._get_all("oprydning", collection, ["metadatas"])
            stale = [
                pid
                for pid, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
                if committed.get(owner(meta)[0]) != owner(meta)[1]
            ]
            for i in range(0, len(stale), _BATCH):
                self._guard("oprydning", collection.delete, ids=stale[i : i + _BATCH])
            removed += len(stale)
        return removed

    def committed_nodes(self) -> list[TextNode]:
        """Every passage of every committed document."""
        return self._committed(with_vectors=False)[0]

    def committed_passages(self) -> tuple[list[TextNode], np.ndarray]:
        """Every passage of every committed document, with its vector (one row each)."""
        return self._committed(with_vectors=True)

    def _committed(self, with_vectors: bool) -> tuple[list[TextNode], np.ndarray]:
        committed = self.committed()
        include = ["documents", "metadatas", *(["embeddings"] if with_vectors else [])]
        got = self._get_all("læsning", self.passages, include)
        nodes, rows = [], []
        for i, (pid, text, meta) in enumerate(zip(got["ids"], got["documents"], got["metadatas"], strict=True)):
            if committed.get(owner(meta)[0]) == owner(meta)[1]:
                nodes.append(_node(pid, text, meta))
                rows.append(i)
        vectors = np.asarray([got["embeddings"][i] for i in rows], dtype=np.float32) if with_vectors else np.zeros(0)
        return nodes, vectors

    def readable_counts(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(source, revision) -> (passages, spans) that the store can read back with their
        vectors, as the assistant reads them. Chroma keeps records and vectors apart, so
        lost or truncated vector files leave records it can list but not read: such a
        collection is an IndexCorruptError that says to rebuild."""
        counts: dict[tuple[str, str], list[int]] = {}
        for column, collection in enumerate((self.passages, self.spans)):
            for page in self._pages("kontrol af indekset", collection, ["metadatas", "embeddings"]):
                vectors = page["embeddings"]
                for i, meta in enumerate(page["metadatas"] or []):
                    if vectors is None or len(vectors[i]) == 0:
                        continue
                    key = owner(meta)
                    counts.setdefault(key, [0, 0])[column] += 1
        return {key: (n[0], n[1]) for key, n in counts.items()}

    def _get_all(self, action: str, collection: Any, include: list[str]) -> dict[str, list]:
        """``collection.get`` in pages, so a large index is not one huge request."""
        out: dict[str, list] = {"ids": [], **{key: [] for key in include}}
        for got in self._pages(action, collection, include):
            out["ids"].extend(got["ids"])
            for key in include:
                if got[key] is not None:  # embeddings come as one numpy array
                    out[key].extend(got[key])
        return out

    def _pages(self, action: str, collection: Any, include: list[str]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            got = self._guard(action, collection.get, include=include, limit=_PAGE, offset=offset)
            yield got
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    def _delete_collections(self) -> None:
        base = f"{self.name}-{self.model}"
        for kind in ("documents", "passages", "spans"):  # the registry first: no reader sees half an index
            try:
                self._guard("sletning", self._client.delete_collection, f"{base}-{kind}")
            except IndexCorruptError:
                logger.debug("collection %s-%s was not there", base, kind)

    def drop(self) -> None:
        """Delete this store's collections (a scratch index that is not wanted)."""
        self._delete_collections()
        self.close()

    def take_over(self, fresh: ChromaStore) -> None:
        """Replace this index by ``fresh`` (a rebuild on a Chroma server, where folders
        cannot be swapped): drop the old collections, then rename the new ones, the
        registry last, so a reader sees either no index or the whole new one."""
        self._delete_collections()
        base = f"{self.name}-{self.model}"
        for kind, collection in (("passages", fresh.passages), ("spans", fresh.spans), ("documents", fresh.registry)):
            self._guard("udskiftning", collection.modify, name=f"{base}-{kind}")

    def span_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self._guard("læsning", self.spans.get, ids=list(ids), include=["embeddings"])
        vectors = got["embeddings"]
        return {sid: np.asarray(vectors[i], dtype=np.float32) for i, sid in enumerate(got["ids"])}


def _detail(exc: BaseException) -> str:
    """Chroma's own (English) words for a failure, cut short: a detail in a Danish message."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"Chroma: {text if len(text) <= 100 else text[:99] + '…'}"


def _unavailable(location: Location, exc: BaseException) -> StoreUnavailableError:
    return StoreUnavailableError(
        f"{location.label} svarer ikke lige nu ({type(exc).__name__}). Indekset er ikke ændret.", remedy=Remedy.SERVER
    )


def _node(pid: str, text: str, meta: dict[str, Any]) -> TextNode:
    passage = PassageMeta.from_chroma(meta)
    return TextNode(id_=pid, text=text, metadata=meta, start_char_idx=passage.start, end_char_idx=passage.end)
