"""Adding, removing and listing documents: what `python -m ingest add|remove|list` does.

The corpus folder stays the one source of truth. ``add`` checks a file fully (size, its
reader, duplicates by content hash) before it copies it into the folder and writes its
manifest entry, then runs the ordinary incremental ingest, so only the new text is
embedded. ``remove`` takes a document out of the folder, the manifest and the index.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import Settings
from assistant.embed import VectorEmbedding, model_slug
from assistant.errors import AssistantError, CorpusError, IndexNotBuiltError, UsageError
from assistant.store import ChromaStore, DocumentRecord, Location
from ingest.extract import DEFAULT_KIND, extract
from ingest.manifest import DocumentMeta, add_entry, guess_title, is_document, load_manifest, remove_entry
from ingest.parse import file_format, file_hash, read_bytes
from ingest.pipeline import IngestReport, Notify, lock, run_ingest, source_name

logger = logging.getLogger(__name__)

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Extra:
    """What the operator says about the files being added (each overrides the file's own metadata)."""

    title: str | None = None
    date: str | None = None
    kind: str | None = None
    publisher: str | None = None


@dataclass
class AddReport:
    added: list[DocumentMeta] = field(default_factory=list)
    failed: list[CorpusError] = field(default_factory=list)
    ingest: IngestReport | None = None


def add_documents(
    settings: Settings,
    paths: Iterable[Path],
    extra: Extra = Extra(),
    embed_model: VectorEmbedding | None = None,
    on_document: Notify | None = None,
) -> AddReport:
    """Copy the usable files among ``paths`` (files or folders) into the corpus and index them."""
    files, report = _expand(paths)
    if extra.title and len(files) > 1:
        raise UsageError("--title kan kun bruges, når der tilføjes én fil.")
    if extra.date and not _DATE.match(extra.date):
        raise UsageError(f"--date skal være ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD (fik {extra.date!r}).")
    corpus = settings.corpus_dir
    if not corpus.is_dir():
        raise CorpusError(str(corpus), "mappen findes ikke")
    max_bytes = settings.ingest.max_bytes
    with lock(settings.data_dir):
        held = _held_hashes(corpus, max_bytes)
        for path in files:
            try:
                report.added.append(_add_one(settings, path, extra, held, max_bytes))
            except CorpusError as exc:
                report.failed.append(exc)
    if report.added:
        report.ingest = run_ingest(settings, embed_model, on_document=on_document)
    return report


def _expand(paths: Iterable[Path]) -> tuple[list[Path], AddReport]:
    report = AddReport()
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if is_document(p) and not _hidden(p.relative_to(path)))
            if not found:
                report.failed.append(CorpusError(str(path), "mappen indeholder ingen dokumenter, der kan tilføjes"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            report.failed.append(CorpusError(str(path), "findes ikke"))
    return list(dict.fromkeys(files)), report


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _held_hashes(corpus: Path, max_bytes: int) -> dict[str, str]:
    """Content hash -> file name of every document already in the corpus folder."""
    held = {}
    for path in sorted(corpus.iterdir()):
        if is_document(path):
            try:
                held.setdefault(file_hash(read_bytes(path, path.name, max_bytes)), path.name)
            except CorpusError:
                continue  # an unreadable file holds no content to compare with
    return held


def _add_one(settings: Settings, path: Path, extra: Extra, held: dict[str, str], max_bytes: int) -> DocumentMeta:
    name = unicodedata.normalize("NFC", path.name)
    fmt = file_format(path, name)
    data = read_bytes(path, name, max_bytes)
    digest = file_hash(data)
    if held.get(digest) == name:
        raise CorpusError(name, "er allerede med (samme navn og indhold); intet at gøre")
    if digest in held:
        raise CorpusError(name, f"har samme indhold som {held[digest]}, som allerede er med; den tilføjes ikke igen")
    target = settings.corpus_dir / name
    if target.exists():
        raise CorpusError(
            name,
            "et andet dokument med samme filnavn er allerede med; omdøb filen, eller fjern det gamle først "
            f"(python -m ingest remove {name!r})",
        )
    extracted = extract(data, fmt, name)  # refuses scanned, protected and broken files before anything is copied
    meta = DocumentMeta(
        file=name,
        title=extra.title or guess_title(name, extracted),
        publisher=extra.publisher or "",
        date=extra.date or extracted.date,
        kind=extra.kind or DEFAULT_KIND[fmt],
    )
    partial = target.with_name(f".{name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CorpusError(name, f"kan ikke kopieres til {settings.corpus_dir} ({exc.strerror or exc})") from exc
    try:
        remove_entry(settings.manifest_file, name)  # an entry left behind by a file removed by hand
        add_entry(settings.manifest_file, meta)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise CorpusError(name, f"kan ikke skrives i {settings.manifest_file} ({exc.strerror or exc})") from exc
    held[digest] = name
    return meta


@dataclass
class Removed:
    file: str | None
    source: str | None
    title: str


def remove_document(settings: Settings, name: str, model: str | None = None) -> Removed:
    """Take a document (by file name, source path or exact title) out of the corpus, the
    manifest and the index (of the configured encoder, or of ``model``)."""
    with lock(settings.data_dir):
        manifest = load_manifest(settings.manifest_file)
        store = _open_store(settings, model)
        try:
            documents = store.documents() if store else {}
            file, source, title = _find(settings, name, manifest, documents)
            if file:
                try:
                    (settings.corpus_dir / file).unlink(missing_ok=True)
                    remove_entry(settings.manifest_file, file)
                except OSError as exc:
                    raise CorpusError(
                        file, f"kan ikke fjernes fra {settings.corpus_dir} ({exc.strerror or exc})"
                    ) from exc
            if store and source in documents:
                store.forget(source)
        finally:
            if store:
                store.close()
    return Removed(file, source, title)


def _find(
    settings: Settings, name: str, manifest: dict[str, DocumentMeta], documents: dict[str, DocumentRecord]
) -> tuple[str | None, str | None, str]:
    wanted = unicodedata.normalize("NFC", name.strip())
    files = {p.name: p for p in settings.corpus_dir.iterdir() if is_document(p)} if settings.corpus_dir.is_dir() else {}
    by_source = {source_name(p): n for n, p in files.items()}
    for source, record in documents.items():
        if wanted in (source, Path(source).name):
            return by_source.get(source), source, record.title
    for file, path in files.items():
        if wanted == file:
            meta = manifest.get(file)
            return file, source_name(path), meta.title if meta else file
    # By title: several documents of a series may share one, and a guess could delete the wrong file.
    titled = {
        source: record.title for source, record in documents.items() if wanted.casefold() == record.title.casefold()
    }
    for file, path in files.items():
        meta = manifest.get(file)
        if meta and wanted.casefold() == meta.title.casefold():
            titled.setdefault(source_name(path), meta.title)
    if len(titled) == 1:
        source, title = next(iter(titled.items()))
        return by_source.get(source), source, title
    if titled:
        names = ", ".join(sorted(Path(s).name for s in titled))
        raise UsageError(f"{len(titled)} dokumenter har titlen »{name}«. Angiv filnavnet i stedet: {names}")
    known = sorted(set(files) | {Path(s).name for s in documents})
    raise UsageError(f"Intet dokument hedder »{name}«. Se listen med: python -m ingest list ({', '.join(known)})")


def _open_store(settings: Settings, model: str | None) -> ChromaStore | None:
    """The index of the configured encoder (or ``model``), or None when none is built yet."""
    try:
        slug = model_slug(model or settings.embedding.model)
        return ChromaStore(Location.of(settings), settings.store.collection, slug)
    except IndexNotBuiltError:
        return None


@dataclass(frozen=True)
class Row:
    """One line of `python -m ingest list`."""

    file: str
    title: str
    kind: str
    date: str
    pages: int
    passages: int
    status: str


def list_documents(settings: Settings, model: str | None = None) -> list[Row]:
    """Every document in the corpus folder or the index, with its state."""
    manifest = load_manifest(settings.manifest_file)
    store = _open_store(settings, model)
    try:
        documents = store.documents() if store else {}
    finally:
        if store:
            store.close()
    rows = []
    files = sorted(p for p in settings.corpus_dir.iterdir() if is_document(p)) if settings.corpus_dir.is_dir() else []
    seen = set()
    for path in files:
        source = source_name(path)
        seen.add(source)
        meta = manifest.get(path.name)
        record = documents.get(source)
        if record is None:
            title = meta.title if meta else "(titel findes ved indeksering)"
            rows.append(
                Row(path.name, title, meta.kind if meta else "", meta.date if meta else "", 0, 0, "ikke indekseret")
            )
            continue
        changed = _changed(path, record, settings.ingest.max_bytes)
        status = "ændret siden indeksering" if changed else "indekseret"
        rows.append(Row(path.name, record.title, record.kind, record.date, record.pages, record.passages, status))
    for source, record in sorted(documents.items()):
        if source not in seen:
            status = "kun i indekset (filen er her ikke)"
            rows.append(
                Row(Path(source).name, record.title, record.kind, record.date, record.pages, record.passages, status)
            )
    return rows


def _changed(path: Path, record: DocumentRecord, max_bytes: int) -> bool:
    try:
        return file_hash(read_bytes(path, path.name, max_bytes)) != record.doc_hash
    except AssistantError:
        return True
