"""corpus/manifest.toml: the metadata of every source document."""

from __future__ import annotations

import logging
import os
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

import tomli_w

from assistant.errors import CorpusError
from ingest.extract import DEFAULT_KIND, SUFFIXES, Extracted
from ingest.layouts import LAYOUTS

logger = logging.getLogger(__name__)


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
        return load_manifest_text(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CorpusError("corpus/manifest.toml", f"kan ikke læses: {exc}") from exc


def load_manifest_text(text: str) -> dict[str, DocumentMeta]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
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
    files = {p.name: p for p in sorted(corpus_dir.iterdir()) if is_document(p)}
    if not files:
        raise CorpusError(
            str(corpus_dir), f"mappen indeholder ingen dokumenter ({', '.join(SUFFIXES)}); intet er ændret i indekset"
        )
    for name in manifest:
        if name not in files:
            logger.warning("manifest.toml names %s, which is not in %s", name, corpus_dir)
    return files


def is_document(path: Path) -> bool:
    """A file ingest reads: a supported suffix, not hidden, not a temporary copy."""
    return path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith((".", "~"))


def meta_for(name: str, extracted: Extracted, manifest: dict[str, DocumentMeta]) -> DocumentMeta:
    """The manifest entry, or one made from the file itself (its metadata, else its first line)."""
    if name in manifest:
        return manifest[name]
    return DocumentMeta(
        file=name, title=guess_title(name, extracted), date=extracted.date, kind=DEFAULT_KIND[extracted.fmt]
    )


def guess_title(name: str, extracted: Extracted) -> str:
    if extracted.title:
        return extracted.title[:200]
    first = next((line.strip() for line in extracted.text.splitlines() if line.strip()), name)
    return first if len(first) <= 120 else Path(name).stem


def add_entry(path: Path, meta: DocumentMeta) -> None:
    """Append ``meta`` to the manifest at ``path``, keeping what is there (comments too)."""
    entry = {k: v for k, v in asdict(meta).items() if v not in (None, "", False)}
    block = "[[document]]\n" + tomli_w.dumps(entry)  # never an inline array of tables
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    separator = "" if not current or current.endswith("\n\n") else ("\n" if current.endswith("\n") else "\n\n")
    _write(path, current + separator + block)


def remove_entry(path: Path, file: str) -> bool:
    """Drop the entry for ``file`` from the manifest (other text unchanged). True if found."""
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^(?=\[\[document\]\][ \t]*$)", text)
    kept = [part for part in parts if not _names(part, file)]
    if len(kept) == len(parts):
        return False
    _write(path, "".join(kept).rstrip("\n") + "\n")
    return True


def _names(part: str, file: str) -> bool:
    if not part.startswith("[[document]]"):
        return False
    try:
        return [d.get("file") for d in tomllib.loads(part).get("document", [])] == [file]
    except tomllib.TOMLDecodeError:
        return False


def _write(path: Path, text: str) -> None:
    load_manifest_text(text)  # never write a manifest that does not parse
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
