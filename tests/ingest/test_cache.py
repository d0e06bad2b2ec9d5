"""The embedding cache: each distinct text is encoded once per encoder, across runs; an
unreadable cache file is started afresh."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from ingest.cache import EmbeddingCache, text_key


class Counting:
    """An encoder stand-in that records what it is asked to encode."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(texts)
        return np.array([[len(t), t.count("a")] for t in texts], dtype=np.float32)


def test_a_key_depends_on_the_encoder_and_the_text() -> None:
    assert text_key("m", "grus") == text_key("m", "grus")
    assert len({text_key("m", "grus"), text_key("n", "grus"), text_key("m", "asfalt")}) == 3


def test_each_distinct_text_is_encoded_once(tmp_path: Path) -> None:
    cache, encode = EmbeddingCache(tmp_path / "c.sqlite", "m"), Counting()
    vectors = cache.embed(["grus", "asfalt", "grus"], encode)
    assert encode.calls == [["grus", "asfalt"]]
    assert vectors.tolist() == [[4, 0], [6, 2], [4, 0]] and vectors.dtype == np.float32
    assert cache.misses == 2


def test_cached_texts_are_not_encoded_again_after_a_reopen(tmp_path: Path) -> None:
    first = EmbeddingCache(tmp_path / "c.sqlite", "m")
    first.embed(["grus"], Counting())
    first.close()
    cache, encode = EmbeddingCache(tmp_path / "c.sqlite", "m"), Counting()
    assert cache.embed(["grus", "sti"], encode).tolist() == [[4, 0], [3, 0]]
    assert encode.calls == [["sti"]] and (cache.hits, cache.misses) == (1, 1)


def test_another_encoder_does_not_share_vectors(tmp_path: Path) -> None:
    EmbeddingCache(tmp_path / "c.sqlite", "m").embed(["grus"], Counting())
    encode = Counting()
    EmbeddingCache(tmp_path / "c.sqlite", "n").embed(["grus"], encode)
    assert encode.calls == [["grus"]]


def test_nothing_to_embed_gives_an_empty_matrix(tmp_path: Path) -> None:
    encode = Counting()
    assert EmbeddingCache(tmp_path / "c.sqlite", "m").embed([], encode).shape == (0, 0)
    assert encode.calls == []


def test_an_unreadable_cache_file_is_started_afresh(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"ikke en database " * 200)
    with caplog.at_level(logging.WARNING):
        cache = EmbeddingCache(path, "m")
    assert "kan ikke læses; der startes en ny" in caplog.text
    encode = Counting()
    assert cache.embed(["grus"], encode).tolist() == [[4, 0]] and encode.calls == [["grus"]]
