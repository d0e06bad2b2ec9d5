"""The QA eval gate: the real encoder, the real index, the thresholds from the config."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from evals import metrics
from evals.run import evaluate, failures

pytestmark = [pytest.mark.eval, pytest.mark.model]


def test_qa_eval_meets_every_threshold(real_index: Settings, real_assistant) -> None:  # type: ignore[no-untyped-def]
    items = metrics.load_qa(real_index.eval.qa_file)
    rows = evaluate(real_assistant, items, real_index.eval.recall_k)
    summary = metrics.summarise(rows)
    wrong = [(r["id"], r["missing"]) for r in rows if not r["correct"]]
    print(f"\nQA eval: {summary}\nwrong: {wrong}")
    assert failures(summary, real_index.eval) == [], wrong
