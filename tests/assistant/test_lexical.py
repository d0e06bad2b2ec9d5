"""Spelling tolerance of the lexical side: æ/ø/å folding, stop words, typo correction."""

from __future__ import annotations

import pytest
from llama_index.core.schema import TextNode

from assistant.catalog import Catalog
from assistant.query import parse
from core.index_schema import PassageMeta, Span
from core.textnorm import is_content, search_text, skeleton, terms


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


@pytest.mark.parametrize("spelling", ["forsøg", "forsoeg", "forsog"])
def test_skeleton_folds_every_way_of_typing_danish_letters(spelling: str) -> None:
    assert skeleton(spelling) == "forsog"


def test_skeleton_folds_digraphs_and_plain_letters_of_all_three_letters() -> None:
    assert skeleton("læsø") == skeleton("laesoe") == skeleton("laeso") == "laso"
    assert skeleton("år") == skeleton("aar") == skeleton("ar") == "ar"


def test_terms_of_three_spellings_of_one_word_agree() -> None:
    forms = [terms(search_text(w)) for w in ("forlænget", "forlaenget", "forlanget")]
    assert forms[0] == forms[1] == forms[2]
    assert len(forms[0]) == 1


@pytest.mark.parametrize("word", ["ophører", "gennemføres"])
def test_terms_agree_when_the_digraph_meets_a_suffix(word: str) -> None:
    digraphs = word.translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    assert terms(search_text(digraphs)) == terms(search_text(word))


def test_a_question_word_typed_without_danish_letters_is_still_a_stop_word() -> None:
    assert not is_content("hvornaar")
    assert not is_content("hvornar")
    assert terms(search_text("hvornaar stopper forsoget")) == terms(search_text("hvornår stopper forsøget"))


@pytest.mark.parametrize(
    "question", ["Hvornår stopper forsøget?", "Hvilket år stoppede forsøget?", "Nævn forsøgene", "Hvad er årsagen?"]
)
def test_the_question_kind_does_not_depend_on_how_danish_letters_are_typed(question: str) -> None:
    digraphs = question.translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae"}))
    plain = question.translate(str.maketrans({"æ": "a", "ø": "o", "å": "a", "Æ": "A"}))
    assert parse(question, 1000).kind == parse(digraphs, 1000).kind != "fact"
    if not question.startswith("Nævn"):  # "Navn" is another word: "Navn forsøgene" is no list request
        assert parse(plain, 1000).kind == parse(question, 1000).kind


def test_how_long_has_one_kind_however_it_is_typed() -> None:
    kinds = {
        parse(q, 1000).kind
        for q in ("Hvor længe varer forsøget?", "Hvor laenge varer forsoget?", "Hvor lange varer forsoget?")
    }
    assert len(kinds) == 1


def test_content_words_are_kept() -> None:
    assert is_content("forsøg") and is_content("2030")


def test_correct_returns_a_known_term_unchanged(catalog: Catalog) -> None:
    assert catalog.correct("grus") == "grus"


def test_correct_maps_a_one_letter_typo_to_the_index_term(catalog: Catalog) -> None:
    assert "grus" in catalog.df
    assert catalog.correct("gruus") == "grus"  # one letter doubled
    assert catalog.correct("grud") is None  # a four-letter term is too short to guess at


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
