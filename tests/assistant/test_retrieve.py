"""Dense, BM25 and fused retrieval over hand-built passages. The fake encoder is only
plumbing here: it turns the passages and questions into vectors."""

from __future__ import annotations

import pytest
from llama_index.core.schema import TextNode

from assistant.catalog import Catalog
from assistant.retrieve import BM25Retriever, DenseRetriever, Hit, HybridRetriever, distinct
from assistant.vectors import PassageVectors
from core.index_schema import PassageMeta, Span
from core.textnorm import search_text

TEXTS = {
    "grus": ("a.txt", "Forsøget med grus på stierne stopper i 2030."),
    "asfalt": ("a.txt", "Stierne i parken får ny asfalt."),
    "lamper": ("b.txt", "Kommunen sætter lamper op ved cykelstien."),
    "kopi": ("c.txt", "Forsøget med grus på stierne stopper i 2030."),  # c.txt repeats a.txt's section word for word
}


def _node(node_id: str, source: str, text: str) -> TextNode:
    span = Span(0, len(text), "sentence", search_text(text))
    meta = PassageMeta(source, 0, len(text), (span,), title="Notat", search=search_text(text), content_hash=text)
    return TextNode(id_=node_id, text=text, metadata=meta.to_chroma())


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.build([_node(pid, source, text) for pid, (source, text) in TEXTS.items()], {})


@pytest.fixture
def dense(catalog: Catalog, fake_embed) -> DenseRetriever:  # type: ignore[no-untyped-def]
    ids = list(TEXTS)
    vectors = fake_embed.passage_vectors([TEXTS[i][1] for i in ids])
    return DenseRetriever(PassageVectors.build(ids, vectors, [TEXTS[i][0] for i in ids]), catalog, k=3)


def test_copies_of_one_passage_collapse_into_the_first(catalog: Catalog) -> None:
    ranked = [("grus", 2.0), ("kopi", 2.0), ("lamper", 1.0)]
    assert distinct(catalog, ranked) == [("grus", 2.0), ("lamper", 1.0)]


def test_dense_ranks_the_closest_passage_first(dense: DenseRetriever, fake_embed) -> None:  # type: ignore[no-untyped-def]
    found = dense.search(fake_embed.query_vector("lamper ved cykelstien"))
    assert found[0][0] == "lamper"
    assert len({pid for pid, _ in found}) == len(found) <= 3


def test_dense_shows_a_repeated_passage_once(dense: DenseRetriever, fake_embed) -> None:  # type: ignore[no-untyped-def]
    found = [pid for pid, _ in dense.search(fake_embed.query_vector("forsøget med grus"), k=4)]
    assert found[0] == "grus" and "kopi" not in found


def test_dense_keeps_to_the_filtered_documents(dense: DenseRetriever, fake_embed) -> None:  # type: ignore[no-untyped-def]
    found = dense.search(fake_embed.query_vector("forsøget med grus"), sources=["b.txt"])
    assert [pid for pid, _ in found] == ["lamper"]


def test_bm25_ranks_the_passage_with_the_rare_word_first(catalog: Catalog) -> None:
    found = BM25Retriever(catalog, k=3).search(search_text("Hvornår kommer der asfalt på stierne?"))
    assert found[0][0] == "asfalt" and all(score > 0 for _, score in found)


def test_bm25_finds_nothing_for_words_the_corpus_lacks(catalog: Catalog) -> None:
    assert BM25Retriever(catalog, k=3).search(search_text("xylofon")) == []


def test_bm25_keeps_to_the_filtered_documents(catalog: Catalog) -> None:
    found = BM25Retriever(catalog, k=3).search(search_text("grus stierne"), sources=["b.txt"])
    assert found == []  # b.txt has neither word


def test_bm25_over_an_empty_catalog_finds_nothing() -> None:
    assert BM25Retriever(Catalog.build([], {}), k=3).search("grus") == []


def test_fusion_puts_a_passage_both_rankings_agree_on_first(
    catalog: Catalog,
    dense: DenseRetriever,
    fake_embed,  # type: ignore[no-untyped-def]
) -> None:
    hybrid = HybridRetriever(dense, BM25Retriever(catalog, k=3), rrf_k=60, top_k=2)
    question = "Hvornår stopper forsøget med grus?"
    hits = hybrid.search(search_text(question), fake_embed.query_vector(question))
    assert len(hits) == 2 and isinstance(hits[0], Hit)
    best = hits[0]
    assert best.passage_id == "grus" and best.dense is not None and best.bm25 is not None
    assert best.score == pytest.approx(2 / 61)  # first in both rankings


def test_fusion_records_only_the_rankings_that_found_a_passage(
    catalog: Catalog,
    dense: DenseRetriever,
    fake_embed,  # type: ignore[no-untyped-def]
) -> None:
    hybrid = HybridRetriever(dense, BM25Retriever(catalog, k=3), rrf_k=60, top_k=5)
    hits = hybrid.search(search_text("xylofon"), fake_embed.query_vector("lamper"))
    assert hits and all(h.bm25 is None and h.dense is not None for h in hits)
