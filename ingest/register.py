"""The trial register, built after each ingest run from the indexed documents' texts.

Each document is read for trials by its structure (ingest/register_read.py). The rows of
tables are the trials, under the names the tables write; a name in another document is
linked to the most similar title (rapidfuzz): from ``link.certain`` on it is an alias and
its status, "until", municipalities and conclusions join the trial's; between
``link.uncertain`` and that it is listed as an uncertain alias with its confidence, and
what was read for it (municipalities, conclusions) stays on the alias, not merged.
Two readings of a trial's status or "until" that differ are a conflict with both
citations, newest document first. Text for reading (names, municipalities, conclusions)
is core.reading's of the verbatim quote, OCR-repaired for a scan. A slide of conclusions
about a theme is attached to the trials whose titles share a distinctive word with the
theme's heading. The register never fails an ingest: a problem is logged as a warning
and the old register stays.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from rapidfuzz import fuzz

from core import ocr as core_ocr
from core import reading as core_reading
from core import register as register_schema
from core.config import Settings
from core.corpus import corpus_name
from core.embed import VectorEmbedding
from core.errors import CorpusError, IndexCorruptError
from core.index_schema import PassageMeta, locator_of
from core.ocr import Lexicon, OcrRepairer
from core.reading import reading
from core.register import (
    REGISTER_FILE,
    Alias,
    Conclusion,
    Conflict,
    Municipalities,
    Register,
    RegisterCitation,
    Statement,
    Trial,
    TrialStatus,
    date_key,
    load_register,
    save_register,
)
from core.store import ChromaStore
from core.textnorm import display, fold, join_hyphen_breaks
from ingest import register_read, segment
from ingest.manifest import corpus_files, load_manifest, meta_for
from ingest.parse import read_source
from ingest.register_read import Mention, Theme, Vocabulary, load_vocabulary, name_text, read

__all__ = ["DocumentText", "build_register", "folder_documents", "update_register"]

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "register.toml"
_KIND_ORDER = {"table": 0, "list": 1, "scan": 2}
Encode = Callable[[list[str]], np.ndarray]  # texts -> one vector a row (the index's encoder)


@dataclass(frozen=True)
class DocumentText:
    """One indexed document: its name relative to the corpus folder, and the text its offsets index."""

    source: str
    title: str
    date: str
    text: str
    ocr: bool = False


@dataclass
class _Trial:
    trial: Trial
    key: str
    register: Register | None = None  # where its conflicts are listed too


def similarity(a: str, b: str) -> float:
    """How alike two trial names are, 0..1: the mean of rapidfuzz's token-set ratio (one
    name's words inside the other's) and partial ratio (a name cut short by a scan)."""
    a, b = fold(a), fold(b)
    return (fuzz.token_set_ratio(a, b) + fuzz.partial_ratio(a, b)) / 200


def build_register(
    documents: Iterable[DocumentText],
    vocab: Vocabulary,
    repairer: OcrRepairer | None = None,
    encode: Encode | None = None,
) -> Register:
    """The register of every trial the documents' structure names. With ``encode`` (the
    index's encoder), an uncertain link goes to the title most like the name in letters
    and in meaning together (``_by_meaning``), not in letters alone."""
    register = Register()
    vectors: dict[str, np.ndarray] = {}
    found: list[tuple[DocumentText, Mention]] = []
    themes: list[tuple[DocumentText, Theme]] = []
    for doc in documents:
        reading_ = read(doc.text, vocab)
        register.skipped.extend(f"{doc.source}: {note}" for note in reading_.skipped)
        register.statements.extend(_statements(doc, reading_.units, vocab, repairer if doc.ocr else None))
        found.extend((doc, m) for m in reading_.mentions)
        themes.extend((doc, t) for t in reading_.themes)
    found.sort(key=lambda pair: _KIND_ORDER[pair[1].kind])  # stable: document order within a kind
    trials: list[_Trial] = []
    for doc, mention in found:
        fix = repairer if doc.ocr else None
        variants = []
        if mention.name_parts:  # also with the scan's line-break hyphens as word breaks
            quote = "\n".join(doc.text[a:b] for a, b in mention.name_parts)
            name = reading(quote, fix).text
            variants = [reading(re.sub(r"-[ \t]*\n", " ", quote), fix).text]
        else:
            name = name_text(doc.text, mention.name)
            if fix is not None:
                name = display(fix.repair(name))
        best, score, second = _best(trials, [name, *variants])
        if best is not None and score >= vocab.certain and score - second >= vocab.margin:
            _merge(register, best, doc, mention, name, score, vocab, fix)
        elif mention.kind == "table":  # a table's row is a trial under the name the table writes
            trials.append(_new(register, doc, mention, name, vocab, fix))
        elif best is not None and score >= vocab.uncertain:
            if encode is not None:  # which title it is like: the letters and the meaning together
                best, score = _by_meaning(trials, [name, *variants], encode, vectors)
            alias = Alias(
                name=name,
                source=doc.source,
                confidence=round(score, 3),
                uncertain=True,
                citation=_cite(doc, mention.name, mention.locator),
            )
            _add_read(alias.municipalities, alias.conclusions, doc, mention, fix)  # kept apart
            best.trial.aliases.append(alias)
        else:  # a name like no title: a trial of its own (a scan's row, a list's item), without a status
            trials.append(_new(register, doc, mention, name, vocab, fix))
    for doc, theme in themes:
        _add_theme(register, trials, doc, theme, themes)
    register.trials = [t.trial for t in trials]
    return register


def _statements(
    doc: DocumentText, units: list[tuple[int, int]], vocab: Vocabulary, fix: OcrRepairer | None
) -> list[Statement]:
    """The document's dated statements about the trials as a set: each sentence outside
    the regions read as trials (``units``) with an "until" and a status phrase or an
    "ends" word before it (read in the sentence's reading form: a scan's "forlenget" is
    "forlænget")."""
    out = []
    for start, end in segment.sentence_spans(doc.text, 0, len(doc.text)):
        if any(a < end and start < b for a, b in units):  # also a line wrapped onto a caption
            continue
        value = vocab.until_in(doc.text, start, end)
        if value is None:
            continue
        said = reading(doc.text[value[0] : value[1]], fix).text
        predicate = vocab.predicate_of(reading(doc.text[start : value[0]], fix).text)
        if predicate is None:
            continue
        out.append(
            Statement(
                predicate=predicate,
                until=display(said).lower(),
                until_phrase=vocab.until_phrase(doc.text, value, predicate),
                text=reading(doc.text[start:end], fix).text,
                citation=_cite(doc, (start, end)),
                until_citation=_cite(doc, value),
            )
        )
    return out


def _by_meaning(
    trials: list[_Trial], names: list[str], encode: Encode, vectors: dict[str, np.ndarray]
) -> tuple[_Trial, float]:
    """The trial an uncertainly linked name most likely means, and the name's similarity
    (letters) to its title. Each title scores the mean of that similarity and the
    encoder's cosine of name and title, rescaled per name so that the title nearest in
    meaning scores 1 and the median title 0 (an encoder's cosines between short texts on
    one subject all lie close together: 0.88-0.99 here). A scan's "Fleksible rammer for
    ansættelse med løntilskud … jobrotationsvikar" is most like "Fleksible rammer for
    uddannelse" in letters (0.83), but "Fleksible rammer for løntilskud/ jobrotation" in
    meaning."""
    wanted = [t.trial.title for t in trials if t.trial.title not in vectors] + [n for n in names if n not in vectors]
    if wanted:
        for text, vector in zip(wanted, _unit(encode(wanted)), strict=True):
            vectors[text] = vector
    letters = np.array([max(similarity(n, t.trial.title) for n in names) for t in trials])
    cosines = np.array([max(float(vectors[n] @ vectors[t.trial.title]) for n in names) for t in trials])
    middle, top = float(np.median(cosines)), float(cosines.max())
    meaning = np.clip((cosines - middle) / (top - middle), 0, 1) if top > middle else np.zeros_like(cosines)
    i = int(np.argmax((letters + meaning) / 2))
    return trials[i], float(letters[i])


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _best(trials: list[_Trial], names: list[str]) -> tuple[_Trial | None, float, float]:
    """The trial most similar to any of the name's readings, its score and the runner-up's."""
    scored = sorted(
        ((max(similarity(name, t.trial.title) for name in names), i) for i, t in enumerate(trials)), reverse=True
    )
    if not scored:
        return None, 0.0, 0.0
    return trials[scored[0][1]], scored[0][0], scored[1][0] if len(scored) > 1 else 0.0


def relocate(register: Register, passages: Sequence[PassageMeta]) -> None:
    """Every citation of ``register`` located as the answers locate it: by the narrowest
    of ``passages`` (named as the register names sources, relative to the corpus folder)
    that holds it (``core.index_schema.locator_of``), so that one place has one name in the
    register, the chat and the source viewer. A citation no passage holds (a slide's
    heading, a table's caption) keeps the register's own locator."""
    by_source: dict[str, list[PassageMeta]] = {}
    for p in passages:
        by_source.setdefault(p.source, []).append(p)

    def visit(value: object) -> None:
        if isinstance(value, RegisterCitation):
            value.locator = (
                locator_of(by_source.get(value.source, []), value.source, value.start, value.end) or value.locator
            )
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                visit(getattr(value, name))
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(register)


def _status_locator(mention: Mention) -> str:
    return mention.status_locator or mention.locator


def _cite(doc: DocumentText, span: tuple[int, int], locator: str = "") -> RegisterCitation:
    start, end = span
    return RegisterCitation(
        source=doc.source,
        title=doc.title,
        locator=locator,
        quote=doc.text[start:end],
        start=start,
        end=end,
        date=doc.date,
    )


def _new(
    register: Register, doc: DocumentText, mention: Mention, name: str, vocab: Vocabulary, fix: OcrRepairer | None
) -> _Trial:
    entry = _Trial(Trial(title=name, citation=_cite(doc, mention.name, mention.locator)), fold(name), register)
    _add_fields(entry, doc, mention, vocab, fix)
    return entry


def _merge(
    register: Register,
    entry: _Trial,
    doc: DocumentText,
    mention: Mention,
    name: str,
    score: float,
    vocab: Vocabulary,
    fix: OcrRepairer | None,
) -> None:
    trial = entry.trial
    own_name = trial.citation.source == doc.source and fold(name) == entry.key
    known = any(a.source == doc.source and fold(a.name) == fold(name) for a in trial.aliases)
    if not own_name and not known:
        trial.aliases.append(
            Alias(
                name=name,
                source=doc.source,
                confidence=round(score, 3),
                citation=_cite(doc, mention.name, mention.locator),
            )
        )
    if mention.status and trial.status and mention.status != trial.status.value and mention.status_span:
        _conflict(register, trial, "status", (trial.status.value, trial.status.citation))
        _conflict_add(register, trial, (mention.status, _cite(doc, mention.status_span, _status_locator(mention))))
        _add_read(trial.municipalities, trial.conclusions, doc, mention, fix, trial.reasons)
        return
    _add_fields(entry, doc, mention, vocab, fix)


def _conflict(register: Register, trial: Trial, field_: str, first: tuple[str, RegisterCitation]) -> None:
    conflict = Conflict(title=trial.title, field=field_, values=[first[0]], citations=[first[1]])
    trial.conflicts.append(conflict)
    register.conflicts.append(conflict)


def _conflict_add(register: Register, trial: Trial, other: tuple[str, RegisterCitation]) -> None:
    """The other reading joins the trial's last conflict; its readings sorted newest first."""
    conflict = trial.conflicts[-1]
    pairs = [*zip(conflict.values, conflict.citations, strict=True), other]
    pairs.sort(key=lambda pair: date_key(pair[1].date), reverse=True)  # stable for equal dates
    conflict.values = [v for v, _ in pairs]
    conflict.citations = [c for _, c in pairs]
    conflict.dates = [c.date for _, c in pairs]


def _add_fields(entry: _Trial, doc: DocumentText, mention: Mention, vocab: Vocabulary, fix: OcrRepairer | None) -> None:
    trial = entry.trial
    if mention.status and mention.status_span:
        if trial.status is None:
            trial.status = TrialStatus(
                value=mention.status, citation=_cite(doc, mention.status_span, _status_locator(mention))
            )  # type: ignore[arg-type]
        if mention.until:
            until = display(doc.text[mention.until[0] : mention.until[1]]).lower()
            cite = _cite(doc, mention.until, _status_locator(mention))
            if not trial.status.until:
                trial.status.until = until
                trial.status.until_citation = cite
                trial.status.until_phrase = vocab.until_phrase(doc.text, mention.until, trial.status.value)
            elif fold(until) != fold(trial.status.until) and trial.status.until_citation is not None:
                register = entry.register
                if register is not None:
                    _conflict(register, trial, "until", (trial.status.until, trial.status.until_citation))
                    _conflict_add(register, trial, (until, cite))
    _add_read(trial.municipalities, trial.conclusions, doc, mention, fix, trial.reasons)


def _add_read(
    towns: Municipalities,
    conclusions: list[Conclusion],
    doc: DocumentText,
    mention: Mention,
    fix: OcrRepairer | None,
    reasons: list[Conclusion] | None = None,
) -> None:
    """The municipalities, conclusions and reasons read for a mention, into a trial's or an
    alias's fields."""
    for pieces in mention.municipalities:
        quote = "\n".join(doc.text[a:b] for a, b in pieces)
        names = _names(reading(quote).text)
        if not names:
            continue
        repaired = _names(reading(quote, fix).text) if fix is not None else []
        if len(repaired) != len(names):
            repaired = [fix.word(n) for n in names] if fix is not None else []
        towns.citations.extend(_cite(doc, span, mention.locator) for span in pieces)
        for i, n in enumerate(names):
            if n not in towns.value:
                towns.value.append(n)
                if repaired:
                    towns.repaired.append(repaired[i])
    for span in mention.conclusions:
        conclusions.append(_conclusion(doc, span, mention.locator, fix))
    if reasons is not None:
        for first, *rest in mention.reasons:
            reason = _conclusion(doc, first, mention.locator, fix)
            if rest:  # one paragraph in pieces: read as one, each piece cited verbatim
                joined = "\n".join(doc.text[a:b] for a, b in [first, *rest])
                reason.text = reading(joined, fix).text
                reason.more = [_cite(doc, span, mention.locator) for span in rest]
            reasons.append(reason)


def _conclusion(
    doc: DocumentText, span: tuple[int, int], locator: str, fix: OcrRepairer | None, subject: str = ""
) -> Conclusion:
    text = reading(doc.text[span[0] : span[1]], fix).text
    return Conclusion(text=text, citation=_cite(doc, span, locator), subject=subject)


_MIN_THEME_WORD = 6  # shorter words ("hjælp", "nye") say little about which trial
_PREFIX_SHARE = 0.75  # "samtale" / "samtaler": one word the start of the other, most of it


def _theme_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", fold(text)) if len(w) >= _MIN_THEME_WORD}


def _same_word(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short) and len(short) >= _PREFIX_SHARE * len(long_)


def _add_theme(
    register: Register,
    trials: list[_Trial],
    doc: DocumentText,
    theme: Theme,
    themes: list[tuple[DocumentText, Theme]],
) -> None:
    """A theme's conclusions go to each trial whose title (or a certain alias) shares a
    word of the theme's heading that no other theme of the document has ("Færre
    proceskrav" heads three slides and names none of them)."""
    subject = reading("\n".join(doc.text[a:b] for a, b in theme.subject)).text
    others = [
        _theme_words("\n".join(d.text[a:b] for a, b in t.subject))
        for d, t in themes
        if d.source == doc.source and t is not theme
    ]
    words = {w for w in _theme_words(subject) if not any(w in o for o in others)}
    linked = [
        entry
        for entry in trials
        if any(
            _same_word(w, t)
            for w in words
            for name in [entry.trial.title, *(a.name for a in entry.trial.aliases if not a.uncertain)]
            for t in _theme_words(name)
        )
    ]
    if not linked:
        register.skipped.append(f"{doc.source}, {theme.locator}: {subject!r} nævner intet forsøg")
        return
    for entry in linked:
        entry.trial.conclusions.extend(_conclusion(doc, span, theme.locator, None, subject) for span in theme.items)


def _names(quote: str) -> list[str]:
    """Names out of a list: "Aalborg, Frede-\\nrikshavn og Læsø." gives Aalborg, Frederikshavn, Læsø."""
    joined = display(join_hyphen_breaks(quote))
    parts = re.split(r",|\bog\b", joined)
    return [p.strip(" .;") for p in parts if p.strip(" .;")]


def folder_documents(settings: Settings) -> list[DocumentText]:
    """The corpus folder's documents as ingest reads them (files it cannot read are left out)."""
    manifest = load_manifest(settings.manifest_file)
    out = []
    for name, path in corpus_files(settings.corpus_dir, manifest, warn=False).items():
        try:
            sf = read_source(path, name, settings.ingest.max_bytes, settings.ingest)
        except CorpusError as exc:
            logger.warning("forsøgsregistret springer %s over: %s", name, exc)
            continue
        meta = meta_for(name, sf.extracted, manifest)
        out.append(DocumentText(name, meta.title, meta.date, sf.text, meta.ocr))
    return out


def store_documents(settings: Settings, store: ChromaStore) -> list[DocumentText]:
    """The indexed documents with the texts their offsets index into."""
    out = []
    for source, record in sorted(store.documents().items()):
        got = store.document_text(source)
        if got is not None:
            out.append(
                DocumentText(corpus_name(settings.corpus_dir, source), record.title, record.date, got[1], record.ocr)
            )
    return out


def repairer_for(documents: list[DocumentText]) -> OcrRepairer | None:
    """An OCR repairer whose lexicon holds the clean documents' words (None without a scan)."""
    if not any(d.ocr for d in documents):
        return None
    return OcrRepairer(Lexicon(d.text for d in documents if not d.ocr))


def _basis(settings: Settings, store: ChromaStore, encoder: str = "", passages: Sequence[PassageMeta] = ()) -> str:
    """What the register is derived from: every indexed document's version and manifest
    facts, the vocabulary file, the corpus folder (sources are named relative to it), the
    passages' places (its citations are located by them) and the code that reads them.
    Equal bases give equal registers."""
    digest = hashlib.sha256(str(settings.corpus_dir.resolve()).encode())
    digest.update(encoder.encode())  # uncertain links are chosen with it
    for p in sorted(passages, key=lambda p: (p.source, p.start, p.end)):
        digest.update(repr((p.source, p.start, p.end, p.locator, p.page_marks)).encode())
    for source, r in sorted(store.documents().items()):
        digest.update(repr((source, r.doc_hash, r.revision, r.title, r.date, r.ocr)).encode())
    vocabulary = settings.corpus_dir / VOCABULARY_FILE
    digest.update(vocabulary.read_bytes() if vocabulary.is_file() else b"")
    for module in (register_schema, register_read, sys.modules[__name__], core_reading, core_ocr):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def update_register(settings: Settings, store: ChromaStore, model: VectorEmbedding | None = None) -> Register | None:
    """Build the register from the indexed texts and save it as data_dir/register.json,
    unless the saved one was built from the same documents, vocabulary and code (an
    unchanged re-ingest reads no document text for it). Never raises: the register is
    derived, and an ingest does not fail because of it."""
    path = settings.data_dir / REGISTER_FILE
    try:
        passages = [PassageMeta.from_chroma(node.metadata) for node in store.committed_nodes()]
        basis = _basis(settings, store, model.model_name if model is not None else "", passages)
        try:
            old = load_register(path)
        except IndexCorruptError:  # unreadable: build it anew
            old = None
        if old is not None and old.basis == basis:
            return old
        documents = store_documents(settings, store)
        vocab = load_vocabulary(settings.corpus_dir / VOCABULARY_FILE)
        encode = model.passage_vectors if model is not None else None
        register = build_register(documents, vocab, repairer_for(documents), encode).model_copy(update={"basis": basis})
        relocate(register, [replace(p, source=corpus_name(settings.corpus_dir, p.source)) for p in passages])
        save_register(path, register)
    except Exception as exc:  # the register must never fail an ingest
        logger.warning("forsøgsregistret kunne ikke bygges; det gamle er bevaret: %s", exc, exc_info=True)
        return None
    for note in register.skipped:  # what it could not place: kept in the register, shown in the Forsøg tab
        logger.info("forsøgsregistret: %s", note)
    for conflict in register.conflicts:
        logger.warning(
            "forsøgsregistret: %r har flere værdier for %s (%s)",
            conflict.title,
            conflict.field,
            ", ".join(conflict.values),
        )
    return register
