"""The chat callback: Danish messages, escaped text, never an exception."""

from __future__ import annotations

import re

from assistant.chat import md_escape, respond
from assistant.errors import IndexCorruptError
from assistant.schema import Answer, Citation


class _Stub:
    """Stands in for the assistant only to drive the callback's error paths."""

    def __init__(self, result: Answer | Exception) -> None:
        self.result = result

    def ask(self, question: str) -> Answer:
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_answer_and_sources_are_rendered_escaped() -> None:
    answer = Answer(
        question="<script>alert(1)</script>?",
        answer="Tekst med [link](javascript:alert(1)) [1]",
        answered=True,
        citations=[
            Citation(
                n=1,
                source="corpus/x.txt",
                title="T",
                locator="Tabel 1, række 1",
                quote="<img src=x onerror=alert(1)>",
                start=0,
                end=28,
                score=1.0,
            )
        ],
    )
    history, sources, box = respond(_Stub(answer), "q", [])  # type: ignore[arg-type]
    assert box == ""
    rendered = history[0]["content"] + history[1]["content"] + sources
    assert re.search(r"(?<!\\)[<>\[\]()]", rendered.replace("[1]", "")) is None  # every markup char escaped
    assert "Kilder" in sources


def test_errors_become_danish_messages() -> None:
    history, _, box = respond(_Stub(IndexCorruptError("Indekset kan ikke læses.")), "spørgsmål", [])  # type: ignore[arg-type]
    assert history[-1]["content"].startswith("Indekset kan ikke læses")
    assert box == "spørgsmål"  # the question stays so the user can retry
    history, _, _ = respond(_Stub(RuntimeError("boom")), "spørgsmål", [])  # type: ignore[arg-type]
    assert "uventet fejl" in history[-1]["content"]
    history, _, _ = respond(None, "spørgsmål", [])
    assert "ikke klar" in history[-1]["content"]


def test_md_escape_keeps_text_readable() -> None:
    assert md_escape("Forsøg  *stopper*\n31/12-21") == "Forsøg \\*stopper\\* 31/12\\-21"
