"""Extractive answers: verbatim sentences, table rows and list items with [n] markers.

No language model writes anything: every statement in an answer is a span of a source
document, numbered and cited. The fitted model (assistant/model.py) scores each
candidate span, decides whether the documents answer the question at all, and whether a
list is the answer. Three shapes:

* a list, for list questions whose best evidence is a list (the rows of one table, the
  items under one slide heading, a bulleted run after a lead-in): every item;
* sentences: the span that holds the answer first, then spans of the same passage (the
  same table row, slide or section) that the model rates nearly as well; never a span of
  a neighbouring row or trial. When the answer is as likely wrong as right (calibrated
  on the ranker's probability of its best span and on P(answerable):
  ``AnswerModel.uncertain``), it is flagged as uncertain and the best spans of the next
  passages come with it, apart, as other places to look;
* a refusal, when the model does not believe the documents answer: for a near miss
  (P(answerable) at least the fitted ``near_miss``) the nearest passages are cited as
  possibly relevant; below it (an off-topic question) the refusal cites nothing.

Every cited part is written in its reading form (core/reading.py: hyphens joined, a
scan's damaged words repaired), while each citation keeps the verbatim quote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from assistant.catalog import Catalog, Passage
from assistant.features import LIST_FEATURES, Candidate, Evidence, coverage, match, question_features
from assistant.model import AnswerModel, sigmoid, top_probability
from assistant.schema import Citation, Repair
from core.config import AnswerSettings
from core.index_schema import Span
from core.textnorm import display, ends_sentence, fold, search_text, terms

NOT_FOUND = "Det kan jeg ikke finde et svar på i dokumenterne."
MAYBE = "Disse steder ligner mest, men besvarer ikke spørgsmålet:"


@dataclass
class Draft:
    """The spans an answer being written cites, numbered in order of first citation."""

    catalog: Catalog
    cited: list[tuple[Passage, Span, float]] = field(default_factory=list)

    def cite(self, passage: Passage, span: Span, score: float) -> int:
        for n, (p, s, _) in enumerate(self.cited, 1):
            if p.meta.source == passage.meta.source and (s.start, s.end) == (span.start, span.end):
                return n
        self.cited.append((passage, span, score))
        return len(self.cited)

    def read(self, passage: Passage, span: Span) -> str:
        """The cited text as the answer states it."""
        return self.catalog.reading(passage, span).text

    def citations(self) -> list[Citation]:
        readings = [self.catalog.reading(p, s) for p, s, _ in self.cited]
        return [
            Citation(
                n=n,
                source=p.meta.source,
                title=p.meta.title,
                locator=p.locator_at(s.start),
                quote=p.quote(s),
                start=s.start,
                end=s.end,
                score=round(score, 4),
                date=p.meta.date,
                reading=r.text,
                repairs=[Repair(start=a, end=b, scan=scan) for a, b, scan in r.repairs],
            )
            for n, ((p, s, score), r) in enumerate(zip(self.cited, readings, strict=True), 1)
        ]


@dataclass
class ListCandidate:
    passage: Passage
    heading: Span | None
    items: list[tuple[Passage, Span]]
    features: np.ndarray
    probability: float = 0.0


@dataclass
class Decision:
    """What the answerer concluded, with the probabilities behind it."""

    text: str
    answered: bool
    citations: list[Citation]
    answerable: float  # P(the documents answer the question)
    ranked: list[Candidate]
    best_list: ListCandidate | None = None
    # a sentence answer more likely wrong than right (``AnswerModel.uncertain``) is
    # flagged, with the best spans of other passages as places that may hold the answer
    uncertain: bool = False
    also: list[Citation] = field(default_factory=list)
    # flagged though the ranker alone is sure enough of its span: the doubt is whether the
    # documents speak of what the question asks at all (a low P(answerable))
    maybe_not_covered: bool = False


class Answerer:
    def __init__(self, catalog: Catalog, settings: AnswerSettings, model: AnswerModel) -> None:
        self.catalog = catalog
        self.settings = settings
        self.model = model

    def rank(self, candidates: list[Candidate]) -> list[Candidate]:
        """The candidates scored by the span model, best first."""
        if candidates:
            scores = self.model.span.logit(np.stack([c.features for c in candidates]))
            for c, s in zip(candidates, scores, strict=True):
                c.score = float(s)
        return sorted(candidates, key=lambda c: c.score, reverse=True)

    def answer(self, evidence: Evidence, candidates: list[Candidate]) -> Decision:
        query = evidence.query
        ranked = self.rank(candidates)
        if not any(c.isalpha() for c in query.text):
            # "1=1", "??? 42 !!": not a word, only numbers and signs; whatever a number
            # happens to match is no answer to it
            return Decision(*self._refuse([], 0.0), 0.0, ranked)
        answerable = float(sigmoid(self.model.answerable.logit(question_features(query, evidence.terms, ranked))))
        best_list = None
        if query.kind == "list" and ranked:
            lists = self.list_candidates(evidence, ranked)
            best_list = max(lists, key=lambda c: c.probability, default=None)
        if answerable < self.model.thresholds.answer or not ranked:
            return Decision(*self._refuse(ranked, answerable), answerable, ranked, best_list)
        if best_list is not None and best_list.probability >= self.model.thresholds.list:
            return Decision(*self._list(best_list), answerable, ranked, best_list)
        text, answered, citations = self._sentences(ranked, query.kind == "list")
        top = top_probability(np.array([c.score for c in ranked]))
        uncertain = self.model.uncertain(top, answerable)
        also = self._also(ranked, citations) if uncertain else []
        not_covered = uncertain and top >= self.model.thresholds.sure
        return Decision(text, answered, citations, answerable, ranked, best_list, uncertain, also, not_covered)

    # -- lists -----------------------------------------------------------------------
    def list_candidates(self, evidence: Evidence, ranked: list[Candidate]) -> list[ListCandidate]:
        """Every list a retrieved passage holds or belongs to, with its signals and P(list)."""
        query, passage_dense, span_dense = evidence.query, evidence.passage_dense, evidence.span_dense
        span_score = {c.key: c.score for c in ranked}
        floor = ranked[-1].score
        out: list[ListCandidate] = []
        seen: set[tuple[str, tuple[int, int]]] = set()
        for rank, hit in enumerate(evidence.hits):
            passage = self.catalog.passages[hit.passage_id]
            for heading, items in self._lists_of(passage):
                key = (passage.meta.source, (items[0][1].start, items[-1][1].end))
                if len(items) < 2 or key in seen:
                    continue
                seen.add(key)
                heading_text = passage.quote(heading) if heading else passage.meta.context
                head_terms = set(terms(search_text(heading_text), self.catalog.language)) | passage.context_terms
                scores = [span_score.get((p.meta.source, s.start, s.end), floor) for p, s in items]
                own = passage_dense.get(passage.id, 0.0)
                features = np.array(
                    [
                        span_dense.get((passage.meta.source, heading.start, heading.end), own) if heading else own,
                        coverage(evidence.terms, head_terms),
                        float(match(query.head, head_terms | passage.title_terms, True)) if query.head else 0.5,
                        max(scores),
                        1.0 / (1.0 + rank),
                        math.log(len(items)),
                        float(heading is None or heading.kind != "heading"),
                        ranked[0].score,
                    ]
                )
                assert len(features) == len(LIST_FEATURES)
                out.append(ListCandidate(passage, heading, items, features))
        if out:
            probs = sigmoid(self.model.list.logit(np.stack([c.features for c in out])))
            for c, p in zip(out, np.atleast_1d(probs), strict=True):
                c.probability = float(p)
        return out

    def _lists_of(self, passage: Passage) -> list[tuple[Span | None, list[tuple[Passage, Span]]]]:
        """(heading, items) lists that ``passage`` is part of or holds."""
        out: list[tuple[Span | None, list[tuple[Passage, Span]]]] = []
        spans = passage.spans
        run: list[Span] = []
        lead: Span | None = None
        for i, span in enumerate([*spans, Span(-1, -1, "end", "")]):
            if span.kind == "item":
                if not run:
                    lead = spans[i - 1] if i and spans[i - 1].kind != "item" else None
                run.append(span)
                continue
            if len(run) >= 2:
                heading = lead if lead is not None else _heading_span(passage)
                out.append((heading, [(passage, s) for s in run]))
            run = []
        members = self.catalog.group_members(passage) if passage.meta.group else []
        titled = [
            (m, next(s for s in m.spans if s.kind == "title"))
            for m in members
            if any(s.kind == "title" for s in m.spans)
        ]
        if len(titled) >= 2:
            out.append((_heading_span(passage), titled))
        return out

    def _list(self, chosen: ListCandidate) -> tuple[str, bool, list[Citation]]:
        passage, heading = chosen.passage, chosen.heading
        draft = Draft(self.catalog)
        if heading:
            lead = f"Under »{draft.read(passage, heading)}« [{draft.cite(passage, heading, 1.0)}]"
        else:
            lead = f"I »{passage.meta.title}« ({passage.meta.locator})"
        unique: dict[str, tuple[Passage, Span]] = {}
        for item_passage, span in chosen.items:
            unique.setdefault(fold(display(item_passage.quote(span))), (item_passage, span))
        shown = list(unique.values())[: self.settings.max_list_items]
        entries = [f"- {draft.read(p, s)} [{draft.cite(p, s, chosen.probability)}]" for p, s in shown]
        lines = [f"{lead} står {len(unique)} punkter:", *entries]
        if len(unique) > len(shown):
            lines.append(f"… og {len(unique) - len(shown)} punkter mere i kilden.")
        return "\n".join(lines), True, draft.citations()

    # -- sentences -------------------------------------------------------------------
    def _sentences(self, ranked: list[Candidate], many: bool = False) -> tuple[str, bool, list[Citation]]:
        """The best span first, then spans of its passage rated nearly as well, in reading
        order; for a list question (``many``) the band and the number of spans are wider,
        since its answer is often several sentences of one passage that no list holds."""
        band = self.model.thresholds.list_support if many else self.model.thresholds.support
        most = self.settings.max_list_items if many else self.settings.max_sentences
        best = ranked[0]
        items = self._introduced(best) or self._field_value(best, most)
        listed = {(s.start, s.end) for s in items}
        support = [
            c
            for c in ranked[1:]
            if c.passage.id == best.passage.id
            and c.score >= best.score - band
            and (c.span.start, c.span.end) not in listed
            and not self.catalog.is_label(c.passage, c.span)  # a form's label says nothing by itself
        ][: most - 1]
        if not many and not support and not items:
            support = self._following(best, ranked)
        draft = Draft(self.catalog)
        if items:  # the best span introduces a list ("… følgende fem resultater:") or is a
            # field's label: the items or the value are the answer, cited right after it
            p, sure = best.passage, float(sigmoid(best.score))
            lines = [f"{draft.read(p, s)} [{draft.cite(p, s, sure)}]" for s in [best.span, *items]]
            parts = ["\n- ".join(lines)]
            order = sorted(support, key=lambda c: c.span.start)
        else:
            start = _sentence_start(best, support)
            parts, order = [], [*start, best, *sorted(support, key=lambda c: c.span.start)]
        parts += [f"{draft.read(p, s)} [{draft.cite(p, s, score)}]" for p, s, score in _with_continuations(order)]
        return " ".join(parts), True, draft.citations()

    def _following(self, best: Candidate, ranked: list[Candidate]) -> list[Candidate]:
        """The span right after ``best`` in its passage, when it is a candidate and the two
        fit in ``thresholds.follow_chars`` characters (fitted: the most accurate budget whose
        median answer stays short)."""
        budget = self.model.thresholds.follow_chars
        if budget <= 0:
            return []
        nxt = next((c for c in ranked if c.passage.id == best.passage.id and c.index == best.index + 1), None)
        if nxt is None or nxt.span.kind in ("heading", "title") or self.catalog.is_label(nxt.passage, nxt.span):
            return []
        size = len(display(best.passage.quote(best.span))) + len(display(nxt.passage.quote(nxt.span)))
        return [nxt] if size <= budget else []

    def _also(self, ranked: list[Candidate], cited: list[Citation]) -> list[Citation]:
        """The best span of each of the next best passages (up to ``nearby_passages``),
        other than the answer's, numbered after the answer's citations."""
        draft = Draft(self.catalog)
        used = {ranked[0].passage.id}
        quoted = {(c.source, c.start, c.end) for c in cited}
        for c in ranked[1:]:
            if len(draft.cited) >= self.settings.nearby_passages:
                break
            if c.passage.id in used or c.key in quoted:
                continue
            used.add(c.passage.id)
            draft.cite(c.passage, c.span, float(sigmoid(c.score)))
        return [citation.model_copy(update={"n": len(cited) + citation.n}) for citation in draft.citations()]

    def _field_value(self, best: Candidate, most: int) -> list[Span]:
        """When ``best`` is a field label (a form's "Succeskriterier (…).", repeated word
        for word across the passages), what follows it up to the next label or heading:
        the label matches a question about the field, the value answers it."""
        passage = best.passage
        if not self.catalog.is_label(passage, best.span):
            return []
        value = []
        for span in passage.spans[best.index + 1 :]:
            if span.kind in ("heading", "title") or self.catalog.is_label(passage, span) or len(value) >= most:
                break
            value.append(span)
        return value

    def _introduced(self, best: Candidate) -> list[Span]:
        """The items right after ``best`` when it leads into them: it ends with a colon or
        a comma ("I undersøgelsen vil der være fokus på," before a lettered list), so the
        sentence goes on in the items. (A slide's bullet that merely lacks a full stop
        does not lead the bullets after it.)"""
        if not best.passage.quote(best.span).rstrip().endswith((":", ",")):
            return []
        following = best.passage.spans[best.index + 1 :]
        run = []
        for span in following:
            if span.kind != "item":
                break
            run.append(span)
        return run[: self.settings.max_list_items]

    def _refuse(self, ranked: list[Candidate], answerable: float) -> tuple[str, bool, list[Citation]]:
        """NOT_FOUND; for a near miss (``answerable`` at least ``near_miss``) with the
        nearest passages, one span of each, as possibly relevant."""
        draft = Draft(self.catalog)
        used: set[str] = set()
        for c in ranked if answerable >= self.model.thresholds.near_miss else []:
            if len(used) >= self.settings.nearby_passages:
                break
            if c.passage.id in used:
                continue
            used.add(c.passage.id)
            draft.cite(c.passage, c.span, float(sigmoid(c.score)))
        if not draft.cited:
            return NOT_FOUND, False, []
        markers = ", ".join(f"[{n}]" for n in range(1, len(draft.cited) + 1))
        return f"{NOT_FOUND} {MAYBE} {markers}.", False, draft.citations()


def _heading_span(passage: Passage) -> Span | None:
    return passage.meta.heading


def _sentence_start(best: Candidate, support: list[Candidate]) -> list[Candidate]:
    """The first half of ``best``'s sentence, when a line break cut it there and the
    answer shows that half anyway: it goes first, not after ("… enige om at igangsætte et
    nyt [2]" after "Frikommuneforsøg II i perioden 2016-2020 … [1]"). It is taken out of
    ``support``."""
    before = next((c for c in support if c.passage.id == best.passage.id and c.index == best.index - 1), None)
    if before is None or before.span.kind in ("heading", "title") or ends_sentence(before.passage.quote(before.span)):
        return []
    support.remove(before)
    return [before]


def _with_continuations(order: list[Candidate]) -> list[tuple[Passage, Span, float]]:
    """The cited spans; a sentence that a page break cut in two brings its second half."""
    out: list[tuple[Passage, Span, float]] = []
    seen: set[tuple[str, int, int]] = set()
    for c in order:
        passage, indexes = c.passage, [c.index]
        cut_short = not ends_sentence(passage.quote(c.span))
        nxt = c.index + 1
        if cut_short and nxt < len(passage.spans) and passage.quote(passage.spans[nxt])[:1].islower():
            indexes.append(nxt)
        for i in indexes:
            span = passage.spans[i]
            key = (passage.meta.source, span.start, span.end)
            if key in seen:
                continue
            seen.add(key)
            out.append((passage, span, float(sigmoid(c.score))))
    return out
