"""Repair of OCR-broken Danish words.

The scanner read "ø" as g/e/p/s/@, "æ" as ae/ee/a/e, "å" as a/3/d and "l" as 1/I:
"forsgg" (forsøg), "Leesg" (Læsø), "Igntilskud" (løntilskud). A word that is not in the
lexicon gets the variant, at most two confusions away, that is a known word (or a
compound of two known words); the more frequent wins. The lexicon is Danish word
frequencies (wordfreq) plus every word of the corpus's clean documents. Ingest repairs
what search and embedding read; the assistant repairs the text shown for reading
(core/reading.py), always beside the verbatim quote and with the scan's spelling kept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from wordfreq import top_n_list, zipf_frequency

from core.textnorm import join_hyphen_breaks, words

# (what the scanner printed, what was meant); multi-letter forms first.
CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("ee", "æ"), ("ae", "æ"), ("oe", "ø"), ("aa", "å"),
    ("g", "ø"), ("e", "ø"), ("p", "ø"), ("s", "ø"), ("@", "ø"), ("6", "ø"), ("o", "ø"), ("a", "ø"),
    ("a", "æ"), ("e", "æ"), ("&", "æ"),
    ("a", "å"), ("3", "å"), ("d", "å"), ("é", "å"),
    ("1", "l"), ("i", "l"), ("1", "i"), ("f", "t"), ("t", "f"),
)  # fmt: skip
_TOKEN = re.compile(r"[\w@&]+")
MIN_WORD = 3
MIN_PART = 4  # the shorter part of a compound
INFLECTIONS = ("erne", "ernes", "ene", "enes", "ers", "er", "en", "et", "ens", "ets", "e", "s", "es", "t")
GENERAL_WORDS = 60_000


@lru_cache(maxsize=1)
def _general_lexicon() -> frozenset[str]:
    return frozenset(top_n_list("da", GENERAL_WORDS))


class Lexicon:
    """Known Danish words: general frequencies plus the corpus's own vocabulary."""

    def __init__(self, corpus_texts: Iterable[str] = ()) -> None:
        self.corpus = Counter(w for text in corpus_texts for w in words(text) if len(w) >= MIN_WORD)
        self.general = _general_lexicon()

    def __contains__(self, word: str) -> bool:
        return word in self.corpus or word in self.general

    def score(self, word: str) -> float:
        """Higher is more common; corpus words count as common."""
        return zipf_frequency(word, "da") + min(self.corpus.get(word, 0), 20) * 0.25

    def is_word(self, word: str) -> bool:
        """Known, an inflection of a known word, or a compound of two known words."""
        if self.is_inflected(word):
            return True
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:i], word[i:]
            if self.is_inflected(tail) and (head in self or (head[-1] in "se" and head[:-1] in self)):
                return True
        return False

    def is_inflected(self, word: str) -> bool:
        return word in self or any(word.endswith(end) and word[: -len(end)] in self for end in INFLECTIONS)


class OcrRepairer:
    """Maps OCR-damaged words to the words they most likely were."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._cache: dict[str, str] = {}

    def repair(self, text: str) -> str:
        """``text`` with hyphenated line breaks joined and damaged words replaced."""
        text = join_hyphen_breaks(text)
        return _TOKEN.sub(lambda m: self.word(m[0]), text)

    def word(self, token: str) -> str:
        lower = token.lower()
        if len(lower) < MIN_WORD or lower.isdigit():
            return token
        if lower not in self._cache:
            self._cache[lower] = self._best(lower)
        fixed = self._cache[lower]
        return fixed.capitalize() if token[:1].isupper() else fixed

    def short_word(self, token: str) -> str:
        """A two-letter token with a digit or sign for a letter ("p3": "på"), repaired to
        the commonest known word one confusion away; anything else as it is. (``word``
        leaves words this short alone: among letters alone, "pa" or "ta" may be meant.)"""
        lower = token.lower()
        if len(lower) != 2 or lower.isdigit() or not any(c.isdigit() or c in "@&" for c in lower):
            return token
        known = [v for v in _variants(lower) if v.isalpha() and v in self.lexicon]
        if not known:
            return token
        fixed = max(known, key=self.lexicon.score)
        return fixed.capitalize() if token[:1].isupper() else fixed

    def _best(self, word: str) -> str:
        """The word itself when it is valid (unless a variant is far more common)."""
        valid = self.lexicon.is_word(word)
        own = self.lexicon.score(word)
        frontier = {word}
        for _ in range(2):
            frontier = {v for w in frontier for v in _variants(w)}
            known = [v for v in frontier if v in self.lexicon]
            if not known and not valid:
                known = [v for v in frontier if self.lexicon.is_word(v)]
            if known:
                best = max(known, key=self.lexicon.score)
                if not valid or self.lexicon.score(best) >= own + 2:
                    return best
                return word
        return word


def _variants(word: str) -> set[str]:
    out = set()
    for wrong, right in CONFUSIONS:
        start = word.find(wrong)
        while start != -1:
            out.add(word[:start] + right + word[start + len(wrong) :])
            start = word.find(wrong, start + 1)
    return out
