"""Exact dense ranking over the stored passage vectors, also when most of them are copies."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from assistant.catalog import Catalog
from assistant.engine import build_assistant, load_view
from assistant.vectors import PassageVectors
from core.config import Settings, load_settings
from evals.synth import generate
from ingest.pipeline import run_ingest


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def random_vectors() -> tuple[list[str], np.ndarray, list[str]]:
    rng = np.random.default_rng(3)
    distinct = _unit(rng.normal(size=(40, 16)).astype(np.float32))
    # rows 0-39 distinct, then 200 copies of rows 0-4 (a series repeating five sections)
    matrix = np.vstack([distinct, *[distinct[:5]] * 40])
    ids = [f"p{i}" for i in range(len(matrix))]
    sources = [f"doc{i % 7}.txt" for i in range(len(matrix))]
    return ids, matrix, sources


def test_the_ranking_is_the_exact_cosine_order_with_each_copy_counted_once(random_vectors) -> None:  # type: ignore[no-untyped-def]
    ids, matrix, sources = random_vectors
    vectors = PassageVectors.build(ids, matrix * 3.0, sources)  # stored vectors need not be unit length
    query = np.random.default_rng(4).normal(size=16).astype(np.float32)
    found = vectors.nearest(query, 40)
    expected = np.argsort(-(matrix[:40] @ (query / np.linalg.norm(query))), kind="stable")
    assert [pid for pid, _ in found] == [f"p{i}" for i in expected]
    assert found[0][1] == pytest.approx(float(matrix[expected[0]] @ query / np.linalg.norm(query)), abs=1e-5)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_every_passage_is_its_own_nearest_neighbour(random_vectors) -> None:  # type: ignore[no-untyped-def]
    ids, matrix, sources = random_vectors
    vectors = PassageVectors.build(ids, matrix, sources)
    for i in range(40):
        (pid, score), *_ = vectors.nearest(matrix[i], 1)
        assert pid == f"p{i}" and score == pytest.approx(1.0, abs=1e-5)


def test_a_filter_ranks_every_passage_of_the_named_documents(random_vectors) -> None:  # type: ignore[no-untyped-def]
    ids, matrix, sources = random_vectors
    vectors = PassageVectors.build(ids, matrix, sources)
    found = vectors.nearest(matrix[0], 1000, ["doc2.txt", "doc5.txt"])
    expected = {pid for pid, source in zip(ids, sources, strict=True) if source in ("doc2.txt", "doc5.txt")}
    assert {pid for pid, _ in found} == expected
    assert vectors.nearest(matrix[0], 5, ["nothing.txt"]) == []


def test_small_and_empty_indexes() -> None:
    empty = PassageVectors.build([], np.zeros((0, 8), dtype=np.float32), [])
    assert len(empty) == 0 and empty.nearest(np.ones(8), 5) == []
    one = PassageVectors.build(["a"], np.ones((1, 8), dtype=np.float32), ["x.txt"])
    assert [pid for pid, _ in one.nearest(np.ones(8), 5)] == ["a"]
    assert one.nearest(np.ones(8), 0) == []
    assert [pid for pid, _ in one.nearest(np.zeros(8), 5)] == ["a"]  # a zero vector ranks, it does not divide by 0


def test_copies_of_passages_leave_every_term_weight_unchanged(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    assistant = build_assistant(tiny_settings, fake_embed)
    nodes = [p.node for p in assistant.catalog.passages.values()]
    copies = []
    for n in range(30):  # thirty more documents that repeat the first passage word for word
        node = copy.deepcopy(nodes[0])
        node.id_ = f"copy-{n}"
        node.metadata["source"] = f"copy-{n}.txt"
        copies.append(node)
    before = Catalog.build(nodes, assistant.documents)
    after = Catalog.build(nodes + copies, assistant.documents)
    assert len(after) == len(before) + 30
    assert after.texts == before.texts
    assert {stem: after.idf(stem) for stem in before.df} == {stem: before.idf(stem) for stem in before.df}


def test_every_needle_is_found_among_a_series_of_copies(tmp_path: Path, fake_embed) -> None:  # type: ignore[no-untyped-def]
    """The scale bench's ×10 corpus (45 reports that repeat their sections) with the fake
    encoder: each one-off fact's passage is its own nearest vector, and BM25 ranks it
    first for its question. (How the real encoder ranks them: ``make bench-scale``.)"""
    needles = generate(10, tmp_path / "corpus")
    settings = load_settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data")
    report = run_ingest(settings, fake_embed)
    assert not report.failed
    assistant = build_assistant(settings, fake_embed)
    retriever = load_view(settings, assistant.store, fake_embed, assistant.model).retriever  # the view it reads
    dense, bm25 = retriever.dense, retriever.bm25
    for needle in needles:
        holder = next(
            p for p in assistant.catalog.passages.values()
            if Path(p.meta.source).name == needle.file and needle.project in p.node.text
        )  # fmt: skip
        own = dense.vectors.matrix[dense.vectors.ids.index(holder.id)]
        assert dense.search(own, 1)[0][0] == holder.id
        assert bm25.search(assistant.trace(needle.question).query.lexical, 1)[0][0] == holder.id
