"""`python -m ingest`: build or update the index. Messages are Danish, one line each."""

from __future__ import annotations

import sys

from tqdm import tqdm

from assistant.cliutil import DanishParser, fail, setup_logging
from assistant.config import load_settings
from assistant.errors import AssistantError
from ingest.pipeline import IngestReport, corpus_sources, run_ingest

STATUS = {"added": "ny", "updated": "ændret", "unchanged": "uændret", "removed": "fjernet", "failed": "FEJL"}


def _parser() -> DanishParser:
    parser = DanishParser(
        prog="python -m ingest",
        description="Byg eller opdatér indekset over dokumenterne i corpus/.",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="byg hele indekset forfra (det gamle bevares til det nye er færdigt)"
    )
    parser.add_argument("--quiet", action="store_true", help="skriv kun opsummeringen")
    return parser


def summary(report: IngestReport) -> str:
    seconds = f"{report.seconds:.1f}".replace(".", ",")
    return (
        f"Indekset er opdateret på {seconds} s: {report.documents} dokumenter "
        f"({len(report.added)} nye, {len(report.updated)} ændrede, {len(report.unchanged)} uændrede, "
        f"{len(report.removed)} fjernede), {report.passages} passager, {report.spans} citerbare udsnit; "
        f"{report.embedded} tekster indlejret, {report.cache_hits} hentet fra cache."
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    bar: tqdm | None = None

    def progress(source: str, status: str) -> None:
        line = f"  {STATUS.get(status, status):9} {source}"
        if bar is not None:
            bar.write(line, file=sys.stderr)
            bar.update(1)
        elif not args.quiet:
            print(line, file=sys.stderr, flush=True)

    try:
        settings = load_settings()
        if not args.quiet and sys.stderr.isatty():
            total = len(corpus_sources(settings))
            bar = tqdm(total=total, unit="dok", desc="Indekserer", file=sys.stderr, leave=False)
        report = run_ingest(settings, rebuild=args.rebuild, on_document=progress)
    except AssistantError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        print("Afbrudt. Det, der allerede var indekseret, er bevaret.", file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
    print(summary(report))
    for error in report.failed:
        print(f"Fejl: {error.message}. Den tidligere indekserede udgave (hvis nogen) er bevaret.", file=sys.stderr)
    return 1 if report.failed else 0
