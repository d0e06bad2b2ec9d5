"""The typed results the assistant hands to its callers (CLI, app, evals)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Citation(BaseModel):
    """A numbered source: ``quote`` is exactly ``source_text[start:end]``."""

    n: int
    source: str
    title: str
    locator: str
    quote: str
    start: int
    end: int
    score: float


class Answer(BaseModel):
    """An answer whose every statement carries a [n] marker pointing into ``citations``.

    When ``answered`` is false the documents do not support an answer; the citations are
    then the nearest passages, shown as possibly relevant.

    ``context`` holds the words a follow-up question took from the conversation's earlier
    questions and ``read_as`` the question as it was then read (the answer starts by
    saying so); both are empty for a question that stands alone.

    ``incomplete`` names the documents in the corpus folder (relative to it) that the
    index does not hold yet; ``notice`` then says so in one Danish sentence, which every
    caller shows with the answer. Both are empty when the index holds the whole folder.
    """

    question: str
    answer: str
    answered: bool
    citations: list[Citation] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    read_as: str = ""
    incomplete: list[str] = Field(default_factory=list)
    notice: str = ""
    timings_ms: dict[str, float] = Field(default_factory=dict)
