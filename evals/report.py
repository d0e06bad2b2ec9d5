"""Reports: a JSON file with everything and a Markdown summary, under reports/."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LABELS = {
    "questions": "questions",
    "answer_accuracy": "answer accuracy",
    "list_complete": "list questions complete",
    "verbatim": "verbatim citations",
    "cited_right_document": "cited right document",
    "refusal_accuracy": "refusal accuracy",
    "false_refusals": "false refusals",
    "wrongly_refused": "answerable wrongly refused",
    "uncertain": "answers flagged uncertain",
    "accuracy_sure": "accuracy, unflagged answers",
    "accuracy_uncertain": "accuracy, flagged answers",
    "found_elsewhere": "wrong flagged: gold in its other places",
    "unanswerable_unflagged": "unanswerable answered unflagged",
    "recall_at_k": "retrieval recall@k",
    "mrr": "retrieval MRR",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
}


def table(summary: dict[str, Any], k: int) -> str:
    lines = ["| figure | value |", "|---|---|"]
    for key, value in summary.items():
        if isinstance(value, dict):
            continue
        label = LABELS.get(key, key).replace("@k", f"@{k}")
        shown = f"{value:.0f}" if key in ("questions", "false_refusals") else f"{value:.3f}"
        if key.startswith("latency"):
            shown = f"{value:.1f}"
        lines.append(f"| {label} | {shown} |")
    return "\n".join(lines)


def write(reports_dir: Path, name: str, payload: dict[str, Any], markdown: str) -> Path:
    """Write ``<name>-<stamp>.json/.md`` and ``<name>-latest.json/.md``; return the JSON path."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = {"written_at": stamp, **payload}
    for tag in (stamp, "latest"):
        (reports_dir / f"{name}-{tag}.json").write_text(
            json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (reports_dir / f"{name}-{tag}.md").write_text(markdown, encoding="utf-8")
    return reports_dir / f"{name}-{stamp}.json"


def eval_markdown(
    summary: dict[str, float], rows: list[dict[str, Any]], k: int, qa_file: Path, failed: list[str]
) -> str:
    lines = [f"# QA eval: {qa_file.name}", "", table(summary, k), ""]
    lines.append("Gate: " + ("passed" if not failed else "FAILED: " + "; ".join(failed)))
    wrong = [r for r in rows if not r["correct"]]
    if wrong:
        lines += ["", "## Wrong answers", ""]
        for r in wrong:
            lines.append(f"- `{r['id']}` ({r['kind']}, P(answerable) {r['answerable']}): missing {r['missing']}")
    return "\n".join(lines) + "\n"


BANK_FIGURES = (
    "questions", "answer_accuracy", "list_complete", "verbatim", "cited_right_document", "refusal_accuracy",
    "wrongly_refused", "uncertain", "accuracy_sure", "accuracy_uncertain", "found_elsewhere", "unanswerable_unflagged",
    "recall_at_k", "latency_p50_ms", "latency_p95_ms",
)  # fmt: skip


def bank_markdown(summaries: dict[str, dict[str, dict[str, Any]]], failed: list[str], lexicon: str) -> str:
    """One table: each split as asked and perturbed; then accuracy by phrasing and perturbation."""
    columns = [(split, kind) for split in summaries for kind in summaries[split]]
    lines = [f"# Spørgsmålsbanken ({lexicon} korpussets ordliste)", ""]
    lines.append("| figure | " + " | ".join(f"{s} {k}" for s, k in columns) + " |")
    lines.append("|---|" + "---|" * len(columns))
    for key in BANK_FIGURES:
        cells = []
        for split, kind in columns:
            value = summaries[split][kind].get(key)
            cells.append("–" if value is None else f"{value:.0f}" if key == "questions" else f"{value:.3f}")
        lines.append(f"| {LABELS.get(key, key)} | " + " | ".join(cells) + " |")
    for field in ("by_phrasing", "by_perturbation"):
        for split, kind in columns:
            if field in summaries[split][kind]:
                shown = ", ".join(f"{k} {v:.3f}" for k, v in summaries[split][kind][field].items())
                lines.append(f"\n{split} {kind}, accuracy {field[3:]}: {shown}")
    lines += ["", "Gate (test): " + ("passed" if not failed else "FAILED: " + "; ".join(failed))]
    return "\n".join(lines) + "\n"
