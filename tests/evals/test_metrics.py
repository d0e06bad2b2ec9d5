"""The eval's scoring functions on hand-made answers."""

from pathlib import Path

import pytest

from evals import metrics

ITEM = {
    "id": "x",
    "question": "?",
    "kind": "list",
    "must_include": [["Mikrolån"], ["Psykolog", "Psykologbehandling"]],
    "sources": ["bilag.txt"],
}


def _answer(text: str, answered: bool = True, sources: tuple[str, ...] = ("corpus/bilag.txt",)) -> dict:
    return {
        "answer": text,
        "answered": answered,
        "citations": [{"source": s, "start": 0, "end": 1, "quote": "x"} for s in sources],
    }


def test_answer_correct_needs_every_group_and_ignores_case_and_spacing() -> None:
    assert metrics.answer_correct(ITEM, _answer("- MIKROLÅN [1]\n- psykologbehandling [2]"))
    assert not metrics.answer_correct(ITEM, _answer("- Mikrolån [1]"))
    refusal = {**ITEM, "kind": "refusal", "must_include": []}
    assert metrics.answer_correct(refusal, _answer("Det kan jeg ikke finde", answered=False))


def test_a_gold_group_may_be_found_in_the_cited_verbatim_quotes() -> None:
    """The answer states its quotes for reading ("mikrolån"); gold written from the scan
    ("mikrolan") is found in the verbatim quote it cites."""
    item = {**ITEM, "kind": "fact", "must_include": [["mikrolan"], ["Psykologbehandling"]]}
    answer = _answer("Et mikrolån [1] og psykologbehandling [2]")
    assert not metrics.answer_correct(item, answer)
    answer["citations"][0]["quote"] = "et mikro-\n<p>lan og et mikrolan"
    assert metrics.answer_correct(item, answer)
    assert not metrics.answer_correct(item, {**answer, "answered": False})


def test_cited_right_document_and_verbatim(tmp_path: Path) -> None:
    assert metrics.cited_right_document(ITEM, _answer("x")) is True
    assert metrics.cited_right_document(ITEM, _answer("x", sources=("corpus/bilag.txt", "corpus/andet.txt"))) is False
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "bilag.txt").write_text("Mikrolån forlænges", encoding="utf-8")
    good = {"source": "corpus/bilag.txt", "start": 0, "end": 8, "quote": "Mikrolån"}
    assert metrics.verbatim(good, tmp_path)
    assert not metrics.verbatim({**good, "end": 7}, tmp_path)


def test_retrieval_recall_and_rank() -> None:
    passages = [
        {"source": "corpus/andet.txt", "text": "Mikrolån"},
        {"source": "corpus/bilag.txt", "text": "Mikrolån"},
        {"source": "corpus/bilag.txt", "text": "Psykologbehandling"},
    ]
    recall, rr = metrics.retrieval(ITEM, passages, k=2)
    assert recall == 0.5 and rr == 0.5


def test_load_qa_rejects_malformed_lines(tmp_path: Path) -> None:
    bad = tmp_path / "qa.jsonl"
    bad.write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="mangler"):
        metrics.load_qa(bad)


def test_the_shipped_qa_file_is_well_formed_and_covers_what_it_must() -> None:
    items = metrics.load_qa(Path(__file__).parents[2] / "evals" / "bank" / "test.jsonl")
    assert len(items) >= 40
    kinds = {item["kind"] for item in items}
    assert kinds == {"list", "fact", "number", "date", "refusal"}
    assert sum(item["kind"] == "refusal" for item in items) >= 4
    corpus = {p.name for p in (Path(__file__).parents[2] / "corpus").glob("*.txt")}
    assert corpus <= {s for item in items for s in item["sources"]}  # every document is asked about
