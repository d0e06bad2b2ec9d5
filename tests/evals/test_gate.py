"""The QA eval gate: the real encoder, the real index, the thresholds from the config.

``qa.jsonl`` is the gated set the refusal threshold was calibrated on; ``holdout.jsonl``
was written after the answerer was tuned and is held to the same thresholds.
"""

from __future__ import annotations

import pytest

from assistant.config import PROJECT_ROOT, Settings
from evals import metrics
from evals.run import evaluate, failures

pytestmark = [pytest.mark.eval, pytest.mark.model]


@pytest.mark.parametrize("qa_file", ["evals/qa.jsonl", "evals/holdout.jsonl"])
def test_qa_eval_meets_every_threshold(real_index: Settings, real_assistant, qa_file: str) -> None:  # type: ignore[no-untyped-def]
    items = metrics.load_qa(PROJECT_ROOT / qa_file)
    rows = evaluate(real_assistant, items, real_index.eval.recall_k)
    summary = metrics.summarise(rows)
    wrong = [(r["id"], r["missing"]) for r in rows if not r["correct"]]
    print(f"\n{qa_file}: {summary}\nwrong: {wrong}")
    assert failures(summary, real_index.eval) == [], wrong
