"""The eval gate: the real encoder, the real index, the floors from the config.

* the question bank's frozen test split (``evals/bank/test.jsonl``: topics the answerer was
  never fitted on), as written and perturbed;
* a fixed sample of the external reading-comprehension set (8 articles, one more left
  out of the corpus whose questions must be refused), in its own data directory.

The floors (``EvalSettings``) guard against regressions; the README reports the measured
figures and the targets beside them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings
from evals.bank import gate_failures, run_bank
from evals.external import DEFAULT_SET, run_external, sample_selection, set_articles

pytestmark = [pytest.mark.eval, pytest.mark.model]


def test_bank_test_split_meets_every_floor(real_index: Settings, real_assistant) -> None:  # type: ignore[no-untyped-def]
    result = run_bank(real_assistant, "test", real_index.eval.recall_k)
    summary = result["summary"]
    wrong = [(r["id"], r["missing"]) for r in result["rows"]["plain"] if not r["correct"]]
    print(f"\nbank test: {summary}\nwrong: {wrong}")
    assert gate_failures(summary, real_index.eval) == []


def test_external_sample_meets_every_floor(real_settings: Settings) -> None:
    if not Path(DEFAULT_SET).is_dir():
        pytest.skip(f"the external set is not at {DEFAULT_SET} (it lives in ../shared beside the clone)")
    articles, left_out = sample_selection(set_articles(DEFAULT_SET))
    result = run_external(real_settings, DEFAULT_SET, articles, left_out)
    figures = result["summary"]["all"]
    print(f"\nexternal sample: {figures}")
    floors = real_settings.eval
    assert figures["answer_contains_gold"] >= floors.min_external_contains_gold
    assert figures["wrongly_refused"] <= floors.max_external_wrongly_refused
    assert figures["left_out_refused"] >= floors.min_external_left_out_refused
    assert figures["median_answer_chars"] <= floors.max_median_answer_chars
