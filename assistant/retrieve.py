"""Hybrid retrieval: dense (exact cosine over the passage vectors Chroma stores, see
assistant/vectors.py) and BM25 (bm25s, Danish stems), fused by reciprocal rank.

The retrievers are plain classes with one typed ``search`` each, not llama-index
``BaseRetriever``s: the engine embeds the question once and reuses the vector for span
scoring, and the answerer reads each hit's dense and BM25 scores, neither of which the
``retrieve(QueryBundle) -> NodeWithScore`` contract carries. Its hooks were never called,
so they are gone (llama-index stays where it is used for real: the node parser and the
embedding classes). An optional ``sources`` filter restricts every retriever to the named
documents.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from assistant.catalog import Catalog
from assistant.vectors import PassageVectors
from core.textnorm import terms

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG


@dataclass
class Hit:
    """One fused result: the passage id, its fused score and the scores behind it."""

    passage_id: str
    score: float
    dense: float | None = None
    bm25: float | None = None


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
        key = (meta.title, meta.content_hash or pid)
        if key not in seen:
            seen.add(key)
            out.append((pid, score))
    return out


class DenseRetriever:
    """Nearest passages by cosine similarity to the question's vector."""

    def __init__(self, vectors: PassageVectors, catalog: Catalog, k: int) -> None:
        self.vectors, self.catalog, self.k = vectors, catalog, k

    def search(
        self, vector: np.ndarray, k: int | None = None, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        # Ask for more than k: copies of one passage (same title and text) collapse into one.
        k = k or self.k
        return distinct(self.catalog, self.vectors.nearest(vector, k * OVERFETCH, sources))[:k]


class BM25Retriever:
    """BM25 over the normalised search text (OCR-repaired, dates canonical, Danish stems)."""

    def __init__(self, catalog: Catalog, k: int) -> None:
        self.catalog, self.k = catalog, k
        self.ids = list(catalog.passages)
        self.sources = np.array([catalog.passages[pid].meta.source for pid in self.ids])
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


class HybridRetriever:
    """Reciprocal rank fusion of the dense and the BM25 ranking."""

    def __init__(self, dense: DenseRetriever, bm25: BM25Retriever, rrf_k: int, top_k: int) -> None:
        self.dense, self.bm25 = dense, bm25
        self.rrf_k, self.top_k = rrf_k, top_k

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
