"""The question bank's splits, its summaries by phrasing and perturbation, and the test
split's gates (hand-made rows; the gate over the real bank is tests/evals/test_gate.py)."""

from __future__ import annotations

from typing import Any

import pytest

from core.config import EvalSettings
from evals.bank import BANK, SPLITS, gate_failures, split_file, summarise


def _row(kind: str = "fact", correct: bool = True, answered: bool = True, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind, "correct": correct, "answered": answered, "cited_right_document": True, "verbatim": [True],
        "recall": 1.0, "rr": 1.0, "latency_ms": 10.0, **extra,
    }  # fmt: skip


def _summary(**figures: float) -> dict[str, Any]:
    plain = {
        "answer_accuracy": 1.0, "list_complete": 1.0, "verbatim": 1.0, "cited_right_document": 1.0,
        "refusal_accuracy": 1.0, "wrongly_refused": 0.0,
    }  # fmt: skip
    return {**plain, **figures}


@pytest.mark.parametrize("split", SPLITS)
def test_each_split_is_a_jsonl_file_in_the_bank(split: str) -> None:
    assert split_file(split) == BANK / f"{split}.jsonl"
    assert split_file(split).is_file()


def test_an_unknown_split_is_refused_with_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="ukendt del af spørgsmålsbanken: 'train'; gyldige: dev, test"):
        split_file("train")


def test_accuracy_is_summarised_by_phrasing() -> None:
    rows = [
        _row(phrasing="direct"),
        _row(correct=False, phrasing="direct"),
        _row(phrasing="indirect"),
        _row(kind="refusal", answered=False, phrasing="direct"),
    ]
    summary = summarise(rows)
    assert summary["by_phrasing"] == {"direct": 0.5, "indirect": 1.0}  # refusals are not counted
    assert summary["answer_accuracy"] == pytest.approx(2 / 3) and summary["refusal_accuracy"] == 1.0


def test_perturbed_copies_have_no_refusal_accuracy() -> None:
    summary = summarise([_row(perturbation="typo"), _row(correct=False, perturbation="ascii")])
    assert summary["refusal_accuracy"] is None
    assert summary["by_perturbation"] == {"ascii": 0.0, "typo": 1.0}
    assert "by_phrasing" not in summary


def test_a_summary_above_every_floor_passes() -> None:
    settings = EvalSettings()
    assert gate_failures({"plain": _summary(), "perturbed": _summary()}, settings) == []


def test_a_figure_below_its_floor_is_named() -> None:
    failed = gate_failures({"plain": _summary(answer_accuracy=0.1)}, EvalSettings(min_answer_accuracy=0.46))
    assert failed == ["answer_accuracy = 0.100 < 0.460"]


def test_too_many_wrongly_refused_fail() -> None:
    failed = gate_failures({"plain": _summary(wrongly_refused=0.2)}, EvalSettings(max_wrongly_refused=0.05))
    assert failed == ["wrongly_refused = 0.200 > 0.050"]


def test_the_perturbed_accuracy_has_its_own_floor() -> None:
    summary = {"plain": _summary(), "perturbed": _summary(answer_accuracy=0.3)}
    assert gate_failures(summary, EvalSettings(min_perturbed_accuracy=0.46)) == [
        "perturbed answer_accuracy = 0.300 < 0.460"
    ]
    assert gate_failures({"plain": _summary()}, EvalSettings(min_perturbed_accuracy=0.46)) == []
