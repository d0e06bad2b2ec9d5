"""Text normalisation shared by indexing and querying.

The search side of the index never sees the raw text: it sees ``search_text`` (folded,
de-hyphenated, with canonical date tokens) and, from that, ``terms`` (Danish stems without
stop words). Quotes always come from the raw text; nothing here is shown to a user.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DANISH, STOPWORDS_EN_PLUS

from core.dates import date_tokens

_WORD = re.compile(r"[^\W_]+")
_HYPHEN_BREAK = re.compile(r"([^\W\d_]{2,})-[ \t\r]*\n\s*([^\W\d_]{2,})")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\u00ad\u200b-\u200f\ufeff]")
_TAG = re.compile(r"</?p>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
NOT_JOINED = frozenset({"og", "eller", "samt", "til", "som", "and", "or"})

ABBREVIATIONS = frozenset(
    [
        "d",
        "dvs",
        "f.eks",
        "fx",
        "bl.a",
        "jf",
        "stk",
        "nr",
        "pr",
        "ca",
        "mv",
        "m.v",
        "ift",
        "vedr",
        "iflg",
        "ifm",
        "m.m",
        "evt",
        "hhv",
        "fsva",
        "mdr",
        "pkt",
        "kap",
        "tlf",
        "inkl",
        "ekskl",
        "osv",
        "etc",
        "mio",
        "mia",
        "kr",
        "ang",
        "bek",
        "lign",
        "el",
        "st",
        "nb",
        "sagsnr",
        "jnr",
        "ref",
        "j.nr",
        "oa",
        "pga",
        "mht",
        "vha",
        "ca.",
        "s",
        "sp",
        "pkt.",
        "dr",
        "lab",
        "sdr",
    ]
)
_TERMINAL = (".", "!", "?", ":", ";")

# English function words from bm25s's fuller list (179, NLTK's), not its 33-word Lucene list:
# with that one, "from", "been", "should" and "about" in an English question counted as
# content words that no Danish document uses, and so as evidence that it is unanswerable.
# None of the added words is a Danish content word ("to", Danish for two, was already in the
# short list).
STOPWORDS = frozenset(STOPWORDS_DANISH) | frozenset(STOPWORDS_EN_PLUS) | {
    # question words and fillers that carry no content in this domain
    "hvilke", "hvilket", "hvilken", "hvad", "hvem", "hvor", "hvornår", "hvorfor", "hvordan",
    "mange", "ifølge", "står", "fremgår", "nævnes", "nævn", "oplist", "list",
    "which", "what", "who", "whom", "when", "why", "how", "many", "much", "does", "did",
    "were", "was", "according",
    # generic verbs: "hvad skete der med …" asks about the topic, not about "ske"
    "ske", "sker", "skete", "sket", "gøre", "gør", "gjorde", "gjort", "få", "får", "fik", "fået",
    "gå", "går", "gik", "gået", "komme", "kommer", "kom", "kommet", "happened", "happen",
    "take", "takes", "took", "taken", "get", "gets", "got", "make", "made", "up", "out",
}  # fmt: skip


# Danish letters and the ways they are typed without a Danish keyboard: "forsøg",
# "forsoeg" and "forsog" all become "forsog"; "læsø", "laesoe" and "laeso" become "laso".
_DIGRAPHS = re.compile(r"aa|ae|oe")
_SKELETON = str.maketrans({"æ": "a", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def skeleton(term: str) -> str:
    """One form for every way of typing æ/ø/å (applied to both sides of every term match)."""
    return _DIGRAPHS.sub(lambda m: m[0][0], term).translate(_SKELETON)


def fold(text: str) -> str:
    """Lower-case, NFKC, no tags, no private-use bullets or soft hyphens."""
    text = unicodedata.normalize("NFKC", text)
    text = _TAG.sub(" ", text)
    text = _PRIVATE_USE.sub(" ", text)
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u201d", '"')
    return text.lower()


def unmark(text: str) -> str:
    """``text`` with <p> tags and private-use bullets (and soft hyphens) as spaces."""
    return _PRIVATE_USE.sub(" ", _TAG.sub(" ", text))


def display(text: str) -> str:
    """Raw source text as a person reads it: no <p> tags, whitespace collapsed."""
    return _SPACE.sub(" ", unmark(text)).strip()


def words(text: str) -> list[str]:
    """Folded word tokens (letters and digits)."""
    return _WORD.findall(fold(text))


def join_hyphen_breaks(text: str, keep_parts: bool = False, keep_acronyms: bool = False) -> str:
    """'ressourceforløbs-' + line break + 'sager' -> 'ressourceforløbssager'.

    With ``keep_parts`` the two halves are kept too; with ``keep_acronyms`` an acronym
    keeps its hyphen ('LAB-' + line break + 'forenklingen' -> 'LAB-forenklingen'). Not
    done before a conjunction ('kontant- og uddannelseshjælp') or a capital letter.
    """

    def repl(match: re.Match[str]) -> str:
        head, tail = match[1], match[2]
        if tail.lower() in NOT_JOINED or not tail[0].islower():
            return match[0]
        if keep_acronyms and head.isupper():
            return f"{head}-{tail}"
        return f"{head}{tail} {head} {tail}" if keep_parts else f"{head}{tail}"

    return _HYPHEN_BREAK.sub(repl, text)


def search_text(text: str) -> str:
    """The form of a passage (or question) that lexical search indexes."""
    folded = join_hyphen_breaks(fold(text), keep_parts=True)
    tokens = _WORD.findall(folded)
    return " ".join(tokens + date_tokens(folded))


# Stop words with æ/ø/å typed as ae/oe/aa ("hvornaar", "naevn"), and as a/o when the word
# is long enough not to become another word (short ones do: "navn", "far", "star").
_DANISH_STOPS = [w for w in STOPWORDS if any(c in "æøå" for c in w)]
_STOP_SKELETONS = frozenset(w.replace("æ", "ae").replace("ø", "oe").replace("å", "aa") for w in _DANISH_STOPS) | {
    skeleton(w) for w in _DANISH_STOPS if len(w) >= 6
}


@lru_cache(maxsize=4)
def stemmer(language: str = "danish") -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def is_content(token: str) -> bool:
    return token not in STOPWORDS and token not in _STOP_SKELETONS and (len(token) > 1 or token.isdigit())


def terms(search: str, language: str = "danish") -> list[str]:
    """Stemmed content terms of a ``search_text`` string, in order, with æ/ø/å folded
    (``skeleton``) before stemming, so a question typed as "forlaenget", "forlanget" or
    "ophoerer" meets "forlænget" and "ophører" (stemming first would read the "e" of
    "oe" as part of an ending)."""
    tokens = [skeleton(t) for t in search.split() if is_content(t)]
    return stemmer(language).stemWords(tokens)


def term(word: str, language: str = "danish") -> str:
    """The index term of one folded word (what ``terms`` makes of it)."""
    return stemmer(language).stemWord(skeleton(word))


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with terminal punctuation that is not an abbreviation."""
    text = text.rstrip()
    if not text.endswith(_TERMINAL):
        return False
    if text.endswith("."):
        last = text.split()[-1].lower().rstrip(".") if text.split() else ""
        return last not in ABBREVIATIONS and not (last.isdigit() and len(last) <= 2)
    return True


LABEL_WORDS = 3  # a form field's label is this short outside its parentheses
_PARENTHESIS = re.compile(r"\([^()]*\)")


def reads_as_label(text: str) -> bool:
    """Does a paragraph or span that a document repeats word for word read as a form
    field's label rather than a statement? It ends with a colon, or is at most LABEL_WORDS
    words outside its parentheses ("Succeskriterier (hvad skal der til …)."). A repeated
    statement ("Bekendtgørelsen træder i kraft den 1/7 2018 …") answers by itself and
    leads no value."""
    text = text.strip()
    return text.endswith(":") or 0 < len(_PARENTHESIS.sub(" ", text).split()) <= LABEL_WORDS
