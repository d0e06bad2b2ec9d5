"""Reports: the figure table, the Markdown of an eval and of the bank, and the files
written (stamped and latest)."""

from __future__ import annotations

import json
from pathlib import Path

from evals.report import bank_markdown, eval_markdown, table, write


def test_the_table_labels_and_formats_each_figure() -> None:
    summary = {"questions": 12, "answer_accuracy": 0.5, "recall_at_k": 0.75, "latency_p50_ms": 12.345}
    assert table(summary, k=5).splitlines() == [
        "| figure | value |",
        "|---|---|",
        "| questions | 12 |",
        "| answer accuracy | 0.500 |",
        "| retrieval recall@5 | 0.750 |",
        "| latency p50 (ms) | 12.3 |",
    ]


def test_the_table_leaves_out_breakdowns_and_keeps_unknown_keys() -> None:
    lines = table({"by_phrasing": {"direct": 1.0}, "ny_figur": 0.25}, k=5).splitlines()
    assert lines[2:] == ["| ny_figur | 0.250 |"]


def test_an_eval_report_lists_the_wrong_answers() -> None:
    rows = [
        {"id": "q1", "correct": True},
        {"id": "q2", "correct": False, "kind": "list", "answerable": 0.42, "missing": ["grus"]},
    ]
    text = eval_markdown({"questions": 2}, rows, 5, Path("evals/bank/test.jsonl"), [])
    assert text.startswith("# QA eval: test.jsonl\n")
    assert "Gate: passed" in text
    assert "- `q2` (list, P(answerable) 0.42): missing ['grus']" in text and "`q1`" not in text
    assert text.endswith("\n")


def test_an_eval_report_names_the_failed_gates() -> None:
    text = eval_markdown({"questions": 1}, [], 5, Path("x.jsonl"), ["a < b", "c < d"])
    assert "Gate: FAILED: a < b; c < d" in text and "Wrong answers" not in text


def test_the_bank_report_has_a_column_per_split_and_kind() -> None:
    summaries = {
        "test": {
            "plain": {"questions": 10, "answer_accuracy": 0.5, "refusal_accuracy": 1.0, "by_phrasing": {"direct": 0.5}},
            "perturbed": {"questions": 20, "answer_accuracy": 0.4, "refusal_accuracy": None},
        }
    }
    text = bank_markdown(summaries, [], "med")
    assert text.startswith("# Spørgsmålsbanken (med korpussets ordliste)\n")
    assert "| figure | test plain | test perturbed |" in text
    assert "| questions | 10 | 20 |" in text and "| answer accuracy | 0.500 | 0.400 |" in text
    assert "| refusal accuracy | 1.000 | – |" in text  # no figure: a dash
    assert "test plain, accuracy phrasing: direct 0.500" in text
    assert text.rstrip().endswith("Gate (test): passed")


def test_write_makes_a_stamped_and_a_latest_copy(tmp_path: Path) -> None:
    path = write(tmp_path / "reports", "eval", {"summary": {"questions": 1}}, "# Rapport\n")
    stamp = path.name.removeprefix("eval-").removesuffix(".json")
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == sorted(
        [f"eval-{stamp}.json", f"eval-{stamp}.md", "eval-latest.json", "eval-latest.md"]
    )
    latest = json.loads((tmp_path / "reports" / "eval-latest.json").read_text(encoding="utf-8"))
    assert latest == {"written_at": stamp, "summary": {"questions": 1}}
    assert (tmp_path / "reports" / "eval-latest.md").read_text(encoding="utf-8") == "# Rapport\n"
