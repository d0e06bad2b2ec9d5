"""Question validation and the search forms of a question."""

import pytest

from assistant.lexicon import Lexicon
from assistant.query import parse, validate
from core.config import PROJECT_ROOT
from core.errors import QuestionError
from core.textnorm import terms


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        ("", "tomt"),
        ("   \n\t ", "tomt"),
        ("a" * 20_000, "for langt"),
        ("hej\x00", "kontroltegn"),
        ("hvad\x1b[31m", "kontroltegn"),
        ("?!…", "ingen ord"),
    ],
)
def test_unusable_questions_get_a_danish_message(question: str, fragment: str) -> None:
    with pytest.raises(QuestionError) as info:
        validate(question, 1000)
    assert fragment in info.value.message
    assert info.value.exit_code == 2


def test_whitespace_is_tidied() -> None:
    assert validate("  Hvilke\tforsøg\nstopper? ", 1000) == "Hvilke forsøg stopper?"


def test_dates_in_any_phrasing_reach_both_searches() -> None:
    for question in (
        "Hvilke forsøg stopper 31/12-21?",
        "Hvilke forsøg stopper 31.12.2021?",
        "Hvilke forsøg stopper ved udgangen af 2021?",
    ):
        q = parse(question, 1000)
        assert "dato20211231" in q.lexical.split()
        assert "31/12-21" in q.dense and "udgangen af 2021" in q.dense
        assert q.kind == "list" and q.head == frozenset(terms("forsøg"))  # stems, æ/ø/å folded


def test_english_questions_get_danish_search_words_from_the_corpus_lexicon() -> None:
    assert parse("Which trials were extended?", 1000).english
    q = parse("Which trials were extended?", 1000, lexicon=Lexicon.load(PROJECT_ROOT / "corpus" / "lexicon.toml"))
    assert q.english
    assert {"forsøg", "forlænget"} <= set(q.lexical.split())


def test_question_kinds() -> None:
    assert parse("Hvor mange borgere deltog?", 1000).kind == "number"
    assert parse("Hvornår blev det besluttet?", 1000).kind == "date"
    assert parse("Hvorfor stopper forsøget?", 1000).kind == "why"
    assert parse("Hvad viser evalueringen?", 1000).kind == "fact"
    # a question that names what it asks for: a date, a month, a year; how often
    assert parse("startdato kontaktforløb vesthimmerland", 1000).kind == "date"
    assert parse("I hvilke måneder gennemgås sagerne?", 1000).kind == "date"
    assert parse("Hvilke år dækker evalueringerne?", 1000).kinds == {"date", "list"}
    assert parse("Hvor tit følges der op?", 1000).kind == parse("How often is it used?", 1000).kind == "number"


def test_english_which_asks_for_a_list_only_before_a_plural_noun() -> None:
    assert parse("Which trials were extended?", 1000).kind == "list"
    assert parse("Which two municipalities tested it?", 1000).kind == "list"
    assert parse("wqich trials were extended", 1000).kind == "list"  # one typo in the question word
    assert parse("Which municipality runs the trial?", 1000).kind == "fact"
    assert parse("Which process was simplified?", 1000).kind == "fact"  # -ss is no plural
    assert parse("After which date does it apply?", 1000).kind == "date"
    # Danish says it in the question word
    assert parse("Hvilken kommune deltog?", 1000).kind == "fact"
    assert parse("Hvilke kommuner deltog?", 1000).kind == "list"


def test_names_and_years_are_question_terms() -> None:
    groups = {g.word for g in parse("Hvilke forsøg gennemførte Københavns Kommune i 2024?", 1000).groups}
    assert {"københavns", "2024"} <= groups


def test_bytes_that_were_not_utf8_are_refused() -> None:
    with pytest.raises(QuestionError, match="UTF-8"):
        validate("hvad er \udcff?", 1000)


def test_units_and_years_the_answer_must_carry() -> None:
    assert parse("Hvor mange kroner kostede forsøget?", 500).units == {"money"}
    assert parse("hvor mange penge sparede de paa det", 500).units == {"money"}  # no æ/ø/å
    assert parse("How much did the evaluation cost?", 500).units == {"money"}
    assert parse("Hvad var svarprocenten?", 500).units == {"percent"}
    assert parse("Hvor mange borgere deltog?", 500).units == frozenset()
    # money as a thing the question is about, not an amount it asks for
    assert parse("Kan borgerne låne penge til en cykel i forsøget?", 500).units == frozenset()
    assert parse("Hvad sker der, hvis man glemmer at betale for parkering?", 500).units == frozenset()
    assert parse("What is the sick pay rule in the trial?", 500).units == frozenset()
    assert parse("Hvor meget betalte kommunerne for evalueringen?", 500).units == {"money"}
    assert parse("Hvor mange arbejdstimer sparede de?", 500).units == {"hours"}
    assert parse("How many hours a week did they work?", 500).units == {"hours"}
    assert parse("Hvad skete der i 2025 og 2026?", 500).years == ("2025", "2026")
    assert parse("Hvilke forsøg stopper 31/12-21?", 500).years == ()


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


def test_the_encoder_reads_a_question_the_same_however_it_was_typed() -> None:
    plain = parse("hvad er LÆ265", 2000)
    same = ("hvad er LÆ265?", "HVAD ER LÆ265?", "Hvad er læ265")
    assert all(parse(q, 2000).dense == plain.dense == "hvad er læ265?" for q in same)
    assert parse("Nævn forsøgene.", 2000).dense == "nævn forsøgene."  # a sentence mark stays
    assert plain.text == "hvad er LÆ265"  # what the user typed is kept as typed
