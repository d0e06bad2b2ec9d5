"""corpus/manifest.toml: the metadata of every source document."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError
from ingest.layouts import LAYOUTS

logger = logging.getLogger(__name__)

SOURCE_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class DocumentMeta:
    """One manifest entry."""

    file: str
    title: str
    publisher: str = ""
    date: str = ""
    kind: str = "Dokument"
    layout: str | None = None
    ocr: bool = False


def load_manifest(path: Path) -> dict[str, DocumentMeta]:
    """Manifest entries by file name; a missing manifest is an empty one."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError("corpus/manifest.toml", f"kan ikke læses: {exc}") from exc
    entries: dict[str, DocumentMeta] = {}
    for i, raw in enumerate(data.get("document", []), 1):
        if not isinstance(raw, dict) or not raw.get("file") or not raw.get("title"):
            raise CorpusError("corpus/manifest.toml", f"post nr. {i} mangler 'file' eller 'title'")
        unknown = set(raw) - set(DocumentMeta.__dataclass_fields__)
        if unknown:
            raise CorpusError("corpus/manifest.toml", f"post {raw['file']!r} har ukendte felter: {sorted(unknown)}")
        if raw.get("layout") not in (None, *LAYOUTS):
            raise CorpusError(
                "corpus/manifest.toml",
                f"post {raw['file']!r}: ukendt layout {raw['layout']!r}; gyldige: {', '.join(LAYOUTS)}",
            )
        meta = DocumentMeta(**{k: (str(v) if k not in ("ocr",) else bool(v)) for k, v in raw.items()})
        entries[meta.file] = meta
    return entries


def corpus_files(corpus_dir: Path, manifest: dict[str, DocumentMeta]) -> dict[str, Path]:
    """The source files to index, by file name: every listed file that exists plus
    every unlisted text file in the folder. A missing or empty folder is an error, not
    an instruction to empty the index."""
    if not corpus_dir.is_dir():
        raise CorpusError(str(corpus_dir), "mappen findes ikke; intet er ændret i indekset")
    files = {p.name: p for p in sorted(corpus_dir.iterdir()) if p.is_file() and p.suffix in SOURCE_SUFFIXES}
    if not files:
        raise CorpusError(str(corpus_dir), "mappen indeholder ingen dokumenter (.txt); intet er ændret i indekset")
    for name in manifest:
        if name not in files:
            logger.warning("manifest.toml names %s, which is not in %s", name, corpus_dir)
    return files


def meta_for(name: str, text: str, manifest: dict[str, DocumentMeta]) -> DocumentMeta:
    """The manifest entry, or one made from the file itself."""
    if name in manifest:
        return manifest[name]
    first = next((line.strip() for line in text.splitlines() if line.strip()), name)
    title = first if len(first) <= 120 else Path(name).stem
    logger.warning("%s is not in manifest.toml; using the title %r", name, title)
    return DocumentMeta(file=name, title=title)
