"""Hybrid retrieval: dense (exact cosine over the passage vectors Chroma stores, see
assistant/vectors.py) and BM25 (bm25s, Danish stems), fused by reciprocal rank.

Each retriever is a llama-index ``BaseRetriever``; ``search`` is the typed fast path the
assistant uses (it embeds the question once and reuses the vector for sentence scoring).
An optional ``sources`` filter restricts every retriever to the named documents.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle

from assistant.catalog import Catalog
from assistant.embed import VectorEmbedding
from assistant.query import parse
from assistant.textnorm import terms
from assistant.vectors import PassageVectors

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG


@dataclass
class Hit:
    """One fused result: the passage id, its fused score and the scores behind it."""

    passage_id: str
    score: float
    dense: float | None = None
    bm25: float | None = None


def _query_vector(bundle: QueryBundle, model: VectorEmbedding, text: str) -> np.ndarray:
    """The bundle's precomputed embedding, or ``text`` embedded now."""
    if bundle.embedding is not None:
        return np.asarray(bundle.embedding, dtype=np.float32)
    return model.query_vector(text)


def _with_scores(catalog: Catalog, pairs: Sequence[tuple[str, float]]) -> list[NodeWithScore]:
    return [NodeWithScore(node=catalog.passages[pid].node, score=score) for pid, score in pairs]


# Candidates fetched per slot, so that copies of one passage can collapse into one.
OVERFETCH = 4


def distinct(catalog: Catalog, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """One entry per distinct passage: a series of documents that repeat a section word for
    word (same title, same text, so the same vector and the same BM25 score) would otherwise
    fill every slot of a ranking with copies and push out what only one document says."""
    seen: set[tuple[str, str]] = set()
    out = []
    for pid, score in ranked:
        meta = catalog.passages[pid].meta
        key = (str(meta.get("title", "")), str(meta.get("content_hash", pid)))
        if key not in seen:
            seen.add(key)
            out.append((pid, score))
    return out


class DenseRetriever(BaseRetriever):
    """Nearest passages by cosine similarity to the question's vector."""

    def __init__(self, vectors: PassageVectors, catalog: Catalog, embed_model: VectorEmbedding, k: int) -> None:
        super().__init__()
        self.vectors, self.catalog, self.embed_model, self.k = vectors, catalog, embed_model, k

    def search(
        self, vector: np.ndarray, k: int | None = None, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        # Ask for more than k: copies of one passage (same title and text) collapse into one.
        k = k or self.k
        return distinct(self.catalog, self.vectors.nearest(vector, k * OVERFETCH, sources))[:k]

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        vector = _query_vector(query_bundle, self.embed_model, query_bundle.embedding_strs[0])
        return _with_scores(self.catalog, self.search(vector))


class BM25Retriever(BaseRetriever):
    """BM25 over the normalised search text (OCR-repaired, dates canonical, Danish stems)."""

    def __init__(self, catalog: Catalog, k: int) -> None:
        super().__init__()
        self.catalog, self.k = catalog, k
        self.ids = list(catalog.passages)
        self.sources = np.array([catalog.passages[pid].meta["source"] for pid in self.ids])
        self.bm25 = bm25s.BM25()
        if self.ids:
            self.bm25.index([catalog.passages[pid].terms or [""] for pid in self.ids], show_progress=False)

    def search(
        self, lexical: str, k: int | None = None, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        # Each stem once: the synonyms of one word (deltog, deltager, deltagere, deltaget …)
        # share a stem, and counting it once per form let passages that merely use that
        # word outrank the one passage holding a rare name from the question.
        query_terms = [t for t in dict.fromkeys(terms(lexical, self.catalog.language)) if t in self.catalog.df]
        if not query_terms or not self.ids:
            return []
        scores = self.bm25.get_scores(query_terms)
        if sources:
            scores = scores * np.isin(self.sources, list(sources))
        want = k or self.k
        n = min(want * OVERFETCH, len(self.ids))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return distinct(self.catalog, [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0])[:want]

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return _with_scores(self.catalog, self.search(query_bundle.query_str))


class HybridRetriever(BaseRetriever):
    """Reciprocal rank fusion of the dense and the BM25 ranking."""

    def __init__(
        self, dense: DenseRetriever, bm25: BM25Retriever, rrf_k: int, top_k: int, max_question_chars: int
    ) -> None:
        super().__init__()
        self.dense, self.bm25 = dense, bm25
        self.rrf_k, self.top_k, self.max_question_chars = rrf_k, top_k, max_question_chars

    def search(
        self, lexical: str, vector: np.ndarray, sources: Sequence[str] | None = None, top_k: int | None = None
    ) -> list[Hit]:
        hits: dict[str, Hit] = {}
        for rank, (pid, sim) in enumerate(self.dense.search(vector, sources=sources)):
            hit = hits.setdefault(pid, Hit(pid, 0.0))
            hit.dense = sim
            hit.score += 1.0 / (self.rrf_k + rank + 1)
        for rank, (pid, score) in enumerate(self.bm25.search(lexical, sources=sources)):
            hit = hits.setdefault(pid, Hit(pid, 0.0))
            hit.bm25 = score
            hit.score += 1.0 / (self.rrf_k + rank + 1)
        ranked = sorted(hits.values(), key=lambda h: h.score, reverse=True)
        return ranked[: top_k or self.top_k]

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        query = parse(query_bundle.query_str, self.max_question_chars, self.bm25.catalog.language)
        vector = _query_vector(query_bundle, self.dense.embed_model, query.dense)
        hits = self.search(query.lexical, vector)
        return _with_scores(self.bm25.catalog, [(h.passage_id, h.score) for h in hits])
