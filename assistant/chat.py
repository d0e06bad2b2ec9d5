"""The app's callbacks, free of Gradio: plain functions over plain data, so they are
tested without a browser and ``app.py`` only wires them to components.

None of them raises for bad input or a missing index: each returns a Danish message in
place of its result. Unexpected errors are logged and shown as one plain sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from assistant.documents import open_link, read_document
from assistant.engine import Assistant
from assistant.errors import AssistantError, QuestionError
from assistant.render import (
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
from assistant.startup import IndexService

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

Message = dict[str, str]
T = TypeVar("T")


class NotReadyError(AssistantError):
    """The index is still being built (or could not be)."""


def _assistant(service: IndexService) -> Assistant:
    assistant = service.assistant
    if assistant is None:
        raise NotReadyError(service.status.error or NOT_READY)
    return assistant


def _guarded(action: Callable[[], T], on_error: Callable[[str], T]) -> T:
    """Run ``action``; an error becomes ``on_error(Danish message)``."""
    try:
        return action()
    except AssistantError as exc:
        return on_error(exc.message)
    except Exception:  # the edge of the app: log it, tell the user plainly, keep serving
        logger.exception("callback failed")
        return on_error(UNEXPECTED)


def _filter(assistant: Assistant, selected: Sequence[str] | None) -> list[str] | None:
    """The documents to search: None for all of them."""
    if selected is None or set(assistant.documents) <= set(selected):
        return None
    if not selected:
        raise QuestionError(NO_DOCUMENTS)
    return list(selected)


def respond(
    service: IndexService, question: str, history: list[Message] | None, selected: Sequence[str] | None = None
) -> tuple[list[Message], str, str, str]:
    """One chat turn: (history, sources HTML, text left in the box, notice).

    A question that cannot be asked (empty, too long, index not ready) leaves the
    history alone, keeps the text in the box, and says why in the notice.
    """
    history = list(history or [])

    def turn() -> tuple[list[Message], str, str, str]:
        assistant = _assistant(service)
        answer = assistant.ask(question, _filter(assistant, selected))
        history.append({"role": "user", "content": md_escape(answer.question)})
        history.append({"role": "assistant", "content": answer_message(answer)})
        return history, sources_html(answer), "", ""

    return _guarded(turn, lambda message: (history, "", question, md_escape(message)))


def ask_api(service: IndexService, question: str, documents: Sequence[str] | None = None) -> dict[str, Any]:
    """The API: the answer with its numbered sources. Raises AssistantError (Danish)."""
    assistant = _assistant(service)
    return assistant.ask(question, _filter(assistant, documents)).model_dump()


def show_span(service: IndexService, params: Mapping[str, str]) -> str:
    """The source viewer for a citation or a pasted link (``doc``, ``start``, ``end``)."""

    def view() -> str:
        assistant = _assistant(service)
        if params.get("doc") and not (params.get("start") or params.get("end")):  # a link to a whole document
            return document_html(read_document(assistant, params["doc"]), service.settings.app.viewer_chars)
        highlight = open_link(assistant, params)
        return VIEWER_EMPTY if highlight is None else viewer_html(highlight, service.settings.app.viewer_chars)

    return _guarded(view, message_html)


@dataclass(frozen=True)
class PageState:
    """What depends on the index: refreshed when a page loads and while it is built."""

    banner: str
    ready: bool
    busy: bool
    choices: list[tuple[str, str]]  # (title, source) of every indexed document
    table: str


def page_state(service: IndexService) -> PageState:
    assistant = service.assistant
    status = service.status
    records = sorted(assistant.documents.values(), key=lambda r: r.title) if assistant else []
    stale = _guarded(lambda: service.stale(service.settings.app.stale_seconds), lambda message: [])
    return PageState(
        banner=status_html(status, assistant is not None, stale),
        ready=assistant is not None,
        busy=status.busy,
        choices=[(r.title, r.source) for r in records],
        table=documents_html(records),
    )
