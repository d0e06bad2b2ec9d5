"""Questions: validation, then the forms each part of the pipeline needs.

* ``dense``: what the encoder reads (the question, dates spelled out the way the
  sources write them);
* ``lexical``: what BM25 reads (the question plus canonical date tokens and, when the
  corpus has a lexicon, its synonyms and English→Danish glossary words);
* ``groups``: the question's content terms, each with its alternatives, for scoring
  how much of the question a sentence covers;
* ``kind``: what sort of answer it asks for (a list, a number, a date, a reason, a name).

Everything here is language, not corpus: the corpus's own words come from its lexicon.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from assistant.lexicon import Lexicon
from core.dates import YEAR, find_dates
from core.errors import QuestionError
from core.textnorm import is_content, search_text, term, words

EXAMPLE = "Hvilke forsøg stopper 31/12-21?"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ENDS = frozenset(".?!")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # bytes that were not UTF-8
_HEAD = re.compile(
    r"\b(?:hvilke|hvilken|hvilket|nævn|oplist|hvor mange|antallet af|antal|which|what|how many|list|name)\s+(.*)",
    re.IGNORECASE,
)
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

# Function words of each language, for telling an English question from a Danish one.
ENGLISH_MARKERS = frozenset(
    "the which what who when why how did does do were was are is of to in for and with according".split()
)
DANISH_MARKERS = frozenset(
    "hvilke hvilket hvem hvornår hvorfor hvordan hvad hvor og er det der til af med som på blev".split()
)

# Question words, matched on the folded question, with æ/ø/å also typed as ae/oe/aa or a/o,
# except "nævn" typed "navn", which is another word.
_KINDS = (
    (
        "number",
        re.compile(
            r"\b(hvor (mange|meget|stor|lang tid|ofte|tit)|antal(let)?|how (many|much|long|often)|what number)\b"
        ),
    ),
    # a date also when the question names one ("startdato", "hvilke måneder")
    (
        "date",
        re.compile(
            r"\b(hvorn(å|aa|a)r|\w*dato(en|er)?|hvilke[nt]? (å|aa|a)r|hvilke(n)? m(å|aa|a)ned(er)?|when|"
            r"what (date|year|month)|which (date|year|month)s?|(start|end) date)\b"
        ),
    ),
    # English "which" asks for several only before a plural noun ("which trials", "which
    # two municipalities"); "which municipality runs …" asks for one. Danish says it in
    # the question word itself (hvilke / hvilken, hvilket).
    (
        "list",
        re.compile(
            r"\b(hvilke|n(æ|ae)vn|list|oplist|what are the|name the|"
            r"which ((one|two|three|four|five|six|seven|eight|nine|ten|\d+) )?\w*[^\Wsui]s)\b"
        ),
    ),
    ("why", re.compile(r"\b(hvorfor|begrundelse(n)?|(å|aa|a)rsag(en)?|why|reason)\b")),
    ("who", re.compile(r"\b(hvem|who|whom)\b")),
)
# What unit an answer must carry, whatever the question's kind: an amount of money, a
# share, a number of hours. Danish and English question words, matched on the folded question (ø also as oe/o).
_UNITS = (
    (
        "money",
        re.compile(
            r"\b(kroner|kr|dkk|bel(ø|oe|o)b\w*|kost(er|ede|e)|udgift\w*|budget\w*|"
            r"pris(en)?|cost\w*|charged?|paid|spend|spent)\b"
            # "penge", "betale", "money", "pay" ask for an amount only after "how much/many":
            # not in "låne penge til at starte firma", "straf for ikke at betale skat" or
            # "the sick pay trial"
            r"|\b(hvor (mange|meget)|how (much|many))\b.*\b(penge\w*|betal(e|te|t)|money|pay)\b"
        ),
    ),
    ("percent", re.compile(r"\b(\w*procent\w*|pct|percent\w*|rate)\b|%")),
    ("hours", re.compile(r"\b(\w*timer|hours?)\b")),
)
# Question words long enough to recognise through one typo ("hvike", "hvlike", "wqich"):
# a word of five letters or more one edit (a transposition counts as one) from one of them
# is read as it, for telling what the question asks for. Shorter ones ("hvem", "hvor")
# are one edit from too many other words.
QUESTION_WORDS = ("hvilke", "hvilken", "hvilket", "hvornår", "hvorfor", "hvordan", "which")
_TYPO_MIN = 5
# Words that state a cause in a document's sentence (Danish and English): where a reason
# for a decision is said ("Grundet spinkelt datagrundlag …", "Det skyldes, at …").
CAUSAL = re.compile(
    r"\b(fordi|da|derfor|grundet|skyldes|årsag\w*|idet|baggrund|eftersom|henblik|since|because|due)\b", re.IGNORECASE
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
    # Units the answer must carry ("money", "percent") and the years the question names.
    units: frozenset[str] = frozenset()
    years: tuple[str, ...] = ()
    # Every kind of answer the question asks for: "Hvilke forsøg stopper, og hvorfor?" is a
    # list (its ``kind``) and a reason.
    kinds: frozenset[str] = frozenset()


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


def _question_word(word: str) -> str:
    """``word``, or the question word it misspells by one edit."""
    if len(word) < _TYPO_MIN or word in QUESTION_WORDS:
        return word
    for known in QUESTION_WORDS:
        if OSA.distance(word, known, score_cutoff=1) <= 1:
            return known
    return word


def _is_english(tokens: list[str]) -> bool:
    english = sum(t in ENGLISH_MARKERS for t in tokens)
    danish = sum(t in DANISH_MARKERS for t in tokens) + sum(any(c in "æøå" for c in t) for t in tokens)
    return english >= 2 and english > danish


def parse(question: str, max_chars: int, language: str = "danish", lexicon: Lexicon | None = None) -> Query:
    """Validate ``question`` and derive its search forms (widened by the corpus's
    ``lexicon`` when one is given)."""
    text = validate(question, max_chars)
    mentions = find_dates(text)
    undated = text
    for mention in reversed(mentions):
        undated = f"{undated[: mention.start]} {undated[mention.end :]}"
    tokens = words(undated)
    english = _is_english(tokens)
    lowered = " ".join(_question_word(w) for w in words(text))
    kinds = frozenset(name for name, pattern in _KINDS if pattern.search(lowered))
    kind = next((name for name, _ in _KINDS if name in kinds), "fact")
    lexicon = lexicon or Lexicon()

    groups: list[TermGroup] = []
    extra: list[str] = []
    for token in dict.fromkeys(t for t in tokens if is_content(t)):
        alternatives = lexicon.alternatives(token, english)
        extra.extend(sorted(alternatives - {token}))
        groups.append(TermGroup(token, frozenset(term(a, language) for a in alternatives)))

    # The encoder reads the message in one form however it was typed. A chat message is a
    # question whether or not it ends in a question mark, and the encoder reads the mark
    # ("hvad er LÆ265" ranked passages otherwise than "hvad er LÆ265?"), so a message that
    # ends in no sentence mark gets one (``text`` is already stripped). Case is folded:
    # caseworkers type in lower case or capitals, and the lexical side folds case anyway.
    # Kept for that invariance: its dev gain (0.665 -> 0.674) did not survive the refit.
    dense = text if text[-1:] in _ENDS else text + "?"
    for mention in reversed(mentions):
        dense = f"{dense[: mention.end]} ({mention.danish}){dense[mention.end :]}"
        groups.append(TermGroup(mention.tokens[0], frozenset({mention.tokens[0]})))
    dense = dense.lower()  # after the dates, whose offsets are the typed text's
    lexical = " ".join([search_text(text), *extra])
    units = frozenset(name for name, pattern in _UNITS if pattern.search(text.lower()))
    years = tuple(dict.fromkeys(YEAR.findall(text)))
    head = _head(" ".join(_question_word(w) for w in words(undated)), groups)
    return Query(text, dense, lexical, tuple(groups), kind, english, head, units, years, kinds)


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
