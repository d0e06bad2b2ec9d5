"""A content-hash embedding cache: each distinct text is embedded once per encoder.

Government documents repeat passages (the status slides quote the Bilag 1 note word for
word), and a changed file usually keeps most of its text; both reuse cached vectors.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors by (encoder, text) in a SQLite file; unusable files are started afresh."""

    def __init__(self, path: Path, model: str) -> None:
        self.model = model
        self.hits = 0
        self.misses = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open(path)
        except sqlite3.DatabaseError:
            logger.warning("Embedding-cachen %s kan ikke læses; der startes en ny (teksterne indlejres igen)", path)
            path.unlink(missing_ok=True)
            self._db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        db.execute("SELECT count(*) FROM vectors").fetchone()
        return db

    def embed(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for ``texts``, encoding only the ones not cached (each distinct text once)."""
        keys = [text_key(self.model, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            part = unique[i : i + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        self.hits += len(keys) - sum(1 for k in keys if k in todo)
        self.misses += len(todo)
        if todo:
            vectors = encode(list(todo.values()))
            fresh = dict(zip(todo, vectors, strict=True))
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                    [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in fresh.items()],
                )
            found.update(fresh)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def close(self) -> None:
        self._db.close()
