"""parse → chunk → embed → store, incrementally and without half-indexed documents.

* An unchanged file (same bytes, same manifest entry, same chunking) is skipped.
* A changed file's new passages are written first, then its registry record (the commit),
  then the old passages are deleted; a file that cannot be read keeps its old version.
* A file that is gone is removed from the registry, then its passages. An empty or
  missing corpus folder is refused rather than taken as "delete everything".
* ``rebuild`` builds a fresh index beside the old one and swaps it in at the end, unless
  a file that the old index holds could not be read.
"""

from __future__ import annotations

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

from filelock import FileLock, Timeout
from llama_index.core.schema import Document

from core.config import PROJECT_ROOT, Settings
from core.embed import VectorEmbedding, build_embed_model, model_slug
from core.errors import AssistantError, CorpusError
from core.index_schema import INDEX_VERSION, DocumentRecord, SourceInfo, SpanMeta, span_id
from core.ocr import Lexicon, OcrRepairer
from core.store import ChromaStore, Location, forget_client
from ingest.cache import EmbeddingCache
from ingest.manifest import DocumentMeta, corpus_files, load_manifest, meta_for
from ingest.node_parser import EMBED_TEXT, SPAN_TEXTS, StructuredNodeParser
from ingest.parse import SourceFile, file_format, file_hash, read_bytes, read_source, source_from_bytes
from ingest.register import update_register

logger = logging.getLogger(__name__)

Notify = Callable[[str, str], None]


@dataclass
class IngestReport:
    """What one run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # indexed again: the store did not hold all of it
    failed: list[CorpusError] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # failed, and its old version still answers
    passages: int = 0
    spans: int = 0
    embedded: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    index_bytes: int = 0

    @property
    def documents(self) -> int:
        """The documents the index holds after the run."""
        return len(self.added) + len(self.updated) + len(self.unchanged) + len(self.repaired) + len(self.kept)


class IngestBusyError(AssistantError):
    """Another ingest holds the lock on the data directory."""


class RebuildRefusedError(AssistantError):
    """A rebuild would have dropped documents that the old index still holds."""


@contextmanager
def lock(data_dir: Path) -> Iterator[None]:
    """One ingest at a time per data directory (filelock: an OS lock, released when the
    process ends however it ends)."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        held = FileLock(data_dir / "ingest.lock", timeout=0)
        held.acquire()
    except Timeout as exc:
        raise IngestBusyError(f"En anden indeksering kører allerede i {data_dir}; vent til den er færdig.") from exc
    except OSError as exc:
        raise AssistantError(f"Datamappen {data_dir} kan ikke bruges: {exc.strerror or exc}.") from exc
    try:
        yield
    finally:
        held.release()


def source_name(path: Path) -> str:
    """The path shown in citations: relative to the project root when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()


def corpus_sources(settings: Settings) -> list[str]:
    """The source names of the files ingest would index now (CorpusError when none)."""
    files = corpus_files(settings.corpus_dir, load_manifest(settings.manifest_file), warn=False)
    return [source_name(path) for path in files.values()]


def revision(doc_hash: str, meta: DocumentMeta, settings: Settings) -> str:
    """Identifies one indexed version: file bytes, manifest entry and chunking."""
    fingerprint = json.dumps([doc_hash, asdict(meta), settings.chunk.model_dump(), INDEX_VERSION], sort_keys=True)
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:20]


def run_ingest(
    settings: Settings,
    embed_model: VectorEmbedding | None = None,
    rebuild: bool = False,
    on_document: Notify | None = None,
) -> IngestReport:
    """Bring the index in line with the corpus folder. ``on_document(source, status)``
    is called once per file (for progress display)."""
    with lock(settings.data_dir):
        model = embed_model or build_embed_model(settings.embedding)
        if settings.server_mode:
            return _ingest_server(settings, model, rebuild, on_document)
        old = settings.data_dir / "chroma.old"
        if old.exists() and not settings.chroma_dir.exists():
            os.replace(old, settings.chroma_dir)  # a rebuild died between its two renames
        if not rebuild:
            return _ingest(settings, Location(path=settings.chroma_dir), model, on_document)
        fresh = settings.data_dir / "chroma.rebuild"
        shutil.rmtree(fresh, ignore_errors=True)
        report = _ingest(settings, Location(path=fresh), model, on_document)
        _refuse_lossy_rebuild(settings, model, report, Location(path=settings.chroma_dir), _discard_folder(fresh))
        shutil.rmtree(old, ignore_errors=True)
        forget_client(settings.chroma_dir)
        if settings.chroma_dir.exists():
            os.replace(settings.chroma_dir, old)
        os.replace(fresh, settings.chroma_dir)
        forget_client(fresh)
        shutil.rmtree(old, ignore_errors=True)
        return report


def _ingest_server(settings: Settings, model: VectorEmbedding, rebuild: bool, notify: Notify | None) -> IngestReport:
    """Ingest into a Chroma server. A rebuild writes collections under a temporary name
    and renames them over the old ones at the end (folders cannot be swapped there)."""
    location = Location(host=settings.chroma_host, port=settings.chroma_port)
    if not rebuild:
        return _ingest(settings, location, model, notify)
    slug = model_slug(model.model_name)
    scratch = f"{settings.store.collection}.rebuild"
    ChromaStore(location, scratch, slug, create=True).drop()
    report = _ingest(settings, location, model, notify, collection=scratch)
    fresh = ChromaStore(location, scratch, slug)
    try:
        _refuse_lossy_rebuild(settings, model, report, location, discard=fresh.drop)
        current = ChromaStore(location, settings.store.collection, slug, create=True)
        current.take_over(fresh)
        current.close()
    finally:
        fresh.close()
    return report


def _refuse_lossy_rebuild(
    settings: Settings,
    model: VectorEmbedding,
    report: IngestReport,
    location: Location,
    discard: Callable[[], None],
) -> None:
    """Keep the old index when a file it holds could not be read this time."""
    if not report.failed:
        return
    try:
        store = ChromaStore(location, settings.store.collection, model_slug(model.model_name))
        held = set(store.documents())
        store.close()
    except AssistantError:
        return  # the old index is unreadable (or of another encoder): nothing in it to lose
    lost = sorted({e.source for e in report.failed} & held)
    if lost:
        discard()
        raise RebuildRefusedError(
            f"Genopbygningen er ikke taget i brug, fordi {', '.join(lost)} ikke kunne læses; "
            "det gamle indeks er bevaret. Ret filen, og kør igen."
        )


def _discard_folder(path: Path) -> Callable[[], None]:
    def discard() -> None:
        forget_client(path)
        shutil.rmtree(path, ignore_errors=True)

    return discard


def _ingest(
    settings: Settings,
    location: Location,
    embed_model: VectorEmbedding | None,
    notify: Notify | None,
    collection: str | None = None,
) -> IngestReport:
    started = time.perf_counter()
    manifest = load_manifest(settings.manifest_file)
    files = corpus_files(settings.corpus_dir, manifest)
    model = embed_model or build_embed_model(settings.embedding)
    slug = model_slug(model.model_name)
    store = ChromaStore(location, collection or settings.store.collection, slug, create=True)
    cache = EmbeddingCache(settings.cache_file, slug)
    run = _Run(settings, store, model, cache, manifest, notify or (lambda source, status: None))
    try:
        run.update(files)
        update_register(settings, store, model)  # the trial register, from the indexed texts; never raises
    finally:
        cache.close()
        store.close()
    if location.path is not None:
        run.report.index_bytes = sum(f.stat().st_size for f in location.path.rglob("*") if f.is_file())
    run.report.seconds = time.perf_counter() - started
    return run.report


@dataclass
class _Run:
    """One ingest run: what it writes to and what it has done so far."""

    settings: Settings
    store: ChromaStore
    model: VectorEmbedding
    cache: EmbeddingCache
    manifest: dict[str, DocumentMeta]
    notify: Notify
    report: IngestReport = field(default_factory=IngestReport)
    _repairer: OcrRepairer | None = None
    _holders: dict[str, str] = field(default_factory=dict)

    def update(self, files: dict[str, Path]) -> None:
        if removed := self.store.collect_garbage():
            logger.info("fjernede %d passager efterladt af en afbrudt indeksering", removed)
        registry = self.store.documents()
        damaged = self._damaged(registry)
        current = {source_name(path) for path in files.values()}
        # Content hash -> the document that holds it: a copy under another name is refused.
        self._holders = {r.doc_hash: s for s, r in registry.items() if s in current}
        seen: set[str] = set()
        for name, path in files.items():
            source = source_name(path)
            seen.add(source)
            old = None if source in damaged else registry.get(source)
            try:
                status = self._document(name, path, source, old)
                if source in damaged:
                    self.report.added.remove(source)
                    self.report.repaired.append(source)
                    status = "repaired"
            except CorpusError as exc:
                self.report.failed.append(exc)
                if old is not None:
                    self.report.kept.append(source)
                    self.report.passages += old.passages
                    self.report.spans += old.spans
                status = "failed"
            self.notify(source, status)
        for source in sorted(set(registry) - seen):
            self.store.forget(source)
            self.report.removed.append(source)
            self.notify(source, "removed")
        self.report.embedded, self.report.cache_hits = self.cache.misses, self.cache.hits

    def _damaged(self, registry: dict[str, DocumentRecord]) -> set[str]:
        """The documents whose passages or spans the store cannot all read back (with their
        vectors): they are indexed again. A store that cannot be read at all is an
        IndexCorruptError that says to rebuild."""
        held = self.store.readable_counts()
        damaged = set()
        for source, record in registry.items():
            passages, spans = held.get((source, record.revision), (0, 0))
            if (passages, spans) != (record.passages, record.spans):
                logger.warning(
                    "%s: indekset rummer %d af %d passager og %d af %d udsnit; dokumentet indekseres igen",
                    source,
                    passages,
                    record.passages,
                    spans,
                    record.spans,
                )
                damaged.add(source)
        return damaged

    def _document(self, name: str, path: Path, source: str, old: DocumentRecord | None) -> str:
        fmt = file_format(path, source)
        data = read_bytes(path, source, self.settings.ingest.max_bytes)
        digest = file_hash(data)
        holder = self._holders.setdefault(digest, source)
        if holder != source:
            raise CorpusError(
                source, f"har samme indhold som {holder}, som allerede er med; den indekseres ikke to gange"
            )
        if old and old.doc_hash == digest:
            meta = self.manifest.get(name)
            if meta and old.revision == revision(old.doc_hash, meta, self.settings):
                self.report.unchanged.append(source)  # skip extracting a large PDF again
                self.report.passages += old.passages
                self.report.spans += old.spans
                return "unchanged"
        sf = source_from_bytes(data, fmt, source, digest, self.settings.ingest)
        meta = meta_for(name, sf.extracted, self.manifest)
        rev = revision(sf.doc_hash, meta, self.settings)
        if old and old.revision == rev:
            self.report.unchanged.append(source)
            self.report.passages += old.passages
            self.report.spans += old.spans
            return "unchanged"
        record = self._index(sf, meta, rev)
        (self.report.updated if old else self.report.added).append(source)
        self.report.passages += record.passages
        self.report.spans += record.spans
        return "updated" if old else "added"

    def _index(self, sf: SourceFile, meta: DocumentMeta, rev: str) -> DocumentRecord:
        info = SourceInfo(
            source=sf.source,
            revision=rev,
            doc_hash=sf.doc_hash,
            title=meta.title,
            date=meta.date,
            kind=meta.kind,
            layout=meta.layout,
            ocr=meta.ocr,
            pages=tuple(sf.extracted.pages),
        )
        document = Document(id_=f"{sf.source}@{rev}", text=sf.text, metadata=info.to_document())
        chunking = self.settings.chunk
        parser = StructuredNodeParser(max_chars=chunking.max_chars, window_chars=chunking.window_chars)
        repair = self.repairer().repair if meta.ocr else None
        nodes = parser.get_nodes_from_documents([document], repair=repair)
        span_ids, span_texts, span_meta = [], [], []
        for node in nodes:
            for j, text in enumerate(json.loads(node.metadata[SPAN_TEXTS])):
                span_ids.append(span_id(node.node_id, j))
                span_texts.append(text)
                span_meta.append(SpanMeta(sf.source, rev, node.node_id).to_chroma())
        vectors = self.cache.embed([n.metadata[EMBED_TEXT] for n in nodes], self.model.passage_vectors)
        span_vectors = self.cache.embed(span_texts, self.model.passage_vectors)
        self.store.add(nodes, vectors, span_ids, span_vectors, span_meta)  # type: ignore[arg-type]
        record = DocumentRecord(
            source=sf.source,
            doc_hash=sf.doc_hash,
            title=meta.title,
            publisher=meta.publisher,
            date=meta.date,
            kind=meta.kind,
            passages=len(nodes),
            spans=len(span_ids),
            revision=rev,
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            index_version=INDEX_VERSION,
            ocr=meta.ocr,
            fmt=sf.extracted.fmt,
            pages=len(sf.extracted.pages),
        )
        self.store.commit(record, sf.text)  # from here on the new version is the one that is read
        self.store.delete_passages(sf.source, keep_revision=rev)
        return record

    def repairer(self) -> OcrRepairer:
        """An OCR repairer whose lexicon includes the words of the clean corpus documents."""
        if self._repairer is None:
            texts = []
            for name, path in corpus_files(self.settings.corpus_dir, self.manifest, warn=False).items():
                if not self.manifest.get(name, DocumentMeta(name, name)).ocr:
                    try:
                        limits = self.settings.ingest
                        texts.append(read_source(path, name, limits.max_bytes, limits).text)
                    except CorpusError:
                        continue
            self._repairer = OcrRepairer(Lexicon(texts))
        return self._repairer
