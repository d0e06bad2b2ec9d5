"""The in-memory view of the committed passages, loaded once at start-up.

It holds each passage with its parsed spans and stemmed terms, the lists (table rows,
slide items) that passages form, and the document frequencies used to weigh terms.
BM25 and the answerer both read it; nothing here touches Chroma.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from llama_index.core.schema import TextNode
from rapidfuzz import process
from rapidfuzz.distance import OSA

from core.dates import YEAR
from core.index_schema import DocumentRecord, PassageMeta, Span, locator_of, span_id
from core.ocr import Lexicon, OcrRepairer
from core.reading import Reading, reading
from core.textnorm import fold, reads_as_label, search_text, term, terms

MIN_PART = 5  # shortest word part a compound is split into
# Typo tolerance by the length of the (stemmed, folded) term: one edit from 5 letters, two
# from 9, and never in the first letter. Two neighbouring letters swapped ("forsgø") is one
# edit (optimal string alignment), as it is one slip of the fingers. Stems are shorter than words, so this is stricter
# than Elasticsearch's "AUTO" fuzziness on words (one edit from 3, two from 6): a looser
# rule turned words no document uses into unrelated ones ("kroner" -> "grøn", "dansk" ->
# "vanskelig"), which made questions the documents cannot answer look answerable.
FUZZY_MIN = 5
# A capitalised word after a lower-case letter, a digit or a comma: not a sentence's first.
_PROPER = re.compile(r"(?<=[a-zæøå0-9,;)] )[A-ZÆØÅ][a-zæøåA-ZÆØÅ-]{2,}")
FUZZY_TWO = 9
LABEL_PASSAGES = 3  # a span repeated word for word in this many passages is a field label
# (when it reads as one: core.textnorm.reads_as_label)
_NAMING = ("heading", "title")  # spans that name their unit: repeated headings are no labels


def label_key(text: str) -> str:
    """The form in which a span's text is compared with other spans' (``Catalog.labels``)."""
    return " ".join(fold(text).split())


@dataclass
class Passage:
    """A committed passage with what the answerer needs of it."""

    node: TextNode
    meta: PassageMeta
    terms: list[str]
    span_terms: list[set[str]]
    context_terms: set[str]
    item_terms: set[str]
    title_terms: set[str]
    rank: int = 0  # order of the passage in its document
    # the years (four digits) its whole document mentions anywhere, title and headings too
    document_years: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return self.node.node_id

    @property
    def spans(self) -> tuple[Span, ...]:
        return self.meta.spans

    def quote(self, span: Span) -> str:
        """The exact source text of ``span``: the node text is the source slice, and the
        heading a passage sits under (a table title above the row) is stored with it."""
        start, end = self.meta.start, self.meta.end
        if start <= span.start <= span.end <= end:
            return self.node.text[span.start - start : span.end - start]
        if (span.start, span.end) == (self.meta.heading_start, self.meta.heading_end):
            return self.meta.heading_raw
        raise ValueError(f"span {span.start}-{span.end} is outside passage {self.id}")

    def locator_at(self, offset: int) -> str:
        """The passage's locator, with the exact PDF page of ``offset`` when it spans pages."""
        return self.meta.locator_at(offset)

    def span_id(self, index: int) -> str:
        return span_id(self.id, index)


@dataclass
class Catalog:
    passages: dict[str, Passage]
    documents: dict[str, DocumentRecord]
    language: str = "danish"
    groups: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # Document frequency of each stem over the distinct passage texts, and their number.
    # A section that a series of reports repeats word for word counts once: sixty editions
    # of one note must not make its words sixty times commoner, or the words of every
    # question grow lighter or heavier against each other as such series are added.
    df: Counter = field(default_factory=Counter)
    texts: int = 0
    words: set[str] = field(default_factory=set)
    # Stems that name things: words the passages write with a capital inside a sentence
    # (places, organisations, people: ``names``), and words of headings, row titles and
    # list items (``headings``). A follow-up question's subject is looked for among them
    # (assistant/conversation.py).
    names: set[str] = field(default_factory=set)
    headings: set[str] = field(default_factory=set)
    # Field labels: the text of a span (not a heading) that at least LABEL_PASSAGES
    # passages of different text repeat word for word, as the fields of a form do
    # ("Succeskriterier (hvad skal der til for at forsøget er en succes)."). What a label
    # says is the same everywhere; what follows it is the passage's own (its value).
    labels: set[str] = field(default_factory=set)
    # Repairs the words of scanned documents (records flagged ``ocr``) in the text shown
    # for reading; its lexicon holds the words of the clean documents' passages. None
    # when no document is a scan.
    repairer: OcrRepairer | None = None
    _vocab: list[str] = field(default_factory=list)
    _corrections: dict[str, str | None] = field(default_factory=dict)
    _readings: dict[tuple[str, int, int], Reading] = field(default_factory=dict)

    @classmethod
    def build(cls, nodes: list[TextNode], documents: dict[str, DocumentRecord], language: str = "danish") -> Catalog:
        catalog = cls({}, documents, language)
        groups: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        seen: set[str] = set()
        repeats: Counter = Counter()
        for node in nodes:
            meta = PassageMeta.from_chroma(node.metadata)
            passage = Passage(
                node=node,
                meta=meta,
                terms=terms(meta.search, language),
                span_terms=[set(terms(s.search, language)) for s in meta.spans],
                context_terms=set(terms(search_text(meta.context), language)),
                item_terms=set(terms(search_text(meta.item), language)),
                title_terms=set(terms(search_text(meta.title), language)),
                rank=meta.order,
            )
            catalog.passages[node.node_id] = passage
            if meta.search not in seen:
                seen.add(meta.search)
                catalog.df.update(set(passage.terms))
                catalog.words.update(meta.search.split())
                catalog.headings |= passage.context_terms | passage.item_terms
                catalog.names.update(terms(search_text(" ".join(_PROPER.findall(node.text))), language))
                repeats.update({label_key(passage.quote(s)) for s in meta.spans if s.kind not in _NAMING})
            if meta.group:
                groups[(meta.source, meta.group)].append((passage.rank, node.node_id))
        catalog.texts = len(seen)
        years: dict[str, set[str]] = defaultdict(set)
        for p in catalog.passages.values():
            years[p.meta.source].update(YEAR.findall(f"{p.node.text} {p.meta.context} {p.meta.item} {p.meta.title}"))
        for p in catalog.passages.values():
            p.document_years = frozenset(years[p.meta.source])
        catalog.labels = {text for text, n in repeats.items() if n >= LABEL_PASSAGES and reads_as_label(text)}
        catalog._vocab = sorted(catalog.df)
        catalog.groups = {key: [pid for _, pid in sorted(members)] for key, members in groups.items()}
        if any(record.ocr for record in documents.values()):
            clean = {p.node.text for p in catalog.passages.values() if not catalog.is_scan(p.meta.source)}
            catalog.repairer = OcrRepairer(Lexicon(sorted(clean)))
        return catalog

    def locator_of(self, source: str, start: int, end: int) -> str:
        """The locator of the narrowest passage of ``source`` that holds ``start``–``end``
        (``core.index_schema.locator_of``), as every answer cites that place."""
        return locator_of((p.meta for p in self.passages.values()), source, start, end)

    def is_label(self, passage: Passage, span: Span) -> bool:
        """Is ``span`` a field label (see ``labels``)?"""
        return span.kind not in _NAMING and label_key(passage.quote(span)) in self.labels

    def is_scan(self, source: str) -> bool:
        record = self.documents.get(source)
        return record is not None and record.ocr

    def reading(self, passage: Passage, span: Span) -> Reading:
        """The text a person reads for ``passage.quote(span)`` (core/reading.py), repaired
        when the document is a scan; computed once per span (the index is immutable for
        the catalog's lifetime, so the cache is bounded by its spans)."""
        key = (passage.meta.source, span.start, span.end)
        got = self._readings.get(key)
        if got is None:
            repairer = self.repairer if self.is_scan(passage.meta.source) else None
            got = self._readings[key] = reading(passage.quote(span), repairer)
        return got

    def __len__(self) -> int:
        return len(self.passages)

    def idf(self, stem: str) -> float:
        n = max(self.texts, 1)
        return math.log(1 + (n - self.df.get(stem, 0) + 0.5) / (self.df.get(stem, 0) + 0.5))

    def group_members(self, passage: Passage) -> list[Passage]:
        key = (passage.meta.source, passage.meta.group)
        return [self.passages[pid] for pid in self.groups.get(key, [])]

    def compound_parts(self, word: str) -> list[str]:
        """Stems of the corpus words a compound question word is made of
        ('mikrolånsforsøget' -> mikrolån, forsøg), if it is not a corpus word itself."""
        if word in self.words or len(word) < 2 * MIN_PART:
            return []
        for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, tail = word[:i], word[i:]
            if tail not in self.words:
                continue
            for candidate in (head, head[:-1] if head.endswith(("s", "e")) else None):
                if candidate and len(candidate) >= MIN_PART and candidate in self.words:
                    return [term(candidate, self.language), term(tail, self.language)]
        return []

    def correct(self, term: str) -> str | None:
        """The index term a question term not in the index most likely misspells: the
        closest by edit distance within the length's tolerance, the most frequent of
        equally close ones; None when nothing is that close."""
        if term in self.df:
            return term
        if len(term) < FUZZY_MIN or any(c.isdigit() for c in term) or not self._vocab:
            # numbers and date tokens ("dato20211231") are facts, not spellings
            return None
        cached = self._corrections.get(term, "")
        if cached != "":
            return cached
        limit = 2 if len(term) >= FUZZY_TWO else 1
        found = process.extract(term, self._vocab, scorer=OSA.distance, score_cutoff=limit, limit=8)
        found = [f for f in found if f[0][:1] == term[:1]]
        best = min(found, key=lambda f: (f[1], -self.df[f[0]]), default=None)
        corrected = best[0] if best else None
        if len(self._corrections) > 50_000:  # questions are unbounded; the cache is not
            self._corrections = {}  # a new dict: a reader of the old one is not disturbed
        self._corrections[term] = corrected
        return corrected
