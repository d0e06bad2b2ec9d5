"""Extractive answers: verbatim sentences, table rows and list items with [n] markers.

No language model writes anything: every statement in an answer is a span of a source
document, numbered and cited. Three shapes:

* a list, for "hvilke …"-questions whose best evidence is a list (the rows of one table,
  the items under one slide heading, a bulleted run after a lead-in): every item;
* a few sentences that together cover the question best;
* a refusal, when the best evidence covers too little of the question: the nearest
  passages are cited as possibly relevant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.catalog import Catalog, Passage
from assistant.config import AnswerSettings
from assistant.evidence import Scored, Weighted, coverage, match
from assistant.query import Query
from assistant.retrieve import Hit
from assistant.schema import Citation
from assistant.store import Span
from assistant.textnorm import display, ends_sentence, fold, search_text, terms

NOT_FOUND = "Det kan jeg ikke finde et svar på i dokumenterne."
MAYBE = "Disse steder ligner mest, men besvarer ikke spørgsmålet:"
MIN_FACT_CHARS = 8
SUPPORT_WINDOWS = 5  # support is the best coverage among this many top windows
RANK_COST = 0.02  # a list found further down the ranking must fit this much better per rank


@dataclass
class Draft:
    """The spans an answer being written cites, numbered in order of first citation."""

    cited: list[tuple[Passage, Span, float]] = field(default_factory=list)

    def cite(self, passage: Passage, span: Span, score: float) -> int:
        for n, (p, s, _) in enumerate(self.cited, 1):
            if p.meta["source"] == passage.meta["source"] and (s.start, s.end) == (span.start, span.end):
                return n
        self.cited.append((passage, span, score))
        return len(self.cited)

    def citations(self) -> list[Citation]:
        return [
            Citation(
                n=n,
                source=p.meta["source"],
                title=p.meta["title"],
                locator=p.locator_at(s.start),
                quote=p.quote(s),
                start=s.start,
                end=s.end,
                score=round(score, 4),
            )
            for n, (p, s, score) in enumerate(self.cited, 1)
        ]


class Answerer:
    def __init__(self, catalog: Catalog, settings: AnswerSettings) -> None:
        self.catalog = catalog
        self.settings = settings

    def answer(
        self, query: Query, hits: list[Hit], windows: list[Scored], weights: list[Weighted]
    ) -> tuple[str, bool, list[Citation], float]:
        """(text, answered, citations, support)."""
        facts = [w for w in windows if any(len(w.passage.quote(s)) >= MIN_FACT_CHARS for s in w.factual)]
        if any(not self.catalog.knows(anchor.stems) for anchor in query.anchors):
            return (*self._refuse(windows), 0.0)  # a name, year or thing no document mentions
        support = max((w.coverage for w in facts[:SUPPORT_WINDOWS]), default=0.0)
        listed = self._list(query, hits, weights) if query.kind == "list" else None
        if listed:
            support = max(support, listed[0])
        if support < self.settings.min_support or not (facts or listed):
            return (*self._refuse(windows), support)
        if listed:
            return (*listed[1:], support)  # type: ignore[return-value]
        return (*self._facts(facts), support)

    # -- lists -----------------------------------------------------------------------
    def _list(
        self, query: Query, hits: list[Hit], weights: list[Weighted]
    ) -> tuple[float, str, bool, list[Citation]] | None:
        """(fit, text, answered, citations) of the best list whose heading fits the question."""
        best: tuple[float, Passage, Span | None, list[tuple[Passage, Span]]] | None = None
        for rank, hit in enumerate(hits):
            passage = self.catalog.passages[hit.passage_id]
            for heading, items in self._list_candidates(passage):
                if len(items) < 2:
                    continue
                heading_text = passage.quote(heading) if heading else passage.meta["context"]
                head_terms = set(terms(search_text(heading_text), self.catalog.language)) | passage.context_terms
                if query.head and not match(query.head, head_terms | passage.title_terms):
                    continue  # a list of something else than what the question asks for
                fit = coverage(weights, head_terms) - RANK_COST * rank
                if fit >= self.settings.list_heading_min and (best is None or fit > best[0]):
                    best = (fit, passage, heading, items)
        if best is None:
            return None
        fit, passage, heading, items = best
        draft = Draft()
        if heading:
            lead = f"Under »{display(passage.quote(heading))}« [{draft.cite(passage, heading, 1.0)}]"
        else:
            lead = f"I »{passage.meta['title']}« ({passage.meta['locator']})"
        unique: dict[str, tuple[Passage, Span]] = {}
        for item_passage, span in items:
            unique.setdefault(fold(display(item_passage.quote(span))), (item_passage, span))
        shown = list(unique.values())[: self.settings.max_list_items]
        entries = [f"- {display(p.quote(s))} [{draft.cite(p, s, 1.0)}]" for p, s in shown]
        lines = [f"{lead} står {len(unique)} punkter:", *entries]
        if len(unique) > len(shown):
            lines.append(f"… og {len(unique) - len(shown)} punkter mere i kilden.")
        return fit, "\n".join(lines), True, draft.citations()

    def _list_candidates(self, passage: Passage) -> list[tuple[Span | None, list[tuple[Passage, Span]]]]:
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
        members = self.catalog.group_members(passage) if passage.meta.get("group") else []
        titled = [
            (m, next(s for s in m.spans if s.kind == "title"))
            for m in members
            if any(s.kind == "title" for s in m.spans)
        ]
        if len(titled) >= 2:
            out.append((_heading_span(passage), titled))
        return out

    # -- sentences -------------------------------------------------------------------
    def _facts(self, facts: list[Scored]) -> tuple[str, bool, list[Citation]]:
        """The best window, plus windows of the same document that score nearly as well."""
        best = facts[0]
        chosen = [best]
        used = _keys(best)
        texts = {fold(best.passage.quote(s)) for s in best.factual}
        source = best.passage.meta["source"]
        for w in facts[1:]:
            if sum(len(c.factual) for c in chosen) + len(w.factual) > self.settings.max_sentences:
                continue
            if w.score < self.settings.runner_up * best.score:
                break
            if w.passage.meta["source"] != source or w.coverage < 0.5 * best.coverage:
                continue
            keys = _keys(w)
            new_texts = {fold(w.passage.quote(s)) for s in w.factual}
            if keys & used or new_texts <= texts:
                continue
            used |= keys
            texts |= new_texts
            chosen.append(w)
        draft = Draft()
        parts = []
        for passage, span, score in _in_reading_order(chosen):
            parts.append(f"{display(passage.quote(span))} [{draft.cite(passage, span, score)}]")
        return " ".join(parts), True, draft.citations()

    def _refuse(self, windows: list[Scored]) -> tuple[str, bool, list[Citation]]:
        draft = Draft()
        used: set[str] = set()
        for w in windows:
            if len(used) >= self.settings.nearby_passages:
                break
            if w.passage.id in used or not w.factual:
                continue
            used.add(w.passage.id)
            draft.cite(w.passage, w.factual[0], w.score)
        if not draft.cited:
            return NOT_FOUND, False, []
        markers = ", ".join(f"[{n}]" for n in range(1, len(draft.cited) + 1))
        return f"{NOT_FOUND} {MAYBE} {markers}.", False, draft.citations()


def _heading_span(passage: Passage) -> Span | None:
    start, end = int(passage.meta.get("heading_start", -1)), int(passage.meta.get("heading_end", -1))
    if start < 0:
        return None
    return Span(start, end, "heading", "")


def _keys(window: Scored) -> set[tuple[str, int, int]]:
    return {(window.passage.meta["source"], s.start, s.end) for s in window.spans}


def _in_reading_order(chosen: list[Scored]) -> list[tuple[Passage, Span, float]]:
    """The cited spans, best window first, each window's spans in document order; a
    sentence that a page break cut in two brings its second half along."""
    out: list[tuple[Passage, Span, float]] = []
    seen: set[tuple[str, int, int]] = set()
    for window in chosen:
        passage = window.passage
        indexes = list(window.indexes)
        last = indexes[-1]
        cut_short = not ends_sentence(passage.quote(passage.spans[last]))
        if cut_short and last + 1 < len(passage.spans) and passage.quote(passage.spans[last + 1])[:1].islower():
            indexes.append(last + 1)
        for i in indexes:
            span = passage.spans[i]
            key = (passage.meta["source"], span.start, span.end)  # overlapping windows share spans
            if span.kind == "heading" or key in seen:
                continue
            seen.add(key)
            out.append((passage, span, window.score))
    return out
