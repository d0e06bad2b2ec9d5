"""The answerer under hand-made models, over the tiny corpus with a fake encoder."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.answer import MAYBE, NOT_FOUND
from assistant.engine import Assistant, build_assistant
from assistant.features import QUESTION_FEATURES, SPAN_FEATURES
from assistant.model import AnswerModel, Logistic
from assistant.schema import Answer
from core.config import Settings
from core.embed import VectorEmbedding
from core.textnorm import display
from ingest.pipeline import run_ingest


def _logistic(names: tuple[str, ...], weights: dict[str, float], intercept: float = 0.0) -> Logistic:
    coef = np.array([weights.get(n, 0.0) for n in names])
    return Logistic(names, np.zeros(len(names)), np.ones(len(names)), coef, intercept)


def _model(answerable: Logistic | None = None, **thresholds: float) -> AnswerModel:
    """Spans ranked by lexical cover (then meaning); answerable when the best span covers
    the question's known words (or by ``answerable``)."""
    neutral = AnswerModel.neutral()
    return replace(
        neutral,
        span=_logistic(SPAN_FEATURES, {"cov_prefix": 3.0, "dense": 1.0}),
        answerable=answerable or _logistic(QUESTION_FEATURES, {"cov_context": 6.0, "unknown": -6.0}, -3.0),
        thresholds=replace(neutral.thresholds, **{"answer": 0.5, "support": 0.5, **thresholds}),
    )


def _always(p_logit: float) -> Logistic:
    return _logistic(QUESTION_FEATURES, {}, p_logit)


Make = Callable[..., Assistant]


@pytest.fixture
def make(tiny_settings: Settings, fake_embed: VectorEmbedding) -> Make:
    run_ingest(tiny_settings, fake_embed)

    def build(model: AnswerModel, **answer: int) -> Assistant:
        settings = tiny_settings.model_copy(update={"answer": tiny_settings.answer.model_copy(update=answer)})
        return build_assistant(settings, fake_embed, answer_model=model)

    return build


def _check_citations(answer: Answer, corpus: Path) -> None:
    for c in answer.citations:
        text = (corpus / Path(c.source).name).read_bytes().decode("utf-8")
        assert text[c.start : c.end] == c.quote, c
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} == {c.n for c in answer.citations}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


@pytest.mark.parametrize("question", ["Hvornår stopper forsøget med grus?", "Er forsøget med cykelstier forlænget?"])
def test_the_answer_opens_with_the_top_ranked_span(make: Make, question: str) -> None:
    trace = make(_model()).trace(question)
    top = trace.decision.ranked[0]
    assert trace.answer.answered
    assert trace.answer.answer.startswith(f"{display(top.passage.quote(top.span))} [1]")
    assert (trace.answer.citations[0].start, trace.answer.citations[0].end) == (top.span.start, top.span.end)


def test_supporting_spans_never_come_from_another_table_row(make: Make) -> None:
    assistant = make(_model(support=100.0), max_sentences=10)  # every span close enough but for its passage
    tabel = next(s for s in assistant.documents if s.endswith("tabel.txt"))
    trace = assistant.trace("Hvad viser evalueringen af forsøget med cykelstier?", sources=[tabel])
    top = trace.decision.ranked[0].passage
    assert {c.passage.id for c in trace.decision.ranked} - {top.id}  # other rows were candidates
    assert trace.answer.answered and len(trace.answer.citations) > 1
    for c in trace.answer.citations:
        assert top.meta.start <= c.start <= c.end <= top.meta.end, c.quote
    for other_row in ("Lys på stierne", "gøres permanent", "Stier af grus"):
        assert other_row not in trace.answer.answer


def test_a_low_p_answerable_is_refused_citing_the_nearest_passages(make: Make, tiny_settings: Settings) -> None:
    question = "Hvornår stopper forsøget med grus?"
    assert make(_model(_always(5.0))).ask(question).answered  # the same question, believed
    trace = make(_model(_always(-5.0)), nearby_passages=2).trace(question)
    assert trace.answerable < 0.5
    assert not trace.answer.answered
    assert trace.answer.answer == f"{NOT_FOUND} {MAYBE} [1], [2]."
    nearest: dict[str, tuple[str, int, int]] = {}  # the best span of each of the best passages
    for c in trace.decision.ranked:
        nearest.setdefault(c.passage.id, c.key)
    assert [(c.source, c.start, c.end) for c in trace.answer.citations] == list(nearest.values())[:2]
    _check_citations(trace.answer, tiny_settings.corpus_dir)


def test_every_quote_is_the_source_text_and_markers_match_citations(make: Make, tiny_settings: Settings) -> None:
    assistant = make(_model())
    for question in (
        "Hvornår stopper forsøget med grus på stierne?",
        "Hvad viser evalueringen af cykelstier i byen?",
        "Hvem måler antallet af uheld?",
        "Hvilke forsøg stopper 31/12-30?",
        "Hvad koster en ny motorvej til Aarhus i 2040?",
    ):
        answer = assistant.ask(question)
        assert answer.citations, question
        _check_citations(answer, tiny_settings.corpus_dir)


@pytest.mark.parametrize(
    ("question", "typed"),
    [
        ("Er forsøget med cykelstier forlænget?", "Er forsoget med cykelstier forlaenget?"),
        ("Er forsøget med cykelstier forlænget?", "Er forsoget med cykelstjer forlanget?"),
        ("Hvornår stopper forsøget med grus?", "Hvornaar stopper forsoget med gruus?"),
    ],
)
def test_a_misspelt_question_word_does_not_turn_an_answer_into_a_refusal(make: Make, question: str, typed: str) -> None:
    assistant = make(_model())
    right, wrong = assistant.ask(question), assistant.ask(typed)
    assert right.answered
    assert wrong.answered
    assert wrong.citations[0].quote == right.citations[0].quote


@pytest.mark.parametrize("logit", [None, 5.0, -5.0])
def test_nonsense_and_stop_word_questions_never_raise(make: Make, tiny_settings: Settings, logit: float | None) -> None:
    assistant = make(_model(None if logit is None else _always(logit)))
    for question in ("1=1", "??? 42 !!", "Hvad er det?", "hvornaar og hvor", "What is it?"):
        answer = assistant.ask(question)
        assert answer.answered or answer.answer.startswith(NOT_FOUND), question
        _check_citations(answer, tiny_settings.corpus_dir)


def test_an_off_topic_refusal_below_the_near_miss_bar_cites_nothing(make: Make) -> None:
    trace = make(_model(_always(-5.0), near_miss=0.1)).trace("Hvornår stopper forsøget med grus?")
    assert trace.answerable < 0.1
    assert not trace.answer.answered
    assert trace.answer.answer == NOT_FOUND
    assert trace.answer.citations == []


def test_a_near_miss_refusal_keeps_the_nearest_passages(make: Make, tiny_settings: Settings) -> None:
    # P(answerable) = sigmoid(-1) ≈ 0.27: under the answer threshold, over the near-miss bar
    trace = make(_model(_always(-1.0), near_miss=0.1), nearby_passages=2).trace("Hvornår stopper forsøget med grus?")
    assert 0.1 <= trace.answerable < 0.5
    assert not trace.answer.answered
    assert trace.answer.answer == f"{NOT_FOUND} {MAYBE} [1], [2]."
    _check_citations(trace.answer, tiny_settings.corpus_dir)


def test_the_answer_states_the_reading_of_each_quote(make: Make, tiny_settings: Settings) -> None:
    assistant = make(_model())
    scannet = next(s for s in assistant.documents if s.endswith("scannet.txt"))
    answer = assistant.ask("Hvem har været med i forsøget med cykelstier siden 2028?", sources=[scannet])
    scan = [c for c in answer.citations if c.source == scannet]
    assert answer.answered and scan
    for c in answer.citations:
        assert c.reading and c.reading in answer.answer
        for repair in c.repairs:
            assert c.reading[repair.start : repair.end] != repair.scan
            assert repair.scan in c.quote
    assert any(r.scan == "Leesg" and "Læsø" in c.reading for c in scan for r in c.repairs)
    _check_citations(answer, tiny_settings.corpus_dir)


def test_an_answer_to_a_question_the_documents_may_not_cover_is_flagged(make: Make) -> None:
    # Weights that count P(answerable) as much as the ranker's certainty: the same question,
    # answered above the refusal bar both times, is flagged only when P(answerable) is low.
    question = "Hvornår stopper forsøget med grus?"
    weights = {"certainty_top": 1.0, "certainty_answerable": 1.0, "certainty_bias": 0.0}
    likely = make(_model(_always(6.0), answer=0.01, **weights)).ask(question)
    doubtful = make(_model(_always(-3.0), answer=0.01, **weights)).ask(question)
    assert likely.answered and doubtful.answered
    assert not likely.uncertain and doubtful.uncertain
    assert doubtful.answer == likely.answer and doubtful.citations == likely.citations  # the answer is the same
    assert doubtful.maybe_not_covered and not likely.maybe_not_covered  # the doubt is the question's


def test_certainty_weights_decide_the_flag_when_fitted_and_sure_alone_otherwise() -> None:
    neutral = AnswerModel.neutral()
    alone = replace(neutral, thresholds=replace(neutral.thresholds, sure=0.4))
    assert alone.uncertain(0.3, 0.001) and not alone.uncertain(0.5, 0.001)  # P(answerable) not used
    both = replace(alone, thresholds=replace(alone.thresholds, certainty_top=1.0, certainty_answerable=1.0))
    assert not both.uncertain(0.9, 0.5) and both.uncertain(0.9, 0.05) and both.uncertain(0.2, 0.5)


def test_a_clean_document_is_stated_unrepaired(make: Make) -> None:
    answer = make(_model()).ask("Hvornår stopper forsøget med grus?")
    clean = [c for c in answer.citations if not c.source.endswith("scannet.txt")]
    assert clean and all(c.repairs == [] and c.reading == display(c.quote) for c in clean)


def test_an_answer_the_ranker_is_unsure_of_is_flagged_with_other_places(make: Make, tiny_settings: Settings) -> None:
    question = "Hvornår stopper forsøget med grus?"
    sure = make(_model(_always(5.0))).trace(question)
    assert sure.answer.answered and not sure.answer.uncertain and sure.answer.also == []
    trace = make(_model(_always(5.0), sure=1.0), nearby_passages=2).trace(question)  # nothing is that sure
    answer = trace.answer
    assert answer.answered and answer.uncertain and not answer.maybe_not_covered  # the doubt is the span's
    assert answer.answer == sure.answer.answer and answer.citations == sure.answer.citations  # the answer is the same
    # the other places: the best span of each of the next passages, numbered after the answer's
    best = trace.decision.ranked[0].passage.id
    nearest: dict[str, tuple[str, int, int]] = {}
    for c in trace.decision.ranked:
        if c.passage.id != best:
            nearest.setdefault(c.passage.id, c.key)
    assert [(c.source, c.start, c.end) for c in answer.also] == list(nearest.values())[:2]
    assert [c.n for c in answer.also] == [len(answer.citations) + 1, len(answer.citations) + 2]
    for c in answer.also:  # verbatim, and never in the answer's text
        assert (tiny_settings.corpus_dir / Path(c.source).name).read_text(encoding="utf-8")[c.start : c.end] == c.quote
        assert f"[{c.n}]" not in answer.answer


def test_a_short_best_sentence_brings_the_next_one_within_the_fitted_budget(make: Make) -> None:
    question = "Hvad viser evalueringen af cykelstier i byen?"
    assistant = make(_model(support=0.0))  # no other span scores close enough to join
    dias = [next(s for s in assistant.documents if s.endswith("dias.txt"))]
    alone = assistant.trace(question, sources=dias)
    top = alone.decision.ranked[0]
    following = [c for c in alone.decision.ranked if c.passage.id == top.passage.id and c.index == top.index + 1]
    assert following and following[0].span.kind not in ("heading", "title")
    assert len(alone.answer.citations) == 1
    size = len(display(top.passage.quote(top.span))) + len(display(following[0].passage.quote(following[0].span)))
    within = make(_model(support=0.0, follow_chars=size)).trace(question, sources=dias).answer
    assert [(c.start, c.end) for c in within.citations] == [
        (top.span.start, top.span.end),
        (following[0].span.start, following[0].span.end),
    ]
    beyond = make(_model(support=0.0, follow_chars=size - 1)).trace(question, sources=dias).answer
    assert len(beyond.citations) == 1  # the two together are longer than the budget


FORMS = """Grusstier

Formål: at gøre stierne billigere at vedligeholde.

Succeskriterier (hvad skal der til for at forsøget er en succes).

Færre punkteringer blandt cyklisterne.

Lavere udgifter til vedligehold.

Natbusser

Formål: at flere kommer sikkert hjem om natten.

Succeskriterier (hvad skal der til for at forsøget er en succes).

Flere passagerer efter midnat.

Cykelparkering

Formål: at færre cykler står i vejen.

Succeskriterier (hvad skal der til for at forsøget er en succes).

Ingen cykler på fortovet ved stationen.
"""


def test_a_form_fields_label_brings_its_value_and_no_other_forms(
    tiny_settings: Settings, fake_embed: VectorEmbedding
) -> None:
    """A label that several forms repeat word for word matches a question about the field;
    the answer is the label with the value that follows it in the same form."""
    corpus = tiny_settings.corpus_dir
    (corpus / "skemaer.txt").write_text(FORMS, encoding="utf-8")
    with (corpus / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write('\n[[document]]\nfile = "skemaer.txt"\ntitle = "Ansøgningsskemaer"\nlayout = "sections"\n')
    run_ingest(tiny_settings, fake_embed)
    assistant = build_assistant(tiny_settings, fake_embed, answer_model=_model(support=0.0))
    skemaer = [next(s for s in assistant.documents if s.endswith("skemaer.txt"))]
    trace = assistant.trace("Hvad er succeskriterierne for forsøget med grusstier?", sources=skemaer)
    answer = trace.answer
    assert answer.answered
    assert answer.answer.startswith("Succeskriterier (hvad skal der til for at forsøget er en succes). [1]\n- ")
    assert [c.quote.strip() for c in answer.citations[1:3]] == [
        "Færre punkteringer blandt cyklisterne.",
        "Lavere udgifter til vedligehold.",
    ]
    assert "midnat" not in answer.answer and "fortovet" not in answer.answer
    _check_citations(answer, corpus)
    # every span of the passage close enough to join, but a label, which says nothing by itself
    loose = build_assistant(tiny_settings, fake_embed, answer_model=_model(support=100.0))
    purpose = loose.trace("Hvad er formålet med at gøre stierne billigere at vedligeholde?", sources=skemaer).answer
    assert purpose.answered and purpose.answer.startswith("Formål: at gøre stierne billigere")
    assert len(purpose.citations) > 1
    assert not any(c.quote.startswith("Succeskriterier") for c in purpose.citations)


def test_an_unfinished_lead_in_brings_the_items_it_goes_on_in(
    tiny_settings: Settings, fake_embed: VectorEmbedding
) -> None:
    text = (
        "Survey\n\nI undersøgelsen vil der være fokus på,\n\na. hvorvidt stierne holder?\n\n"
        "b. om borgerne cykler mere?\n\nSvarene samles i en rapport.\n"
    )
    assistant, survey = _with_document(tiny_settings, fake_embed, "survey.txt", text, "sections", support=0.0)
    answer = assistant.trace("Hvad vil der være fokus på i undersøgelsen?", sources=survey).answer
    assert answer.answer.startswith("I undersøgelsen vil der være fokus på, [1]\n- hvorvidt stierne holder? [2]\n- om ")
    _check_citations(answer, tiny_settings.corpus_dir)


def _with_document(
    settings: Settings, embed: VectorEmbedding, name: str, text: str, layout: str, **thresholds: float
) -> tuple[Assistant, list[str]]:
    """The tiny corpus with one more document, ingested; an assistant under ``_model`` and
    the document's source, to search it alone."""
    corpus = settings.corpus_dir
    (corpus / name).write_text(text, encoding="utf-8")
    with (corpus / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write(f'\n[[document]]\nfile = "{name}"\ntitle = "{name}"\nlayout = "{layout}"\n')
    run_ingest(settings, embed)
    assistant = build_assistant(settings, embed, answer_model=_model(**thresholds))
    return assistant, [next(s for s in assistant.documents if s.endswith(name))]


def test_a_sentence_a_line_break_cut_is_shown_in_reading_order(
    tiny_settings: Settings, fake_embed: VectorEmbedding
) -> None:
    """The best span is the second half of a sentence wrapped over two lines of a slide;
    when the answer shows the first half too, it comes first, not after."""
    text = (
        "BAGGRUND\n\nByrådet blev i budgetaftalen for 2028 enige om at igangsætte et nyt\n"
        "Cykelforsøg i perioden 2028-2030, for at skaffe viden om sikre skoleveje.\n"
    )
    assistant, source = _with_document(tiny_settings, fake_embed, "baggrund.txt", text, "slides", support=100.0)
    trace = assistant.trace(
        "Hvilken viden skal cykelforsøget i perioden 2028-2030 skaffe om skoleveje?", sources=source
    )
    best = trace.decision.ranked[0]
    assert best.passage.quote(best.span).startswith("Cykelforsøg i perioden")  # the second half ranks first
    answer = trace.answer
    assert answer.answer.startswith(
        "Byrådet blev i budgetaftalen for 2028 enige om at igangsætte et nyt [1] Cykelforsøg"
    )
    _check_citations(answer, tiny_settings.corpus_dir)
