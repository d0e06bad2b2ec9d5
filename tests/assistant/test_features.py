"""The answerer's span and question signals, over a hand-built catalog (no encoder)."""

from __future__ import annotations

import numpy as np
import pytest
from llama_index.core.schema import TextNode

from assistant.catalog import Catalog
from assistant.features import (
    QUESTION_FEATURES,
    SPAN_FEATURES,
    Matcher,
    SpanText,
    Term,
    question_features,
    resolve_terms,
    span_candidates,
)
from assistant.query import parse
from assistant.retrieve import Hit
from core.index_schema import PassageMeta, Span
from core.textnorm import search_text

SOURCE = "Forsøget med grus stopper 31/12-30. Trygheden måles blandt 200 borgere. Stierne er af grus i byen."


def _node(node_id: str, start: int, end: int) -> TextNode:
    """A passage of SOURCE[start:end], one sentence span per sentence."""
    spans, pos = [], 0
    for sentence in SOURCE.split(". "):
        sentence = sentence if sentence.endswith(".") else sentence + "."
        if start <= pos and pos + len(sentence) <= end:
            spans.append(Span(pos, pos + len(sentence), "sentence", search_text(sentence)))
        pos += len(sentence) + 1
    text = SOURCE[start:end]
    meta = PassageMeta("doc.txt", start, end, tuple(spans), search=search_text(text))
    return TextNode(id_=node_id, text=text, metadata=meta.to_chroma())


@pytest.fixture
def catalog() -> Catalog:
    # "a" holds the first two sentences, "b" the last two: they share the middle one.
    return Catalog.build([_node("a", 0, 71), _node("b", 36, len(SOURCE))], {})


def _features(catalog: Catalog, question: str, hits: tuple[str, ...] = ("a", "b"), dense=None) -> list[dict]:
    query = parse(question, 1000)
    found = span_candidates(query, resolve_terms(query, catalog), [Hit(h, 1.0) for h in hits], catalog, {}, dense or {})
    return [{"quote": c.passage.quote(c.span), **dict(zip(SPAN_FEATURES, c.features, strict=True))} for c in found]


def _row(rows: list[dict], fragment: str) -> dict:
    return next(r for r in rows if fragment in r["quote"])


def test_a_typo_resolves_to_the_corrected_stem(catalog: Catalog) -> None:
    (term,) = resolve_terms(parse("gruus", 1000), catalog)
    assert term.known and term.stems == {"grus"}
    assert term.weight == pytest.approx(catalog.idf("grus"))


def test_a_word_the_corpus_never_uses_weighs_nothing(catalog: Catalog) -> None:
    (term,) = resolve_terms(parse("xylofon", 1000), catalog)
    assert not term.known and term.weight == 0.0


def test_a_number_the_corpus_does_not_have_is_not_corrected(catalog: Catalog) -> None:
    (term,) = resolve_terms(parse("2000", 1000), catalog)  # one edit from "200", and not the same number
    assert not term.known


@pytest.mark.parametrize("date", ["31/12-31", "30/11-30"])
def test_a_date_the_corpus_does_not_have_is_not_corrected_to_another(catalog: Catalog, date: str) -> None:
    terms = resolve_terms(parse(f"Hvilke forsøg stopper {date}?", 1000), catalog)
    (when,) = [t for t in terms if any(s.startswith("dato") for s in t.stems)]
    assert not when.known and not when.stems & set(catalog.df)


def test_coverage_is_weighted_by_idf() -> None:
    matcher = Matcher([Term(frozenset({"grus"}), 3.0, True), Term(frozenset({"forsog"}), 1.0, True)])
    assert matcher.coverage(matcher.found({"grus"})) == pytest.approx(0.75)
    assert matcher.coverage(matcher.found({"forsog"})) == pytest.approx(0.25)
    assert matcher.coverage(matcher.found({"grus", "forsog"})) == pytest.approx(1.0)


def test_a_rarer_question_word_counts_for_more(catalog: Catalog) -> None:
    terms = resolve_terms(parse("grus byen", 1000), catalog)  # grus: in both passages; byen: in one
    matcher = Matcher(terms)
    assert matcher.coverage(matcher.found({"byen"})) > 0.5 > matcher.coverage(matcher.found({"grus"}))


def test_missing_is_the_rarest_known_word_left_out() -> None:
    matcher = Matcher([Term(frozenset({"grus"}), 3.0, True), Term(frozenset({"forsog"}), 1.0, True)])
    assert matcher.missing(matcher.found({"forsog"})) == pytest.approx(1.0)
    assert matcher.missing(matcher.found({"grus"})) == pytest.approx(1 / 3)


def test_span_text_facts() -> None:
    assert SpanText.of("Trygheden måles blandt 200 borgere.").has_number
    assert not SpanText.of("Forsøget begyndte i 2028.").has_number  # a year is a date, not a count
    assert SpanText.of("Forsøget begyndte i 2028.").has_date
    assert SpanText.of("Det stoppede, fordi gruset skabte punkteringer.").has_reason
    assert SpanText.of("Spørgeskemaet sendes ud ½ år efter opstart.").has_date  # a time told from an event


def test_a_number_is_wanted_only_by_a_how_many_question(catalog: Catalog) -> None:
    counted = _row(_features(catalog, "Hvor mange borgere måles trygheden blandt?"), "200 borgere")
    told = _row(_features(catalog, "Hvad måles trygheden blandt?"), "200 borgere")
    assert counted["has_number"] == told["has_number"] == 1.0
    assert counted["number_wanted"] == 1.0 and told["number_wanted"] == 0.0


def test_a_date_is_wanted_by_a_when_question(catalog: Catalog) -> None:
    when = _features(catalog, "Hvornår stopper forsøget med grus?")
    assert _row(when, "31/12-30")["date_wanted"] == 1.0
    assert _row(when, "200 borgere")["date_wanted"] == 0.0  # no date in it
    assert _row(_features(catalog, "Hvor mange stopper?"), "31/12-30")["date_wanted"] == 0.0


def test_candidate_features_are_relative_to_the_best(catalog: Catalog) -> None:
    dense = {("doc.txt", 0, 35): 0.9, ("doc.txt", 36, 71): 0.5, ("doc.txt", 72, len(SOURCE)): 0.2}
    rows = _features(catalog, "Hvornår stopper forsøget med grus?", dense=dense)
    best = _row(rows, "31/12-30")
    assert best["dense_gap"] == 0.0
    assert _row(rows, "200 borgere")["dense_gap"] == pytest.approx(-0.4)
    assert max(r["cov_gap"] for r in rows) == 0.0 and min(r["cov_gap"] for r in rows) < 0.0


def test_a_span_quoted_by_two_overlapping_passages_is_one_candidate(catalog: Catalog) -> None:
    rows = _features(catalog, "Hvor mange borgere?")
    assert len(rows) == 3
    assert [r["quote"] for r in rows].count("Trygheden måles blandt 200 borgere.") == 1
    assert _row(rows, "200 borgere")["rank"] == 1.0  # kept in the higher-ranked passage


def test_question_features_without_candidates_say_unanswerable(catalog: Catalog) -> None:
    query = parse("xylofon", 1000)
    f = dict(zip(QUESTION_FEATURES, question_features(query, resolve_terms(query, catalog), []), strict=True))
    assert f["top"] == -10.0 and f["unknown"] == 1.0
    assert np.isfinite(list(f.values())).all()


def _question(catalog: Catalog, question: str) -> dict:
    query = parse(question, 1000)
    terms = resolve_terms(query, catalog)
    found = span_candidates(query, terms, [Hit("a", 1.0)], catalog, {}, {})
    return dict(zip(QUESTION_FEATURES, question_features(query, terms, found), strict=True))


def test_amounts_and_shares_are_told_apart_from_counts() -> None:
    assert SpanText.of("Lånet var på 50.000 kr. pr. borger.").has_money
    assert SpanText.of("Budgettet var 1,2 mio. kroner.").has_money
    assert not SpanText.of("Trygheden måles blandt 200 borgere.").has_money
    assert SpanText.of("Svarprocenten var 45 %.").has_percent
    assert not SpanText.of("Svarprocenten var høj.").has_percent
    assert SpanText.of("Borgeren arbejder 12 timer om ugen.").has_hours
    assert not SpanText.of("Opfølgning hvert 2½ år.").has_hours


def test_a_question_for_an_amount_the_passage_lacks_says_so(catalog: Catalog) -> None:
    # The passage counts citizens; it names no amount of money.
    assert _question(catalog, "Hvor mange kroner kostede forsøget med grus?")["unit_missing"] == 1.0
    assert _question(catalog, "Hvor mange borgere måles trygheden blandt?")["unit_missing"] == 0.0


def test_a_year_the_passage_never_names_says_so(catalog: Catalog) -> None:
    assert _question(catalog, "Hvad sker der med forsøget med grus i 2031?")["year_missing"] == 1.0
    assert _question(catalog, "Hvad sker der med forsøget med grus?")["year_missing"] == 0.0


def test_a_number_the_question_already_holds_is_not_a_new_one(catalog: Catalog) -> None:
    asked = _features(catalog, "Hvor mange borgere måles trygheden blandt?")
    assert _row(asked, "200 borgere")["new_number"] == 1.0
    repeated = _features(catalog, "Hvor mange af de 200 borgere måles trygheden blandt?")
    assert _row(repeated, "200 borgere")["new_number"] == 0.0  # it only repeats the question's number
    assert _row(_features(catalog, "Hvad måles trygheden blandt?"), "200 borgere")["new_number"] == 0.0  # not asked


def test_spans_are_also_compared_within_their_passage(catalog: Catalog) -> None:
    dense = {("doc.txt", 0, 35): 0.9, ("doc.txt", 36, 71): 0.5, ("doc.txt", 72, len(SOURCE)): 0.7}
    rows = _features(catalog, "Hvornår stopper forsøget med grus?", dense=dense)
    # "b" holds the last two sentences (the middle one counts in "a", the higher passage)
    assert _row(rows, "Stierne")["dense_in_passage"] == 0.0  # the best of its own passage
    assert _row(rows, "Stierne")["dense_gap"] == pytest.approx(-0.2)  # though not of the question
    assert _row(rows, "200 borgere")["dense_in_passage"] == pytest.approx(-0.4)
    assert _row(rows, "31/12-30")["dense_neighbour"] == pytest.approx(0.5)  # its one neighbour


def test_a_name_the_documents_never_use_marks_the_question(catalog: Catalog) -> None:
    assert _question(catalog, "Hvad mener Xylofonforeningen om forsøget med grus?")["unknown_name"] == 1.0
    assert _question(catalog, "Hvad mener borgerne om forsøget med grus?")["unknown_name"] == 0.0
    # a typo of a word the documents use is corrected, not an unknown name
    assert _question(catalog, "Hvad siger Stierne om Gruus?")["unknown_name"] == 0.0


def test_a_year_named_elsewhere_in_the_document_is_not_missing() -> None:
    """A season's figures under an article about that season: the best passage need not
    repeat the year the question names, its document does."""
    text = "Forsøget med grus stopper snart. Trygheden måles blandt 200 borgere. Rapporten er skrevet i 2030."
    first = text.index(" Trygheden") + len(" Trygheden måles blandt 200 borgere.")
    nodes = []
    for node_id, start, end in (("a", 0, first), ("b", first + 1, len(text))):
        part = text[start:end]
        span = Span(start, end, "sentence", search_text(part))
        meta = PassageMeta("rapport.txt", start, end, (span,), search=search_text(part))
        nodes.append(TextNode(id_=node_id, text=part, metadata=meta.to_chroma()))
    catalog = Catalog.build(nodes, {})
    assert "2030" not in catalog.passages["a"].node.text
    assert _question(catalog, "Hvad sker der med forsøget med grus i 2030?")["year_missing"] == 0.0
    assert _question(catalog, "Hvad sker der med forsøget med grus i 2031?")["year_missing"] == 1.0
