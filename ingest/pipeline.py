"""parse → chunk → embed → store, incrementally and without half-indexed documents.

* An unchanged file (same bytes, same manifest entry, same chunking) is skipped.
* A changed file's new passages are written first, then its registry record (the commit),
  then the old passages are deleted; a file that cannot be read keeps its old version.
* A file that is gone is removed from the registry, then its passages.
* ``rebuild`` builds a fresh index beside the old one and swaps it in at the end.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.config import PROJECT_ROOT, Settings
from assistant.embed import VectorEmbedding, build_embed_model, model_slug
from assistant.errors import AssistantError, CorpusError
from assistant.store import ChromaStore, DocumentRecord, forget_client
from ingest.cache import EmbeddingCache
from ingest.chunk import chunk_document
from ingest.manifest import DocumentMeta, corpus_files, load_manifest, meta_for
from ingest.nodes import build_nodes
from ingest.ocr import Lexicon, OcrRepairer
from ingest.parse import SourceFile, read_source

logger = logging.getLogger(__name__)

INDEX_VERSION = "4"  # bump when chunking or node metadata change: every file is re-indexed


@dataclass
class IngestReport:
    """What one run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[CorpusError] = field(default_factory=list)
    passages: int = 0
    spans: int = 0
    embedded: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    index_bytes: int = 0

    @property
    def documents(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)


class IngestBusyError(AssistantError):
    """Another ingest holds the lock on the data directory."""


@contextmanager
def _lock(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "ingest.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IngestBusyError(f"En anden indeksering kører allerede i {data_dir}; vent til den er færdig.") from exc
        yield


def source_name(path: Path) -> str:
    """The path shown in citations: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def revision(doc_hash: str, meta: DocumentMeta, settings: Settings) -> str:
    """Identifies one indexed version: file bytes, manifest entry and chunking."""
    fingerprint = json.dumps([doc_hash, asdict(meta), settings.chunk.model_dump(), INDEX_VERSION], sort_keys=True)
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:20]


def run_ingest(
    settings: Settings,
    embed_model: VectorEmbedding | None = None,
    rebuild: bool = False,
    on_document: Callable[[str, str], None] | None = None,
) -> IngestReport:
    """Bring the index in line with the corpus folder. ``on_document(source, status)``
    is called once per file (for progress display)."""
    with _lock(settings.data_dir):
        if not rebuild:
            return _ingest(settings, settings.chroma_dir, embed_model, on_document)
        fresh = settings.data_dir / "chroma.rebuild"
        shutil.rmtree(fresh, ignore_errors=True)
        report = _ingest(settings, fresh, embed_model, on_document)
        old = settings.data_dir / "chroma.old"
        shutil.rmtree(old, ignore_errors=True)
        forget_client(settings.chroma_dir)
        if settings.chroma_dir.exists():
            os.replace(settings.chroma_dir, old)
        os.replace(fresh, settings.chroma_dir)
        forget_client(fresh)
        shutil.rmtree(old, ignore_errors=True)
        return report


def _ingest(
    settings: Settings,
    chroma_dir: Path,
    embed_model: VectorEmbedding | None,
    on_document: Callable[[str, str], None] | None,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    manifest = load_manifest(settings.corpus_dir)
    model = embed_model or build_embed_model(settings.embedding)
    slug = model_slug(model.model_name)
    store = ChromaStore(chroma_dir, settings.store.collection, slug, create=True)
    try:
        return _update(settings, store, model, manifest, slug, report, on_document, started)
    finally:
        store.close()


def _update(
    settings: Settings,
    store: ChromaStore,
    model: VectorEmbedding,
    manifest: dict[str, DocumentMeta],
    slug: str,
    report: IngestReport,
    on_document: Callable[[str, str], None] | None,
    started: float,
) -> IngestReport:
    if removed := store.collect_garbage():
        logger.info("removed %d passages left by an interrupted ingest", removed)
    registry = store.documents()
    cache = EmbeddingCache(settings.cache_file, slug)
    repairer: OcrRepairer | None = None
    seen: set[str] = set()
    notify = on_document or (lambda source, status: None)

    for name, path in corpus_files(settings.corpus_dir, manifest).items():
        source = source_name(path)
        seen.add(source)
        try:
            sf = read_source(path, source)
            meta = meta_for(name, sf.text, manifest)
            rev = revision(sf.doc_hash, meta, settings)
            old = registry.get(source)
            if old and old.revision == rev:
                report.unchanged.append(source)
                report.passages += old.passages
                report.spans += old.spans
                notify(source, "unchanged")
                continue
            if meta.ocr and repairer is None:
                repairer = _repairer(settings, manifest)
            record = _index(store, cache, model, sf, meta, rev, settings, repairer if meta.ocr else None)
        except CorpusError as exc:
            report.failed.append(exc)
            notify(source, "failed")
            continue
        (report.updated if old else report.added).append(source)
        report.passages += record.passages
        report.spans += record.spans
        notify(source, "updated" if old else "added")

    for source in sorted(set(registry) - seen):
        store.forget(source)
        report.removed.append(source)
        notify(source, "removed")
    report.embedded, report.cache_hits = cache.misses, cache.hits
    cache.close()
    report.index_bytes = store.size_bytes()
    report.seconds = time.perf_counter() - started
    return report


def _index(
    store: ChromaStore,
    cache: EmbeddingCache,
    model: VectorEmbedding,
    sf: SourceFile,
    meta: DocumentMeta,
    rev: str,
    settings: Settings,
    repairer: OcrRepairer | None,
) -> DocumentRecord:
    chunks = chunk_document(sf.text, meta.layout, settings.chunk.max_chars, settings.chunk.window_chars, sf.source)
    prepared = build_nodes(sf, meta, chunks, rev, repair=repairer.repair if repairer else None)
    vectors = cache.embed(prepared.node_texts, model.passage_vectors)
    span_vectors = cache.embed(prepared.span_texts, model.passage_vectors)
    store.add(prepared.nodes, vectors, prepared.span_ids, span_vectors, prepared.span_meta)
    record = DocumentRecord(
        source=sf.source,
        doc_hash=sf.doc_hash,
        title=meta.title,
        publisher=meta.publisher,
        date=meta.date,
        kind=meta.kind,
        passages=len(prepared.nodes),
        spans=len(prepared.span_ids),
        revision=rev,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    store.commit(record)  # from here on the new version is the one that is read
    store.delete_passages(sf.source, keep_revision=rev)
    return record


def _repairer(settings: Settings, manifest: dict[str, DocumentMeta]) -> OcrRepairer:
    """An OCR repairer whose lexicon includes the words of the clean corpus documents."""
    texts = []
    for name, path in corpus_files(settings.corpus_dir, manifest).items():
        if not manifest.get(name, DocumentMeta(name, name)).ocr:
            try:
                texts.append(read_source(path, name).text)
            except CorpusError:
                continue
    return OcrRepairer(Lexicon(texts))
