"""The question bank's splits (evals/bank/), asked as written and perturbed.

``dev.jsonl`` may be used to fit and choose; ``test.jsonl`` was frozen before the
answerer changed and is only ever measured (``make test`` gates on it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.engine import Assistant
from core.config import PROJECT_ROOT, EvalSettings
from evals import metrics
from evals.perturb import perturbed
from evals.run import evaluate, failures

BANK = PROJECT_ROOT / "evals" / "bank"
SPLITS = ("dev", "test")


def split_file(split: str) -> Path:
    if split not in SPLITS:
        raise ValueError(f"ukendt del af spørgsmålsbanken: {split!r}; gyldige: {', '.join(SPLITS)}")
    return BANK / f"{split}.jsonl"


def run_bank(assistant: Assistant, split: str, k: int, perturb: bool = True) -> dict[str, Any]:
    """{summary: {plain, perturbed}, rows: {plain, perturbed}} for one split."""
    items = metrics.load_qa(split_file(split))
    plain = evaluate(assistant, items, k)
    out: dict[str, Any] = {"split": split, "summary": {"plain": summarise(plain)}, "rows": {"plain": plain}}
    if perturb:
        rows = evaluate(assistant, perturbed(items), k)
        out["summary"]["perturbed"] = summarise(rows)
        out["rows"]["perturbed"] = rows
    return out


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The gate's figures, plus accuracy by phrasing and by perturbation."""
    summary: dict[str, Any] = metrics.summarise(rows)
    if not any(r["kind"] == "refusal" for r in rows):
        summary["refusal_accuracy"] = None  # perturbed copies are of answerable questions only
        summary["unanswerable_unflagged"] = None
    for field in ("phrasing", "perturbation"):
        values = sorted({r[field] for r in rows if field in r and r["kind"] != "refusal"})
        if values:
            summary[f"by_{field}"] = {v: _accuracy([r for r in rows if r.get(field) == v]) for v in values}
    return summary


def gate_failures(summary: dict[str, dict[str, Any]], settings: EvalSettings) -> list[str]:
    """The test split's gates that ``summary`` ({plain, perturbed}) does not pass."""
    out = failures(summary["plain"], settings)
    if summary["plain"]["wrongly_refused"] > settings.max_wrongly_refused:
        out.append(f"wrongly_refused = {summary['plain']['wrongly_refused']:.3f} > {settings.max_wrongly_refused:.3f}")
    if "perturbed" in summary and summary["perturbed"]["answer_accuracy"] < settings.min_perturbed_accuracy:
        out.append(
            f"perturbed answer_accuracy = {summary['perturbed']['answer_accuracy']:.3f} "
            f"< {settings.min_perturbed_accuracy:.3f}"
        )
    return out


def _accuracy(rows: list[dict[str, Any]]) -> float:
    return round(metrics.mean([float(r["correct"]) for r in rows if r["kind"] != "refusal"]), 3)
