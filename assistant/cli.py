"""`python -m assistant ask …` and `python -m assistant dokumenter`: the user's command line.

Everything printed is Danish. Exit codes: 0 done, 1 the index is missing or broken,
2 a usage error (an empty, over-long or malformed question, an unknown document).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TextIO

from assistant.cliutil import DanishParser, fail, setup_logging
from assistant.config import load_settings
from assistant.engine import Assistant, build_assistant
from assistant.errors import AssistantError, QuestionError
from assistant.query import validate
from assistant.schema import Answer
from assistant.textnorm import display


def _parser() -> DanishParser:
    parser = DanishParser(prog="python -m assistant", description="Spørg dokumenterne om Frikommuneforsøg II.")
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=DanishParser, title="kommandoer", metavar="KOMMANDO"
    )
    ask = sub.add_parser("ask", help="stil et spørgsmål", description="Stil et spørgsmål til dokumenterne.")
    ask.add_argument(
        "question", metavar="SPØRGSMÅL", help='spørgsmålet, eller "-" for at læse ét spørgsmål pr. linje fra stdin'
    )
    ask.add_argument("--json", action="store_true", help="skriv svaret som JSON")
    ask.add_argument(
        "--doc",
        action="append",
        metavar="KILDE",
        help="søg kun i dette dokument (fx corpus/bilag-1-….txt); kan gentages",
    )
    sub.add_parser("dokumenter", help="vis de indekserede dokumenter")
    return parser


def format_answer(answer: Answer) -> str:
    """The answer and its numbered sources, for a person at a terminal."""
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("Kilder:" if answer.answered else "Muligvis relevante steder (besvarer ikke spørgsmålet):")
    for c in answer.citations:
        quote = display(c.quote)
        lines.append(f"[{c.n}] {c.title} – {c.locator}")
        lines.append(f"    »{quote}«")
        lines.append(f"    {c.source}, tegn {c.start}–{c.end}")
    return "\n".join(lines).rstrip()


def _batch(assistant: Assistant, stream: Iterable[str], out: TextIO, sources: list[str] | None) -> int:
    """One JSON line per input line; a bad question gets an error object, the rest go on."""
    status = 0
    for line in stream:
        question = line.rstrip("\n")
        if not question.strip():
            continue
        try:
            payload = assistant.ask(question, sources).model_dump()
        except QuestionError as exc:
            shown = question.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # bad bytes as U+FFFD
            payload = {"question": shown, "error": exc.message}
            status = exc.exit_code
        out.write(json.dumps(payload, ensure_ascii=False) + "\n")
        out.flush()
    return status


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    try:
        settings = load_settings()
        if args.command == "ask" and args.question != "-":
            validate(args.question, settings.answer.max_question_chars)  # before loading anything
        assistant = build_assistant(settings)
        if args.command == "dokumenter":
            stale = set(assistant.stale_documents())
            for record in sorted(assistant.documents.values(), key=lambda r: r.source):
                note = "  (filen er ændret siden indekseringen: kør python -m ingest)" if record.source in stale else ""
                print(f"{record.source}{note}")
                print(f"    {record.title} ({record.date}; {record.kind}) – {record.passages} passager")
            return 0
        if stale := assistant.stale_documents():
            print(f"Bemærk: {', '.join(stale)} er ændret siden indekseringen; kør python -m ingest.", file=sys.stderr)
        if args.question == "-":
            sys.stdin.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]  # bad bytes: a message, not a crash
            return _batch(assistant, sys.stdin, sys.stdout, args.doc)
        answer = assistant.ask(args.question, args.doc)
    except AssistantError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        return 130
    if args.json:
        print(json.dumps(answer.model_dump(), ensure_ascii=False))
    else:
        print(format_answer(answer))
    return 0
