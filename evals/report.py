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
    "recall_at_k": "retrieval recall@k",
    "mrr": "retrieval MRR",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
}


def table(summary: dict[str, float], k: int) -> str:
    lines = ["| figure | value |", "|---|---|"]
    for key, value in summary.items():
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
            lines.append(f"- `{r['id']}` ({r['kind']}, support {r['support']}): missing {r['missing']}")
    return "\n".join(lines) + "\n"
