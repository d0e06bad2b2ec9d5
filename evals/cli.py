"""`python -m evals [run|calibrate|bench] [--qa FILE]`."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.cliutil import DanishParser, setup_logging
from assistant.config import load_settings
from assistant.engine import build_assistant
from assistant.errors import AssistantError
from evals import metrics, report
from evals.run import calibrate, evaluate, failures


def _parser() -> DanishParser:
    parser = DanishParser(prog="python -m evals", description="Kør QA-evalueringen eller benchmarks.")
    parser.add_argument("command", nargs="?", default="run", choices=("run", "calibrate", "bench"))
    parser.add_argument("--qa", type=Path, help="QA-fil i JSONL-format (standard: evals/qa.jsonl)")
    parser.add_argument("--ingest", action="store_true", help="opdatér indekset før evalueringen")
    parser.add_argument("--rounds", type=int, default=5, help="bench: gentagelser af hvert spørgsmål")
    parser.add_argument("--skip-ingest-bench", action="store_true", help="bench: mål ikke indeksering fra tom")
    parser.add_argument("--scale", action="store_true", help="bench: korpus ×1, ×10, ×100 med genererede dokumenter")
    parser.add_argument("--sizes", default="1,10,100", help="bench --scale: størrelser, fx 1,10,100")
    parser.add_argument("--load", action="store_true", help="bench: mange samtidige spørgsmål gennem appens API")
    parser.add_argument("--clients", type=int, default=16, help="bench --load: samtidige klienter")
    parser.add_argument("--seconds", type=float, default=60.0, help="bench --load: varighed i sekunder")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    try:
        settings = load_settings()
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
        message = exc.message if isinstance(exc, AssistantError) else str(exc)
        print(f"Fejl: {message}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)

    rows = evaluate(assistant, items, settings.eval.recall_k)
    summary = metrics.summarise(rows)
    if args.command == "calibrate":
        threshold, kept, caught = calibrate(rows)
        for row in sorted(rows, key=lambda r: r["support"]):
            print(f"{row['support']:.3f}  {row['kind']:8} {'ok ' if row['correct'] else 'BAD'} {row['id']}")
        print(
            f"\nBedste tærskel for answer.min_support: {threshold:.3f} "
            f"(besvarer {kept:.0%} af de besvarbare, afviser {caught:.0%} af dem uden svar); "
            f"nu: {settings.answer.min_support:.3f}"
        )
        return 0

    failed = failures(summary, settings.eval)
    markdown = report.eval_markdown(summary, rows, settings.eval.recall_k, qa_file, failed)
    path = report.write(
        settings.eval.reports_dir, "eval", {"qa_file": str(qa_file), "summary": summary, "rows": rows}, markdown
    )
    print(report.table(summary, settings.eval.recall_k))
    for row in rows:
        if not row["correct"]:
            print(f"  forkert: {row['id']} ({row['kind']}, støtte {row['support']:.2f}) mangler {row['missing']}")
    print(f"Rapport: {path}")
    if failed:
        print("Evalueringen er under tærsklerne: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0
