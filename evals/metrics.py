"""Small pure scoring functions over plain dicts (one QA item, one answer)."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import median
from typing import Any

from core.textnorm import display

KINDS = ("list", "fact", "number", "date", "refusal")


def norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def read_jsonl(path: Path) -> list[tuple[int, Any]]:
    """(line number, parsed value) of every non-blank line; bad JSON raises ValueError naming the line."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: ikke gyldig JSON ({exc.msg})") from exc
    return out


def load_qa(path: Path) -> list[dict[str, Any]]:
    """The QA items of a JSONL file; a malformed line raises ValueError naming it."""
    items = []
    for number, item in read_jsonl(path):
        missing = {"id", "question", "kind", "must_include", "sources"} - set(item)
        if missing:
            raise ValueError(f"{path}:{number}: mangler felterne {sorted(missing)}")
        if item["kind"] not in KINDS:
            raise ValueError(f"{path}:{number}: ukendt kind {item['kind']!r}; gyldige: {', '.join(KINDS)}")
        items.append(item)
    if not items:
        raise ValueError(f"{path}: ingen spørgsmål")
    return items


def group_found(text: str, alternatives: list[str]) -> bool:
    haystack = norm(text)
    return any(norm(alt) in haystack for alt in alternatives)


def answer_correct(item: dict[str, Any], answer: dict[str, Any]) -> bool:
    """Refusals must refuse; other items must answer with every must_include group, each
    found in the answer's text or in its cited quotes.

    The answer states its cited spans in their reading form (hyphens joined, a scan's
    damaged words repaired: core/reading.py), and some gold strings were written from
    the raw OCR text ("forsgget"). Looking in the verbatim quotes the answer cites
    (``display`` of each, joined) as well measures the same thing as before: the answer
    states exactly those quotes, only spelt for reading, so a gold string is in the
    answer whichever spelling it was written in. Answer text the quotes do not hold
    (list leads, markers) is still searched as before."""
    if item["kind"] == "refusal":
        return not answer["answered"]
    quoted = " ".join(display(c["quote"]) for c in answer.get("citations", []))
    return bool(answer["answered"]) and all(
        group_found(answer["answer"], g) or group_found(quoted, g) for g in item["must_include"]
    )


def cited_right_document(item: dict[str, Any], answer: dict[str, Any]) -> bool | None:
    """Every citation comes from one of the item's source documents (None: not applicable)."""
    if item["kind"] == "refusal" or not answer["answered"] or not answer["citations"]:
        return None
    return all(Path(c["source"]).name in item["sources"] for c in answer["citations"])


def verbatim(citation: dict[str, Any], root: Path) -> bool:
    """The quote is exactly the source file's text at the citation's offsets."""
    path = root / citation["source"]
    try:
        text = path.read_bytes().decode("utf-8")  # offsets count "\r" too: no newline translation
    except (OSError, UnicodeDecodeError):
        return False
    return text[citation["start"] : citation["end"]] == citation["quote"]


def retrieval(item: dict[str, Any], passages: list[dict[str, str]], k: int) -> tuple[float, float] | None:
    """(recall@k, reciprocal rank) of answer-bearing passages; None for refusals.

    A passage bears the answer when it is from an expected document and holds an
    alternative of some must_include group; recall is the share of groups found in the
    top ``k`` such passages.
    """
    if item["kind"] == "refusal" or not item["must_include"]:
        return None
    groups = item["must_include"]
    found: set[int] = set()
    first = 0
    for rank, passage in enumerate(passages, 1):
        if Path(passage["source"]).name not in item["sources"]:
            continue
        hit = {i for i, g in enumerate(groups) if group_found(passage["text"], g)}
        if hit and not first:
            first = rank
        if rank <= k:
            found |= hit
    return len(found) / len(groups), (1.0 / first if first else 0.0)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def summarise(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The gate's figures from per-question rows."""
    answerable = [r for r in rows if r["kind"] != "refusal"]
    refusals = [r for r in rows if r["kind"] == "refusal"]
    lists = [r for r in rows if r["kind"] == "list"]
    answered = [r for r in answerable if r["answered"]]
    cited = [r["cited_right_document"] for r in rows if r["cited_right_document"] is not None]
    citations = [v for r in rows for v in r["verbatim"]]
    retrieved = [r for r in rows if r["recall"] is not None]
    latencies = [r["latency_ms"] for r in rows]
    return {
        "questions": len(rows),
        "answer_accuracy": mean([float(r["correct"]) for r in answerable]),
        "list_complete": mean([float(r["correct"]) for r in lists]) if lists else 1.0,
        "verbatim": mean([float(v) for v in citations]) if citations else 1.0,
        "cited_right_document": mean([float(v) for v in cited]) if cited else 1.0,
        "refusal_accuracy": mean([float(r["correct"]) for r in refusals]) if refusals else 1.0,
        "false_refusals": float(sum(1 for r in answerable if not r["answered"])),
        "wrongly_refused": mean([float(not r["answered"]) for r in answerable]),
        # answers flagged as uncertain, how often a flagged and an unflagged answer is right,
        # and how often a wrong flagged answer's other places hold the gold
        "uncertain": mean([float(r.get("uncertain", False)) for r in answered]),
        "accuracy_sure": mean([float(r["correct"]) for r in answered if not r.get("uncertain")]),
        "accuracy_uncertain": mean([float(r["correct"]) for r in answered if r.get("uncertain")]),
        "found_elsewhere": mean(
            [float(r.get("found_elsewhere", False)) for r in answered if r.get("uncertain") and not r["correct"]]
        ),
        # unanswerable questions answered with no flag that the answer may be wrong
        "unanswerable_unflagged": mean([float(r["answered"] and not r.get("uncertain")) for r in refusals])
        if refusals
        else 0.0,
        "recall_at_k": mean([r["recall"] for r in retrieved]),
        "mrr": mean([r["rr"] for r in retrieved]),
        "latency_p50_ms": median(latencies) if latencies else 0.0,
        "latency_p95_ms": percentile(latencies, 95),
    }
