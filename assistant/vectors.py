"""Exact nearest-passage search over the committed passage vectors, held in memory.

Chroma stores the vectors; ranking them here rather than through Chroma's HNSW index is
a measured choice. Government documents repeat sections word for word, so an index holds
many identical vectors, and those crowd the HNSW graph: at ×100 in the scale bench
(6,296 passages, about 760 distinct vectors) Chroma's approximate search left 4 % of the
one-off facts out of its results even at ef_search 400. An exact cosine ranking cannot
miss, and over the distinct vectors it is cheap: each instance already holds every
passage in memory for BM25, the vectors add 1.5 kB per passage, and a question costs one
matrix-vector product (see ``python -m evals bench --scale`` for the figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PassageVectors:
    """The unit vectors of the committed passages, one row per passage id."""

    ids: list[str]
    matrix: np.ndarray  # (n, dim) float32, rows of unit length
    sources: np.ndarray  # the source document of each row
    unique_rows: np.ndarray  # one row per distinct vector (the first passage that has it)
    unique_matrix: np.ndarray  # matrix[unique_rows], ranked when there is no filter

    @classmethod
    def build(cls, ids: Sequence[str], vectors: np.ndarray, sources: Sequence[str]) -> PassageVectors:
        matrix = np.asarray(vectors, dtype=np.float32)
        matrix = matrix.reshape(len(ids), -1) if len(ids) else np.zeros((0, matrix.shape[-1]), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = np.ascontiguousarray(matrix / np.where(norms > 0, norms, 1.0))
        if len(ids):
            as_bytes = matrix.view(np.dtype((np.void, matrix.dtype.itemsize * matrix.shape[1]))).ravel()
            _, first = np.unique(as_bytes, return_index=True)
            unique_rows = np.sort(first)
        else:
            unique_rows = np.zeros(0, dtype=np.int64)
        return cls(list(ids), matrix, np.asarray(sources, dtype=object), unique_rows, matrix[unique_rows])

    def __len__(self) -> int:
        return len(self.ids)

    def similarity(self, ids: Sequence[str], vector: np.ndarray) -> dict[str, float]:
        """Cosine similarity of each named passage to ``vector``."""
        position = self._positions()
        rows = [position[i] for i in ids if i in position]
        if not rows:
            return {}
        query = np.asarray(vector, dtype=np.float32).ravel()
        norm = float(np.linalg.norm(query))
        scores = self.matrix[rows] @ (query / norm if norm > 0 else query)
        return {self.ids[r]: float(s) for r, s in zip(rows, scores, strict=True)}

    def _positions(self) -> dict[str, int]:
        cached = self.__dict__.get("_position")
        if cached is None:
            cached = {pid: row for row, pid in enumerate(self.ids)}
            object.__setattr__(self, "_position", cached)
        return cached

    def nearest(self, vector: np.ndarray, k: int, sources: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``k`` nearest passages, best first. Without a
        filter, passages with identical vectors (word-for-word copies) count once; with
        one, every passage of the named documents is ranked."""
        if sources:
            rows = np.flatnonzero(np.isin(self.sources, list(sources)))
            candidates = self.matrix[rows]
        else:
            rows, candidates = self.unique_rows, self.unique_matrix
        if k <= 0 or not len(rows):
            return []
        query = np.asarray(vector, dtype=np.float32).ravel()
        norm = float(np.linalg.norm(query))
        scores = candidates @ (query / norm if norm > 0 else query)
        n = min(k, len(rows))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[rows[i]], float(scores[i])) for i in top]
