"""The assistant over the tiny corpus with a fake encoder: answers carry exact quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.engine import Assistant, build_assistant
from assistant.errors import QuestionError
from ingest.pipeline import run_ingest


@pytest.fixture
def tiny_assistant(tiny_settings: Settings, fake_embed) -> Assistant:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    return build_assistant(tiny_settings, fake_embed)


def _source(settings: Settings, source: str) -> str:
    return (settings.corpus_dir / Path(source).name).read_text(encoding="utf-8")


def test_every_citation_quotes_the_source_at_its_offsets(tiny_assistant: Assistant, tiny_settings: Settings) -> None:
    for question in (
        "Hvornår stopper forsøget med grus på stierne?",
        "Hvad viser evalueringen af cykelstier i byen?",
        "Hvem måler antallet af uheld?",
        "Hvilke forsøg forlænges?",
    ):
        answer = tiny_assistant.ask(question)
        assert answer.citations, question
        for c in answer.citations:
            assert _source(tiny_settings, c.source)[c.start : c.end] == c.quote
        markers = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", answer.answer)}
        assert markers == {c.n for c in answer.citations}


def test_list_question_lists_every_item(tiny_assistant: Assistant) -> None:
    answer = tiny_assistant.ask("Hvilke forsøg stopper 31/12-30?")
    assert answer.answered
    assert "Grus på stierne" in answer.answer and "Cykelparkering ved skolen" in answer.answer


def test_a_question_about_something_absent_is_refused_with_nearby_passages(tiny_assistant: Assistant) -> None:
    answer = tiny_assistant.ask("Hvad koster en ny motorvej til Aarhus i 2040?")
    assert not answer.answered
    assert answer.answer.startswith("Det kan jeg ikke finde")


def test_ocr_text_is_found_through_its_repaired_form_and_quoted_as_is(tiny_assistant: Assistant) -> None:
    answer = tiny_assistant.ask(
        "Hvilke kommuner har været med i forsøget med cykelstier ifølge kommunernes evalueringer?"
    )
    assert any("Leesg" in c.quote for c in answer.citations)  # quoted verbatim, found as "Læsø"


def test_filter_restricts_sources_and_rejects_unknown_documents(tiny_assistant: Assistant) -> None:
    answer = tiny_assistant.ask("Hvad viser evalueringen?", sources=["corpus/notat.txt"])
    assert {c.source for c in answer.citations} <= {"corpus/notat.txt"}
    with pytest.raises(QuestionError) as info:
        tiny_assistant.ask("Hvad viser evalueringen?", sources=["corpus/findes-ikke.txt"])
    assert "Ukendt dokument" in info.value.message


def test_timings_are_reported(tiny_assistant: Assistant) -> None:
    timings = tiny_assistant.ask("Hvornår stopper forsøget med grus?").timings_ms
    assert {"embed", "retrieve", "answer", "total"} <= set(timings)
    assert timings["total"] >= timings["embed"]
