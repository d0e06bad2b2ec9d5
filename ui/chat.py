"""The app's callbacks, free of Gradio: plain functions over plain data, so they are
tested without a browser and ``app.py`` only wires them to components.

None of them raises for bad input or a missing index: each returns a Danish message in
place of its result (``ask_api`` raises it, for the API to send). Unexpected errors are
logged and shown as one plain sentence. Documents are named relative to the corpus
folder, and no message a client sees holds an absolute path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from assistant.conversation import check_history
from assistant.engine import Assistant
from assistant.messages import danish_number, unknown_documents
from assistant.schema import Answer
from core.config import Settings
from core.errors import AssistantError, LinkError, QuestionError
from ui.documents import open_link, public_text, read_document
from ui.remedies import explain
from ui.render import (
    VIEWER_EMPTY,
    answer_message,
    document_html,
    documents_html,
    md_escape,
    message_html,
    sources_html,
    status_html,
    viewer_html,
)
from ui.startup import IndexService

logger = logging.getLogger(__name__)

EXAMPLES = (
    "Hvilke forsøg stopper 31/12-21?",
    "Hvilke forsøg forlænges til udgangen af 2022?",
    "Hvor mange borgere deltog i forsøget med mikrolån i Aalborg?",
    "Hvorfor permanentgøres forsøget om fremme af iværksætteri for dimittender ikke?",
)
UNEXPECTED = "Der skete en uventet fejl. Prøv igen, eller kontakt den, der driver værktøjet."
NOT_READY = "Indekset er ikke klar endnu. Vent, til det er bygget (se øverst på siden), og prøv igen."
NO_DOCUMENTS = "Vælg mindst ét dokument under »Afgræns til dokumenter«, eller vælg dem alle."
MAX_FILTER = 10_000  # documents one API call may name
MAX_NAME_CHARS = 1_000  # longest document name the API reads
ABSOLUTE_NAME = (
    "findes ikke i indekset: dokumenter nævnes ved deres navn i dokumentmappen "
    "(fx »bilag-1-regeringens-opfoelgning-2021.txt«), aldrig ved en sti på serveren."
)

Message = dict[str, str]
T = TypeVar("T")


class NotReadyError(AssistantError):
    """The index is still being built (or could not be)."""


def _assistant(service: IndexService) -> Assistant:
    assistant = service.assistant
    if assistant is None:
        raise NotReadyError(service.status.error or NOT_READY)
    return assistant


def service_status(service: IndexService) -> dict[str, Any]:
    """``GET /status``: whether ``/ask`` can answer now (``ready``), what the index is doing
    (``phase``: opening, building, updating, ready, failed), the build's progress, and why
    it failed, in Danish. The public way for a script to wait for the app."""
    status = service.status
    return {
        "ready": service.assistant is not None,
        "phase": status.phase,
        "done": status.done,
        "total": status.total,
        "error": public_message(service.settings, status.error) if status.error else "",
    }


def public_message(settings: Settings, message: str) -> str:
    """A message as a client may see it: no absolute path in it."""
    return public_text(message, settings.corpus_dir, settings.data_dir)


def _guarded(settings: Settings, action: Callable[[], T], on_error: Callable[[str], T]) -> T:
    """Run ``action``; an error becomes ``on_error(Danish message)``."""
    try:
        return action()
    except AssistantError as exc:
        return on_error(public_message(settings, explain(exc)))
    except Exception:  # the edge of the app: log it, tell the user plainly, keep serving
        logger.exception("callback failed")
        return on_error(UNEXPECTED)


def _filter(assistant: Assistant, selected: Sequence[str] | None) -> list[str] | None:
    """The sources to search, from the names people see: None for all of them."""
    if selected is None:
        return None
    if not selected:
        raise QuestionError(NO_DOCUMENTS)
    sources = [assistant.source_of(name) for name in selected]
    unknown = [name for name, source in zip(selected, sources, strict=True) if source is None]
    if any(name.startswith("/") for name in unknown):
        raise QuestionError(f"Et dokument i filteret {ABSOLUTE_NAME}")
    if unknown:
        raise QuestionError(unknown_documents(unknown, [assistant.name_of(s) for s in assistant.documents]))
    chosen = [source for source in sources if source is not None]
    return None if set(assistant.documents) <= set(chosen) else chosen


def _kind(value: object) -> str:
    """What a JSON value is, in Danish."""
    if isinstance(value, bool):
        return "en sandhedsværdi"
    if isinstance(value, int | float):
        return "et tal"
    if isinstance(value, str):
        return "en tekst"
    if isinstance(value, list | tuple):
        return "en liste"
    if isinstance(value, dict):
        return "et objekt"
    return "ingenting (null)" if value is None else "en ukendt værdi"


def _names(documents: object) -> list[str] | None:
    """The API's ``documents``: None, or a list of names (strings), bounded in number
    and length. QuestionError (Danish) for anything else, e.g. one string, which would
    otherwise be read letter by letter."""
    if documents is None:
        return None
    example = 'fx ["bilag-1-regeringens-opfoelgning-2021.txt"]'
    if not isinstance(documents, list):
        raise QuestionError(f"documents skal være en liste af dokumentnavne, {example}; fik {_kind(documents)}.")
    if len(documents) > MAX_FILTER:
        count, limit = danish_number(len(documents)), danish_number(MAX_FILTER)
        raise QuestionError(f"documents nævner {count} dokumenter; højst {limit} er tilladt.")
    for i, name in enumerate(documents, 1):
        if not isinstance(name, str):
            raise QuestionError(
                f"documents må kun indeholde dokumentnavne (tekst), {example}; nr. {i} er {_kind(name)}."
            )
        if len(name) > MAX_NAME_CHARS:
            raise QuestionError(
                f"Dokumentnavn nr. {i} i documents er for langt ({len(name)} tegn; højst {MAX_NAME_CHARS})."
            )
    return documents


def _public(assistant: Assistant, answer: Answer) -> Answer:
    """The answer with its sources named as people see them."""
    citations = [c.model_copy(update={"source": assistant.name_of(c.source)}) for c in answer.citations]
    return answer.model_copy(update={"citations": citations})


def respond(
    service: IndexService,
    question: str,
    history: list[Message] | None,
    selected: Sequence[str] | None = None,
    asked: Sequence[str] | None = None,
) -> tuple[list[Message], str, str, str, list[str]]:
    """One chat turn: (history, sources HTML, text left in the box, notice, the questions
    asked so far). ``asked`` holds the conversation's earlier questions as typed, oldest
    first: a follow-up is read in their context ("Ny samtale" empties it).

    A question that cannot be asked (empty, too long, index not ready) leaves the
    history alone, keeps the text in the box, and says why in the notice.
    """
    history = list(history or [])
    earlier = list(asked or [])

    def turn() -> tuple[list[Message], str, str, str, list[str]]:
        assistant = _assistant(service)
        answer = _public(assistant, assistant.ask(question, _filter(assistant, selected), earlier))
        history.append({"role": "user", "content": md_escape(answer.question)})
        history.append({"role": "assistant", "content": answer_message(answer)})
        return history, sources_html(answer), "", "", [*earlier, answer.question][-MAX_ASKED:]

    return _guarded(service.settings, turn, lambda message: (history, "", question, md_escape(message), earlier))


MAX_ASKED = 20  # earlier questions a chat keeps for reading follow-ups


def ask_api(
    service: IndexService, question: object, documents: object = None, history: object = None
) -> dict[str, Any]:
    """The API: the answer with its numbered sources, documents named relative to the
    corpus folder. The parameters come as any JSON: a question that is not a string and
    documents that are not a list of strings are refused. Raises AssistantError
    (Danish; pass its message through ``public_message``)."""
    if not isinstance(question, str):
        raise QuestionError(f"question skal være en tekst, fx »{EXAMPLES[0]}«; fik {_kind(question)}.")
    names = _names(documents)
    earlier = check_history(history)
    assistant = _assistant(service)
    return _public(assistant, assistant.ask(question, _filter(assistant, names), earlier)).model_dump()


def show_span(service: IndexService, params: Mapping[str, str]) -> str:
    """The source viewer for a citation or a pasted link (``doc``, ``start``, ``end``)."""

    def view() -> str:
        assistant = _assistant(service)
        name = (params.get("doc") or "").strip()
        if name and assistant.source_of(name) is None:  # only what the index holds, never a path
            raise LinkError(
                f"Dokumentet {ABSOLUTE_NAME}"
                if name.startswith("/")
                else f"Dokumentet »{name[:80]}« findes ikke i indekset."
            )
        if name and not (params.get("start") or params.get("end")):  # a link to a whole document
            return document_html(read_document(assistant, name), service.settings.app.viewer_chars)
        highlight = open_link(assistant, params)
        return VIEWER_EMPTY if highlight is None else viewer_html(highlight, service.settings.app.viewer_chars)

    return _guarded(service.settings, view, message_html)


def scope_line(service: IndexService, selected: Sequence[str] | None) -> str:
    """The line under the question box while a document filter is active (the filter's
    own section may be folded away): how many documents are searched. Empty for all."""
    assistant = service.assistant
    if assistant is None or selected is None:
        return ""
    total = len(assistant.documents)
    chosen = {assistant.source_of(name) for name in selected} - {None}
    if not chosen:
        return md_escape(NO_DOCUMENTS)
    if len(chosen) >= total:
        return ""
    where = f"{danish_number(len(chosen))} af {danish_number(total)} dokumenter"
    return f"**Afgrænset:** {md_escape(f'der søges kun i {where} (ændr det under »Afgræns til dokumenter«).')}"


@dataclass(frozen=True)
class PageState:
    """What depends on the index: refreshed when a page loads and while it is built."""

    banner: str
    ready: bool
    busy: bool
    choices: list[tuple[str, str]]  # (title, name) of every indexed document
    table: str


def page_state(service: IndexService) -> PageState:
    settings = service.settings
    assistant = service.assistant
    status = service.status
    status = replace(
        status,
        error=public_message(settings, status.error),
        failed=tuple(public_message(settings, message) for message in status.failed),
    )
    records = sorted(assistant.documents.values(), key=lambda r: r.title) if assistant else []
    if assistant is not None:
        records = [replace(r, source=assistant.name_of(r.source)) for r in records]
    stale = _guarded(settings, lambda: service.stale(settings.app.stale_seconds), lambda message: [])
    stale = [assistant.name_of(source) for source in stale] if assistant else []
    return PageState(
        banner=status_html(status, assistant is not None, stale),
        ready=assistant is not None,
        busy=status.busy,
        choices=[(r.title, r.source) for r in records],
        table=documents_html(records),
    )
