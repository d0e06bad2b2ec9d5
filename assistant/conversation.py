"""Follow-up questions: a question read in the context of the conversation before it.

People chat in follow-ups: "Og hvad viste evalueringen?" after a question about one trial,
"Og hvad med Thisted?" after "Hvilke forsøg deltog Frederikshavn i?". ``resolve`` turns
such a question into one that stands alone, and says which words it took from the
conversation, so the answer can say so. A question that names its own subject is
answered on its own.

The subject of a question is the words in it that name things in the index: words the
documents write with a capital inside a sentence (a municipality, an organisation), and
words of headings, row titles and list items that few passages use (a trial). It is
found from the index's own text and structure, not from a word list, so it works for any
corpus. The follow-up openings ("og", "hvad med", "what about") are Danish and English
language, not this corpus's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.catalog import Catalog
from core.errors import QuestionError
from core.textnorm import is_content, term, words

# A word is a subject word when at most this share of the distinct passage texts use it.
# Structural, not fitted: "forsøg" or "evalueringen" are in most passages of a report
# about trials; a trial's or a municipality's name is in a few.
SUBJECT_SHARE = 0.1
# A capitalised name is a subject word when at most this share of the passages use it: a
# municipality or an organisation is in a few; "Kommuner", which a document writes with a
# capital after a list of names, is in half of them and distinguishes nothing.
NAME_SHARE = 0.25
MAX_TURNS = 8  # earlier questions read back, newest first
MAX_HISTORY = 20  # earlier questions a caller may send
MAX_HISTORY_CHARS = 20_000  # ... in total


def check_history(history: object) -> list[str]:
    """A caller's ``history`` (None, or the earlier questions as a list of strings, oldest
    first), or a QuestionError in Danish."""
    if history is None:
        return []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise QuestionError("history skal være en liste af samtalens tidligere spørgsmål (tekst), ældste først.")
    if len(history) > MAX_HISTORY:
        raise QuestionError(f"history har {len(history)} spørgsmål; højst {MAX_HISTORY}. Send de seneste.")
    if sum(len(h) for h in history) > MAX_HISTORY_CHARS:
        raise QuestionError(f"history er for lang (højst {MAX_HISTORY_CHARS:,} tegn i alt)".replace(",", ".") + ".")
    return history


MAX_SUBJECT = 2  # subject words carried from one question to the next, rarest first

# "og hvad med X", "hvad så med X", "men hvad med X", "what about X", "how about X"
_WHAT_ABOUT = re.compile(
    r"^\s*(?:(?:og|men|and|but)\s+)?(?:hvad|hvordan|what|how)\s+(?:så\s+|saa\s+|sa\s+)?(?:med|about)\s+(?P<x>.+?)[\s?.!]*$",
    re.IGNORECASE,
)
# A question about a whole set ("hvilke forsøg …", "hvor mange kommuner …", "which trials …")
# stands alone unless it leans on what was said before.
_SET = re.compile(r"^\s*(?:hvilke|hvor\s+mange|which|how\s+many|list|nævn|naevn)\b", re.IGNORECASE)
# An opening that leans on what was said before: "og …", "men …", "and …", "also …".
_LEANS = re.compile(r"^\s*(?:og|men|så|saa|også|ogsaa|and|but|also|then)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Resolved:
    """The question to search and answer, and the words it took from the conversation
    (empty when it stands alone)."""

    question: str
    taken: tuple[str, ...] = ()


def resolve(question: str, earlier: Sequence[str], catalog: Catalog, language: str = "danish") -> Resolved:
    """``question`` made to stand alone, given the ``earlier`` questions (oldest first)."""
    earlier = [q for q in earlier if isinstance(q, str) and q.strip()][-MAX_TURNS:]
    if not earlier:
        return Resolved(question)
    previous = resolve(earlier[-1], earlier[:-1], catalog, language).question
    before = subject_words(previous, catalog, language)
    if not before:
        return Resolved(question)
    about = _WHAT_ABOUT.match(question)
    if about:  # the previous question again, about X instead of its subject
        x = about.group("x").strip()
        if not subject_words(x, catalog, language) and not _capitalised(x):
            return Resolved(f"{previous} {x}", tuple(before))
        old = _counterpart(before, x)
        kept = tuple(w for w in before if w != old)
        replaced = _replace(previous, old, x)
        return Resolved(replaced, kept)
    if not _LEANS.match(question) and (subject_words(question, catalog, language) or _SET.match(question)):
        return Resolved(question)  # it names its own subject, or asks about a whole set
    own = {term(w, language) for w in words(question)}
    carried = tuple(w for w in before if term(w, language) not in own)
    if not carried:
        return Resolved(question)
    return Resolved(f"{question.rstrip(' ?.!')} ({' '.join(carried)})?", carried)


def subject_words(text: str, catalog: Catalog, language: str = "danish") -> list[str]:
    """The words of ``text`` that few passages use, as written, rarest first."""
    found: dict[str, float] = {}
    texts = max(catalog.texts, 1)
    for word in words(text):
        if not is_content(word) or word.isdigit():
            continue
        stem = term(word, language)
        if stem not in catalog.df:
            stem = catalog.correct(stem) or stem  # a typo of a name still names it
        df = catalog.df.get(stem, 0)
        named = stem in catalog.names and df <= NAME_SHARE * texts
        if df and (named or (stem in catalog.headings and df <= SUBJECT_SHARE * texts)):
            found.setdefault(_as_written(word, text), catalog.idf(stem))
    return sorted(found, key=lambda w: -found[w])[:MAX_SUBJECT]


def _as_written(word: str, text: str) -> str:
    """``word`` (folded) as the text writes it, capitals and all."""
    match = re.search(re.escape(word), text, re.IGNORECASE)
    return match.group(0) if match else word


def _capitalised(text: str) -> bool:
    return any(w[:1].isupper() for w in text.split())


def _counterpart(subjects: list[str], x: str) -> str:
    """The subject word that ``x`` stands in for: a name for a name, else the rarest."""
    if _capitalised(x):
        named = [w for w in subjects if w[:1].isupper()]
        if named:
            return named[0]
    return subjects[0]


def _replace(question: str, old: str, new: str) -> str:
    return re.sub(re.escape(old), new, question, count=1, flags=re.IGNORECASE)
