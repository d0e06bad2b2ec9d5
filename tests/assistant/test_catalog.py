"""The catalog of committed passages, over hand-built passages (no encoder, no store):
typo correction, compound words, document frequencies, lists, quotes and locators."""

from __future__ import annotations

import json

import pytest
from llama_index.core.schema import TextNode

from assistant.catalog import Catalog
from core.index_schema import PassageMeta, Span
from core.textnorm import search_text, term, terms


def _node(node_id: str, text: str) -> TextNode:
    """A one-sentence passage with the metadata Catalog.build reads."""
    span = Span(0, len(text), "sentence", search_text(text))
    meta = PassageMeta("doc.txt", 0, len(text), (span,), search=search_text(text))
    return TextNode(id_=node_id, text=text, metadata=meta.to_chroma())


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.build(
        [
            _node("a", "Forsøget med grus på stierne stopper."),
            _node("b", "Evalueringen viser færre punkteringer."),
            _node("c", "Forsøget forlænges et år."),
        ],
        {},
    )


def _passage(node_id: str, source: str, text: str, start: int = 0, **meta: object) -> TextNode:
    """A passage of ``text`` at ``start`` in ``source``, one sentence span."""
    span = Span(start, start + len(text), "sentence", search_text(text))
    passage = PassageMeta(source, start, start + len(text), (span,), search=search_text(text), **meta)  # type: ignore[arg-type]
    return TextNode(id_=node_id, text=text, metadata=passage.to_chroma())


def test_correct_returns_a_known_term_unchanged(catalog: Catalog) -> None:
    assert catalog.correct("grus") == "grus"


def test_correct_maps_a_one_letter_typo_to_the_index_term(catalog: Catalog) -> None:
    assert "grus" in catalog.df
    assert catalog.correct("gruus") == "grus"  # one letter doubled
    assert catalog.correct("grud") is None  # a four-letter term is too short to guess at


def test_correct_counts_two_swapped_letters_as_one_typo(catalog: Catalog) -> None:
    stem = term("stierne")
    assert stem in catalog.df and len(stem) < 9  # a stem allowed one edit only
    swapped = stem[:2] + stem[3] + stem[2] + stem[4:]
    assert swapped != stem and catalog.correct(swapped) == stem


def test_correct_allows_two_edits_in_a_long_word(catalog: Catalog) -> None:
    stem = terms(search_text("punkteringer"))[0]
    assert len(stem) >= 8
    assert len(stem) >= 9
    typo = stem[:3] + "x" + stem[4:-1] + "y"  # two letters replaced, the first one kept
    assert catalog.correct(typo) == stem
    assert catalog.correct("q" + stem[1:]) is None  # never in the first letter


def test_correct_returns_none_for_a_far_word(catalog: Catalog) -> None:
    assert catalog.correct("xylofon") is None


def test_correct_leaves_short_words_and_numbers_alone(catalog: Catalog) -> None:
    assert catalog.correct("grs") is None  # one edit from "grus", but too short to guess
    assert catalog.correct("2031") is None


def test_compound_parts_split_a_question_word_into_corpus_words() -> None:
    catalog = Catalog.build([_node("a", "Stier af asfalt. Forsøget stopper.")], {})
    assert catalog.compound_parts("asfaltforsøget") == ["asfalt", "forsog"]
    assert catalog.compound_parts("forsøget") == []  # a corpus word itself
    assert catalog.compound_parts("xylofonforsøget") == []  # the head is no corpus word


def test_a_section_repeated_word_for_word_counts_once_in_the_frequencies() -> None:
    text = "Forsøget med grus stopper."
    once = Catalog.build([_passage("a", "a.txt", text), _passage("c", "c.txt", "Stierne er af asfalt.")], {})
    twice = Catalog.build(
        [_passage("a", "a.txt", text), _passage("b", "b.txt", text), _passage("c", "c.txt", "Stierne er af asfalt.")],
        {},
    )
    assert len(twice) == 3 and twice.texts == once.texts == 2
    assert twice.df == once.df and twice.df[term("grus")] == 1


def test_a_rarer_stem_weighs_more() -> None:
    catalog = Catalog.build(
        [
            _passage("a", "a.txt", "Forsøget med grus stopper."),
            _passage("b", "b.txt", "Forsøget med asfalt fortsætter."),
        ],
        {},
    )
    assert catalog.idf(term("grus")) > catalog.idf(term("forsøget")) > 0
    assert catalog.idf("ukendtstamme") > catalog.idf(term("grus"))


def test_the_members_of_a_list_come_in_document_order() -> None:
    rows = [
        _passage("r2", "t.txt", "Række to.", start=20, group="tabel-1", order=2),
        _passage("r1", "t.txt", "Række et.", start=10, group="tabel-1", order=1),
        _passage("x", "t.txt", "Ikke i tabellen.", start=40, order=3),
    ]
    catalog = Catalog.build(rows, {})
    assert [p.id for p in catalog.group_members(catalog.passages["r2"])] == ["r1", "r2"]
    assert catalog.group_members(catalog.passages["x"]) == []


def test_a_quote_is_the_source_slice_at_the_span_offsets() -> None:
    catalog = Catalog.build([_passage("a", "a.txt", "Forsøget med grus stopper.", start=100)], {})
    passage = catalog.passages["a"]
    assert passage.quote(passage.spans[0]) == "Forsøget med grus stopper."
    assert passage.quote(Span(109, 117, "sentence")) == "med grus"


def test_a_quote_of_the_heading_above_a_passage_is_the_stored_heading() -> None:
    node = _passage("a", "a.txt", "Række et.", start=50, heading_start=0, heading_end=8, heading_raw="Tabel 1.")
    passage = Catalog.build([node], {}).passages["a"]
    assert passage.quote(Span(0, 8, "heading")) == "Tabel 1."


def test_a_span_outside_the_passage_cannot_be_quoted() -> None:
    passage = Catalog.build([_passage("a", "a.txt", "Forsøget stopper.", start=10)], {}).passages["a"]
    with pytest.raises(ValueError, match="outside passage a"):
        passage.quote(Span(0, 5, "sentence"))


def test_the_locator_names_the_page_of_the_offset() -> None:
    marks = json.dumps([[3, 0], [4, 40]])
    node = _passage("a", "a.pdf", "x" * 80, locator="side 3–4, Afsnit 2", page_marks=marks)
    passage = Catalog.build([node], {}).passages["a"]
    assert passage.locator_at(10) == "side 3, Afsnit 2"
    assert passage.locator_at(50) == "side 4, Afsnit 2"


def test_a_passage_on_one_page_keeps_its_locator() -> None:
    passage = Catalog.build([_passage("a", "a.txt", "Tekst.", locator="Afsnit 2")], {}).passages["a"]
    assert passage.locator_at(3) == "Afsnit 2"


def test_a_span_is_located_by_the_narrowest_passage_that_holds_it() -> None:
    text = "Tabel 2. Forsøget stopper."
    catalog = Catalog.build(
        [
            _passage("table", "a.txt", text, 100, locator="Tabel 2"),
            _passage("row", "a.txt", "Forsøget stopper.", 109, locator="Tabel 2, række 1"),
            _passage("other", "b.txt", text, 100, locator="Afsnit 1"),
        ],
        {},
    )
    assert catalog.locator_of("a.txt", 109, 126) == "Tabel 2, række 1"
    assert catalog.locator_of("a.txt", 100, 107) == "Tabel 2"
    assert catalog.locator_of("a.txt", 90, 107) == ""  # no passage holds it
