"""Chat callbacks for the Gradio app, free of Gradio: plain functions over plain data.

Every string a user sees here is Danish. Text from documents and questions is escaped
before it reaches Markdown, so it always shows as text.
"""

from __future__ import annotations

import logging
import re

from assistant.engine import Assistant
from assistant.errors import AssistantError
from assistant.schema import Answer
from assistant.textnorm import display

logger = logging.getLogger(__name__)

EXAMPLES = (
    "Hvilke forsøg stopper 31/12-21?",
    "Hvilke forsøg forlænges til udgangen af 2022?",
    "Hvor mange borgere deltog i forsøget med mikrolån i Aalborg?",
    "Hvorfor permanentgøres forsøget om fremme af iværksætteri for dimittender ikke?",
)
UNEXPECTED = "Der skete en uventet fejl. Prøv igen, eller kontakt den, der driver værktøjet."
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")

Message = dict[str, str]


def md_escape(text: str) -> str:
    """Text that Markdown (and the HTML under it) shows literally."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def answer_markdown(answer: Answer) -> str:
    """The answer text with its [n] markers, escaped."""
    return "\n\n".join(md_escape(line) for line in answer.answer.split("\n"))


def sources_markdown(answer: Answer) -> str:
    """The numbered sources under an answer."""
    if not answer.citations:
        return ""
    head = "**Kilder**" if answer.answered else "**Muligvis relevante steder** (besvarer ikke spørgsmålet)"
    lines = [head, ""]
    for c in answer.citations:
        quote = md_escape(display(c.quote))
        lines.append(f"{c.n}. **{md_escape(c.title)}** – {md_escape(c.locator)}  \n   »{quote}«")
    return "\n".join(lines)


def respond(assistant: Assistant | None, question: str, history: list[Message]) -> tuple[list[Message], str, str]:
    """One chat turn: (new history, sources Markdown, text left in the question box).

    Never raises: a bad question or a broken index becomes a Danish message in the chat.
    """
    history = list(history or [])
    if assistant is None:
        history.append({"role": "assistant", "content": "Indekset er ikke klar endnu. Vent et øjeblik, og prøv igen."})
        return history, "", question
    try:
        answer = assistant.ask(question)
    except AssistantError as exc:
        history.append({"role": "assistant", "content": md_escape(exc.message)})
        return history, "", question
    except Exception:  # the edge of the app: log it, tell the user plainly, keep serving
        logger.exception("chat turn failed")
        history.append({"role": "assistant", "content": UNEXPECTED})
        return history, "", question
    history.append({"role": "user", "content": md_escape(answer.question)})
    history.append({"role": "assistant", "content": answer_markdown(answer)})
    return history, sources_markdown(answer), ""
