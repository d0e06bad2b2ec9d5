"""Text normalisation: folding, display text, tokens, hyphen breaks, search text, stems,
æ/ø/å skeletons, stop words and sentence ends."""

from __future__ import annotations

import pytest

from core.textnorm import (
    display,
    ends_sentence,
    fold,
    is_content,
    join_hyphen_breaks,
    search_text,
    skeleton,
    term,
    terms,
    words,
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


def test_content_words_are_kept() -> None:
    assert is_content("forsøg") and is_content("2030")


def test_a_single_letter_is_no_content_but_a_single_digit_is() -> None:
    assert not is_content("x")
    assert is_content("7")


def test_fold_lowercases_and_drops_tags_and_soft_hyphens() -> None:
    assert fold("<p>Grus\u00adSTI</p>") == " grus sti "


def test_fold_turns_dashes_into_hyphens() -> None:
    assert fold("2021\u20132022 \u2014 slut") == "2021-2022 - slut"


def test_display_keeps_case_and_collapses_whitespace() -> None:
    assert display("<p>Forsøget  med\n\tGrus</p>") == "Forsøget med Grus"


def test_words_are_folded_letters_and_digits() -> None:
    assert words("Forsøget (2021) slutter_nu!") == ["forsøget", "2021", "slutter", "nu"]


def test_a_hyphen_break_joins_the_two_halves() -> None:
    assert join_hyphen_breaks("ressourceforløbs-\nsager") == "ressourceforløbssager"


def test_a_hyphen_break_can_keep_the_halves_too() -> None:
    assert join_hyphen_breaks("ressourceforløbs-\nsager", keep_parts=True) == (
        "ressourceforløbssager ressourceforløbs sager"
    )


@pytest.mark.parametrize("text", ["kontant-\nog uddannelseshjælp", "Aarhus-\nKommune"])
def test_a_hyphen_break_before_a_conjunction_or_a_capital_stays(text: str) -> None:
    assert join_hyphen_breaks(text) == text


def test_search_text_adds_a_canonical_date_token() -> None:
    searched = search_text("Forsøget stopper 31/12-21.")
    assert searched.startswith("forsøget stopper 31 12 21")
    assert "dato20211231" in searched.split()


def test_term_is_what_terms_makes_of_one_word() -> None:
    assert terms("forsøgene") == [term("forsøgene")]


def test_terms_drop_stop_words() -> None:
    assert terms(search_text("Hvad er forsøget")) == [term("forsøget")]


@pytest.mark.parametrize("text", ["Forsøget stopper.", "Stopper det?", "Følgende:  "])
def test_terminal_punctuation_ends_a_sentence(text: str) -> None:
    assert ends_sentence(text)


@pytest.mark.parametrize("text", ["jf. stk.", "Det koster ca.", "den 3.", "uden punktum"])
def test_an_abbreviation_or_a_day_number_does_not_end_a_sentence(text: str) -> None:
    assert not ends_sentence(text)


def test_a_form_label_reads_as_one_and_a_repeated_statement_does_not() -> None:
    from core.textnorm import reads_as_label

    assert reads_as_label("Succeskriterier (hvad skal der til for at forsøget er en succes).")
    assert reads_as_label("Svarmuligheder:")
    assert reads_as_label("Kommune: Nordby Kommune")
    assert not reads_as_label("Bekendtgørelsen træder i kraft den 1/7 2018, og perioden løber til 2022.")
    assert not reads_as_label("")


def test_english_function_words_are_no_content_but_english_nouns_are() -> None:
    # an English question's "from", "been", "should" are not words a Danish corpus lacks
    assert not any(is_content(w) for w in ("from", "been", "should", "about", "after"))
    assert is_content("microloan") and is_content("municipality")
