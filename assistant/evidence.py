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
from assistant.dates import find_dates
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
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_MONTH = re.compile(r"\b(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)\b", re.I)

W_COVERAGE, W_DENSE, W_PASSAGE, W_NOVELTY, W_KIND = 0.45, 0.25, 0.15, 0.15, 0.3


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


def coverage(weights: list[Weighted], terms: set[str], passage: Passage | None = None, credit: float = 0.0) -> float:
    """IDF-weighted share of the question found in ``terms``; the passage's item title,
    heading and document title count for part. A word no document uses can only be
    matched in meaning: it gets ``credit`` (how close the window is to the question)."""
    total = sum(w.weight for w in weights)
    if not total:
        return 0.0
    shares = [(1.0, terms)]
    if passage is not None:
        shares += [
            (ITEM_SHARE, passage.item_terms),
            (CONTEXT_SHARE, passage.context_terms),
            (TITLE_SHARE, passage.title_terms),
        ]
    got = 0.0
    for w in weights:
        found = max(share * match(w.stems, found) for share, found in shares)
        got += w.weight * (found if w.known else max(found, credit))
    return got / total


def novelty(weights: list[Weighted], terms: set[str]) -> float:
    """How much a window says beyond the question itself (0 for a bare restatement)."""
    new = [t for t in terms if not any(match(w.stems, {t}) for w in weights)]
    return min(1.0, len(new) / NEW_TERMS)


def score_windows(
    query: Query,
    hits: list[Hit],
    catalog: Catalog,
    weights: list[Weighted],
    vector: np.ndarray,
    span_vectors: dict[str, np.ndarray],
    dense_range: tuple[float, float],
) -> list[Scored]:
    """Every window of one or two adjacent spans of every hit, scored; best first.
    ``dense_range`` maps the encoder's cosine similarities to 0..1 (the credit that
    words no document uses get for a window that is close in meaning)."""
    floor, ceiling = dense_range
    if not hits:
        return []
    names_wanted = bool(query.head & MUNICIPALITY_NOUNS)
    out: list[Scored] = []
    for rank, hit in enumerate(hits):
        passage = catalog.passages[hit.passage_id]
        prior = 1.0 / (1.0 + rank / 2)  # the fused ranking, as a prior on the passage
        dense = []
        for i in range(len(passage.spans)):
            vec = span_vectors.get(passage.span_id(i))
            dense.append(float(vec @ vector) if vec is not None else 0.0)
        kinds = [_kind_bonus(query, passage.quote(s), s) for s in passage.spans]
        for i in range(len(passage.spans)):
            for indexes in ((i,), (i, i + 1)):
                if indexes[-1] >= len(passage.spans):
                    continue
                terms = set().union(*(passage.span_terms[j] for j in indexes))
                if names_wanted and any(names_municipality(passage.spans[j].search.split()) for j in indexes):
                    terms |= query.head  # municipality names answer "hvilke kommuner"
                closeness = max(dense[j] for j in indexes)
                credit = min(1.0, max(0.0, (closeness - floor) / (ceiling - floor)))
                window = Scored(passage, indexes, coverage(weights, terms, passage, credit), closeness)
                if not window.factual:
                    continue
                window.score = (
                    W_PASSAGE * prior
                    + W_NOVELTY * novelty(weights, terms)
                    + W_KIND * max(kinds[j] for j in indexes)
                    - SECOND_SPAN * (len(indexes) - 1)
                )
                out.append(window)
    if not out:
        return []
    values = np.array([w.dense for w in out])
    lo, hi = float(values.min()), float(values.max())
    for w in out:
        w.score += W_COVERAGE * w.coverage + W_DENSE * (w.dense - lo) / (hi - lo + 1e-9)
    return sorted(out, key=lambda w: w.score, reverse=True)


def _kind_bonus(query: Query, text: str, span: Span) -> float:
    """Does the span have what the question asks for (a date, a count, a reason, names)?"""
    bonus = 0.0
    if query.head & MUNICIPALITY_NOUNS and names_municipality(span.search.split()):
        bonus = 1.0  # "Hvilke kommuner …" answered by "Frederikshavn og Læsø"
    if query.kind == "number":
        counts = _COUNT.findall(_YEAR.sub("", text))
        if query.head and any(match(query.head, set(stems(noun))) for _, noun in counts):
            return 1.0  # "14 borgere" for "hvor mange borgere"
        return max(bonus, 0.6 if counts or _DIGIT.search(_YEAR.sub("", text)) else 0.0)
    if query.kind == "date":
        if find_dates(text):
            return 1.0
        return max(bonus, 0.6 if _YEAR.search(text) or _MONTH.search(text) else 0.0)
    if query.kind == "why":
        return max(bonus, 0.6 if _CAUSAL.search(text) else 0.0)
    return bonus


def stems(word: str) -> list[str]:
    return terms(search_text(word))
