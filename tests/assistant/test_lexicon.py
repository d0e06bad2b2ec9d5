"""A corpus's lexicon.toml: synonym groups and an English glossary, and how parse() uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.lexicon import Lexicon
from assistant.query import parse
from core.errors import ConfigError
from core.textnorm import skeleton, stemmer

LEXICON = """
[synonyms]
groups = ["forsøg frikommuneforsøg", "borgere indbyggere"]

[english]
trial = "forsøg"
Citizens = "borgere"
"""


@pytest.fixture
def lexicon(tmp_path: Path) -> Lexicon:
    path = tmp_path / "lexicon.toml"
    path.write_text(LEXICON, encoding="utf-8")
    return Lexicon.load(path)


def test_a_missing_file_is_an_empty_lexicon(tmp_path: Path) -> None:
    lexicon = Lexicon.load(tmp_path / "findes-ikke.toml")
    assert not lexicon
    assert lexicon.alternatives("forsøg", english=False) == {"forsøg"}


def test_a_synonym_group_expands_each_of_its_members(lexicon: Lexicon) -> None:
    assert lexicon
    assert lexicon.alternatives("forsøg", english=False) == {"forsøg", "frikommuneforsøg"}
    assert lexicon.alternatives("frikommuneforsøg", english=False) == {"forsøg", "frikommuneforsøg"}
    assert lexicon.alternatives("indbyggere", english=False) == {"borgere", "indbyggere"}


def test_a_word_in_no_group_is_only_itself(lexicon: Lexicon) -> None:
    assert lexicon.alternatives("grus", english=False) == {"grus"}


def test_an_english_word_expands_only_for_an_english_question(lexicon: Lexicon) -> None:
    assert lexicon.alternatives("trial", english=False) == {"trial"}
    assert lexicon.alternatives("trial", english=True) == {"trial", "forsøg", "frikommuneforsøg"}


def test_glossary_keys_are_lower_cased(lexicon: Lexicon) -> None:
    assert "borgere" in lexicon.alternatives("citizens", english=True)


@pytest.mark.parametrize("typed", ["forsoeg", "forsog"])
def test_a_synonym_group_applies_to_a_word_typed_without_danish_letters(lexicon: Lexicon, typed: str) -> None:
    assert "frikommuneforsøg" in parse(f"Hvilke {typed} stopper?", 1000, lexicon=lexicon).lexical.split()


@pytest.mark.parametrize(
    "content",
    [
        "[synonyms\ngroups = [",  # not TOML
        '[synonyms]\ngroups = "forsøg frikommuneforsøg"',  # not a list
        "[synonyms]\ngroups = [1, 2]",  # not texts
        "[english]\ntrial = 3",  # not a text
    ],
)
def test_a_malformed_file_raises_a_danish_config_error_naming_the_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Lexicon.load(path)
    assert "Ordlisten" in info.value.message
    assert str(path) in info.value.message


def test_a_file_that_is_not_utf8_raises_config_error(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_bytes('[english]\ntrial = "fors\xf8g"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="Ordlisten"):
        Lexicon.load(path)


def test_parse_without_a_lexicon_searches_only_the_question_words() -> None:
    query = parse("Hvilke forsøg stopper?", 1000)
    assert "frikommuneforsøg" not in query.lexical.split()
    group = next(g for g in query.groups if g.word == "forsøg")
    assert group.stems == {"forsog"}


def test_parse_with_a_lexicon_adds_the_synonyms_to_the_lexical_search(lexicon: Lexicon) -> None:
    query = parse("Hvilke forsøg stopper?", 1000, lexicon=lexicon)
    assert "frikommuneforsøg" in query.lexical.split()
    group = next(g for g in query.groups if g.word == "forsøg")
    assert group.stems == {"forsog", skeleton(stemmer().stemWord("frikommuneforsøg"))}


def test_parse_uses_the_glossary_only_for_english_questions(lexicon: Lexicon) -> None:
    danish = parse("Hvilke trial stopper?", 1000, lexicon=lexicon)
    assert not danish.english
    assert "forsøg" not in danish.lexical.split()
    english = parse("Which trial was stopped according to the report?", 1000, lexicon=lexicon)
    assert english.english
    assert {"forsøg", "frikommuneforsøg"} <= set(english.lexical.split())
