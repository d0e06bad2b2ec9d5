"""The assistant over the tiny corpus: answers carry exact quotes.

Plumbing runs on the fake encoder with the hand-made answerer that suits it
(``fake_answer_model``); what the shipped, fitted answerer decides (lists complete, absent
things refused, OCR text found) runs on the real encoder, whose similarities it was
fitted on."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engine import Assistant, build_assistant
from assistant.model import AnswerModel
from core.config import EmbeddingSettings, Settings
from core.embed import VectorEmbedding, build_embed_model
from core.errors import IndexNotBuiltError, QuestionError
from ingest.pipeline import run_ingest


@pytest.fixture
def tiny_assistant(tiny_settings: Settings, fake_embed, fake_answer_model: AnswerModel) -> Assistant:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    return build_assistant(tiny_settings, fake_embed, answer_model=fake_answer_model)


@pytest.fixture(scope="module")
def real_embed() -> VectorEmbedding:
    return build_embed_model(EmbeddingSettings())


@pytest.fixture
def real_settings_tiny(tiny_settings: Settings, shared_cache: Path) -> Settings:
    """The tiny corpus for the real encoder (and the shipped answerer)."""
    return tiny_settings.model_copy(update={"embedding_cache": shared_cache})


@pytest.fixture
def real_tiny(real_settings_tiny: Settings, real_embed: VectorEmbedding) -> Assistant:
    run_ingest(real_settings_tiny, real_embed)
    return build_assistant(real_settings_tiny, real_embed)


def _source(settings: Settings, source: str) -> str:
    return (settings.corpus_dir / Path(source).name).read_bytes().decode("utf-8")  # no newline translation


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


def test_list_question_lists_every_item(real_tiny: Assistant) -> None:
    answer = real_tiny.ask("Hvilke forsøg stopper 31/12-30?")
    assert answer.answered
    assert "Grus på stierne" in answer.answer and "Cykelparkering ved skolen" in answer.answer


def test_a_question_about_something_absent_is_refused_without_passages(real_tiny: Assistant) -> None:
    trace = real_tiny.trace("Hvad koster en ny motorvej til Aarhus i 2040?")
    assert not trace.answer.answered
    assert trace.answerable < real_tiny.model.thresholds.near_miss  # off-topic, not a near miss
    assert trace.answer.answer == "Det kan jeg ikke finde et svar på i dokumenterne."
    assert trace.answer.citations == []


def test_ocr_text_is_found_through_its_repaired_form_and_quoted_as_is(real_tiny: Assistant) -> None:
    answer = real_tiny.ask("Hvilke kommuner har været med i forsøget med cykelstier ifølge kommunernes evalueringer?")
    assert any("Leesg" in c.quote for c in answer.citations)  # quoted verbatim, found as "Læsø"


def test_filter_restricts_sources_and_rejects_unknown_documents(
    tiny_assistant: Assistant, tiny_settings: Settings
) -> None:
    notat = str(tiny_settings.corpus_dir / "notat.txt")
    answer = tiny_assistant.ask("Hvad viser evalueringen?", sources=[notat])
    assert answer.citations and {c.source for c in answer.citations} == {notat}
    with pytest.raises(QuestionError) as info:
        tiny_assistant.ask("Hvad viser evalueringen?", sources=["corpus/findes-ikke.txt"])
    assert "Ukendt dokument" in info.value.message


def test_timings_are_reported(tiny_assistant: Assistant) -> None:
    timings = tiny_assistant.ask("Hvornår stopper forsøget med grus?").timings_ms
    assert {"embed", "retrieve", "answer", "total"} <= set(timings)
    assert timings["total"] >= timings["embed"]


def test_a_running_assistant_sees_a_new_ingest_and_flags_changed_files(
    tiny_assistant: Assistant,
    tiny_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
) -> None:
    assert tiny_assistant.stale_documents() == []
    notat = tiny_settings.corpus_dir / "notat.txt"
    notat.write_text(
        notat.read_text(encoding="utf-8") + "\nForsøget med ladestandere stopper i 2031.\n", encoding="utf-8"
    )
    assert [Path(s).name for s in tiny_assistant.stale_documents()] == ["notat.txt"]
    source = next(s for s in tiny_assistant.documents if s.endswith("notat.txt"))
    old_text = tiny_assistant.document_text(source)
    assert old_text is not None and "ladestandere" not in old_text
    # a second instance on the same view that has not read (and cached) the text yet
    unread = build_assistant(tiny_settings, fake_embed, answer_model=tiny_assistant.model)
    run_ingest(tiny_settings, fake_embed)
    # until the view reloads, its offsets belong to the old text, which the store no longer has
    assert unread.document_text(source) is None
    assert unread.refresh(force=True) and "ladestandere" in (unread.document_text(source) or "")
    assert tiny_assistant.refresh(force=True)
    assert "ladestandere" in (tiny_assistant.document_text(source) or "")
    assert tiny_assistant.stale_documents() == []
    answer = tiny_assistant.ask("Hvornår stopper forsøget med ladestandere?")
    assert any("ladestandere" in c.quote for c in answer.citations)


def test_an_index_from_another_version_is_refused_with_a_message(
    tiny_settings: Settings,
    fake_embed,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    run_ingest(tiny_settings, fake_embed)
    monkeypatch.setattr("assistant.engine.INDEX_VERSION", "999")
    with pytest.raises(IndexNotBuiltError, match="anden version"):
        build_assistant(tiny_settings, fake_embed)


def test_long_lists_say_how_many_items_were_left_out(real_settings_tiny: Settings, real_embed: VectorEmbedding) -> None:
    settings = real_settings_tiny
    run_ingest(settings, real_embed)
    short = settings.model_copy(update={"answer": settings.answer.model_copy(update={"max_list_items": 2})})
    dias = settings.corpus_dir / "dias.txt"
    dias.write_text(dias.read_text(encoding="utf-8") + "Vejbump\n\nLysregulering\n\n", encoding="utf-8")
    run_ingest(short, real_embed)
    answer = build_assistant(short, real_embed).ask("Hvilke forsøg stopper 31/12-30?")
    assert "står 4 punkter" in answer.answer and "… og 2 punkter mere" in answer.answer


def test_the_assistant_knows_the_file_types_ingest_reads() -> None:
    from core.corpus import DOCUMENT_SUFFIXES
    from ingest.extract import SUFFIXES

    assert set(SUFFIXES) == DOCUMENT_SUFFIXES


def test_the_filter_takes_names_relative_to_the_corpus(tiny_assistant: Assistant, tiny_settings: Settings) -> None:
    answer = tiny_assistant.ask("Hvad viser evalueringen?", sources=["notat.txt"])
    assert answer.citations and {Path(c.source).name for c in answer.citations} == {"notat.txt"}
    assert tiny_assistant.name_of(answer.citations[0].source) == "notat.txt"
    assert tiny_assistant.source_of("notat.txt") == str(tiny_settings.corpus_dir / "notat.txt")
    assert tiny_assistant.source_of(str(tiny_settings.corpus_dir / "notat.txt")) is None  # never an absolute path
    unknown = [f"mangler-{i}.txt" for i in range(100_000)]
    with pytest.raises(QuestionError) as info:
        tiny_assistant.ask("Hvad viser evalueringen?", sources=unknown)
    assert "og 99.997 andre" in info.value.message and len(info.value.message) < 600
    with pytest.raises(QuestionError, match="Ukendt dokument"):
        tiny_assistant.ask("Hvad viser evalueringen?", sources=[1, 2])  # type: ignore[list-item]
    with pytest.raises(QuestionError, match="tomt"):
        tiny_assistant.ask("Hvad viser evalueringen?", sources=[])


def test_an_answer_from_a_partial_index_says_what_is_missing(
    tiny_settings: Settings, fake_embed, fake_answer_model: AnswerModel, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    corpus = tiny_settings.corpus_dir
    held = {p.name: p.read_bytes() for p in corpus.glob("*.txt") if p.name != "notat.txt"}
    for name in held:
        (corpus / name).unlink()
    run_ingest(tiny_settings, fake_embed)  # the first build got as far as notat.txt
    for name, data in held.items():
        (corpus / name).write_bytes(data)
    outside = tmp_path / "hemmelig.txt"
    outside.write_text("Uden for dokumentmappen.\n", encoding="utf-8")
    (corpus / "genvej.txt").symlink_to(outside)  # not a document of the corpus: not counted
    (corpus / "~$kladde.docx").write_bytes(b"")  # Word's lock file: not counted
    assistant = build_assistant(tiny_settings, fake_embed, answer_model=fake_answer_model)
    answer = assistant.ask("Hvornår stopper forsøget med grus?")
    assert answer.incomplete == sorted(held) and len(held) == 3
    assert answer.notice == "3 af 4 dokumenter er ikke indekseret endnu; svaret kan være ufuldstændigt."
    run_ingest(tiny_settings, fake_embed)
    assistant.refresh(force=True)
    complete = assistant.ask("Hvornår stopper forsøget med grus?")
    assert complete.incomplete == [] and complete.notice == ""


def test_an_answer_limited_to_some_documents_says_which(tiny_assistant: Assistant, tiny_settings: Settings) -> None:
    notat, tabel = (str(tiny_settings.corpus_dir / name) for name in ("notat.txt", "tabel.txt"))
    answer = tiny_assistant.ask("Hvad viser evalueringen?", sources=["notat.txt", tabel, notat])
    assert answer.searched == [notat, tabel]
    assert answer.scope == (
        "Svaret bygger kun på 2 af 4 dokumenter: »Evalueringsdesign for testforsøg«, "
        "»Bilag 9 – Testnotat om forsøg med cykelstier«."
    )


def test_an_answer_from_every_document_has_no_scope(tiny_assistant: Assistant) -> None:
    unfiltered = tiny_assistant.ask("Hvad viser evalueringen?")
    assert unfiltered.scope == "" and unfiltered.searched == []
    everything = tiny_assistant.ask("Hvad viser evalueringen?", sources=sorted(tiny_assistant.documents))
    assert everything.scope == "" and everything.searched == []


def test_the_register_answers_a_gathering_question_unless_gathering_is_off(
    tiny_settings: Settings,
    fake_embed,
    fake_answer_model: AnswerModel,  # type: ignore[no-untyped-def]
) -> None:
    # With a register vocabulary beside the corpus the trials of its tables are a register,
    # and a list question over them is answered from it, with no passage retrieved; the
    # fit traces the answerer's own path (gather=False), where the same question retrieves.
    (tiny_settings.corpus_dir / "register.toml").write_text(
        '[status]\nstopper = ["stopper"]\n\n[columns]\ntitle = ["titel"]\n', encoding="utf-8"
    )
    run_ingest(tiny_settings, fake_embed)
    assistant = build_assistant(tiny_settings, fake_embed, answer_model=fake_answer_model)
    gathered = assistant.trace("Hvor mange forsøg stopper?")
    assert gathered.evidence.hits == [] and "timings_ms" in gathered.answer.model_dump()
    assert "gather" in gathered.answer.timings_ms
    own = assistant.trace("Hvor mange forsøg stopper?", gather=False)
    assert own.evidence.hits and "gather" not in own.answer.timings_ms
