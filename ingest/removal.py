"""Removing a document: what `python -m ingest remove` does, all or nothing.

The file is moved aside under a hidden name (ingest skips it), the manifest is written
without its entry, the document is dropped from the index, and only then is the file
deleted; a failure on the way puts the file and the manifest back. An entry whose file is
already gone is removed too.
"""

from __future__ import annotations

import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings
from core.errors import AssistantError, CorpusError, UsageError, os_reason
from ingest.listing import open_store
from ingest.manifest import DocumentMeta, load_manifest_text, manifest_text, scan, without_entry, write_manifest
from ingest.pipeline import lock, source_name

logger = logging.getLogger(__name__)


@dataclass
class Removed:
    file: str | None
    source: str | None
    title: str
    orphan: bool = False  # only a manifest entry: its file was already gone


def remove_document(settings: Settings, name: str, model: str | None = None) -> Removed:
    """Take a document (by file name, source path or exact title) out of the corpus, the
    manifest and the index (of the configured encoder, or of ``model``); all or nothing."""
    with lock(settings.data_dir):
        before = manifest_text(settings.manifest_file)  # a broken manifest: refused before anything is touched
        manifest = load_manifest_text(before)
        store = open_store(settings, model)
        try:
            documents = store.documents() if store else {}
            found = _find(settings, name, manifest, documents)
            aside = _move_aside(settings, found.file)
            try:
                if found.file and found.file in manifest:
                    write_manifest(settings.manifest_file, without_entry(before, found.file))
                if store and found.source in documents:
                    store.forget(found.source)
            except (OSError, AssistantError) as exc:
                _restore(settings, found.file, aside, before)
                if isinstance(exc, OSError):
                    raise CorpusError(
                        "manifest.toml", f"kan ikke skrives ({os_reason(exc)}); intet er fjernet"
                    ) from exc
                raise
            if aside is not None:
                discard(aside)
        finally:
            if store:
                store.close()
    return found


def _move_aside(settings: Settings, file: str | None) -> Path | None:
    """Rename the document's file to a hidden name (ingest skips it), or None without one."""
    if not file or not os.path.lexists(settings.corpus_dir / file):
        return None
    aside = settings.corpus_dir / f".ingest-{secrets.token_hex(6)}.removed"
    try:
        os.rename(settings.corpus_dir / file, aside)
    except OSError as exc:
        raise CorpusError(
            file, f"kan ikke fjernes fra {settings.corpus_dir} ({os_reason(exc)}); intet er fjernet"
        ) from exc
    return aside


def _restore(settings: Settings, file: str | None, aside: Path | None, manifest: str) -> None:
    try:
        if aside is not None:
            os.rename(aside, settings.corpus_dir / file)  # type: ignore[operator]
        if manifest_text(settings.manifest_file) != manifest:
            write_manifest(settings.manifest_file, manifest)
    except (OSError, CorpusError) as exc:
        why = os_reason(exc) if isinstance(exc, OSError) else exc.reason
        logger.warning("%s kunne ikke lægges tilbage (%s); den ligger som %s", file, why, aside)


def _find(settings: Settings, name: str, manifest: dict[str, DocumentMeta], documents: dict) -> Removed:  # type: ignore[type-arg]
    wanted = unicodedata.normalize("NFC", name.strip())
    files = scan(settings.corpus_dir)[0] if settings.corpus_dir.is_dir() else {}
    by_source = {source_name(p): n for n, p in files.items()}
    for source, record in documents.items():
        if wanted in (source, Path(source).name):
            file = by_source.get(source)
            if file is None and Path(source).name in manifest:  # indexed, and its file is gone
                file = Path(source).name
            return Removed(file, source, record.title)
    for file, path in files.items():
        if wanted == file:
            meta = manifest.get(file)
            return Removed(file, source_name(path), meta.title if meta else file)
    if wanted in manifest:  # an entry whose file is gone
        return Removed(wanted, None, manifest[wanted].title, orphan=True)
    # By title: several documents of a series may share one, and a guess could delete the wrong file.
    titled: dict[str, Removed] = {}
    for source, record in documents.items():
        if wanted.casefold() == record.title.casefold():
            titled[source] = Removed(by_source.get(source), source, record.title)
    for file, meta in manifest.items():
        if wanted.casefold() == meta.title.casefold():
            path = files.get(file)
            key = source_name(path) if path else file
            titled.setdefault(key, Removed(file, source_name(path) if path else None, meta.title, orphan=not path))
    if len(titled) == 1:
        return next(iter(titled.values()))
    if titled:
        names = ", ".join(sorted(Path(s).name for s in titled))
        raise UsageError(f"{len(titled)} dokumenter har titlen »{name}«. Angiv filnavnet i stedet: {names}")
    known = sorted(set(files) | set(manifest) | {Path(s).name for s in documents})
    raise UsageError(f"Intet dokument hedder »{name}«. Se listen med: python -m ingest list ({', '.join(known)})")


def discard(path: Path) -> None:
    """Delete ``path`` if it is there; a failure is a warning (the caller has failed already)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        logger.warning("%s kunne ikke slettes igen (%s); slet den selv", path, os_reason(exc))
