"""Run a QA file against the real assistant and score it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from assistant.engine import Assistant
from core.config import PROJECT_ROOT, EvalSettings
from evals import metrics

GATES = (
    ("answer_accuracy", "min_answer_accuracy"),
    ("list_complete", "min_list_complete"),
    ("verbatim", "min_verbatim"),
    ("cited_right_document", "min_cited_right_document"),
    ("refusal_accuracy", "min_refusal_accuracy"),
)


def evaluate(
    assistant: Assistant, items: list[dict[str, Any]], k: int, root: Path = PROJECT_ROOT
) -> list[dict[str, Any]]:
    """One row per item: correctness, citation checks, retrieval figures, latency."""
    rows = []
    for item in items:
        started = time.perf_counter()
        trace = assistant.trace(item["question"])
        latency = (time.perf_counter() - started) * 1000
        answer = trace.answer.model_dump()
        passages = [
            {"source": p.meta.source, "text": p.node.text}
            for p in (assistant.catalog.passages[h.passage_id] for h in trace.hits)
        ]
        retrieval = metrics.retrieval(item, passages, k)
        rows.append(
            {
                "id": item["id"],
                "kind": item["kind"],
                **{k: item[k] for k in ("topic", "phrasing", "perturbation") if k in item},
                "question": item["question"],
                "answered": answer["answered"],
                "correct": metrics.answer_correct(item, answer),
                "missing": [g for g in item["must_include"] if not metrics.group_found(answer["answer"], g)],
                "cited_right_document": metrics.cited_right_document(item, answer),
                "cited_sources": sorted({Path(c["source"]).name for c in answer["citations"]}),
                "verbatim": [metrics.verbatim(c, root) for c in [*answer["citations"], *answer["also"]]],
                "uncertain": answer["uncertain"],
                # the gold in the other places an uncertain answer points to (not counted as correct)
                "found_elsewhere": bool(answer["also"])
                and metrics.answer_correct(item, {"answered": True, "answer": "", "citations": answer["also"]}),
                "recall": retrieval[0] if retrieval else None,
                "rr": retrieval[1] if retrieval else None,
                "answerable": round(trace.answerable, 4),
                "latency_ms": round(latency, 2),
                "answer": answer["answer"],
            }
        )
    return rows


def failures(summary: dict[str, float], settings: EvalSettings) -> list[str]:
    """The gates the summary does not pass, as Danish lines."""
    out = []
    for figure, threshold in GATES:
        if summary[figure] < getattr(settings, threshold):
            out.append(f"{figure} = {summary[figure]:.3f} < {getattr(settings, threshold):.3f}")
    return out
