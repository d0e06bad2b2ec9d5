"""Questions: validation, then the forms each part of the pipeline needs.

* ``dense``: what the encoder reads (the question, dates spelled out the way the
  sources write them);
* ``lexical``: what BM25 reads (the question plus synonyms, English→Danish glossary
  words and canonical date tokens);
* ``groups``: the question's content terms, each with its alternatives, for scoring
  how much of the question a sentence covers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.dates import YEAR, find_dates
from assistant.errors import QuestionError
from assistant.textnorm import is_content, search_text, stemmer, words
from assistant.thesaurus import DANISH_MARKERS, DANISH_SYNONYMS, ENGLISH_GLOSSARY, ENGLISH_MARKERS

EXAMPLE = "Hvilke forsøg stopper 31/12-21?"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # bytes that were not UTF-8
_HEAD = re.compile(
    r"\b(?:hvilke|hvilken|hvilket|nævn|oplist|hvor mange|antallet af|antal|which|what|how many|list|name)\s+(.*)",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<=[\w,] )([A-ZÆØÅ][a-zæøå]+[a-zæøå-]*)")  # capitalised, not first in the sentence
_NUMBER_WORDS = frozenset(
    [
        "en",
        "et",
        "to",
        "tre",
        "fire",
        "fem",
        "seks",
        "syv",
        "otte",
        "ni",
        "ti",
        "elleve",
        "tolv",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
    ]
)

_KINDS = (
    ("list", re.compile(r"\b(hvilke|nævn|list|oplist|which|what are the|name the)\b")),
    ("number", re.compile(r"\b(hvor mange|hvor meget|hvor stor|antal|how many|how much|what number)\b")),
    ("date", re.compile(r"\b(hvornår|hvilken dato|hvilket år|fra hvornår|til hvornår|when|what date|what year)\b")),
    ("why", re.compile(r"\b(hvorfor|begrundelse|årsag|why|reason)\b")),
)


@dataclass(frozen=True)
class TermGroup:
    """One content word of the question and the stems that count as matching it."""

    word: str
    stems: frozenset[str]


@dataclass(frozen=True)
class Query:
    text: str
    dense: str
    lexical: str
    groups: tuple[TermGroup, ...]
    kind: str
    english: bool
    # The noun a list or count question asks about: "hvilke *forsøg* …", "hvor mange *borgere*".
    head: frozenset[str] = frozenset()
    # Terms the question is anchored on: names (capitalised words inside the sentence),
    # years, and the head noun. If the documents never mention one, they cannot answer.
    anchors: tuple[TermGroup, ...] = ()


def validate(question: str, max_chars: int) -> str:
    """The question, trimmed; a QuestionError (Danish) if it cannot be used."""
    if not isinstance(question, str):
        raise QuestionError("Spørgsmålet skal være tekst.")
    if _CONTROL.search(question):
        bad = _CONTROL.search(question)
        assert bad is not None
        raise QuestionError(
            f"Spørgsmålet indeholder et kontroltegn (U+{ord(bad[0]):04X}), som ikke kan bruges. "
            "Skriv spørgsmålet igen uden det."
        )
    if _SURROGATE.search(question):
        raise QuestionError("Spørgsmålet indeholder tegn, der ikke er gyldig UTF-8. Skriv det igen.")
    text = " ".join(unicodedata.normalize("NFC", question).split())
    if not text:
        raise QuestionError(f"Spørgsmålet er tomt. Skriv et spørgsmål, fx »{EXAMPLE}«")
    if len(text) > max_chars:
        raise QuestionError(
            f"Spørgsmålet er for langt ({len(text)} tegn; højst {max_chars}). Stil et kortere spørgsmål."
        )
    if not any(c.isalnum() for c in text):
        raise QuestionError(f"Spørgsmålet indeholder ingen ord. Skriv et spørgsmål, fx »{EXAMPLE}«")
    return text


def _is_english(tokens: list[str]) -> bool:
    english = sum(t in ENGLISH_MARKERS for t in tokens)
    danish = sum(t in DANISH_MARKERS for t in tokens) + sum(any(c in "æøå" for c in t) for t in tokens)
    return english >= 2 and english > danish


def _synonyms(word: str) -> set[str]:
    out = {word}
    for group in DANISH_SYNONYMS:
        if word in group:
            out |= group
    return out


def parse(question: str, max_chars: int, language: str = "danish") -> Query:
    """Validate ``question`` and derive its search forms."""
    text = validate(question, max_chars)
    mentions = find_dates(text)
    undated = text
    for mention in reversed(mentions):
        undated = f"{undated[: mention.start]} {undated[mention.end :]}"
    tokens = words(undated)
    english = _is_english(tokens)
    lowered = text.lower()
    kind = next((name for name, pattern in _KINDS if pattern.search(lowered)), "fact")

    stem = stemmer(language).stemWord
    groups: list[TermGroup] = []
    extra: list[str] = []
    for token in dict.fromkeys(t for t in tokens if is_content(t)):
        alternatives = _synonyms(token)
        if english and token in ENGLISH_GLOSSARY:
            for danish in ENGLISH_GLOSSARY[token].split():
                alternatives |= _synonyms(danish)
        extra.extend(sorted(alternatives - {token}))
        groups.append(TermGroup(token, frozenset(stem(a) for a in alternatives)))

    dense = text
    for mention in reversed(mentions):
        dense = f"{dense[: mention.end]} ({mention.danish}){dense[mention.end :]}"
        groups.append(TermGroup(mention.tokens[0], frozenset({mention.tokens[0]})))
    lexical = " ".join([search_text(text), *extra])
    head = _head(undated, groups)
    return Query(text, dense, lexical, tuple(groups), kind, english, head, _anchors(undated, groups, head))


def _anchors(text: str, groups: list[TermGroup], head: frozenset[str]) -> tuple[TermGroup, ...]:
    names = {w.lower() for w in _NAME.findall(text)} | set(YEAR.findall(text))
    return tuple(g for g in groups if g.word in names or (head and g.stems == head))


def _head(text: str, groups: list[TermGroup]) -> frozenset[str]:
    """Stems of the noun after "hvilke"/"hvor mange"/"which" (numerals skipped)."""
    m = _HEAD.search(text)
    if not m:
        return frozenset()
    for word in words(m[1]):
        if word in _NUMBER_WORDS or not is_content(word):
            continue
        return next((g.stems for g in groups if g.word == word), frozenset())
    return frozenset()
