"""Follow-up questions read in the context of the conversation (a hand-built index)."""

from __future__ import annotations

import pytest
from llama_index.core.schema import TextNode

from assistant.catalog import Catalog
from assistant.conversation import _phrase_of, resolve, subject_words
from core.index_schema import PassageMeta, Span
from core.textnorm import search_text

# Twelve trials, one passage each (so a trial's name is in few passages), each run by a
# town named inside a sentence; the common words ("forsøget", "evalueringen") are in all.
TRIALS = ["grus", "fyrtårne", "bænke", "cykelstier", "legepladser", "søer", "skove", "broer", "torve", "haller",
          "strande", "moser"]  # fmt: skip
TOWNS = ["Testrup", "Prøvelev", "Øvelund", "Forsby", "Bedsted", "Kløvby", "Ravnsø", "Hedeby", "Lystrup", "Mosby",
         "Vindby", "Stenlev"]  # fmt: skip


def _catalog(headings: list[str]) -> Catalog:
    nodes = []
    for n, (trial, town) in enumerate(zip(TRIALS, TOWNS, strict=True)):
        text = f"Forsøget med {trial} blev evalueret, og evalueringen viste, at kommunen {town} deltog."
        heading = headings[n] if n < len(headings) else f"Forsøg med {trial}"
        meta = PassageMeta(
            f"doc{n}.txt",
            0,
            len(text),
            (Span(0, len(text), "sentence", search_text(text)),),
            context=heading,
            search=search_text(f"{heading}\n{text}"),
        )
        nodes.append(TextNode(id_=f"p{n}", text=text, metadata=meta.to_chroma()))
    return Catalog.build(nodes, {})


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return _catalog([])


def test_the_subject_is_what_names_few_passages(catalog: Catalog) -> None:
    assert subject_words("Hvad viste evalueringen af forsøget med grus?", catalog) == ["grus"]
    assert subject_words("Deltog Testrup?", catalog) == ["Testrup"]  # a name written with a capital
    assert subject_words("Hvad viste evalueringen af forsøget?", catalog) == []


def test_a_question_without_history_stands_alone(catalog: Catalog) -> None:
    assert resolve("Hvad viste evalueringen?", [], catalog).question == "Hvad viste evalueringen?"


def test_a_follow_up_without_a_subject_takes_the_previous_one(catalog: Catalog) -> None:
    read = resolve("Og hvad viste evalueringen?", ["Hvornår stoppede forsøget med grus?"], catalog)
    assert read.taken == ("grus",) and "grus" in read.question


def test_what_about_x_asks_the_previous_question_about_x(catalog: Catalog) -> None:
    read = resolve("og hvad med prøvelev?", ["Hvilke forsøg deltog Testrup i?"], catalog)
    assert read.question == "Hvilke forsøg deltog prøvelev i?"
    read = resolve("Hvad med fyrtårne?", ["Hvad viste evalueringen af forsøget med grus?"], catalog)
    assert read.question == "Hvad viste evalueringen af forsøget med fyrtårne?"


def test_a_question_that_names_its_own_subject_stands_alone(catalog: Catalog) -> None:
    read = resolve("Hvornår stoppede forsøget med bænke?", ["Hvad viste forsøget med grus?"], catalog)
    assert read.question == "Hvornår stoppede forsøget med bænke?" and read.taken == ()


def test_a_question_about_a_whole_set_stands_alone(catalog: Catalog) -> None:
    read = resolve("Hvilke forsøg blev evalueret?", ["Hvad viste forsøget med grus?"], catalog)
    assert read.taken == ()


def test_a_chain_of_follow_ups_keeps_the_first_subject(catalog: Catalog) -> None:
    earlier = ["Hvad viste forsøget med grus?", "Og hvem deltog?"]
    read = resolve("Og hvornår stoppede det?", earlier, catalog)
    assert read.taken == ("grus",)


def test_a_conversation_about_nothing_in_the_documents_adds_nothing(catalog: Catalog) -> None:
    read = resolve("og i overmorgen?", ["Hvordan bliver vejret i morgen?"], catalog)
    assert read.question == "og i overmorgen?" and read.taken == ()


def test_a_callers_history_is_checked_with_danish_messages() -> None:
    from assistant.conversation import check_history
    from core.errors import QuestionError

    assert check_history(None) == [] and check_history(["a", "b"]) == ["a", "b"]
    for bad, words in (
        ("abc", "skal være en liste"),
        ([1, "a"], "skal være en liste"),
        (["a"] * 21, "højst 20"),
        (["x" * 10_001, "y" * 10_000], "for lang"),
    ):
        with pytest.raises(QuestionError, match=words):
            check_history(bad)


def test_the_verb_of_a_question_is_never_its_subject() -> None:
    # a heading "Forsøg der udvides" makes "udvides" a heading word of few passages, but in
    # the verb's place of a question it is what is asked, not whom or what about
    with_status = _catalog(["Forsøg der udvides"])
    assert subject_words("Forsøg der udvides", with_status) == ["udvides"]
    assert subject_words("hvornår udvides det?", with_status) == []
    assert subject_words("Hvilke forsøg udvides i år?", with_status) == []
    assert subject_words("hvilke kommuner udvides", with_status) == ["udvides"]  # typed in haste: no verb
    read = resolve("hvornår udvides det?", ["Hvad går forsøget med fyrtårne ud på?"], with_status)
    assert read.taken == ("fyrtårne",) and "fyrtårne" in read.question
    read = resolve("Og hvad viste evalueringen?", ["Hvilke forsøg udvides i år?"], with_status)
    assert read.taken == ()  # a question about a set, with no subject to carry


def test_what_about_a_name_replaces_the_previous_name_even_one_the_index_lacks(catalog: Catalog) -> None:
    read = resolve("og hvad med Prøvelev?", ["Hvilke forsøg deltog Nyby i?"], catalog)
    assert read.question == "Hvilke forsøg deltog Prøvelev i?"


def test_what_about_a_name_after_a_question_that_named_none_asks_about_both(catalog: Catalog) -> None:
    read = resolve("og hvad med Prøvelev?", ["Hvilke kommuner deltog i forsøget med grus?"], catalog)
    assert read.question == "Hvilke kommuner deltog i forsøget med grus (Prøvelev)?"
    assert read.taken == ("grus",)


def test_a_pronoun_that_points_back_is_replaced_by_the_phrase_it_stands_for(catalog: Catalog) -> None:
    read = resolve("hvornår stoppede det?", ["Hvad viste evalueringen af forsøget med grus?"], catalog)
    assert read.question == "hvornår stoppede forsøget med grus?" and read.taken == ("grus",)
    # no phrase to stand for it (the subject alone): the subject is added instead
    read = resolve("hvornår stoppede det?", ["Hvad viste grus?"], catalog)
    assert read.question == "hvornår stoppede det (grus)?"


def test_the_pronoun_stands_only_for_a_noun_of_its_gender() -> None:
    # "det" is neuter: "forsøget", not "evalueringen"; "den" the other way round
    assert _phrase_of("Hvad viste evalueringen af forsøget med grus?", "grus", ("et",)) == "forsøget med grus"
    assert _phrase_of("Hvad viste evalueringen af grus?", "grus", ("et",)) is None
    assert _phrase_of("Hvad viste evalueringen af grus?", "grus", ("en",)) == "evalueringen af grus"
