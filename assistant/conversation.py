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
corpus. The follow-up openings ("og", "hvad med", "what about"), the verb's place right
after the question word (never a subject), and a pronoun standing for the noun phrase of
its gender before ("det" for "forsøget med revalidering") are Danish and English
grammar, not this corpus's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.catalog import Catalog
from core.errors import QuestionError
from core.textnorm import fold, is_content, term, words

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
# The finite verb of a Danish (or English) question comes right after its question word or
# phrase ("Hvilke forsøg stopper …", "Hvornår stopper …", "Which trials stop …"): what is
# asked, never whom or what about, though a heading may use the word ("FORSØG DER STOPPER").
# Not the last word: "hvilke kommuner mikrolån", typed in haste, has no verb.
_VERB_SLOT = re.compile(
    r"^\s*(?:(?:og|men|and|but)\s+)?(?:hvad|hvem|hvorn[aå]a?r|hvordan|hvorfor|hvor(?:\s+mange(?:\s+\w+)?|\s+(?:meget|l[aæ]e?nge|ofte|tit))?"
    r"|hvilke[nt]?(?:\s+\w+)?|which\s+\w+|who|what)\s+(?P<verb>\w+)(?=\W+\w)",
    re.IGNORECASE,
)
# "det", "den", "dette", "denne", "it", "this", "that": a pronoun for one thing named before
_POINTS_BACK = re.compile(r"\b(?:det|den|dette|denne|it|this|that)\b", re.IGNORECASE)
# the definite noun endings each pronoun agrees with: Danish "det" and "dette" stand for a
# neuter noun ("forsøget"), "den" and "denne" for a common one ("ordningen")
_AGREES = {"det": ("et",), "dette": ("et",), "den": ("en",), "denne": ("en",)}
_DEFINITE = ("en", "et", "ne")  # any definite noun, for "it", "this", "that"
# the prepositions of a noun phrase that ends in a subject word (see ``_phrase_of``)
_PREPOSITIONS = r"(?:med|om|af|for|til|på|paa|i|of|on|about|with)"
# a capitalised word after the first word, not after a sentence mark
_INNER_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b(?<![\w-])([A-ZÆØÅ][\w-]+)")


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
    about = _WHAT_ABOUT.match(question)
    if about:  # the previous question again, about X instead of its subject
        x = about.group("x").strip()
        # a name for a name: the previous question's, known to the index or not (a name
        # the documents spell otherwise is still the name the question turned on)
        name = next((w for w in before if w[:1].isupper()), None) or next(iter(_inner_names(previous)), None)
        if _capitalised(x) and name:
            return Resolved(_replace(previous, name, x), tuple(w for w in before if w != name))
        if not before:
            return Resolved(question)
        if _capitalised(x):  # a name, and the previous question named none: about X as well
            return Resolved(f"{previous.rstrip(' ?.!')} ({x})?", tuple(before))
        if not subject_words(x, catalog, language):
            return Resolved(f"{previous} {x}", tuple(before))
        old = before[0]
        return Resolved(_replace(previous, old, x), tuple(w for w in before if w != old))
    if not before:
        return Resolved(question)
    if not _LEANS.match(question) and (subject_words(question, catalog, language) or _SET.match(question)):
        return Resolved(question)  # it names its own subject, or asks about a whole set
    own = {term(w, language) for w in words(question)}
    carried = tuple(w for w in before if term(w, language) not in own)
    if not carried:
        return Resolved(question)
    pronoun = _POINTS_BACK.search(question)
    phrase = _phrase_of(previous, carried[0], _AGREES.get(pronoun.group(0).lower(), _DEFINITE)) if pronoun else None
    if pronoun and phrase:  # "hvornår stopper det?" -> "hvornår stopper forsøget med revalidering?"
        return Resolved(question[: pronoun.start()] + phrase + question[pronoun.end() :], carried)
    return Resolved(f"{question.rstrip(' ?.!')} ({' '.join(carried)})?", carried)


def subject_words(text: str, catalog: Catalog, language: str = "danish") -> list[str]:
    """The words of ``text`` that few passages use, as written, rarest first."""
    found: dict[str, float] = {}
    texts = max(catalog.texts, 1)
    verb = _VERB_SLOT.match(text)
    for word in words(text):
        if not is_content(word) or word.isdigit() or (verb and word == fold(verb.group("verb"))):
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


def _phrase_of(question: str, subject: str, endings: tuple[str, ...] = _DEFINITE) -> str | None:
    """The noun phrase of ``question`` that ends in ``subject``: a noun, a preposition and
    up to three words before it ("Hvad går forsøget med revalidering ud på?": "forsøget
    med revalidering"); None when ``subject`` stands without one or is a name."""
    if subject[:1].isupper():
        return None
    pattern = rf"(?=\b(\w+\s+{_PREPOSITIONS}\s+(?:\w+\s+){{0,3}}?{re.escape(subject)})\b)"
    phrases = [(m.start(), m.group(1)) for m in re.finditer(pattern, question, re.IGNORECASE)]
    # the nearest noun in a definite form that ``endings`` allow ("forsøget" for "det",
    # "ordningen" for "den": what the pronoun can point back to)
    definite = [(at, phrase) for at, phrase in phrases if phrase.split()[0].lower().endswith(endings)]
    if not definite or _VERB_SLOT.match(question[definite[-1][0] :]):
        return None
    return definite[-1][1]


def _capitalised(text: str) -> bool:
    return any(w[:1].isupper() for w in text.split())


def _inner_names(text: str) -> list[str]:
    """The words ``text`` writes with a capital after its first word and not after a
    sentence mark: names, in Danish, which writes its nouns in lower case."""
    return [m.group(1) for m in _INNER_NAME.finditer(text.strip())]


def _replace(question: str, old: str, new: str) -> str:
    return re.sub(re.escape(old), new, question, count=1, flags=re.IGNORECASE)
