"""What `python -m ingest list` shows: every document in the corpus folder, the manifest
or the index, with its state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.config import Settings
from core.embed import model_slug
from core.errors import AssistantError, IndexNotBuiltError
from core.index_schema import DocumentRecord
from core.store import ChromaStore, Location
from ingest.manifest import load_manifest, scan
from ingest.parse import file_hash, read_bytes
from ingest.pipeline import source_name

MISSING = "fil mangler"


def open_store(settings: Settings, model: str | None) -> ChromaStore | None:
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
    """Every document in the corpus folder, the manifest or the index, with its state."""
    manifest = load_manifest(settings.manifest_file)
    store = open_store(settings, model)
    try:
        documents = store.documents() if store else {}
    finally:
        if store:
            store.close()
    files, skipped = scan(settings.corpus_dir) if settings.corpus_dir.is_dir() else ({}, {})
    rows = []
    seen = set()
    for name, path in files.items():
        source = source_name(path)
        seen.add(source)
        meta = manifest.get(name)
        record = documents.get(source)
        if record is None:
            title = meta.title if meta else "(titel findes ved indeksering)"
            rows.append(Row(name, title, meta.kind if meta else "", meta.date if meta else "", 0, 0, "ikke indekseret"))
            continue
        changed = _changed(path, record, settings.ingest.max_bytes)
        status = "ændret siden indeksering" if changed else "indekseret"
        rows.append(Row(name, record.title, record.kind, record.date, record.pages, record.passages, status))
    for name, why in skipped.items():
        rows.append(Row(name, "", "", "", 0, 0, f"springes over ({why})"))
    shown = set(files) | set(skipped)
    for source, record in sorted(documents.items()):
        if source not in seen:
            name = Path(source).name
            status = f"{MISSING} (stadig i indekset til næste indeksering)"
            rows.append(Row(name, record.title, record.kind, record.date, record.pages, record.passages, status))
            shown.add(name)
    for name, meta in sorted(manifest.items()):
        if name not in shown:  # an entry whose file is gone (python -m ingest remove NAME takes it out)
            rows.append(Row(name, meta.title, meta.kind, meta.date, 0, 0, MISSING))
    return rows


def _changed(path: Path, record: DocumentRecord, max_bytes: int) -> bool:
    try:
        return file_hash(read_bytes(path, path.name, max_bytes)) != record.doc_hash
    except AssistantError:
        return True
