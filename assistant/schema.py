"""The typed results the assistant hands to its callers (CLI, app, evals)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Repair(BaseModel):
    """A word shown repaired in ``Citation.reading``: reading[start:end] was ``scan`` in the scan."""

    start: int
    end: int
    scan: str


class Citation(BaseModel):
    """A numbered source: ``quote`` is exactly ``source_text[start:end]``; ``reading`` is
    the same text for reading (tags removed, line-break hyphens joined, an interleaved
    table column pulled out of a word, and in a scanned document damaged words repaired,
    each listed in ``repairs``). The answer's text states ``reading``; ``quote`` is the
    evidence. ``reading`` is "" only in answers stored before it existed.
    """

    n: int
    source: str
    title: str
    locator: str
    quote: str
    start: int
    end: int
    score: float
    date: str = ""  # the cited document's date (ISO, or a year or period), so a reader can weigh old against new
    reading: str = ""
    repairs: list[Repair] = Field(default_factory=list)


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

    ``searched`` names the sources searched when the question was limited to some
    documents, and ``scope`` says so in one Danish sentence, which every caller shows
    with the answer; both are empty when every document was searched.

    ``uncertain`` says the answerer is less sure of its answer than of an even chance;
    ``also`` then holds the best places of other passages (numbered after ``citations``),
    which every caller shows apart, after ``uncertain_note``. They are not the answer: the
    answer's text cites none of them. ``maybe_not_covered``: the flag is raised not by
    doubt about which span holds the answer but by doubt that the documents speak of what
    the question asks at all; the note then says so.
    """

    question: str
    answer: str
    answered: bool
    citations: list[Citation] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    read_as: str = ""
    incomplete: list[str] = Field(default_factory=list)
    notice: str = ""
    scope: str = ""
    searched: list[str] = Field(default_factory=list)
    uncertain: bool = False
    also: list[Citation] = Field(default_factory=list)
    maybe_not_covered: bool = False
    timings_ms: dict[str, float] = Field(default_factory=dict)
