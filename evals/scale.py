"""`python -m evals.scale [--sizes 1,10,100]`: how the assistant behaves as the corpus grows.

For each size ×N (in increasing order) the corpus of evals/synth.py is generated into a
temporary folder (the 5 real documents plus 5·N−5 generated variants, each with one
needle fact) and measured in a child process of its own, so peak memory is per size:

* ingest from an empty index: seconds, passages (chunks) per second, texts embedded,
  embedding-cache hit rate, index size on disk;
* start-up of the assistant (open the index, build BM25);
* the real QA eval: answer accuracy, refusal accuracy, recall@k;
* warm ``ask`` latency over the real questions, several rounds: p50 / p95 / max;
* needle recall: every needle question is asked; *retrieved* when the needle document's
  passage with the fact is among the top-k hits, *answered* when the answer cites the
  document and holds the number.

One embedding cache is shared by the sizes, as a deployment's cache would be: ×10
reuses the vectors of ×1's real documents, ×100 those of the repeated family sections.
It starts empty (a temporary file) unless ``--cache`` names one.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import mean, median
from typing import Any

from core.cliutil import DanishParser, describe, setup_logging
from core.config import PROJECT_ROOT, Settings, load_settings
from core.errors import AssistantError
from evals import metrics, report
from evals.synth import generate, needles_from_json, needles_to_json

logger = logging.getLogger(__name__)

DEFAULT_SIZES = (1, 10, 100)
COLUMNS = (
    ("size", "size"),
    ("documents", "documents"),
    ("passages", "passages"),
    ("spans", "spans"),
    ("ingest_s", "ingest s"),
    ("chunks_per_s", "chunks/s"),
    ("cache_hit_rate", "cache hit rate"),
    ("index_mb", "index MB"),
    ("peak_rss_mb", "peak RSS MB"),
    ("startup_s", "start-up s"),
    ("ask_p50_ms", "ask p50 ms"),
    ("ask_p95_ms", "ask p95 ms"),
    ("answer_accuracy", "eval accuracy"),
    ("refusal_accuracy", "refusals"),
    ("needle_retrieved", "needle recall (retrieved)"),
    ("needle_answered", "needle answered"),
)
P95_TARGET_MS = 250.0
MISSED_SHOWN = 20  # needles listed in the Markdown report; the JSON has all


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(median(values), 1) if values else 0.0,
        "p95_ms": round(metrics.percentile(values, 95), 1),
        "max_ms": round(max(values), 1) if values else 0.0,
    }


def _stage_means(timings: list[dict[str, float]]) -> dict[str, float]:
    stages: dict[str, list[float]] = {}
    for row in timings:
        for stage, ms in row.items():
            stages.setdefault(stage, []).append(ms)
    return {stage: round(mean(v), 1) for stage, v in stages.items()}


# -- one size, in its own process ----------------------------------------------------------
def measure_one(settings: Settings, items: list[dict[str, Any]], needles_file: Path, rounds: int) -> dict[str, Any]:
    """Ingest ``settings.corpus_dir`` into an empty ``settings.data_dir`` and measure it."""
    from assistant.engine import build_assistant
    from core.embed import build_embed_model
    from evals.run import evaluate
    from ingest.pipeline import run_ingest

    figures: dict[str, Any] = {"load_avg_at_start": round(os.getloadavg()[0], 2)}  # other work on the machine
    model = build_embed_model(settings.embedding)
    encode = model.passage_vectors
    embed_seconds = 0.0

    def timed_encode(texts: list[str]) -> Any:
        nonlocal embed_seconds
        started = time.perf_counter()
        try:
            return encode(texts)
        finally:
            embed_seconds += time.perf_counter() - started

    object.__setattr__(model, "passage_vectors", timed_encode)  # count encoder time apart from the rest of ingest
    started = time.perf_counter()
    ingest = run_ingest(settings, model)
    seconds = time.perf_counter() - started
    object.__delattr__(model, "passage_vectors")
    if ingest.failed:
        raise AssistantError("Indekseringen fejlede: " + "; ".join(e.message for e in ingest.failed))
    looked_up = ingest.embedded + ingest.cache_hits
    figures |= {
        "documents": ingest.documents,
        "passages": ingest.passages,
        "spans": ingest.spans,
        "ingest_s": round(seconds, 1),
        "ingest_embed_s": round(embed_seconds, 1),
        "chunks_per_s": round(ingest.passages / seconds, 1),
        "texts_per_s": round(looked_up / seconds, 1),
        "texts_embedded": ingest.embedded,
        "texts_embedded_per_s": round(ingest.embedded / embed_seconds, 1) if embed_seconds else None,
        "cache_hits": ingest.cache_hits,
        "cache_hit_rate": round(ingest.cache_hits / looked_up, 3) if looked_up else 0.0,
        "index_mb": round(ingest.index_bytes / 1e6, 1),
        "embedding_cache_mb": round(settings.cache_file.stat().st_size / 1e6, 1),
    }
    logger.info("ingest: %s", {k: figures[k] for k in ("documents", "passages", "ingest_s", "cache_hit_rate")})

    started = time.perf_counter()
    assistant = build_assistant(settings, model)
    figures["startup_s"] = round(time.perf_counter() - started, 2)
    k = settings.eval.recall_k
    rows = evaluate(assistant, items, k)
    summary = metrics.summarise(rows)
    figures |= {
        "answer_accuracy": round(summary["answer_accuracy"], 3),
        "refusal_accuracy": round(summary["refusal_accuracy"], 3),
        "recall_at_k": round(summary["recall_at_k"], 3),
        "cited_right_document": round(summary["cited_right_document"], 3),
        "verbatim": round(summary["verbatim"], 3),
        "wrong_answers": [r["id"] for r in rows if not r["correct"]],
    }

    questions = [item["question"] for item in items]
    for question in questions[:5]:
        assistant.ask(question)  # warm-up
    latencies: list[float] = []
    timings: list[dict[str, float]] = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            answer = assistant.ask(question)
            latencies.append((time.perf_counter() - started) * 1000)
            timings.append(answer.timings_ms)
    ask = _stats(latencies)
    figures |= {"ask_calls": len(latencies), **{f"ask_{key}": value for key, value in ask.items()}}
    figures["ask_stage_mean_ms"] = _stage_means(timings)
    figures |= _needles(assistant, needles_from_json(needles_file.read_text(encoding="utf-8")), k)
    assistant.store.close()
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["load_avg_at_end"] = round(os.getloadavg()[0], 2)
    return figures


def _needles(assistant: Any, needles: list[Any], k: int) -> dict[str, Any]:
    """Ask every needle question: is its fact among the top-k passages, and in the answer?"""
    retrieved = answered = 0
    latencies: list[float] = []
    timings: list[dict[str, float]] = []
    missed: list[dict[str, Any]] = []
    for needle in needles:
        started = time.perf_counter()
        trace = assistant.trace(needle.question)
        latencies.append((time.perf_counter() - started) * 1000)
        timings.append(trace.answer.timings_ms)
        passages = [assistant.catalog.passages[h.passage_id] for h in trace.hits]
        sources = [Path(p.meta.source).name for p in passages]
        # the passage that holds the fact, not just any passage of the document (most are shared sections)
        holds = [
            name == needle.file and needle.project in p.node.text for name, p in zip(sources, passages, strict=True)
        ]
        found = any(holds[:k])
        cited = any(Path(c.source).name == needle.file for c in trace.answer.citations)
        ok = trace.answer.answered and cited and needle.answer in trace.answer.answer
        retrieved += found
        answered += ok
        if not (found and ok):
            missed.append(
                {
                    "id": needle.id,
                    "file": needle.file,
                    "question": needle.question,
                    "retrieved": found,
                    "rank": holds.index(True) + 1 if any(holds) else None,
                    "answered": trace.answer.answered,
                    "support": round(trace.support, 3),
                    "answer": trace.answer.answer[:300],
                    "top_sources": sources[:k],
                }
            )
    total = max(len(needles), 1)
    return {
        "needles": len(needles),
        "needle_retrieved": round(retrieved / total, 3) if needles else None,
        "needle_answered": round(answered / total, 3) if needles else None,
        **{f"needle_ask_{key}": (value if needles else None) for key, value in _stats(latencies).items()},
        "needle_stage_mean_ms": _stage_means(timings),
        "needles_missed": missed,
    }


# -- all sizes ----------------------------------------------------------------------------
def run_scale(
    settings: Settings,
    items: list[dict[str, Any]],
    sizes: list[int] | tuple[int, ...] = DEFAULT_SIZES,
    out_dir: Path | None = None,
    *,
    cache: Path | None = None,
    seed: int = 0,
    rounds: int = 3,
) -> int:
    """Measure each size in a child process; write reports/scale-*.json/.md (to
    ``out_dir``, by default the reports folder) and print the table. Returns the exit code."""
    sizes = sorted(set(sizes))
    out_dir = out_dir or settings.eval.reports_dir
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        work = Path(tmp)
        cache_file = cache or work / "embedding-cache.sqlite"
        qa_file = work / "qa.jsonl"
        qa_file.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        for size in sizes:
            folder = work / f"x{size}"
            needles = generate(size, folder / "corpus", seed=seed)
            (folder / "needles.json").write_text(needles_to_json(needles), encoding="utf-8")
            # always an embedded index of its own, never a shared server
            where = {"corpus_dir": folder / "corpus", "data_dir": folder / "data", "embedding_cache": cache_file}
            where["chroma_host"] = None
            child = settings.model_copy(update=where)
            (folder / "settings.json").write_text(child.model_dump_json(), encoding="utf-8")
            out = folder / "figures.json"
            command = [
                sys.executable, "-m", "evals.scale", "--one", str(size), "--settings", str(folder / "settings.json"),
                "--qa", str(qa_file), "--needles", str(folder / "needles.json"), "--rounds", str(rounds),
                "--out", str(out),
            ]  # fmt: skip
            print(f"Måler ×{size}: {5 * size} dokumenter, {len(needles)} nåle …", file=sys.stderr, flush=True)
            clock = time.perf_counter()
            done = subprocess.run(command, cwd=PROJECT_ROOT, check=False)
            if done.returncode != 0:
                print(f"Fejl: målingen af ×{size} fejlede (kode {done.returncode}).", file=sys.stderr)
                return done.returncode or 1
            figures = {"size": size, **json.loads(out.read_text(encoding="utf-8"))}
            figures["wall_s"] = round(time.perf_counter() - clock, 1)
            rows.append(figures)
            print(_table([figures]), file=sys.stderr, flush=True)
            shutil.rmtree(folder / "data", ignore_errors=True)  # the next size builds its own index; the cache stays
    total = round(time.perf_counter() - started, 1)
    notes = _checks(rows)
    payload = {
        "machine": machine,
        "seed": seed,
        "rounds": rounds,
        "wall_s": total,
        "embedding_cache": "one cache shared by the sizes in increasing order"
        + (f" ({cache})" if cache else ", empty at the start of the run"),
        "checks": notes,
        "sizes": rows,
    }
    markdown = _markdown(machine, rows, total, notes, cache)
    path = report.write(out_dir, "scale", payload, markdown)
    print(markdown)
    print(f"Rapport: {path}")
    return 0


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if key in ("cache_hit_rate", "answer_accuracy", "refusal_accuracy", "needle_retrieved", "needle_answered"):
        return f"{100 * value:.1f} %"
    if key == "size":
        return f"×{value}"
    return str(value)


def _table(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(label for _, label in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_cell(key, row.get(key)) for key, _ in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def _checks(rows: list[dict[str, Any]]) -> list[str]:
    """The issue's targets, as English lines: p95 at the largest size, needles, accuracy."""
    if not rows:
        return []
    notes = []
    last, first = rows[-1], rows[0]
    verdict = "met" if last["ask_p95_ms"] <= P95_TARGET_MS else "MISSED"
    notes.append(f"ask p95 at ×{last['size']}: {last['ask_p95_ms']} ms (target ≤ {P95_TARGET_MS:.0f} ms): {verdict}")
    for row in rows:
        if row["needles"]:
            verdict = "met" if row["needle_retrieved"] == 1.0 and row["needle_answered"] == 1.0 else "MISSED"
            notes.append(
                f"needles at ×{row['size']}: {row['needles']}, retrieved {100 * row['needle_retrieved']:.1f} %, "
                f"answered {100 * row['needle_answered']:.1f} % (target 100 %): {verdict}"
            )
        if row["answer_accuracy"] < first["answer_accuracy"] or row["refusal_accuracy"] < first["refusal_accuracy"]:
            notes.append(f"eval accuracy at ×{row['size']} is below ×{first['size']}: MISSED")
    return notes


def _markdown(machine: str, rows: list[dict[str, Any]], total: float, notes: list[str], cache: Path | None) -> str:
    lines = [
        "# Scale benchmark",
        "",
        f"Machine: {machine}. Whole run: {total} s.",
        "",
        _table(rows),
        "",
        "Corpus ×N: the 5 real documents and 5·N−5 generated variants (evals/synth.py), each with one needle fact. "
        "Chunks/s counts passages over the whole ingest (parse, chunk, embed, write). One embedding cache is shared "
        "by the sizes in increasing order"
        + (f" ({cache})." if cache else ", empty at the start of the run.")
        + " Eval accuracy and refusals are over the real questions; ask latency is warm, over all real questions.",
        "",
        "1-minute load average when each size started (other work on the machine): "
        + ", ".join(f"×{row['size']} {row['load_avg_at_start']}" for row in rows)
        + ".",
        "",
        "| size | texts embedded | embed s | needle ask p95 ms | ask stage means (ms) | wrong real answers |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        stages = ", ".join(f"{k} {v}" for k, v in row["ask_stage_mean_ms"].items())
        lines.append(
            f"| ×{row['size']} | {row['texts_embedded']} | {row['ingest_embed_s']} "
            f"| {_cell('', row['needle_ask_p95_ms'])} | {stages} | {', '.join(row['wrong_answers']) or '–'} |"
        )
    lines += ["", "Checks:", ""] + [f"- {note}" for note in notes]
    for row in rows:
        missed = row["needles_missed"]
        if missed:
            lines += [
                "",
                f"Needles missed at ×{row['size']} ({len(missed)}; rank of the needle's passage among the hits):",
            ]
            lines += [""] + [f"- `{m['id']}` {m['question']} (rank {m['rank']})" for m in missed[:MISSED_SHOWN]]
            if len(missed) > MISSED_SHOWN:
                lines.append(f"- … and {len(missed) - MISSED_SHOWN} more in the JSON report")
    return "\n".join(lines) + "\n"


# -- command line -------------------------------------------------------------------------
def _parser() -> DanishParser:
    parser = DanishParser(
        prog="python -m evals.scale", description="Mål indeksering og svartider, når korpusset vokser."
    )
    parser.add_argument(
        "--sizes", default="1,10,100", help="korpusstørrelser som gange det rigtige (standard 1,10,100)"
    )
    parser.add_argument(
        "--cache", type=Path, help="embedding-cache at bruge og beholde (standard: en tom, midlertidig)"
    )
    parser.add_argument("--seed", type=int, default=0, help="frø til de genererede dokumenter")
    parser.add_argument("--rounds", type=int, default=3, help="gentagelser af hvert rigtigt spørgsmål ved tidsmåling")
    parser.add_argument("--qa", type=Path, help="QA-fil i JSONL-format (standard: evals/bank/test.jsonl)")
    # One size in a child process (used by the parent run).
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--settings", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--needles", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser


def parse_sizes(text: str) -> list[int]:
    """ "1,10,100" -> [1, 10, 100]; ValueError (Danish) for anything else."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise ValueError(f"--sizes skal være hele tal ≥ 1 adskilt af komma (fik {text!r})")
    return sizes


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    try:
        if args.one is not None:
            logger.setLevel(logging.INFO)
            settings = Settings(**json.loads(args.settings.read_text(encoding="utf-8")))
            figures = measure_one(settings, metrics.load_qa(args.qa), args.needles, args.rounds)
            args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
            return 0
        settings = load_settings()
        items = metrics.load_qa(args.qa or settings.eval.qa_file)
        return run_scale(settings, items, parse_sizes(args.sizes), cache=args.cache, seed=args.seed, rounds=args.rounds)
    except (AssistantError, ValueError, OSError) as exc:
        message = describe(exc) if isinstance(exc, AssistantError) else str(exc)
        print(f"Fejl: {message}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)


if __name__ == "__main__":
    sys.exit(main())
