"""`python -m ingest [update|add|remove|list]`: keep the index in line with the corpus.
Messages are Danish, one line each."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from tqdm import tqdm

from core.cliutil import DanishParser, describe, fail, setup_logging
from core.config import Settings, load_settings
from core.errors import AssistantError
from ingest.library import Extra, add_documents, list_documents, remove_document
from ingest.pipeline import IngestReport, Notify, corpus_sources, run_ingest

STATUS = {
    "added": "ny",
    "updated": "ændret",
    "unchanged": "uændret",
    "removed": "fjernet",
    "repaired": "repareret",
    "failed": "FEJL",
}
_LEVELS = {"WARNING": "Advarsel", "ERROR": "Fejl", "CRITICAL": "Fejl", "INFO": "Info", "DEBUG": "Fejlsøgning"}
COMMANDS = ("update", "add", "remove", "list")


def _parser() -> DanishParser:
    parser = DanishParser(
        prog="python -m ingest",
        description="Byg eller opdatér indekset over dokumenterne i corpus/, tilføj eller fjern dokumenter.",
        epilog="Uden kommando: update. Eksempel: python -m ingest add rapport.pdf --title 'Evaluering 2022'",
    )
    commands = parser.add_subparsers(dest="command", title="kommandoer", parser_class=DanishParser)
    update = commands.add_parser("update", help="byg eller opdatér indekset (standard)")
    add = commands.add_parser("add", help="tilføj filer eller mapper (.pdf .docx .md .txt .html)")
    add.add_argument("paths", nargs="+", type=Path, metavar="STI", help="filer eller mapper")
    add.add_argument("--title", metavar="TITEL", help="titel (ellers filens egen titel eller første linje)")
    add.add_argument("--date", metavar="DATO", help="dato, ÅÅÅÅ-MM-DD (ellers filens egen dato)")
    add.add_argument("--kind", metavar="TYPE", help="dokumenttype, fx 'Evalueringsrapport'")
    add.add_argument("--publisher", metavar="UDGIVER", help="udgiver")
    remove = commands.add_parser("remove", help="fjern et dokument fra corpus/, manifestet og indekset")
    remove.add_argument("name", metavar="NAVN", help="filnavn eller titel (se: python -m ingest list)")
    commands.add_parser("list", help="vis dokumenterne og om de er indekseret")
    for sub in (parser, update, add):
        sub.add_argument("--quiet", action="store_true", help="skriv kun opsummeringen")
    for sub in (parser, update):
        sub.add_argument(
            "--rebuild", action="store_true", help="byg hele indekset forfra (det gamle bevares til det nye er færdigt)"
        )
    return parser


def summary(report: IngestReport) -> str:
    seconds = f"{report.seconds:.1f}".replace(".", ",")
    counts = [
        f"{len(report.added)} nye",
        f"{len(report.updated)} ændrede",
        f"{len(report.unchanged)} uændrede",
        f"{len(report.removed)} fjernede",
    ]
    if report.repaired:
        counts.append(f"{len(report.repaired)} reparerede")
    if report.kept:
        counts.append(f"{len(report.kept)} i tidligere udgave")
    lines = [
        f"Indekset er opdateret på {seconds} s: {report.documents} dokumenter ({', '.join(counts)}), "
        f"{report.passages} passager, {report.spans} citerbare udsnit; "
        f"{report.embedded} tekster indlejret, {report.cache_hits} hentet fra cache."
    ]
    if report.kept:
        names = ", ".join(Path(source).name for source in report.kept)
        lines.append(
            f"Beholdt i den tidligere udgave (kunne ikke læses igen; den gamle udgave svarer stadig): {names}."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    _danish_log_lines()
    command = args.command or "update"
    try:
        settings = load_settings()
        if command == "list":
            return _list(settings)
        if command == "remove":
            removed = remove_document(settings, args.name)
            if removed.orphan:
                print(
                    f"Fjernet: posten for {removed.file} (»{removed.title}«, filen manglede) er taget ud af manifestet."
                )
            else:
                name = removed.file or Path(removed.source or "").name
                print(f"Fjernet: »{removed.title}« ({name}) er taget ud af corpus og indekset.")
            return 0
        with _progress(settings, args.quiet, command == "update") as progress:
            if command == "add":
                return _add(settings, args, progress)
            report = run_ingest(settings, rebuild=args.rebuild, on_document=progress)
    except AssistantError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        print("Afbrudt. Det, der allerede var indekseret, er bevaret.", file=sys.stderr)
        return 130
    return _report(report)


def _report(report: IngestReport) -> int:
    print(summary(report))
    for error in report.failed:
        if error.source in report.kept:
            print(f"Fejl: {describe(error)}. Den tidligere udgave er bevaret og svarer stadig.", file=sys.stderr)
        else:
            print(f"Fejl: {describe(error)}. Den er ikke indekseret.", file=sys.stderr)
    return 1 if report.failed else 0


def _danish_log_lines() -> None:
    """Warnings as operators read them: "Advarsel: ..." (no English level or module name)."""

    class Danish(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return f"{_LEVELS.get(record.levelname, record.levelname)}: {record.getMessage()}"

    for handler in logging.getLogger().handlers:
        handler.setFormatter(Danish())


def _add(settings: Settings, args, progress: Notify) -> int:  # type: ignore[no-untyped-def]
    extra = Extra(title=args.title, date=args.date, kind=args.kind, publisher=args.publisher)
    added = add_documents(settings, args.paths, extra, on_document=progress)
    for meta in added.added:
        print(f"Tilføjet: {meta.file} – »{meta.title}« ({meta.kind}{', ' + meta.date if meta.date else ''})")
    for error in added.failed:
        print(f"Ikke tilføjet: {describe(error)}. Intet andet er ændret.", file=sys.stderr)
    code = _report(added.ingest) if added.ingest else 0
    return 1 if added.failed or code else 0


def _list(settings: Settings) -> int:
    rows = list_documents(settings)
    if not rows:
        print("Der er ingen dokumenter endnu. Tilføj et med: python -m ingest add FIL")
        return 0
    header = ("Fil", "Titel", "Type", "Dato", "Sider", "Passager", "Status")
    table = [header] + [
        (r.file, _cut(r.title, 60), r.kind, r.date, str(r.pages or ""), str(r.passages or ""), r.status) for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class _progress:
    """One line per document on stderr (a bar when stderr is a terminal)."""

    def __init__(self, settings: Settings, quiet: bool, bar: bool) -> None:
        self.quiet = quiet
        self.bar: tqdm | None = None
        if bar and not quiet and sys.stderr.isatty():
            self.bar = tqdm(
                total=len(corpus_sources(settings)), unit="dok", desc="Indekserer", file=sys.stderr, leave=False
            )

    def __enter__(self) -> Notify:
        return self.notify

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def notify(self, source: str, status: str) -> None:
        line = f"  {STATUS.get(status, status):9} {source}"
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
            self.bar.update(1)
        elif not self.quiet:
            print(line, file=sys.stderr, flush=True)
