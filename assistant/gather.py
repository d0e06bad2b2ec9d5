"""Answers that gather (issue 13): a list or count question over many trials, answered
from the trial register (core/register.py) instead of from one passage.

A question gathers when

* it is a list or number question whose head noun ("hvilke *forsøg*", "hvor mange
  *forsøg*") is the register's word for its items: the words its own status captions
  share ("Forsøg, der ikke udbredes", "Forsøg, der følges op i andet regi");
* it names at least one facet value the register holds: a municipality of some trial
  (fuzzy, on the folded name, the scan's spelling or its repair), a status (the phrases
  of corpus/register.toml ``[status]`` or the status's own caption), or a word of some
  but not all trial titles; or, naming none of these, a year in which some trial's
  status ends ("Hvilke forsøg fortsætter i 2022?": the status dates say which run to
  the end of 2022, in whatever words the question puts it; each item shows its status,
  so the reader sees what the date belongs to);
* at most ``LEFTOVER`` of its other content words are unaccounted for, no negation is
  left over, and every year it names is one the matching field states;
* and at least one trial matches every facet it names.

Otherwise ``gather`` returns None and the normal path answers. Each item cites the
register field that justifies it: a municipality's citation (the piece of the
municipalities cell naming it), or, for a status, the trial's row title under the status
caption, which the lead cites. Municipalities known only under an uncertain alias are
not counted; the answer names them apart. No wording of any question is written here:
the words come from the register and its vocabulary file.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
import threading
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz

from assistant.catalog import Catalog
from assistant.messages import (
    danish_number,
    dated_line,
    decision_lead,
    findings_lead,
    gather_lead,
    gather_uncertain,
    over_time_lead,
    participants_lead,
    set_note,
    uncertain_lead,
    year_note,
)
from assistant.query import CAUSAL, Query
from assistant.schema import Citation, Repair
from assistant.trials import STATUS_LABELS, until_phrase
from core.dates import find_dates
from core.errors import IndexCorruptError
from core.reading import reading
from core.register import (
    REGISTER_FILE,
    Alias,
    Conclusion,
    Register,
    RegisterCitation,
    Trial,
    TrialStatus,
    date_key,
    load_register,
)
from core.textnorm import fold, is_content, term, words
from core.textnorm import skeleton as _skeleton

__all__ = ["Gathered", "Gatherer", "RegisterSource"]

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "register.toml"
# How alike (rapidfuzz ratio of the skeletons, 0..100) a question word must be to a
# municipality's name. The 11 names of this corpus are at most 62 alike pairwise; a
# one-letter typo in a 6-letter name scores 83.
TOWN_MATCH = 82
# Content words of a question that no facet accounts for and that it may still hold
# ("deltog", "kommune"): more than this, and it asks for something the register does
# not hold ("… viste gode resultater"). Set on evals/gather.jsonl, checked on dev.
LEFTOVER = 2
# A word a title must share with the question, as a prefix of a title word's stem
# ("sygedagpenge" in "sygedagpengeområdet"), is at least this long.
TOPIC_PREFIX = 5
# Two pieces of a municipalities cell are read as one when at most this many characters
# (a line break) stand between them: "Frede-" / "rikshavn".
LINE_GAP = 2
# Negations: a left-over one turns a facet around ("ikke forlænget"), so the register's
# list would answer the opposite question. Language, not corpus.
NEGATIONS = frozenset({"ikke", "ej", "aldrig", "not", "never", "no"})
# The negations that turn a whole question around wherever they stand. Checked on all its
# words (they are stop words, never among its content words), so without "no", which
# more often belongs to a name ("the trial with no minimum requirements").
CLAUSE_NEGATIONS = NEGATIONS - {"no"}
COMPLEMENTIZERS = frozenset({"at", "that"})  # "besluttet, at …": a that-clause follows
# Words that ask rather than say what is asked for ("må jeg spørge …", "jeg vil gerne
# vide …", "do you know …"): never left over. Language, not corpus.
REQUEST_WORDS = frozenset({"spørge", "spørger", "vide", "fortælle", "høre", "know", "tell", "ask", "wonder"})
# A reason is read up to the sentence that states the cause, at most this many sentences
# (the decision's grounds open with what was found, then say why: "Der er i dag mulighed
# for …. Dermed …. På den baggrund er det besluttet …").
REASON_SENTENCES = 3


@dataclass
class Gathered:
    """A gathered answer: the text and its citations (``quote == text[start:end]``)."""

    text: str
    citations: list[Citation]
    count: int


@dataclass
class _Draft:
    """Citations being numbered, one per distinct (source, start, end)."""

    catalog: Catalog
    names: dict[str, str]
    text_of: Callable[[str], str | None]
    cited: list[Citation] = field(default_factory=list)

    def cite(self, pieces: list[RegisterCitation]) -> int | None:
        """The number of the citation spanning ``pieces`` (one source, in order); None when
        the indexed text no longer holds them verbatim."""
        first, last = pieces[0], pieces[-1]
        source = self.names.get(first.source, first.source)
        text = self.text_of(source)
        if text is None or any(text[p.start : p.end] != p.quote for p in pieces):
            return None
        start, end = first.start, last.end
        for c in self.cited:
            if (c.source, c.start, c.end) == (source, start, end):
                return c.n
        quote = text[start:end]
        read = reading(quote, self.catalog.repairer if self.catalog.is_scan(source) else None)
        record = self.catalog.documents.get(source)
        self.cited.append(
            Citation(
                n=len(self.cited) + 1,
                source=source,
                title=record.title if record and record.title else first.title,
                locator=first.locator,  # as the passages name the place (ingest/register.py relocate)
                quote=quote,
                start=start,
                end=end,
                score=1.0,
                date=(record.date if record and record.date else first.date),
                reading=read.text,
                repairs=[Repair(start=a, end=b, scan=scan) for a, b, scan in read.repairs],
            )
        )
        return len(self.cited)

    def reading(self, n: int) -> str:
        return self.cited[n - 1].reading


def skeleton(text: str) -> str:
    """A name as it is compared: folded, æ/ø/å as a/o."""
    return _skeleton(fold(text))


def _stems(text: str, language: str) -> list[str]:
    return [term(w, language) for w in words(text)]


@dataclass(frozen=True)
class _Town:
    name: str  # as shown (the repair where there is one)
    keys: tuple[str, ...]  # skeletons of the spellings


@dataclass
class Gatherer:
    """The register read for gathering: built once per register file."""

    register: Register
    language: str = "danish"
    status_phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    item_stems: frozenset[str] = frozenset()
    item_word: str = ""
    end_stems: frozenset[str] = frozenset()
    town_stems: frozenset[str] = frozenset()  # the register's word for its municipalities
    # the word forms (as skeletons) that ask what the evaluations found: forms, not stems,
    # since a stem can be another word's too ("vise" and "visse" are both "vis")
    finding_forms: frozenset[str] = frozenset()
    # the word forms (skeletons) that ask what was decided about a trial ("hvad sker der
    # med …", "beslutning", "what happens to …")
    decision_forms: frozenset[str] = frozenset()
    # the phrases (word skeletons) with which a "who" question asks who took part in a
    # trial ("hvem deltog i …", "who took part in …"): the municipalities answer it
    participation: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def build(cls, register: Register, vocabulary: GatherWords, language: str = "danish") -> Gatherer:
        phrases: dict[str, list[tuple[str, ...]]] = {}
        captions: dict[tuple[str, int], str] = {}
        for trial in register.trials:
            if trial.status:
                c = trial.status.citation
                captions[(c.source, c.start)] = c.quote
                phrases.setdefault(trial.status.value, [])
        for status in phrases:
            found = [status.replace("_", " "), *vocabulary.status.get(status, [])]
            phrases[status] = sorted({tuple(_stems(p, language)) for p in found if words(p)}, key=len, reverse=True)
        # The item type: the content words at least half of the distinct captions share,
        # less the status phrases' words ("Forsøg, der ikke udbredes" -> "forsøg").
        status_words = {s for ps in phrases.values() for p in ps for s in p}
        counts: dict[str, int] = {}
        shown: dict[str, str] = {}
        for caption in captions.values():
            for w in dict.fromkeys(w for w in words(caption) if is_content(w) and not w.isdigit()):
                stem = term(w, language)
                counts[stem] = counts.get(stem, 0) + 1
                shown.setdefault(stem, w)
        shared = {s for s, n in counts.items() if 2 * n >= len(captions) and s not in status_words}
        word = shown[max(shared, key=lambda s: counts[s])] if shared else ""
        end_stems = frozenset(term(w, language) for e in vocabulary.ends for w in words(e))
        town_stems = frozenset(term(w, language) for t in vocabulary.towns for w in words(t))
        finding_forms = frozenset(skeleton(w) for t in vocabulary.findings for w in words(t))
        decision_forms = frozenset(skeleton(w) for t in vocabulary.decisions for w in words(t))
        participation = tuple(tuple(skeleton(w) for w in words(p)) for p in vocabulary.participation if words(p))
        return cls(
            register,
            language,
            phrases,
            frozenset(shared),
            word,
            end_stems,
            town_stems,
            finding_forms,
            decision_forms,
            participation,
        )

    # -- facets --------------------------------------------------------------------------
    @staticmethod
    def _stems_of(query: Query, catalog: Catalog) -> dict[str, frozenset[str]]:
        """Each question word's stems, with the index term it most likely misspells when
        the index has none of them ("forsgø" -> "forsøg", "forlænet" -> "forlænget"): the
        same correction the answerer's term matching makes (Catalog.correct)."""
        out = {}
        for g in query.groups:
            stems = set(g.stems)
            if not any(s in catalog.df for s in stems):
                stems |= {c for s in g.stems if (c := catalog.correct(s))}
            out[g.word] = frozenset(stems)
        return out

    def _asks_for_items(self, query: Query, head: set[str]) -> bool:
        if query.kind not in ("list", "number") or not self.item_stems:
            return False
        return any(h == s or (h.endswith(s) and len(h) > len(s) + 2) for h in head for s in self.item_stems)

    def _status(self, stems: set[str]) -> tuple[str, set[str]] | None:
        best: tuple[int, str, tuple[str, ...]] | None = None
        for status, phrases in self.status_phrases.items():
            for phrase in phrases:
                if set(phrase) <= stems and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), status, phrase)
        if best is None:
            return None
        caption = next(t.status.citation.quote for t in self.register.trials if t.status and t.status.value == best[1])
        return best[1], set(best[2]) | set(_stems(caption, self.language))

    def _towns(self, tokens: list[str]) -> tuple[list[str], set[str]]:
        """The municipalities the question names (as the register shows them) and the
        question words that named them."""
        known: dict[str, set[str]] = {}
        for trial in self.register.trials:
            for holder in (trial.municipalities, *(a.municipalities for a in trial.aliases)):
                for i, value in enumerate(holder.value):
                    shown = holder.repaired[i] if i < len(holder.repaired) else value
                    known.setdefault(shown, set()).update({skeleton(w) for w in (value, shown)})
        named: list[str] = []
        used: set[str] = set()
        for token in tokens:
            if len(token) < 4 or token.isdigit():
                continue
            key = skeleton(token)
            best = max(known, key=lambda t: max(fuzz.ratio(key, k) for k in known[t]), default=None)
            if best is not None and max(fuzz.ratio(key, k) for k in known[best]) >= TOWN_MATCH:
                named.append(best)
                used.add(token)
        return list(dict.fromkeys(named)), used

    def _title_words(self, trial: Trial) -> list[str]:
        return _stems(trial.title, self.language)

    def _topic(self, tokens: list[str]) -> tuple[list[str], set[str]]:
        """Question words found in some but not all trial titles (as written)."""
        found, used = [], set()
        for token in tokens:
            if not is_content(token) or token.isdigit():
                continue
            stem = term(token, self.language)
            if len(stem) < 3:
                continue
            hits = [t for t in self.register.trials if self._in_title(stem, t)]
            if hits and len(hits) < len(self.register.trials):
                found.append(token)
                used.add(token)
        return found, used

    def _in_title(self, stem: str, trial: Trial) -> bool:
        return _names(stem, self._title_words(trial))

    # -- answer --------------------------------------------------------------------------
    def gather(
        self, query: Query, catalog: Catalog, names: dict[str, str], text_of: Callable[[str], str | None]
    ) -> Gathered | None:
        """The register's answer to ``query``, or None when it does not gather."""
        fixed = self._stems_of(query, catalog)
        dated = self.over_time(query, fixed, catalog, names, text_of)
        if dated is not None:
            return dated
        head = set(query.head) | {c for h in query.head if (c := catalog.correct(h))}
        if head & self.town_stems:
            return self.participants(query, fixed, head, catalog, names, text_of)
        if "who" in query.kinds and (said := self._participation(query)):
            took_part = self.participants(query, fixed, head | said, catalog, names, text_of)
            if took_part is not None:
                return took_part
        if query.kind in ("fact", "list") and any(skeleton(t) in self.finding_forms for t in words(query.text)):
            found = self.findings(query, fixed, catalog, names, text_of)
            if found is not None:
                return found
        if query.kind in ("fact", "why") and any(skeleton(t) in self.decision_forms for t in words(query.text)):
            decided = self.decision(query, fixed, catalog, names, text_of)
            if decided is not None:
                return decided
        if not self._asks_for_items(query, head):
            return None
        tokens = list(dict.fromkeys(words(query.text)))
        stems = {term(t, self.language) for t in tokens} | {s for ss in fixed.values() for s in ss}
        status = self._status(stems)
        consumed = set(self.item_stems) | (status[1] if status else set()) | head
        rest = [t for t in tokens if not ({term(t, self.language)} | fixed.get(t, frozenset())) & consumed]
        towns, town_words = self._towns(rest)
        rest = [t for t in rest if t not in town_words]
        topics, topic_words = self._topic(rest) if not status and not towns else ([], set())
        rest = [t for t in rest if t not in topic_words]
        years = list(query.years) if not (status or towns or topics) else []
        if not (status or towns or topics or years):
            return None
        if any(t in NEGATIONS for t in rest):
            return None
        leftover = [t for t in rest if is_content(t) and not t.isdigit() and t not in REQUEST_WORDS]
        if len(leftover) > LEFTOVER:
            return None
        trials = [
            t
            for t in self.register.trials
            if (not status or (t.status and t.status.value == status[0]))
            and all(town in _towns_of(t) for town in towns)
            and all(self._in_title(term(w, self.language), t) for w in topics)
            and (not years or _status_year(t) in years)
        ]
        if not trials or not self._years_agree(query, trials, bool(status or years)):
            return None
        by_year = years
        statuses = {t.status.value for t in trials if t.status}
        if years and len(statuses) == 1:  # the year picked out one status: answer as for it
            status, years = (statuses.pop(), set()), []
        got = self._write(
            query,
            trials,
            status[0] if status else None,
            towns,
            topics,
            catalog,
            names,
            text_of,
            "why" in query.kinds,
            years,
        )
        if got is not None and by_year:  # say how the question was read: by the date alone
            got = dataclasses.replace(got, text=f"{year_note(by_year)}\n{got.text}")
        return got

    # -- who took part --------------------------------------------------------------------
    def _participation(self, query: Query) -> set[str]:
        """The stems of the participation phrase the question holds ("deltog", "took
        part"); empty when it holds none."""
        said = words(query.text)
        shapes = [skeleton(w) for w in said]
        for phrase in self.participation:
            for i in range(len(shapes) - len(phrase) + 1):
                if tuple(shapes[i : i + len(phrase)]) == phrase:
                    return {term(w, self.language) for w in said[i : i + len(phrase)]}
        return set()

    def participants(
        self,
        query: Query,
        fixed: dict[str, frozenset[str]],
        head: set[str],
        catalog: Catalog,
        names: dict[str, str],
        text_of: Callable[[str], str | None],
    ) -> Gathered | None:
        """ "Hvilke kommuner deltog i forsøget med X?": the municipalities the register holds
        for the one trial whose title (or a certain alias's name) shares the most words with
        the question, each cited where its cell names it. None when no trial stands out, when
        the question names a municipality (then it asks the other way round), or when the
        register holds no municipalities for the trial."""
        tokens = list(dict.fromkeys(words(query.text)))
        rest = [
            t
            for t in tokens
            if is_content(t)
            and not t.isdigit()
            and not ({term(t, self.language)} | fixed.get(t, frozenset())) & (head | self.town_stems)
        ]
        if self._towns(rest)[0] or any(t in CLAUSE_NEGATIONS for t in tokens):
            return None
        trial = self._named_trial(rest, fixed)
        if trial is None:
            return None
        towns = _holders_towns([trial, *(a for a in trial.aliases if not a.uncertain)])
        unsure = [(a, t) for a in trial.aliases if a.uncertain and (t := _holders_towns([a], set(towns)))]
        if not towns and not unsure:
            return None
        draft = _Draft(catalog, names, text_of)
        title_n = draft.cite([trial.citation])
        if title_n is None:
            return None
        lines = [participants_lead(len(towns), trial.title, title_n)] if towns else []
        for town, holder in towns.items():
            n = draft.cite(pieces) if (pieces := _town_pieces(holder, town)) else None
            if n is None:
                return None
            lines.append(f"- {town} [{n}]")
        # Municipalities only an uncertain alias names: shown apart, not counted (as a
        # municipality's trials are).
        for alias, named in unsure:
            alias_n = draft.cite([alias.citation]) if alias.citation else None
            cited = [(town, draft.cite(p) if (p := _town_pieces(alias, town)) else None) for town in named]
            if alias_n is None or any(n is None for _, n in cited):
                continue
            lines.append(uncertain_lead("kommuner", alias.name, alias_n, trial.title, None if lines else title_n))
            lines += [f"- {town} [{n}]" for town, n in cited]
        if not lines:
            return None
        return Gathered("\n".join(lines), draft.cited, len(towns))

    def _trial_asked_about(
        self,
        query: Query,
        fixed: dict[str, frozenset[str]],
        asking: frozenset[str],
        stems: frozenset[str] = frozenset(),
    ) -> Trial | None:
        """The one trial a question names (``_named_trial``), read from its content words
        less those that ask (word forms in ``asking``: "viste", "sker") and those whose
        stems are in ``stems`` (the item word, "forsøg")."""
        rest = [
            t
            for t in dict.fromkeys(words(query.text))
            if is_content(t)
            and not t.isdigit()
            and skeleton(t) not in asking
            and not ({term(t, self.language)} | fixed.get(t, frozenset())) & stems
        ]
        return self._named_trial(rest, fixed)

    def _named_trial(self, tokens: list[str], fixed: dict[str, frozenset[str]]) -> Trial | None:
        """The one trial whose title (or a certain alias's name) shares the most of
        ``tokens`` (their stems and corrections); None when none shares any or two tie."""
        forms = [{term(t, self.language)} | fixed.get(t, frozenset()) for t in tokens]
        scored = []
        for trial in self.register.trials:
            titles = [trial.title, *(a.name for a in trial.aliases if not a.uncertain)]
            title_stems = {w for name in titles for w in _stems(name, self.language)}
            hits = sum(1 for stems in forms if any(_names(s, title_stems) for s in stems))
            scored.append((hits, trial))
        scored.sort(key=lambda x: -x[0])
        if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][1]

    # -- what the evaluations found -------------------------------------------------------
    def findings(
        self,
        query: Query,
        fixed: dict[str, frozenset[str]],
        catalog: Catalog,
        names: dict[str, str],
        text_of: Callable[[str], str | None],
    ) -> Gathered | None:
        """ "Hvad viste evalueringen af forsøget med X?": the conclusions the register holds
        for the one trial the question names (as ``participants`` finds it), each cited
        where it stands, grouped by what they are about: the trial itself, a theme it
        belongs to (a slide's heading), and, apart and not merged, what a name only
        uncertainly linked to the trial has. None when no trial stands out, the question
        holds a negation, or the register holds no conclusions for the trial."""
        if any(t in CLAUSE_NEGATIONS for t in words(query.text)):
            return None
        trial = self._trial_asked_about(query, fixed, self.finding_forms)
        if trial is None:
            return None
        groups: dict[str, list] = {}
        for c in trial.conclusions:
            groups.setdefault(c.subject, []).append(c)
        for alias in trial.aliases:
            if not alias.uncertain:
                groups.setdefault("", []).extend(alias.conclusions)
        unsure = [a for a in trial.aliases if a.uncertain and a.conclusions]
        if not groups and not unsure:
            return None
        draft = _Draft(catalog, names, text_of)
        title_n = draft.cite([trial.citation])
        if title_n is None:
            return None
        lines: list[str] = []
        count = 0
        for subject, conclusions in sorted(groups.items(), key=lambda kv: kv[0] != ""):
            cited = [(draft.cite([c.citation]), c) for c in conclusions]
            shown = [f"- {draft.reading(n)} [{n}]" for n, c in cited if n is not None]
            if not shown:
                continue
            lines.append(findings_lead(trial.title, title_n, subject, not lines))
            lines += shown
            count += len(shown)
        for alias in unsure:
            alias_n = draft.cite([alias.citation]) if alias.citation else None
            cited_alias = [n for c in alias.conclusions if (n := draft.cite([c.citation])) is not None]
            if alias_n is None or not cited_alias:
                continue
            lines.append(uncertain_lead("konklusioner", alias.name, alias_n, trial.title, None if lines else title_n))
            lines += [f"- {draft.reading(n)} [{n}]" for n in cited_alias]
        if not lines:
            return None
        return Gathered("\n".join(lines), draft.cited, count)

    # -- what was decided ----------------------------------------------------------------
    def decision(
        self,
        query: Query,
        fixed: dict[str, frozenset[str]],
        catalog: Catalog,
        names: dict[str, str],
        text_of: Callable[[str], str | None],
    ) -> Gathered | None:
        """ "Hvad sker der med forsøget med X?": the status the register holds for the one
        trial the question names (as ``participants`` finds it), cited at the caption or
        heading that gives it, then the grounds the decision gives (each paragraph of the
        trial's reason cell, read up to the sentence that states a cause, as for "why").
        None when no trial stands out, the question holds a negation or asks whether one
        statement was decided ("besluttet, at …"), the register holds no status for the
        trial, or the question names a year the status does not state."""
        said = words(query.text)
        if any(t in CLAUSE_NEGATIONS for t in said):
            return None
        # "Er det besluttet, at jobcentrene må …?" asks whether one statement was decided
        # (a that-clause follows the word), not what was decided about a trial
        if any(skeleton(a) in self.decision_forms and b in COMPLEMENTIZERS for a, b in itertools.pairwise(said)):
            return None
        trial = self._trial_asked_about(query, fixed, self.decision_forms, self.item_stems)
        if trial is None or trial.status is None or not self._years_agree(query, [trial], True):
            return None  # a year the status does not state ("… i 2026?") is not answered by it
        draft = _Draft(catalog, names, text_of)
        title_n, status_n = draft.cite([trial.citation]), draft.cite([trial.status.citation])
        if title_n is None or status_n is None:
            return None
        # "udbredt" states no date
        label = STATUS_LABELS.get(trial.status.value, trial.status.value) + _until(draft, trial.status, status_n)
        grounds = [g for r in trial.reasons if (g := _cite_reason(draft, r, catalog, names)) is not None]
        lines = [decision_lead(trial.title, title_n, draft.reading(status_n), status_n, label, bool(grounds))]
        lines += [f"- {g}" for g in grounds]
        return Gathered("\n".join(lines), draft.cited, len(grounds))

    # -- time ----------------------------------------------------------------------------
    def over_time(
        self,
        query: Query,
        known: dict[str, frozenset[str]],
        catalog: Catalog,
        names: dict[str, str],
        text_of: Callable[[str], str | None],
    ) -> Gathered | None:
        """A question about until when the trials (or one trial) have a status, or when
        they end ("Til hvornår blev forsøgene forlænget?", "Er forsøget med mikrolån
        forlænget til 2022 eller til 2023?"), answered from the register's dated values
        (``known``: each question word's stems, corrected as ``_stems_of`` gives them):
        the trials' "until" fields and the statements about the trials as a set, newest
        document first. When documents of different dates give different values, the
        first line says so and names each with its date; the values are compared as dates
        (core.dates), never by which documents they come from."""
        if not (query.kind == "date" or (query.kind == "fact" and query.years)):
            return None
        tokens = list(dict.fromkeys(words(query.text)))
        token_stems = {t: term(t, self.language) for t in tokens}
        if not any(self._is_item(stem) for ss in known.values() for stem in ss):
            return None
        stems = set(token_stems.values()) | {s for ss in known.values() for s in ss}
        status = self._status(stems)
        ends = {t for t, stem in token_stems.items() if ({stem} | known.get(t, frozenset())) & self.end_stems}
        if status is None and not ends:
            return None
        consumed = set(self.item_stems) | (status[1] if status else set())
        rest = [
            t
            for t, stem in token_stems.items()
            if t not in ends and not ({stem} | known.get(t, set())) & consumed and not t.isdigit()
        ]
        # "psykologforsøget": the item word with a topic before it
        rest = [self._before_item(t) if self._is_item(token_stems[t]) else t for t in rest]
        rest = [t for t in rest if t]
        topics, used = self._topic(rest)
        rest = [t for t in rest if t not in used]
        if (
            any(t in NEGATIONS for t in rest)
            or len([t for t in rest if is_content(t) and t not in REQUEST_WORDS]) > LEFTOVER
        ):
            return None
        # "when do they end" asks for every end a document gives (a stop, an extension's end)
        predicates = {*self.status_phrases, "ends"} if ends or status is None else {status[0]}
        trials = [t for t in self.register.trials if all(self._in_title(term(w, self.language), t) for w in topics)]
        if topics and len(trials) != 1:
            return None  # a time question about one trial names it; several would be a list
        said = _dated_values(self.register, trials, predicates)
        if not said or (
            query.years and not any(v.key.startswith(f"dato{y}") or y in v.value for y in query.years for v in said)
        ):
            return None
        return self._write_dated(said, trials[0] if topics else None, catalog, names, text_of)

    def _before_item(self, token: str) -> str:
        """What a compound puts before the item word ("psykolog" in "psykologforsøget");
        "" when that is too short to name anything."""
        stemmed = term(token, self.language)
        for stem in self.item_stems:
            at = stemmed.rfind(stem)
            if at >= TOPIC_PREFIX:
                return stemmed[:at]
        return ""

    def _is_item(self, stem: str) -> bool:
        return any(stem == s or (stem.endswith(s) and len(stem) > len(s) + 2) for s in self.item_stems)

    def _write_dated(
        self,
        said: list[_Dated],
        trial: Trial | None,
        catalog: Catalog,
        names: dict[str, str],
        text_of: Callable[[str], str | None],
    ) -> Gathered | None:
        draft = _Draft(catalog, names, text_of)
        lines = []
        for value in said:
            n = draft.cite([value.citation])
            if n is None:
                return None
            if value.text:  # a statement about the trials as a set: its sentence
                text = draft.reading(n) + (f" {set_note(self.item_word)}" if trial is not None else "")
            else:
                who = trial.title if trial is not None else f"{danish_number(value.count)} {self.item_word}"
                text = f"{who} {STATUS_LABELS.get(value.predicate, value.predicate)} {value.phrase}"
            lines.append(dated_line(value.title or draft.cited[n - 1].title, value.date, text, n))
        # Documents of different dates disagree when, for one predicate (an extension, a
        # stop, an end), they give different values: then the lead names each, newest first.
        disagree = {
            p
            for p in {v.predicate for v in said}
            if len({v.key for v in said if v.predicate == p}) > 1
            and len({v.date for v in said if v.predicate == p}) > 1
        }
        lead = ""
        if disagree:
            shown: dict[tuple[str, str], _Dated] = {}
            for v in said:
                if v.predicate in disagree:
                    shown.setdefault((v.citation.source, v.key), v)
            lead = over_time_lead([(v.title or v.citation.source, v.date, v.phrase) for v in shown.values()])
        elif trial is not None:
            lead = f"Om {trial.title}:"
        text = "\n".join([lead, *lines] if lead else lines)
        return Gathered(text, draft.cited, len(said))

    def _years_agree(self, query: Query, trials: list[Trial], by_status: bool) -> bool:
        """Every year the question names is one the fields it gathers on state."""
        for year in query.years:
            said = []
            for t in trials:
                if by_status and t.status:
                    said += [t.status.until, t.status.citation.date]
                said += [c.date for c in t.municipalities.citations]
            if not any(_states_year(s, year) for s in said if s):
                return False
        return True

    def _write(
        self,
        query: Query,
        trials: list[Trial],
        status: str | None,
        towns: list[str],
        topics: list[str],
        catalog: Catalog,
        names: dict[str, str],
        text_of: Callable[[str], str | None],
        why: bool = False,
        years: Sequence[str] = (),
    ) -> Gathered | None:
        draft = _Draft(catalog, names, text_of)
        lead_cite = None
        untils = {until_phrase(t.status) for t in trials if t.status and t.status.until}
        label = ""
        if status:
            caption = [t.status.citation for t in trials if t.status]
            captions = {(c.source, c.start) for c in caption}
            label = STATUS_LABELS.get(status, status)
            if len(captions) == 1 and not towns:
                lead_cite = draft.cite(caption[:1])
                if lead_cite is None:
                    return None
            if len(untils) == 1:  # until when, cited where a document says it
                label += _until(draft, next(t.status for t in trials if t.status and t.status.until), lead_cite)
        items = []
        for trial in trials:
            pieces = _town_pieces(trial, towns[0]) if towns else None
            if pieces is None:
                cited = trial.citation if lead_cite else (trial.status.citation if trial.status else trial.citation)
                pieces = [cited]
            n = draft.cite(pieces)
            if n is None:
                return None
            until = ""
            if status and len(untils) > 1 and trial.status and trial.status.until:
                until = f" ({_until(draft, trial.status, n).strip()})"
            if years and trial.status:  # gathered by the status's date: say which status it is
                until = (
                    f" ({STATUS_LABELS.get(trial.status.value, trial.status.value)}{_until(draft, trial.status, n)})"
                )
            reason = ""
            if why and trial.reasons:
                ground = _cite_reason(draft, trial.reasons[0], catalog, names)
                reason = f": {ground}" if ground is not None else ""
            items.append(f"- {trial.title}{until} [{n}]{reason}")
        heading = draft.reading(lead_cite) if lead_cite else ""
        lead = gather_lead(len(trials), self.item_word, label, towns, topics, heading, lead_cite, years)
        lines = [lead, *items]
        for town in towns[:1]:
            unsure = []
            for trial, alias in _uncertain(self.register, town, trials):
                pieces = _town_pieces(alias, town)
                n = draft.cite(pieces) if pieces else None
                if n is not None:
                    unsure.append((alias.name, trial.title, n))
            lines += gather_uncertain(town, unsure)
        return Gathered("\n".join(lines), draft.cited, len(trials))


def _until(draft: _Draft, status: TrialStatus, *beside: int | None) -> str:
    """Until when ``status`` holds (" til udgangen af 2022 [n]"), with the citation of the
    words that say so, unless that is a citation ``beside`` it already (a caption "Forsøg,
    der forlænges til udgangen af 2022"); "" when no document's words say it: an until is
    never stated uncited."""
    if not status.until or status.until_citation is None:
        return ""
    n = draft.cite([status.until_citation])
    if n is None:
        return ""
    return f" {until_phrase(status)}" + ("" if n in beside else f" [{n}]")


@dataclass(frozen=True)
class _Dated:
    """One dated value: what happens (``predicate``), the phrase, where it is said."""

    predicate: str
    value: str  # the "until" as extracted ("udgangen af 2022")
    phrase: str  # as it reads after the status ("til udgangen af 2022")
    key: str  # the value as a date token (core.dates), or its folded text
    citation: RegisterCitation
    date: str
    title: str = ""
    text: str = ""  # a set statement's sentence (empty for a trial's field)
    count: int = 1


def _value_key(value: str) -> str:
    found = find_dates(value)
    return found[0].tokens[0] if found else fold(value)


def _dated_values(register: Register, trials: list[Trial], predicates: set[str]) -> list[_Dated]:
    """The dated values of ``predicates``: each "until" the trials' statuses give (one
    entry per value and document, counting its trials), and every statement about the
    trials as a set; newest document first, then the trials' fields before statements."""
    grouped: dict[tuple[str, str], _Dated] = {}
    for trial in trials:
        status = trial.status
        if status is None or status.value not in predicates or not status.until or status.until_citation is None:
            continue
        cite = status.until_citation
        key = (_value_key(status.until), cite.source)
        if key in grouped:
            grouped[key] = replace(grouped[key], count=grouped[key].count + 1)
        else:
            grouped[key] = _Dated(status.value, status.until, until_phrase(status), key[0], cite, cite.date, cite.title)
    out = list(grouped.values())
    for statement in register.statements:
        if statement.predicate in predicates:
            cite = statement.citation
            out.append(
                _Dated(
                    statement.predicate,
                    statement.until,
                    statement.until_phrase or statement.until,
                    _value_key(statement.until),
                    cite,
                    cite.date,
                    cite.title,
                    statement.text or cite.quote,
                )
            )
    out.sort(key=lambda v: (date_key(v.date), not v.text), reverse=True)
    return out


def _cite_reason(draft: _Draft, reason: Conclusion, catalog: Catalog, names: dict[str, str]) -> str | None:
    """A reason as an answer states it: what of it answers "why" (``_reason_piece``),
    then its marker. A paragraph in pieces (``reason.more``: a page break moved its rest to
    the table's next line) brings every piece, each cited apart, read as one text. None
    when the indexed text no longer holds a piece verbatim."""
    pieces = [reason.citation, *reason.more]
    pieces[-1] = _reason_piece(pieces[-1], catalog, names)
    numbers = [draft.cite([piece]) for piece in pieces]
    if any(n is None for n in numbers):
        return None
    cited = [n for n in numbers if n is not None]
    text = draft.reading(cited[0]) if len(cited) == 1 else reading("\n".join(draft.reading(n) for n in cited)).text
    return f"{text} " + " ".join(f"[{n}]" for n in cited)


def _reason_piece(paragraph: RegisterCitation, catalog: Catalog, names: dict[str, str]) -> RegisterCitation:
    """What of a reason paragraph answers "why": its sentences (as the index splits them)
    from the first up to the first that states a cause ("Grundet …", "Det skyldes, at …"),
    at most ``REASON_SENTENCES``; the first sentence when none does; the paragraph when
    the index holds no sentence of it."""
    source = names.get(paragraph.source, paragraph.source)
    inside = sorted(
        {
            (span.start, span.end)
            for p in catalog.passages.values()
            if p.meta.source == source
            for span in p.spans
            if paragraph.start <= span.start and span.end <= paragraph.end and span.kind != "title"
        }
    )
    if not inside:
        return paragraph
    chosen = inside[:1]
    for k, (a, b) in enumerate(inside[:REASON_SENTENCES]):
        if CAUSAL.search(paragraph.quote[a - paragraph.start : b - paragraph.start]):
            chosen = inside[: k + 1]
            break
    start, end = chosen[0][0], chosen[-1][1]
    return paragraph.model_copy(
        update={"start": start, "end": end, "quote": paragraph.quote[start - paragraph.start : end - paragraph.start]}
    )


def _states_year(text: str, year: str) -> bool:
    """Does a field ("udgangen af 2022", "31/12-21", a document date "2021-08-26") state
    ``year``? A two-digit year only ends a day/month date ("31/12-21"), never an ISO
    date's day ("2021-08-26" does not state 2026)."""
    return year in text or re.search(rf"\d/\d{{1,2}}-{year[2:]}$", text) is not None


def _status_year(trial: Trial) -> str | None:
    """The year the trial's status runs to ("udgangen af 2022", "31/12-21"), if it says."""
    if trial.status is None or not trial.status.until:
        return None
    found = find_dates(trial.status.until)
    return str(found[-1].year) if found else None


def _towns_of(trial: Trial) -> set[str]:
    m = trial.municipalities
    return set(m.repaired or m.value) | set(m.value)


def _names(stem: str, title_words: Iterable[str]) -> bool:
    """A question word's stem names a title: it is one of the title's word stems, or (at
    least ``TOPIC_PREFIX`` long) the start of one ("sygedagpenge" in "sygedagpengeområdet")."""
    return any(w == stem or (len(stem) >= TOPIC_PREFIX and w.startswith(stem)) for w in title_words)


def _holders_towns(holders: Sequence[Trial | Alias], skip: set[str] | None = None) -> dict[str, Trial | Alias]:
    """The municipalities ``holders`` name (the repaired spelling of a scanned one), each
    with the first holder naming it, less those in ``skip``."""
    towns: dict[str, Trial | Alias] = {}
    for holder in holders:
        m = holder.municipalities
        for i, value in enumerate(m.value):
            town = m.repaired[i] if i < len(m.repaired) else value
            if town not in (skip or set()):
                towns.setdefault(town, holder)
    return towns


def _uncertain(register: Register, town: str, certain: list[Trial]) -> list[tuple[Trial, Alias]]:
    out = []
    for trial in register.trials:
        for alias in trial.aliases:
            m = alias.municipalities
            if alias.uncertain and town in set(m.repaired or m.value) | set(m.value) and trial not in certain:
                out.append((trial, alias))
    return out


def _town_pieces(holder: Trial | Alias, town: str) -> list[RegisterCitation] | None:
    """The citation(s) of ``holder``'s municipalities cell that name ``town``: the piece
    that holds it best, or two adjacent pieces of one source when a line break cuts it."""
    m = holder.municipalities
    cites: list[RegisterCitation] = m.citations
    if not cites:
        return None
    i = m.repaired.index(town) if town in m.repaired else (m.value.index(town) if town in m.value else -1)
    spellings = {skeleton(town)} | ({skeleton(m.value[i])} if 0 <= i < len(m.value) else set())
    options: list[list[RegisterCitation]] = [[c] for c in cites]
    options += [
        [a, b] for a, b in itertools.pairwise(cites) if a.source == b.source and 0 < b.start - a.end <= LINE_GAP
    ]
    joined = {id(o): skeleton(" ".join(c.quote.replace("-\n", "") for c in o).replace("- ", "")) for o in options}

    def score(option: list[RegisterCitation]) -> float:
        text = joined[id(option)]  # a piece shorter than the name ("land") is compared whole
        best = max((fuzz.partial_ratio if len(text) >= len(s) else fuzz.ratio)(s, text) for s in spellings)
        return best - len(option)

    return max(options, key=score)


@dataclass(frozen=True)
class GatherWords:
    """What the gatherer reads of the register's vocabulary file (corpus/register.toml)."""

    status: dict[str, list[str]] = field(default_factory=dict)  # ``[status]``
    ends: list[str] = field(default_factory=list)  # ``[until] ends``
    # ``[columns] municipalities``: what the documents call the municipalities that took part
    towns: list[str] = field(default_factory=list)
    # ``[conclusions] questions``: what a question asking what the evaluations found says
    findings: list[str] = field(default_factory=list)
    # ``[decision] questions``: what a question asking what was decided about a trial says
    decisions: list[str] = field(default_factory=list)
    # ``[participants] questions``: how a "who" question asks who took part in a trial
    participation: list[str] = field(default_factory=list)


def load_vocabulary(path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """The ``[status]`` table of the register's vocabulary file and its ``until.ends``
    words; empty without one (a corpus need not have one: then no question gathers, quietly)."""
    got = read_vocabulary(path)
    return got.status, got.ends


def read_vocabulary(path: Path) -> GatherWords:
    """The gatherer's words from the vocabulary file; all empty without a readable file."""
    if not path.is_file():
        return GatherWords()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))

        def listed(table: str, key: str) -> list[str]:
            return [str(x) for x in data.get(table, {}).get(key, [])]

        return GatherWords(
            status={str(k): [str(x) for x in v] for k, v in data.get("status", {}).items()},
            ends=listed("until", "ends"),
            towns=listed("columns", "municipalities"),
            findings=listed("conclusions", "questions"),
            decisions=listed("decision", "questions"),
            participation=listed("participants", "questions"),
        )
    except (OSError, ValueError, TypeError, AttributeError) as exc:  # TOMLDecodeError is a ValueError
        logger.warning("Registrets ordliste %s kan ikke læses: %s", path, exc)
        return GatherWords()


class RegisterSource:
    """The register file as a Gatherer, read again when the file changes (ingest writes
    it after committing the index). Thread-safe; a stat per question."""

    def __init__(self, data_dir: Path, corpus_dir: Path, language: str = "danish") -> None:
        self.path = data_dir / REGISTER_FILE
        self.vocabulary_path = corpus_dir / VOCABULARY_FILE
        self.language = language
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._gatherer: Gatherer | None = None

    def get(self) -> Gatherer | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    register = load_register(self.path)
                except IndexCorruptError as exc:  # a broken register must not break answering
                    logger.warning("Forsøgsregistret kan ikke læses: %s", exc)
                    register = None
                vocabulary = read_vocabulary(self.vocabulary_path)
                self._gatherer = Gatherer.build(register, vocabulary, self.language) if register else None
            return self._gatherer
