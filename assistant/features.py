"""General signals about candidate answers, for the fitted answerer (assistant/model.py).

A candidate is one citable span (a sentence, a table cell, a list item, a row title) of a
retrieved passage. Its signals say nothing about this corpus: closeness in meaning to the
question (the spans are embedded at ingest), IDF-weighted lexical overlap that tolerates
æ/ø/å spellings, typos and compounds, whether the span has what the question type asks
for (a number, a date, a name, a reason), where it sits in its passage, and how high its
passage ranked. The weights that combine them are fitted on data (``python -m evals fit``).

A question's own signals (how much of it the corpus knows at all, how well the best
candidate fits) decide whether it is answered; lists (the items under one heading, the
rows of one table) have theirs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.catalog import Catalog, Passage
from assistant.query import Query
from assistant.retrieve import Hit
from core.dates import MONTH_NAME, RELATIVE_TIME, YEAR, find_dates
from core.index_schema import Span
from core.textnorm import words

MIN_PREFIX = 5  # a shared prefix this long relates two terms ('mikrolån' ~ 'mikrolånsforsøget')
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A capitalised word that does not start a sentence: a name, a place, an organisation.
_NAME = re.compile(r"(?<=[\w,;)] )[A-ZÆØÅ][\w-]{2,}")
_MONEY = re.compile(
    r"\d[\d.,]*\s*(?:kr\b|kr\.|kroner|mio\b|mio\.|mia\b|mia\.|million\w*|milliard\w*|dkk)|\b(?:kr\.?|dkk)\s*\d",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\d\s*(?:%|procent|pct\b|percent)", re.IGNORECASE)
_HOURS = re.compile(r"\d\s*(?:timer\b|time\b|t\.|hours?\b)", re.IGNORECASE)
_CAUSAL = re.compile(
    r"\b(fordi|da|derfor|grundet|skyldes|årsag\w*|idet|baggrund|eftersom|henblik|since|because|due)\b", re.IGNORECASE
)

SPAN_FEATURES = (
    "dense", "dense_gap", "passage_dense", "passage_dense_gap", "rank", "cov", "cov_prefix", "cov_context",
    "cov_neighbours", "missing", "novelty", "length", "position", "first", "item", "title",
    "cov_gap", "cov_context_gap", "dense_over_passage",
    "has_number", "has_date", "has_name", "number_wanted", "date_wanted", "name_wanted", "reason_wanted",
    "list_wanted", "english_dense", "english_cov",
    "dense_in_passage", "cov_in_passage", "dense_neighbour", "new_number", "new_name",
)  # fmt: skip
QUESTION_FEATURES = (
    "top", "margin", "dense", "passage_dense", "cov_context", "missing", "unknown", "terms", "type_ok",
    "unknown_danish", "unit_missing", "year_missing", "unknown_name",
)  # fmt: skip
LIST_FEATURES = ("heading_dense", "heading_cov", "head_match", "best_item", "rank", "items", "table", "sentence_top")


@dataclass(frozen=True)
class Term:
    """A content word of the question, resolved against the index vocabulary."""

    stems: frozenset[str]
    weight: float  # IDF of its commonest known form; 0 for a word the corpus never uses
    known: bool
    rarity: float = 0.0  # IDF, also for an unknown word (as rare as a word can be)
    name: bool = False  # written as a name in the question (capitalised inside the sentence)


@dataclass(frozen=True)
class Evidence:
    """What retrieval found for one question, as the answerer reads it."""

    query: Query
    terms: list[Term]
    hits: list[Hit]
    passage_dense: dict[str, float]  # cosine of each retrieved passage to the question
    span_dense: dict[tuple[str, int, int], float]  # ... of each of their spans, by (source, start, end)


@dataclass
class Candidate:
    passage: Passage
    index: int  # the span's position in its passage
    rank: int  # the passage's position in the fused ranking
    features: np.ndarray
    score: float = 0.0  # the fitted ranker's score (higher: more likely holds the answer)

    @property
    def span(self) -> Span:
        return self.passage.spans[self.index]

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.passage.meta.source, self.span.start, self.span.end)


def resolve_terms(query: Query, catalog: Catalog) -> list[Term]:
    """Each question word with its known forms: synonyms from the lexicon, else the
    closest index term (a typo), else the parts of a compound; unknown words weigh 0."""
    out = []
    named = {w for n in _NAME.findall(" " + query.text) for w in words(n)}
    for group in query.groups:
        name = group.word in named
        known = {s for s in group.stems if s in catalog.df}
        if not known:
            known = {c for s in group.stems if (c := catalog.correct(s))}
        if not known:
            parts = catalog.compound_parts(group.word)
            if parts:
                out.extend(
                    Term(frozenset({p}), catalog.idf(p), True, catalog.idf(p), name) for p in parts if p in catalog.df
                )
                continue
        if known:
            weight = min(catalog.idf(s) for s in known)
            out.append(Term(frozenset(known), weight, True, weight, name))
        else:
            out.append(Term(frozenset(group.stems), 0.0, False, catalog.idf(""), name))
    return out


def match(stems: frozenset[str], terms: set[str], prefix: bool) -> bool:
    """Does a question word (its forms ``stems``) occur in ``terms``? With ``prefix``, a
    shared prefix of ``MIN_PREFIX`` letters counts: compounds and inflections."""
    if stems & terms:
        return True
    if not prefix:
        return False
    return any(
        len(q) >= MIN_PREFIX and len(t) >= MIN_PREFIX and (t.startswith(q) or q.startswith(t))
        for q in stems
        for t in terms
    )


class Matcher:
    """The question's words matched against sets of index terms, each term looked at once
    per question (a question meets a few hundred distinct terms in its candidates)."""

    def __init__(self, query_terms: list[Term]) -> None:
        self.query_terms = query_terms
        self.weights = [t.weight for t in query_terms]
        self.total = sum(self.weights)
        self.top = max(self.weights, default=0.0)
        self._seen: dict[str, tuple[frozenset[int], frozenset[int]]] = {}

    def _hits(self, term: str) -> tuple[frozenset[int], frozenset[int]]:
        got = self._seen.get(term)
        if got is None:
            one = {term}
            exact = frozenset(i for i, q in enumerate(self.query_terms) if term in q.stems)
            loose = frozenset(i for i, q in enumerate(self.query_terms) if match(q.stems, one, True))
            got = self._seen[term] = (exact, loose)
        return got

    def found(self, terms: set[str], prefix: bool = True) -> set[int]:
        out: set[int] = set()
        for t in terms:
            out |= self._hits(t)[1 if prefix else 0]
        return out

    def coverage(self, found: set[int]) -> float:
        """IDF-weighted share of the question's known words among ``found``."""
        return sum(self.weights[i] for i in found) / self.total if self.total else 0.0

    def missing(self, found: set[int]) -> float:
        """The weight of the rarest known question word not ``found`` (0..1)."""
        lost = [t.weight for i, t in enumerate(self.query_terms) if t.known and i not in found]
        return max(lost, default=0.0) / self.top if self.top else 0.0

    def related(self, term: str) -> bool:
        return bool(self._hits(term)[1])


def coverage(query_terms: list[Term], terms: set[str], prefix: bool = True) -> float:
    """IDF-weighted share of the question's known words found in ``terms``."""
    m = Matcher(query_terms)
    return m.coverage(m.found(terms, prefix))


@dataclass(frozen=True)
class SpanText:
    has_number: bool
    has_date: bool
    has_name: bool
    has_reason: bool
    has_money: bool = False
    has_percent: bool = False
    has_hours: bool = False

    @classmethod
    @lru_cache(maxsize=65_536)  # the same spans come back question after question
    def of(cls, text: str) -> SpanText:
        undated = YEAR.sub("", text)
        return cls(
            has_number=bool(_DIGIT.search(undated)),
            has_date=bool(
                find_dates(text) or YEAR.search(text) or MONTH_NAME.search(text) or RELATIVE_TIME.search(text)
            ),
            has_name=bool(_NAME.search(text)),
            has_reason=bool(_CAUSAL.search(text)),
            has_money=bool(_MONEY.search(text)),
            has_percent=bool(_PERCENT.search(text)),
            has_hours=bool(_HOURS.search(text)),
        )


def span_candidates(
    query: Query,
    query_terms: list[Term],
    hits: list[Hit],
    catalog: Catalog,
    passage_dense: dict[str, float],
    span_dense: dict[tuple[str, int, int], float],
) -> list[Candidate]:
    """Every citable span of every retrieved passage, with its signals (no score yet).
    A span quoted by two overlapping passages is a candidate once, in the higher one."""
    m = Matcher(query_terms)
    seen: set[tuple[str, int, int]] = set()
    rows: list[tuple[Passage, int, int, list[float]]] = []
    wanted = {k: float(query.kind == k) for k in ("number", "date", "who", "why", "list")}
    asked_numbers, asked_names = _numbers(query.text), _names(" " + query.text)
    for rank, hit in enumerate(hits):
        passage = catalog.passages[hit.passage_id]
        context = passage.context_terms | passage.item_terms | passage.title_terms
        n = len(passage.spans)
        for i, span in enumerate(passage.spans):
            key = (passage.meta.source, span.start, span.end)
            if span.kind == "heading" or key in seen:
                continue
            seen.add(key)
            own = passage.span_terms[i]
            exact, loose = m.found(own, prefix=False), m.found(own)
            with_context = loose | m.found(context)
            neighbours = (
                with_context
                | m.found(passage.span_terms[i - 1] if i else set())
                | m.found(passage.span_terms[i + 1] if i + 1 < n else set())
            )
            text = passage.quote(span)
            facts = SpanText.of(text)
            related = sum(1 for t in own if m.related(t))
            rows.append(
                (
                    passage,
                    i,
                    rank,
                    [
                        span_dense.get(key, 0.0),
                        0.0,  # dense_gap, below
                        passage_dense.get(passage.id, 0.0),
                        0.0,  # passage_dense_gap, below
                        1.0 / (1.0 + rank),
                        m.coverage(exact),
                        m.coverage(loose),
                        m.coverage(with_context),
                        m.coverage(neighbours),
                        m.missing(with_context),
                        1.0 - related / len(own) if own else 0.0,
                        math.log1p(len(text)) / 6.0,
                        i / (n - 1) if n > 1 else 0.0,
                        float(i == 0),
                        float(span.kind == "item"),
                        float(span.kind == "title"),
                        0.0,  # cov_gap, below
                        0.0,  # cov_context_gap, below
                        0.0,  # dense_over_passage, below
                        float(facts.has_number),
                        float(facts.has_date),
                        float(facts.has_name),
                        wanted["number"] * facts.has_number,
                        wanted["date"] * facts.has_date,
                        wanted["who"] * facts.has_name,
                        wanted["why"] * facts.has_reason,
                        wanted["list"] * (span.kind in ("item", "title")),
                        0.0,  # english_dense, below
                        0.0,  # english_cov, below
                        0.0,  # dense_in_passage, below
                        0.0,  # cov_in_passage, below
                        max(  # dense_neighbour: the closer of the spans before and after it
                            (
                                span_dense.get((passage.meta.source, s.start, s.end), 0.0)
                                for s in passage.spans[max(0, i - 1) : i] + passage.spans[i + 1 : i + 2]
                            ),
                            default=span_dense.get(key, 0.0),
                        ),
                        (wanted["number"] or wanted["date"]) * bool(_numbers(text) - asked_numbers),
                        wanted["who"] * bool(_names(text) - asked_names),
                    ],
                )
            )
    if not rows:
        return []
    matrix = np.array([r[3] for r in rows], dtype=np.float64)
    # Relative forms: how a span compares with the best candidate of this question.
    col = {name: i for i, name in enumerate(SPAN_FEATURES)}
    matrix[:, col["dense_gap"]] = matrix[:, col["dense"]] - matrix[:, col["dense"]].max()
    matrix[:, col["passage_dense_gap"]] = matrix[:, col["passage_dense"]] - matrix[:, col["passage_dense"]].max()
    matrix[:, col["cov_gap"]] = matrix[:, col["cov_prefix"]] - matrix[:, col["cov_prefix"]].max()
    matrix[:, col["cov_context_gap"]] = matrix[:, col["cov_context"]] - matrix[:, col["cov_context"]].max()
    matrix[:, col["dense_over_passage"]] = matrix[:, col["dense"]] - matrix[:, col["passage_dense"]]
    # An English question shares few words with Danish documents: closeness in meaning
    # must count for more there, word overlap for less.
    matrix[:, col["english_dense"]] = float(query.english) * matrix[:, col["dense_gap"]]
    matrix[:, col["english_cov"]] = float(query.english) * matrix[:, col["cov_context"]]
    # Within its passage: how a span compares with the passage's best (which sentence of
    # the right passage holds the answer).
    by_passage: dict[str, list[int]] = {}
    for k, (p, _, _, _) in enumerate(rows):
        by_passage.setdefault(p.id, []).append(k)
    for ks in by_passage.values():
        for name, base in (("dense_in_passage", "dense"), ("cov_in_passage", "cov_prefix")):
            matrix[ks, col[name]] = matrix[ks, col[base]] - matrix[ks, col[base]].max()
    return [Candidate(p, i, rank, matrix[k]) for k, (p, i, rank, _) in enumerate(rows)]


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(text))


def _names(text: str) -> set[str]:
    """The capitalised words inside sentences (names), case-folded."""
    return {n.casefold() for n in _NAME.findall(text)}


def question_features(query: Query, query_terms: list[Term], ranked: list[Candidate]) -> np.ndarray:
    """Signals of how answerable the question is, from the best-scored candidates."""
    total = sum(t.rarity for t in query_terms)
    unknown = sum(t.rarity for t in query_terms if not t.known) / total if total else 1.0
    # A name the documents never use (a person, a place, an organisation): the question is
    # about something they do not cover. Not in an English question, which writes its own
    # nouns with capitals ("Municipality").
    unknown_name = float(not query.english and any(t.name and not t.known for t in query_terms))
    if not ranked:
        danish = 0.0 if query.english else unknown
        units = float(bool(query.units))
        years = float(bool(query.years))
        return np.array(
            [
                *(-10.0, 0.0, 0.0, 0.0, 0.0, 1.0, unknown, math.log1p(len(query_terms)), 0.0, danish, units, years),
                unknown_name,
            ]
        )
    best = ranked[0]
    f = dict(zip(SPAN_FEATURES, best.features, strict=True))
    margin = best.score - ranked[1].score if len(ranked) > 1 else 5.0
    type_ok = {
        "number": f["new_number"],  # a number the question does not already hold
        "date": f["has_date"],
        "who": f["has_name"],
        "why": f["reason_wanted"],
    }.get(query.kind, 1.0)
    return np.array(
        [
            best.score,
            min(margin, 5.0),
            f["dense"],
            f["passage_dense"],
            f["cov_context"],
            f["missing"],
            unknown,
            math.log1p(len(query_terms)),
            type_ok,
            # words the corpus never uses say more in a Danish question than in an English
            # one, whose words a Danish corpus lacks anyway
            0.0 if query.english else unknown,
            *_absent(query, best.passage),
            unknown_name,
        ]
    )


def _absent(query: Query, passage: Passage) -> tuple[float, float]:
    """What the question pins down that the best passage lacks: a unit its answer must
    carry (an amount in kroner, a percentage), and the share of the years it names that
    the best passage's document never mentions (the passage itself often does not: a
    season's statistics under an article about that season)."""
    text = passage.node.text
    facts = SpanText.of(text)
    has = {"money": facts.has_money, "percent": facts.has_percent, "hours": facts.has_hours}
    unit_missing = float(any(not has[u] for u in query.units))
    if not query.years:
        return unit_missing, 0.0
    return unit_missing, sum(y not in passage.document_years for y in query.years) / len(query.years)
