"""`python -m evals bench`: speed on this machine, measured, not asserted.

* full ingest from an empty data directory and an empty embedding cache;
* re-ingest of the unchanged corpus (in-process, and the whole `python -m ingest` command);
* start-up of the assistant (open the index, build BM25);
* warm `ask` latency over the QA questions, several rounds: p50 / p95 / max and per stage;
* index size on disk and peak memory.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import mean, median
from typing import Any

from assistant.engine import build_assistant
from core.config import PROJECT_ROOT, Settings
from core.embed import build_embed_model
from evals import report
from evals.metrics import percentile
from ingest.pipeline import run_ingest


def run_bench(settings: Settings, items: list[dict[str, Any]], rounds: int = 5, measure_ingest: bool = True) -> int:
    figures: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    }
    model = build_embed_model(settings.embedding)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        bench = settings.model_copy(
            update={"data_dir": Path(tmp) / "data", "embedding_cache": Path(tmp) / "cache.sqlite"}
        )
        if measure_ingest:
            started = time.perf_counter()
            full = run_ingest(bench, model)
            figures["ingest_full_s"] = round(time.perf_counter() - started, 2)
            figures["ingest_passages"] = full.passages
            figures["ingest_spans"] = full.spans
            figures["ingest_texts_embedded"] = full.embedded
            figures["ingest_texts_per_s"] = round(full.embedded / figures["ingest_full_s"], 1)
        else:
            run_ingest(bench.model_copy(update={"embedding_cache": settings.cache_file}), model)
        started = time.perf_counter()
        again = run_ingest(bench, model)
        figures["reingest_unchanged_s"] = round(time.perf_counter() - started, 3)
        figures["reingest_embedded"] = again.embedded
        env = {
            **os.environ,
            "ASSISTANT_DATA_DIR": str(bench.data_dir),
            "ASSISTANT_EMBEDDING_CACHE": str(bench.cache_file),
        }
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ingest", "--quiet"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True
        )
        figures["reingest_unchanged_cli_s"] = round(time.perf_counter() - started, 2)
        figures["index_mb"] = round(again.index_bytes / 1e6, 2)  # ingest measures its own index
        figures["embedding_cache_mb"] = round(bench.cache_file.stat().st_size / 1e6, 2)

        started = time.perf_counter()
        assistant = build_assistant(bench, model)
        figures["startup_s"] = round(time.perf_counter() - started, 3)
        questions = [item["question"] for item in items]
        for question in questions[:5]:
            assistant.ask(question)  # warm-up
        latencies: list[float] = []
        stages: dict[str, list[float]] = {}
        for _ in range(rounds):
            for question in questions:
                started = time.perf_counter()
                answer = assistant.ask(question)
                latencies.append((time.perf_counter() - started) * 1000)
                for stage, ms in answer.timings_ms.items():
                    stages.setdefault(stage, []).append(ms)
        figures["ask_calls"] = len(latencies)
        figures["ask_p50_ms"] = round(median(latencies), 1)
        figures["ask_p95_ms"] = round(percentile(latencies, 95), 1)
        figures["ask_max_ms"] = round(max(latencies), 1)
        figures["ask_stage_mean_ms"] = {stage: round(mean(v), 1) for stage, v in stages.items()}
        assistant.store.close()
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    lines = ["# Benchmark", "", f"Machine: {figures['machine']}", "", "| figure | value |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in figures.items() if key != "machine"]
    markdown = "\n".join(lines) + "\n"
    path = report.write(settings.eval.reports_dir, "bench", {"figures": figures}, markdown)
    print(markdown)
    print(f"Rapport: {path}")
    return 0
