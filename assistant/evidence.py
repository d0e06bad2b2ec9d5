"""Scoring evidence in the retrieved passages: windows of one or two adjacent spans.

A window's score mixes how much of the question it covers (IDF-weighted content terms,
Danish compounds and inflections matched by prefix; the passage heading and document
title count for part), how much it says beyond the question (a bare restatement of the
question is no answer), how close its vector is to the question's, how high its passage
ranked, and whether it has what the question type needs (a date for "hvornår", a number
for "hvor mange", a reason for "hvorfor"). Two-span windows catch the common pattern of
a sentence naming the topic followed by the sentence that answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.catalog import Catalog, Passage
from assistant.config import AnswerSettings
from assistant.dates import MONTH_NAME, YEAR, find_dates
from assistant.gazetteer import MUNICIPALITY_NOUNS, names_municipality
from assistant.query import Query
from assistant.retrieve import Hit
from assistant.store import Span
from assistant.textnorm import search_text, terms

PREFIX_MATCH = 0.8  # 'mikrolån' in 'mikrolånene', 'psykologbehand' in 'psykologbehandling'
TAIL_MATCH = 0.6  # 'tilskud' at the end of 'løntilskud'
ITEM_SHARE = 0.9  # a term found only in the row/item title (the subject of its sentences)
CONTEXT_SHARE = 0.6  # ... only in the heading the passage sits under
TITLE_SHARE = 0.4  # ... and only in the document title
UNKNOWN_ENGLISH = 0.5  # weight factor of English words the glossary cannot translate
NEW_TERMS = 3  # a window with this many terms the question lacks counts as informative
SECOND_SPAN = 0.04  # cost of a second span: it must earn its place

# Words that say what kind of answer is wanted rather than what it is about.
FRAME_WORDS = frozenset(
    [
        "dateret",
        "dato",
        "datoen",
        "tidspunkt",
        "dateres",
        "antal",
        "antallet",
        "procent",
        "date",
        "dated",
        "number",
        "percentage",
        "år",
        "året",
        "year",
    ]
)
_CAUSAL = re.compile(
    r"\b(fordi|da|derfor|grundet|skyldes|årsagen|idet|baggrund|eftersom|henblik|hvorfor)\b", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
_COUNT = re.compile(r"(\d+)\s+(?:[a-zæøå]+\s+)?([a-zæøå]{3,})", re.IGNORECASE)  # "14 borgere", "17 aktive forsøg"


@dataclass
class Weighted:
    stems: frozenset[str]
    weight: float
    known: bool = True  # False: no document uses the word (a paraphrase, or off-topic)


@dataclass
class Scored:
    """A window of adjacent spans of one retrieved passage, with its scores."""

    passage: Passage
    indexes: tuple[int, ...]
    coverage: float
    dense: float
    score: float = 0.0

    @property
    def spans(self) -> list[Span]:
        return [self.passage.spans[i] for i in self.indexes]

    @property
    def factual(self) -> list[Span]:
        """The spans worth citing as statements (not bare headings)."""
        return [s for s in self.spans if s.kind != "heading"]


def term_weights(query: Query, catalog: Catalog) -> list[Weighted]:
    """The question's content terms, each weighted by its rarity in the corpus."""
    top = max((catalog.idf(s) for s in catalog.df), default=1.0)
    out: list[Weighted] = []
    for group in query.groups:
        if group.word in FRAME_WORDS and query.kind in ("date", "number"):
            continue
        parts = catalog.compound_parts(group.word)
        alternatives = [frozenset(group.stems)] if not parts else [frozenset({p}) for p in parts]
        for stems in alternatives:
            known = [catalog.idf(s) for s in stems if s in catalog.df]
            if known:
                # a word and its synonyms are as rare as the commonest of them
                out.append(Weighted(stems, min(known)))
            else:
                out.append(
                    Weighted(stems, top * (UNKNOWN_ENGLISH if query.english else 1.0), known=catalog.knows(stems))
                )
    return out


def match(stems: frozenset[str], terms: set[str]) -> float:
    """1 for a shared stem, less for a prefix or compound-tail relation, else 0."""
    if stems & terms:
        return 1.0
    best = 0.0
    for q in stems:
        if len(q) < 5:
            continue
        for t in terms:
            if len(t) >= 5 and (t.startswith(q) or q.startswith(t)):
                return PREFIX_MATCH
            if len(q) >= 6 and t.endswith(q):
                best = TAIL_MATCH
    return best


def coverage(weights: list[Weighted], terms: set[str]) -> float:
    """IDF-weighted share of the question found in ``terms``."""
    total = sum(w.weight for w in weights)
    return sum(w.weight * match(w.stems, terms) for w in weights) / total if total else 0.0


def score_windows(
    query: Query,
    hits: list[Hit],
    catalog: Catalog,
    weights: list[Weighted],
    vector: np.ndarray,
    span_vectors: dict[str, np.ndarray],
    settings: AnswerSettings,
) -> list[Scored]:
    """Every window of one or two adjacent spans of every hit, scored; best first.
    ``settings.dense_floor/dense_ceiling`` map the encoder's cosine similarities to 0..1:
    the credit that words no document uses get for a window close in meaning."""
    if not hits:
        return []
    is_question_term: dict[str, bool] = {}  # per question: does a term restate the question?
    out: list[Scored] = []
    for rank, hit in enumerate(hits):
        passage = catalog.passages[hit.passage_id]
        prior = 1.0 / (1.0 + rank / 2)  # the fused ranking, as a prior on the passage
        spans = _SpanFacts.of(query, passage, weights, vector, span_vectors, is_question_term)
        context = [
            max(ITEM_SHARE * match(w.stems, passage.item_terms), CONTEXT_SHARE * match(w.stems, passage.context_terms),
                TITLE_SHARE * match(w.stems, passage.title_terms))
            for w in weights
        ]  # fmt: skip
        for i in range(len(spans)):
            for indexes in ((i,), (i, i + 1)):
                if indexes[-1] >= len(spans):
                    continue
                window = _window(passage, indexes, spans, context, weights, settings)
                if window is None:
                    continue
                new_terms = len(set().union(*(spans[j].new_terms for j in indexes)))
                window.score = (
                    settings.w_passage * prior
                    + settings.w_novelty * min(1.0, new_terms / NEW_TERMS)
                    + settings.w_kind * max(spans[j].kind for j in indexes)
                    - SECOND_SPAN * (len(indexes) - 1)
                )
                out.append(window)
    if not out:
        return []
    values = np.array([w.dense for w in out])
    lo, hi = float(values.min()), float(values.max())
    for w in out:
        w.score += settings.w_coverage * w.coverage + settings.w_dense * (w.dense - lo) / (hi - lo + 1e-9)
    return sorted(out, key=lambda w: w.score, reverse=True)


@dataclass
class _SpanFacts:
    """What scoring needs of one span, computed once per question."""

    matches: list[float]  # how well each question term matches the span
    dense: float
    kind: float
    new_terms: set[str]

    @classmethod
    def of(
        cls,
        query: Query,
        passage: Passage,
        weights: list[Weighted],
        vector: np.ndarray,
        span_vectors: dict[str, np.ndarray],
        is_question_term: dict[str, bool],
    ) -> list[_SpanFacts]:
        names_wanted = bool(query.head & MUNICIPALITY_NOUNS)
        out = []
        for i, span in enumerate(passage.spans):
            terms = passage.span_terms[i]
            names = names_wanted and names_municipality(span.search.split())
            vec = span_vectors.get(passage.span_id(i))
            out.append(
                cls(
                    # municipality names answer "hvilke kommuner …" as if the word were there
                    matches=[1.0 if names and w.stems & query.head else match(w.stems, terms) for w in weights],
                    dense=float(vec @ vector) if vec is not None else 0.0,
                    kind=_kind_bonus(query, passage.quote(span), span),
                    new_terms={t for t in terms if not _is_question_term(t, weights, is_question_term)},
                )
            )
        return out


def _window(
    passage: Passage,
    indexes: tuple[int, ...],
    spans: list[_SpanFacts],
    context: list[float],
    weights: list[Weighted],
    settings: AnswerSettings,
) -> Scored | None:
    """The window's coverage and closeness; None for a window of headings only."""
    if all(passage.spans[j].kind == "heading" for j in indexes):
        return None
    closeness = max(spans[j].dense for j in indexes)
    credit = min(1.0, max(0.0, (closeness - settings.dense_floor) / (settings.dense_ceiling - settings.dense_floor)))
    total = sum(w.weight for w in weights)
    got = 0.0
    for k, w in enumerate(weights):
        found = max(context[k], *(spans[j].matches[k] for j in indexes))
        got += w.weight * (found if w.known else max(found, credit))
    return Scored(passage, indexes, got / total if total else 0.0, closeness)


def _is_question_term(term: str, weights: list[Weighted], cache: dict[str, bool]) -> bool:
    if term not in cache:
        cache[term] = any(match(w.stems, {term}) for w in weights)
    return cache[term]


def _kind_bonus(query: Query, text: str, span: Span) -> float:
    """Does the span have what the question asks for (a date, a count, a reason, names)?"""
    bonus = 0.0
    if query.head & MUNICIPALITY_NOUNS and names_municipality(span.search.split()):
        bonus = 1.0  # "Hvilke kommuner …" answered by "Frederikshavn og Læsø"
    if query.kind == "number":
        counts = _COUNT.findall(YEAR.sub("", text))
        if query.head and any(match(query.head, set(stems(noun))) for _, noun in counts):
            return 1.0  # "14 borgere" for "hvor mange borgere"
        return max(bonus, 0.6 if counts or _DIGIT.search(YEAR.sub("", text)) else 0.0)
    if query.kind == "date":
        if find_dates(text):
            return 1.0
        return max(bonus, 0.6 if YEAR.search(text) or MONTH_NAME.search(text) else 0.0)
    if query.kind == "why":
        return max(bonus, 0.6 if _CAUSAL.search(text) else 0.0)
    return bonus


def stems(word: str) -> list[str]:
    return terms(search_text(word))
