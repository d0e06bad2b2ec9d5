"""The external benchmark's pure parts: splits, selections, gold matching (no model)."""

from pathlib import Path

import pytest

from evals import external
from ingest.manifest import load_manifest

NAMES = [f"squad-da-{2 * i:02d}-artikel-{i}.txt" for i in range(24)]


def test_article_split_by_number_halved() -> None:
    test = {f"{n:02d}" for n in (2, 6, 10, 14, 18, 22, 26, 30, 34, 38, 42, 46)}
    for name in NAMES:
        number = name.split("-")[2]
        assert external.article_split(name) == ("test" if number in test else "dev")
    assert external.article_split("docs/squad-da-06-martin-luther.txt") == "test"
    with pytest.raises(ValueError):
        external.article_split("ilt.txt")


def test_gold_matching_collapses_whitespace_and_case_and_takes_alternatives() -> None:
    item = {"answer": "John  Mayow", "alt_answers": ["", "Mayow"]}
    assert external.golds(item) == ["John  Mayow", "Mayow"]
    assert external.contains_gold("Kemikeren JOHN\nmayow viste det. [1]", external.golds(item))
    assert external.contains_gold("Det var Mayow. [1]", external.golds(item))
    assert not external.contains_gold("Det var Lavoisier. [1]", external.golds(item))
    assert not external.contains_gold("noget", ["", "  "])


def test_first_sentence_is_the_text_before_the_first_marker() -> None:
    assert external.first_sentence("Ilt er et grundstof. [1] Det er reaktivt. [2]") == "Ilt er et grundstof."
    assert external.first_sentence("Under »Forsøg« [1] står 2 punkter:\n- a [2]\n- b [3]") == "Under »Forsøg«"
    assert external.first_sentence("Ingen markører her.") == "Ingen markører her."


def test_default_leave_out_is_fixed_and_spans_both_splits() -> None:
    left = external.default_leave_out(list(reversed(NAMES)))
    assert left == [NAMES[3], NAMES[10], NAMES[17]]
    assert {external.article_split(n) for n in left} == {"dev", "test"}


def test_sample_is_four_dev_four_test_and_one_left_out_article() -> None:
    articles, left = external.sample_selection(NAMES)
    assert (articles, left) == external.sample_selection(list(reversed(NAMES)))
    splits = [external.article_split(n) for n in articles]
    assert splits.count("dev") == 4 and splits.count("test") == 4
    assert len(set(articles)) == 8
    assert len(left) == 1 and left[0] in external.default_leave_out(NAMES)
    assert not set(left) & set(articles)
    corpus, left_out = external.select(NAMES, articles, left)
    assert corpus == sorted(articles) and left_out == left


def test_select_defaults_names_and_errors() -> None:
    corpus, left = external.select(NAMES, None, None)
    assert left == external.default_leave_out(NAMES) and len(corpus) == 21
    assert not set(corpus) & set(left)
    corpus, left = external.select(NAMES, [NAMES[0].removesuffix(".txt"), NAMES[3]], None)
    assert (corpus, left) == ([NAMES[0]], [NAMES[3]])
    assert external.select(NAMES, [NAMES[0], NAMES[3]], []) == ([NAMES[0], NAMES[3]], [])
    with pytest.raises(ValueError, match="ukendt artikel"):
        external.select(NAMES, ["nope"], None)
    with pytest.raises(ValueError, match="tomt"):
        external.select(NAMES, [NAMES[3]], None)


def _row(split: str, left_out: bool, answered: bool, gold: bool = False, first: bool = False) -> dict:
    return {
        "split": split,
        "left_out": left_out,
        "answered": answered,
        "contains_gold": gold,
        "gold_doc_cited": answered,
        "gold_in_first_sentence": first,
        "answer_chars": 100 if answered else 40,
        "latency_ms": 10.0,
    }


def test_summary_counts_refusals_as_misses_and_splits() -> None:
    rows = [
        _row("dev", False, True, gold=True, first=True),
        _row("dev", False, False),
        _row("test", False, True, gold=True),
        _row("test", True, False),
        _row("test", True, True),
    ]
    summary = external.summary_by_split(rows)
    everything = summary["all"]
    assert everything["answerable"] == 3 and everything["left_out_questions"] == 2
    assert everything["answer_contains_gold"] == pytest.approx(2 / 3)
    assert everything["wrongly_refused"] == pytest.approx(1 / 3) and everything["wrongly_refused_count"] == 1
    assert everything["gold_in_first_sentence"] == pytest.approx(1 / 3)
    assert everything["median_answer_chars"] == 100
    assert everything["left_out_refused"] == pytest.approx(0.5)
    assert summary["dev"]["left_out_refused"] is None
    assert summary["test"]["answer_contains_gold"] == 1.0
    assert "guldsvaret" in external.table(summary)


def test_set_checks_and_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(external.UsageError):
        external.set_articles(tmp_path / "mangler")
    docs = tmp_path / "set" / "docs"
    docs.mkdir(parents=True)
    with pytest.raises(external.UsageError):
        external.set_articles(tmp_path / "set")
    for name, title in ((NAMES[0], "Super Bowl 50"), (NAMES[1], 'Normannerne "og" andre')):
        (docs / name).write_text(f"{title}\n\nFørste afsnit.\n\nAndet afsnit.\n", encoding="utf-8")
    with pytest.raises(external.UsageError, match=r"questions\.jsonl"):
        external.set_articles(tmp_path / "set")
    (tmp_path / "set" / "questions.jsonl").write_text("", encoding="utf-8")
    assert external.set_articles(tmp_path / "set") == NAMES[:2]

    corpus = tmp_path / "work" / "corpus"
    external.prepare_corpus(tmp_path / "set", [NAMES[1]], corpus)
    (corpus / "stray.txt").write_text("x", encoding="utf-8")
    stamp = (corpus / NAMES[1]).stat().st_mtime_ns
    external.prepare_corpus(tmp_path / "set", [NAMES[1]], corpus)
    assert sorted(p.name for p in corpus.iterdir()) == ["manifest.toml", NAMES[1]]
    assert (corpus / NAMES[1]).stat().st_mtime_ns == stamp
    meta = load_manifest(corpus / "manifest.toml")[NAMES[1]]
    assert (meta.title, meta.kind, meta.layout) == ('Normannerne "og" andre', "Wikipedia-artikel", external.LAYOUT)
    assert external.workspace(tmp_path / "set", [NAMES[1]], tmp_path / "w").parent == tmp_path / "w" / "set"
