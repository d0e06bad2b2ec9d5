"""`python -m assistant ask …` and `python -m assistant dokumenter`: the user's command line.

Everything printed is Danish. Exit codes: 0 done, 1 the index is missing or broken (or,
in a batch, some question could not be answered because of it), 2 a usage error (an
empty, over-long or malformed question, an unknown document).

A batch (``ask -``) answers one question per input line and writes one JSON line per
question, whatever happens: a question that fails gets an error line and the rest go
on. A Chroma server that stops answering is retried with growing pauses for at most
``--retry-seconds``; after that each question is tried once and reported, until the
server answers again.

``ask --json`` writes the answer's fields: ``question, answer, answered, citations,
context, read_as, incomplete, notice, scope, searched, uncertain, also, maybe_not_covered,
timings_ms``; ``uncertain`` says the answerer is less sure of the answer than of an even
chance, and ``also`` then lists other places that may hold it (citations, numbered after
the answer's own, which the answer's text does not cite); ``maybe_not_covered``, that the
doubt is whether the documents speak of the question at all; each citation has
``n, source, title, locator, quote, start, end, score, date, reading, repairs``. ``quote`` is
the verbatim source text at ``start:end``; ``reading`` the text the answer states
(hyphens joined, a scan's damaged words repaired: each in ``repairs`` as ``start, end,
scan``, offsets into ``reading``). ``scope`` says in Danish that the answer was limited
to the documents in ``searched`` (both empty for a question asked of every document).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from assistant.conversation import check_history
from assistant.engine import Assistant, build_assistant
from assistant.messages import uncertain_note
from assistant.query import validate
from assistant.schema import Answer, Citation
from assistant.trials import print_register
from core.cliutil import DanishParser, describe, fail, setup_logging
from core.config import load_settings
from core.errors import AssistantError, QuestionError, StoreUnavailableError, UsageError
from core.textnorm import display

logger = logging.getLogger(__name__)

RETRY_SECONDS = 60.0  # how long a batch waits for a Chroma server that stopped answering
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 8.0  # the pauses between tries double from the first to the longest
UNEXPECTED = "Der skete en uventet fejl ved dette spørgsmål; se loggen. De øvrige spørgsmål besvares."


def _parser() -> DanishParser:
    parser = DanishParser(prog="python -m assistant", description="Spørg dokumenterne om Frikommuneforsøg II.")
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=DanishParser, title="kommandoer", metavar="KOMMANDO"
    )
    ask = sub.add_parser("ask", help="stil et spørgsmål", description="Stil et spørgsmål til dokumenterne.")
    ask.add_argument(
        "question",
        nargs="+",  # the words of a question typed without quotes are one question
        metavar="SPØRGSMÅL",
        help='spørgsmålet, eller "-" for at læse ét spørgsmål pr. linje fra stdin og skrive hvert svar som '
        'en JSON-linje (en linje kan også være JSON: {"question": …, "history": [tidligere spørgsmål]})',
    )
    ask.add_argument("--json", action="store_true", help="skriv svaret som JSON")
    ask.add_argument(
        "--retry-seconds",
        type=_seconds,
        default=RETRY_SECONDS,
        metavar="SEK",
        help=f"ved -: så længe prøves en Chroma-server, der ikke svarer, igen (standard {RETRY_SECONDS:g})",
    )
    ask.add_argument(
        "--doc",
        action="append",
        metavar="KILDE",
        help="søg kun i dette dokument (fx bilag-1-….txt); kan gentages",
    )
    sub.add_parser("dokumenter", help="vis de indekserede dokumenter")
    trials = sub.add_parser("forsøg", help="vis forsøgsregistret", description="Vis registret over forsøgene.")
    trials.add_argument("--json", action="store_true", help="skriv registret som JSON")
    return parser


def _seconds(value: str) -> float:
    seconds = float(value)
    if not 0 <= seconds <= 3600:
        raise ValueError(value)
    return seconds


def format_answer(answer: Answer) -> str:
    """The answer and its numbered sources, for a person at a terminal."""
    lines = [answer.answer, ""]
    notes = [f"Bemærk: {note}" for note in (answer.scope, answer.notice) if note]
    if answer.uncertain:
        notes.insert(0, uncertain_note([c.n for c in answer.also], answer.maybe_not_covered))
    if notes:
        lines[1:1] = ["", *notes]
    if answer.citations:
        lines.append("Kilder:" if answer.answered else "Muligvis relevante steder (besvarer ikke spørgsmålet):")
    lines += _cited(answer.citations)
    if answer.also:
        lines += ["", "Andre steder, der kan svare:", *_cited(answer.also)]
    return "\n".join(lines).rstrip()


def _cited(citations: list[Citation]) -> list[str]:
    lines = []
    for c in citations:
        lines.append(f"[{c.n}] {c.title}{f' ({c.date})' if c.date else ''} – {c.locator}")
        lines.append(f"    »{display(c.quote)}«")
        lines.append(f"    {c.source}, tegn {c.start}–{c.end}")
    return lines


@dataclass
class _Outage:
    """When the store stopped answering (None while it answers)."""

    since: float | None = None


def _ask_retrying(ask: Callable[[], Answer], outage: _Outage, budget: float) -> Answer:
    """``ask()``; while the store does not answer, try again with growing pauses until
    ``budget`` seconds have passed since the outage began (once, if they already have)."""
    pause = FIRST_PAUSE
    while True:
        try:
            answer = ask()
        except StoreUnavailableError:
            now = time.monotonic()
            outage.since = outage.since if outage.since is not None else now
            left = outage.since + budget - now
            if left <= 0:
                raise
            logger.warning("Chroma-serveren svarer ikke; prøver igen om %.1f s", min(pause, left))
            time.sleep(min(pause, left))
            pause = min(pause * 2, LONGEST_PAUSE)
            continue
        outage.since = None
        return answer


def _batch(
    assistant: Assistant, stream: Iterable[str], out: TextIO, sources: list[str] | None, retry_seconds: float
) -> int:
    """One JSON line per input line: the answer, or an object with the question, an
    ``error`` (Danish) and its ``code``; a failed question never stops the batch."""
    status = 0
    outage = _Outage()
    for line in stream:
        question = line.rstrip("\n")
        if not question.strip():
            continue
        try:
            question, history = _line(question)
            payload: dict[str, Any] = _ask_retrying(
                lambda q=question, h=history: assistant.ask(q, sources, h), outage, retry_seconds
            ).model_dump()
        except AssistantError as exc:
            payload = _error(question, describe(exc), _code(exc))
            status = 1 if status == 1 or not isinstance(exc, UsageError) else exc.exit_code
        except Exception:  # one question's bug is not the batch's end: log it, say so, go on
            logger.exception("uventet fejl ved spørgsmålet %r", question[:80])
            payload, status = _error(question, UNEXPECTED, "unexpected"), 1
        out.write(json.dumps(payload, ensure_ascii=False) + "\n")
        out.flush()
    return status


def _line(line: str) -> tuple[str, list[str]]:
    """A plain line is a question; a JSON object ``{"question": …, "history": […]}`` is a
    question in a conversation, with its earlier questions oldest first."""
    if not line.lstrip().startswith("{"):
        return line, []
    try:
        data = json.loads(line)
    except ValueError:
        if line.lstrip().startswith('{"'):  # a JSON object that does not parse: say so
            raise UsageError(
                'Linjen ligner JSON, men kan ikke læses. Brug formen {"question": "…", "history": ["…", …]}.'
            ) from None
        return line, []  # a question that happens to start with "{"
    if not isinstance(data, dict) or not isinstance(data.get("question"), str):
        raise UsageError('En JSON-linje skal have formen {"question": "…", "history": ["…", …]}.')
    try:
        return data["question"], check_history(data.get("history"))
    except QuestionError as exc:
        raise UsageError(exc.message) from None


def _error(question: str, message: str, code: str) -> dict[str, str]:
    shown = question.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # bad bytes as U+FFFD
    return {"question": shown, "error": message, "code": code}


def _code(exc: AssistantError) -> str:
    """A stable name for what went wrong, for programs reading the batch's output."""
    if isinstance(exc, QuestionError):
        return "question"
    if isinstance(exc, StoreUnavailableError):
        return "store_unavailable"
    return "usage" if isinstance(exc, UsageError) else "index"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "ask":
        args.question = " ".join(args.question)
    setup_logging()
    try:
        settings = load_settings()
        if args.command == "forsøg":
            return print_register(settings, args.json)
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
            return _batch(assistant, sys.stdin, sys.stdout, args.doc, args.retry_seconds)
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
