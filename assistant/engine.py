"""The object graph, built once: encoder, store, and a view of the index (catalog,
retrievers, answerer) that is replaced whole when another process updates the index."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import query as questions
from assistant.answer import Answerer, Decision
from assistant.catalog import Catalog
from assistant.conversation import resolve
from assistant.features import Evidence, resolve_terms, span_candidates
from assistant.gather import Gathered, RegisterSource
from assistant.lexicon import Lexicon
from assistant.messages import context_lead, incomplete_notice, scope_notice, unknown_documents
from assistant.model import DEFAULT_FILE, AnswerModel
from assistant.retrieve import BM25Retriever, DenseRetriever, Hit, HybridRetriever
from assistant.schema import Answer
from assistant.vectors import PassageVectors
from core.config import PROJECT_ROOT, Settings
from core.corpus import corpus_files, corpus_name
from core.embed import VectorEmbedding, build_embed_model, model_slug
from core.errors import IndexNotBuiltError, QuestionError, Remedy
from core.index_schema import INDEX_VERSION, DocumentRecord
from core.store import ChromaStore, Location

TEXTS_CACHED = 32  # document texts kept for the source viewer


@dataclass(frozen=True)
class IndexView:
    """One consistent snapshot of the committed index."""

    revisions: dict[str, str]
    names: dict[str, str]  # the name people see (relative to the corpus folder) -> source
    catalog: Catalog
    vectors: PassageVectors
    retriever: HybridRetriever
    answerer: Answerer
    lexicon: Lexicon
    register: RegisterSource  # the trial register, for questions that gather (assistant/gather.py)


@dataclass
class Trace:
    """An answer with what produced it (for evaluation and calibration)."""

    answer: Answer
    evidence: Evidence
    decision: Decision

    @property
    def query(self) -> questions.Query:
        return self.evidence.query

    @property
    def hits(self) -> list[Hit]:
        return self.evidence.hits

    @property
    def answerable(self) -> float:
        return self.decision.answerable


class Assistant:
    """Answers questions from the indexed documents. Safe to share between threads:
    ``ask`` reads one immutable view of the index and keeps no per-call state."""

    def __init__(
        self,
        settings: Settings,
        embed_model: VectorEmbedding,
        store: ChromaStore,
        view: IndexView,
        model: AnswerModel,
    ) -> None:
        self.settings = settings
        self.model = model
        self.embed_model = embed_model
        self.store = store
        self._view = view
        self._checked = time.monotonic()
        self._reload = threading.Lock()
        self._hashes: dict[str, tuple[tuple[int, int], str]] = {}
        self._texts: dict[tuple[str, str], str] = {}  # (source, revision) -> indexed text
        self._texts_lock = threading.Lock()
        self._unindexed: tuple[float, IndexView | None, list[str], int] = (0.0, None, [], 0)

    @property
    def catalog(self) -> Catalog:
        return self._view.catalog

    @property
    def answerer(self) -> Answerer:
        return self._view.answerer

    @property
    def documents(self) -> dict[str, DocumentRecord]:
        return self._view.catalog.documents

    def ask(self, question: str, sources: Sequence[str] | None = None, history: Sequence[str] = ()) -> Answer:
        """Answer ``question``, optionally from the named documents only, in the context of
        the conversation's earlier questions (``history``, oldest first): a follow-up that
        names no subject of its own ("og hvad viste evalueringen?") is read with the
        subject of the questions before it, and the answer says what it took from them.

        Raises QuestionError for an unusable question (empty, too long, control
        characters) and for a filter that names no indexed document.
        """
        return self.trace(question, sources, history).answer

    def trace(
        self, question: str, sources: Sequence[str] | None = None, history: Sequence[str] = (), gather: bool = True
    ) -> Trace:
        """``ask`` with its working shown: the ranked passages and the support level. With
        ``gather=False`` the trial register answers nothing: the answerer's own path, as
        ``python -m evals fit`` fits it."""
        timings: dict[str, float] = {}
        clock = started = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[name] = round((now - clock) * 1000, 2)
            clock = now

        self.refresh()
        view = self._view
        limit, language = self.settings.answer.max_question_chars, self.settings.retrieval.stemmer
        asked = questions.validate(question, limit)
        resolved = resolve(asked, history, view.catalog, language)
        query = questions.parse(resolved.question, 2 * limit, language, view.lexicon)
        sources = _check_filter(sources, view)
        gatherer = view.register.get() if sources is None and gather else None
        gathered = gatherer.gather(query, view.catalog, view.names, self.document_text) if gatherer else None
        if gathered is not None:
            timings["gather"] = timings["total"] = round((time.perf_counter() - started) * 1000, 2)
            return self._gathered(asked, resolved.question, resolved.taken, query, gathered, timings)
        vector = self.embed_model.query_vector(query.dense)
        lap("embed")
        hits = view.retriever.search(query.lexical, vector, sources)
        lap("retrieve")
        passages = [view.catalog.passages[h.passage_id] for h in hits]
        span_vectors = self.store.span_vectors([p.span_id(i) for p in passages for i in range(len(p.spans))])
        span_dense: dict[tuple[str, int, int], float] = {}
        for p in passages:
            for i, span in enumerate(p.spans):
                vec = span_vectors.get(p.span_id(i))
                if vec is not None:
                    span_dense[(p.meta.source, span.start, span.end)] = float(vec @ vector)
        passage_dense = view.vectors.similarity([p.id for p in passages], vector)
        lap("spans")
        terms = resolve_terms(query, view.catalog)
        evidence = Evidence(query, terms, hits, passage_dense, span_dense)
        candidates = span_candidates(query, terms, hits, view.catalog, passage_dense, span_dense)
        decision = view.answerer.answer(evidence, candidates)
        lap("answer")
        missing, total = self.unindexed()
        timings["total"] = round((time.perf_counter() - started) * 1000, 2)
        context = [*resolved.taken]
        read_as = resolved.question if resolved.question != asked else ""
        text = f"{context_lead(read_as)} {decision.text}" if read_as and decision.answered else decision.text
        searched = _searched(sources, view)
        answer = Answer(
            question=asked,
            answer=text,
            context=context,
            read_as=read_as,
            answered=decision.answered,
            citations=decision.citations,
            incomplete=missing,
            notice=incomplete_notice(len(missing), total),
            scope=scope_notice([view.catalog.documents[s].title or s for s in searched], len(view.catalog.documents)),
            searched=searched,
            uncertain=decision.uncertain,
            also=decision.also,
            maybe_not_covered=decision.maybe_not_covered,
            timings_ms=timings,
        )
        return Trace(answer, evidence, decision)

    def _gathered(
        self, asked: str, read: str, taken: Sequence[str], query: questions.Query, got: Gathered, timings: dict
    ) -> Trace:
        """The trace of an answer gathered from the trial register (no retrieval ran)."""
        read_as = read if read != asked else ""
        text = f"{context_lead(read_as)} {got.text}" if read_as else got.text
        missing, total = self.unindexed()
        answer = Answer(
            question=asked,
            answer=text,
            context=[*taken],
            read_as=read_as,
            answered=True,
            citations=got.citations,
            incomplete=missing,
            notice=incomplete_notice(len(missing), total),
            timings_ms=timings,
        )
        evidence = Evidence(query, resolve_terms(query, self._view.catalog), [], {}, {})
        return Trace(answer, evidence, Decision(got.text, True, got.citations, 1.0, []))

    def refresh(self, force: bool = False) -> bool:
        """Reload the view if the index changed since it was read (checked at most every
        ``retrieval.reload_seconds``). True when it reloaded."""
        if not force and time.monotonic() - self._checked < self.settings.retrieval.reload_seconds:
            return False
        with self._reload:
            self._checked = time.monotonic()
            if self.store.committed() == self._view.revisions:
                return False
            self._view = load_view(self.settings, self.store, self.embed_model, self.model)
            return True

    def unindexed(self) -> tuple[list[str], int]:
        """(The documents in the corpus folder that the index does not hold, by name; how
        many documents the folder holds). An interrupted first build, a file added since,
        or one ingest could not read. Read again at most every ``retrieval.reload_seconds``."""
        checked, view, missing, total = self._unindexed
        if view is not self._view or time.monotonic() - checked >= self.settings.retrieval.reload_seconds:
            view = self._view
            on_disk = corpus_files(self.settings.corpus_dir)
            missing, total = [name for name in on_disk if name not in view.names], len(on_disk)
            self._unindexed = (time.monotonic(), view, missing, total)
        return list(missing), total

    def name_of(self, source: str) -> str:
        """The name people see for an indexed source: relative to the corpus folder."""
        return corpus_name(self.settings.corpus_dir, source)

    def source_of(self, name: str) -> str | None:
        """The indexed source a person's name for it refers to: its name relative to the
        corpus folder, or its relative source name (``corpus/x.txt``). Never an absolute
        path: None for those, and for anything the index does not hold."""
        view = self._view
        if name in view.names:
            return view.names[name]
        if name in view.catalog.documents and not Path(name).is_absolute():
            return name
        return None

    def stale_documents(self) -> list[str]:
        """Indexed documents whose file has changed or gone since it was indexed. With a
        Chroma server, an instance may not hold the files at all: missing ones are not
        reported there."""
        return [source for source in sorted(self.documents) if self.file_changed(source)]

    def file_changed(self, source: str) -> bool:
        """Does the file differ from the indexed version? A file is hashed again only
        when its size or modification time moved."""
        record = self.documents[source]
        path = source_path(source)
        try:
            stat = path.stat()
        except OSError:
            return not self.settings.server_mode
        key = (stat.st_size, stat.st_mtime_ns)
        known = self._hashes.get(source)
        if known is None or known[0] != key:
            try:
                known = (key, hashlib.sha256(path.read_bytes()).hexdigest())
            except OSError:
                return True
            self._hashes[source] = known
        return known[1] != record.doc_hash

    def document_text(self, source: str) -> str | None:
        """The text a document was indexed from (what citation offsets point into), for the
        version this instance's view holds; None when the store holds another version (an
        ingest committed it, and the view has not reloaded yet) or none."""
        record = self.documents.get(source)
        if record is None:
            return None
        key = (source, record.revision)
        with self._texts_lock:
            if key in self._texts:
                return self._texts[key]
        got = self.store.document_text(source)
        if got is None or got[0] != record.revision:
            return None
        with self._texts_lock:
            while len(self._texts) >= TEXTS_CACHED:
                self._texts.pop(next(iter(self._texts)), None)
            self._texts[key] = got[1]
        return got[1]


def source_path(source: str) -> Path:
    """The file an indexed source name refers to (names are relative to the project)."""
    path = Path(source)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _check_filter(names: Sequence[str] | None, view: IndexView) -> list[str] | None:
    """The sources a filter names (by source or by name); QuestionError for an empty
    filter or one naming anything the index does not hold."""
    if names is None:
        return None
    if not names:
        raise QuestionError("Filteret er tomt: nævn mindst ét dokument, eller lad filteret være væk.")
    sources, unknown = [], []
    for name in names:
        source = (name if name in view.catalog.documents else view.names.get(name)) if isinstance(name, str) else None
        if source is None:
            unknown.append(name)
        else:
            sources.append(source)
    if unknown:
        raise QuestionError(unknown_documents(unknown, view.names))
    return sources


def _searched(sources: list[str] | None, view: IndexView) -> list[str]:
    """The sources a filter limited the question to, each once in the order named; []
    when there was no filter or it named every document."""
    if sources is None:
        return []
    unique = list(dict.fromkeys(sources))
    return [] if set(unique) >= set(view.catalog.documents) else unique


def load_view(settings: Settings, store: ChromaStore, model: VectorEmbedding, answer_model: AnswerModel) -> IndexView:
    """Read the committed index into memory: catalog, BM25, retrievers, answerer."""
    documents = store.documents()
    if not documents:
        raise IndexNotBuiltError(
            f"Indekset i {Location.of(settings).label} indeholder ingen dokumenter.", remedy=Remedy.INGEST
        )
    if any(record.index_version != INDEX_VERSION for record in documents.values()):
        raise IndexNotBuiltError(
            f"Indekset i {Location.of(settings).label} er bygget af en anden version af værktøjet.",
            remedy=Remedy.INGEST,
        )
    nodes, vectors = store.committed_passages()
    catalog = Catalog.build(nodes, documents, settings.retrieval.stemmer)
    ids = [n.node_id for n in nodes]
    passage_vectors = PassageVectors.build(ids, vectors, [catalog.passages[pid].meta.source for pid in ids])
    r = settings.retrieval
    retriever = HybridRetriever(
        DenseRetriever(passage_vectors, catalog, r.dense_k),
        BM25Retriever(catalog, r.bm25_k),
        rrf_k=r.rrf_k,
        top_k=r.top_k,
    )
    revisions = {source: record.revision for source, record in documents.items()}
    names: dict[str, str] = {}
    for source in sorted(documents):
        names.setdefault(corpus_name(settings.corpus_dir, source), source)
    lexicon = Lexicon.load(settings.lexicon_file) if settings.answer.lexicon else Lexicon()
    answerer = Answerer(catalog, settings.answer, answer_model)
    register = RegisterSource(settings.data_dir, settings.corpus_dir, settings.retrieval.stemmer)
    return IndexView(revisions, names, catalog, passage_vectors, retriever, answerer, lexicon, register)


def build_assistant(
    settings: Settings, embed_model: VectorEmbedding | None = None, answer_model: AnswerModel | None = None
) -> Assistant:
    """Open the index and wire the assistant (with the fitted answerer of
    ``answer.model_file`` unless ``answer_model`` is given). Raises ConfigError,
    IndexNotBuiltError, IndexCorruptError."""
    answers = answer_model or AnswerModel.load(settings.answer.model_file or DEFAULT_FILE)
    model = embed_model or build_embed_model(settings.embedding)
    store = ChromaStore(Location.of(settings), settings.store.collection, model_slug(model.model_name))
    try:
        return Assistant(settings, model, store, load_view(settings, store, model, answers), answers)
    except Exception:
        store.close()
        raise
