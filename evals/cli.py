"""`python -m evals [run|fit|bench|external]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.engine import Assistant, build_assistant
from core.cliutil import DanishParser, describe, setup_logging
from core.config import Settings, load_settings
from core.errors import AssistantError
from evals import metrics, report
from evals.run import evaluate, failures


def _parser() -> DanishParser:
    parser = DanishParser(prog="python -m evals", description="Kør QA-evalueringen eller benchmarks.")
    parser.add_argument("command", nargs="?", default="run", choices=("run", "fit", "bench", "external"))
    parser.add_argument("--qa", type=Path, help="en QA-fil i JSONL-format i stedet for spørgsmålsbanken")
    parser.add_argument("--split", default="all", choices=("dev", "test", "all"), help="run: del af spørgsmålsbanken")
    parser.add_argument("--no-perturb", action="store_true", help="run: spørg ikke også med tastefejl mv.")
    parser.add_argument("--no-lexicon", action="store_true", help="brug ikke korpussets ordliste (lexicon.toml)")
    parser.add_argument("--no-external", action="store_true", help="fit: kun spørgsmålsbankens dev-del")
    parser.add_argument("--ingest", action="store_true", help="opdatér indekset før evalueringen")
    parser.add_argument("--rounds", type=int, default=5, help="bench: gentagelser af hvert spørgsmål")
    parser.add_argument("--skip-ingest-bench", action="store_true", help="bench: mål ikke indeksering fra tom")
    parser.add_argument("--scale", action="store_true", help="bench: korpus ×1, ×10, ×100 med genererede dokumenter")
    parser.add_argument("--sizes", default="1,10,100", help="bench --scale: størrelser, fx 1,10,100")
    parser.add_argument("--load", action="store_true", help="bench: mange samtidige spørgsmål gennem appens API")
    parser.add_argument("--clients", type=int, default=16, help="bench --load: samtidige klienter")
    parser.add_argument("--seconds", type=float, default=60.0, help="bench --load: varighed i sekunder")
    parser.add_argument("--set", type=Path, help="external, fit: testsættets mappe (standard: squad-da-dev)")
    parser.add_argument("--sample", action="store_true", help="external: fast udvalg på 8 artikler + 1 udeladt")
    parser.add_argument("--articles", help="external: kun disse artikler (filnavne, kommasepareret)")
    parser.add_argument("--leave-out", help="external: artikler uden for korpusset, hvis spørgsmål skal afvises")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    try:
        settings = load_settings()
        if args.no_lexicon:
            settings.answer.lexicon = False
        if args.command == "external":
            from evals import external

            return external.main(settings, args.set, args.sample, args.articles, args.leave_out)
        if args.command == "fit":
            return _fit(settings, args)
        qa_file = args.qa or settings.eval.qa_file
        items = metrics.load_qa(qa_file)
        if args.command == "bench" and args.scale:
            from evals.scale import parse_sizes, run_scale

            return run_scale(settings, items, parse_sizes(args.sizes))
        if args.command == "bench" and args.load:
            from evals.load import run_load

            return run_load(settings, items, clients=args.clients, seconds=args.seconds)
        if args.command == "bench":
            from evals.bench import run_bench

            return run_bench(settings, items, rounds=args.rounds, measure_ingest=not args.skip_ingest_bench)
        if args.ingest:
            from ingest.pipeline import run_ingest

            run_ingest(settings)
        assistant = build_assistant(settings)
    except (AssistantError, ValueError, OSError) as exc:
        message = describe(exc) if isinstance(exc, AssistantError) else str(exc)
        print(f"Fejl: {message}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)

    if args.qa:
        return _run_file(assistant, settings, items, args.qa)
    return _run_bank(assistant, settings, args)


def _fit(settings: Settings, args: argparse.Namespace) -> int:
    from evals.external import DEFAULT_SET
    from evals.fit import fit

    model = fit(settings, None if args.no_external else (args.set or DEFAULT_SET))
    print(json.dumps({"thresholds": model["thresholds"], **model["meta"]}, ensure_ascii=False, indent=1))
    return 0


def _run_file(assistant: Assistant, settings: Settings, items: list[dict[str, Any]], qa_file: Path) -> int:
    rows = evaluate(assistant, items, settings.eval.recall_k)
    summary = metrics.summarise(rows)
    failed = failures(summary, settings.eval)
    markdown = report.eval_markdown(summary, rows, settings.eval.recall_k, qa_file, failed)
    payload = {"qa_file": str(qa_file), "summary": summary, "rows": rows}
    path = report.write(settings.eval.reports_dir, "eval", payload, markdown)
    print(report.table(summary, settings.eval.recall_k))
    for row in rows:
        if not row["correct"]:
            print(f"  forkert: {row['id']} ({row['kind']}) mangler {row['missing']}")
    print(f"Rapport: {path}")
    if failed:
        print("Evalueringen er under tærsklerne: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


def _run_bank(assistant: Assistant, settings: Settings, args: argparse.Namespace) -> int:
    """Both splits of the bank, plain and perturbed; the gate applies to the test split."""
    from evals.bank import SPLITS, gate_failures, run_bank

    splits = SPLITS if args.split == "all" else (args.split,)
    results = {s: run_bank(assistant, s, settings.eval.recall_k, perturb=not args.no_perturb) for s in splits}
    summaries = {s: r["summary"] for s, r in results.items()}
    failed = gate_failures(summaries["test"], settings.eval) if "test" in summaries else []
    lexicon = "med" if settings.answer.lexicon else "uden"
    markdown = report.bank_markdown(summaries, failed, lexicon)
    name = "bank" if settings.answer.lexicon else "bank-uden-ordliste"
    path = report.write(settings.eval.reports_dir, name, {"lexicon": settings.answer.lexicon, **results}, markdown)
    print(markdown)
    print(f"Rapport: {path}")
    if failed:
        print("Testdelen er under tærsklerne: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0
