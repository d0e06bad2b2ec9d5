"""The object graph, built once: encoder, store, catalog, retrievers, answerer."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from assistant import query as questions
from assistant.answer import Answerer
from assistant.catalog import Catalog
from assistant.config import Settings
from assistant.embed import VectorEmbedding, build_embed_model, model_slug
from assistant.errors import IndexNotBuiltError, QuestionError
from assistant.evidence import score_windows, term_weights
from assistant.retrieve import BM25Retriever, DenseRetriever, Hit, HybridRetriever
from assistant.schema import Answer
from assistant.store import ChromaStore, DocumentRecord


class Assistant:
    """Answers questions from the indexed documents. Safe to share between threads:
    ``ask`` keeps no per-call state on the object."""

    def __init__(
        self,
        settings: Settings,
        embed_model: VectorEmbedding,
        store: ChromaStore,
        catalog: Catalog,
        retriever: HybridRetriever,
        answerer: Answerer,
    ) -> None:
        self.settings = settings
        self.embed_model = embed_model
        self.store = store
        self.catalog = catalog
        self.retriever = retriever
        self.answerer = answerer

    @property
    def documents(self) -> dict[str, DocumentRecord]:
        return self.catalog.documents

    def ask(self, question: str, sources: Sequence[str] | None = None) -> Answer:
        """Answer ``question``, optionally from the named documents only.

        Raises QuestionError for an unusable question (empty, too long, control
        characters) and for a filter that names no indexed document.
        """
        return self.trace(question, sources).answer

    def trace(self, question: str, sources: Sequence[str] | None = None) -> Trace:
        """``ask`` with its working shown: the ranked passages and the support level."""
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        started = clock

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[name] = round((now - clock) * 1000, 2)
            clock = now

        query = questions.parse(question, self.settings.answer.max_question_chars, self.settings.retrieval.stemmer)
        self._check_filter(sources)
        vector = self.embed_model.query_vector(query.dense)
        lap("embed")
        hits = self.retriever.search(query.lexical, vector, sources)
        lap("retrieve")
        span_ids = [
            p.span_id(i) for p in (self.catalog.passages[h.passage_id] for h in hits) for i in range(len(p.spans))
        ]
        span_vectors = self.store.span_vectors(span_ids)
        lap("spans")
        weights = term_weights(query, self.catalog)
        a = self.settings.answer
        windows = score_windows(
            query, hits, self.catalog, weights, vector, span_vectors, (a.dense_floor, a.dense_ceiling)
        )
        text, answered, citations, support = self.answerer.answer(query, hits, windows, weights)
        lap("answer")
        timings["total"] = round((time.perf_counter() - started) * 1000, 2)
        answer = Answer(question=query.text, answer=text, answered=answered, citations=citations, timings_ms=timings)
        return Trace(answer, query, hits, support)

    def _check_filter(self, sources: Sequence[str] | None) -> None:
        if sources is None:
            return
        unknown = [s for s in sources if s not in self.documents]
        if unknown or not sources:
            raise QuestionError(
                f"Ukendt dokument i filteret: {', '.join(unknown) or '(tomt filter)'}. "
                f"Gyldige: {', '.join(sorted(self.documents))}"
            )


@dataclass
class Trace:
    """An answer with what produced it (for evaluation and calibration)."""

    answer: Answer
    query: questions.Query
    hits: list[Hit]
    support: float


def build_assistant(settings: Settings, embed_model: VectorEmbedding | None = None) -> Assistant:
    """Open the index and wire the assistant. Raises IndexNotBuiltError/IndexCorruptError."""
    model = embed_model or build_embed_model(settings.embedding)
    store = ChromaStore(settings.chroma_dir, settings.store.collection, model_slug(model.model_name))
    documents = store.documents()
    if not documents:
        raise IndexNotBuiltError(
            f"Indekset i {settings.chroma_dir} indeholder ingen dokumenter. Byg det med: python -m ingest"
        )
    catalog = Catalog.build(store.committed_nodes(), documents, settings.retrieval.stemmer)
    r = settings.retrieval
    retriever = HybridRetriever(
        DenseRetriever(store, catalog, model, r.dense_k),
        BM25Retriever(catalog, r.bm25_k),
        rrf_k=r.rrf_k,
        top_k=r.top_k,
        max_question_chars=settings.answer.max_question_chars,
    )
    return Assistant(settings, model, store, catalog, retriever, Answerer(catalog, settings.answer))
