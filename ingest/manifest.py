"""corpus/manifest.toml: the metadata of every source document."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

import tomli_w

from core.errors import CorpusError, os_reason
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
    return load_manifest_text(manifest_text(path))


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


def corpus_files(corpus_dir: Path, manifest: dict[str, DocumentMeta], warn: bool = True) -> dict[str, Path]:
    """The source files to index, by file name: the regular files in the folder with a
    supported suffix (symbolic links, special files and anything that resolves outside
    the folder are skipped, with a warning when ``warn``). A missing or empty folder is
    an error, not an instruction to empty the index."""
    if not corpus_dir.is_dir():
        raise CorpusError(str(corpus_dir), "mappen findes ikke; intet er ændret i indekset")
    files, skipped = scan(corpus_dir)
    if warn:
        for name, why in skipped.items():
            logger.warning(
                "%s springes over (%s): corpus-mappen rummer kun almindelige filer, der ligger i den; kopiér filen ind",
                name,
                why,
            )
    if not files:
        raise CorpusError(
            str(corpus_dir), f"mappen indeholder ingen dokumenter ({', '.join(SUFFIXES)}); intet er ændret i indekset"
        )
    if warn:
        for name in manifest:
            if name not in files and name not in skipped:
                logger.warning(
                    "manifest.toml nævner %s, men filen findes ikke i %s; fjern posten med: python -m ingest remove %r",
                    name,
                    corpus_dir,
                    name,
                )
    return files


def scan(corpus_dir: Path) -> tuple[dict[str, Path], dict[str, str]]:
    """(The documents in the folder by file name; the entries that look like documents
    but are skipped, with the reason). The corpus is a set of regular files inside it."""
    root = corpus_dir.resolve()
    files: dict[str, Path] = {}
    skipped: dict[str, str] = {}
    for path in sorted(corpus_dir.iterdir()):
        if not looks_like_document(path):
            continue
        if path.is_symlink():
            skipped[path.name] = "symbolsk link"
        elif not path.is_file():
            if not path.is_dir():
                skipped[path.name] = "ikke en almindelig fil"
        elif path.resolve().parent != root:
            skipped[path.name] = "peger uden for corpus-mappen"
        else:
            files[path.name] = path
    return files, skipped


def is_document(path: Path) -> bool:
    """A file ingest reads: a regular file (not a symbolic link) with a supported suffix,
    not hidden, not a temporary copy."""
    return looks_like_document(path) and path.is_file() and not path.is_symlink()


def looks_like_document(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.startswith((".", "~"))


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


def manifest_text(path: Path) -> str:
    """The manifest's text ("" when there is none), checked: a manifest that does not
    parse is a CorpusError before anything is changed."""
    if not path.is_file():
        return ""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError("corpus/manifest.toml", f"kan ikke læses: {exc}") from exc
    except OSError as exc:
        raise CorpusError("corpus/manifest.toml", f"kan ikke læses ({os_reason(exc)})") from exc
    load_manifest_text(text)
    return text


def with_entry(text: str, meta: DocumentMeta) -> str:
    """``text`` with an entry for ``meta`` appended (what is there, comments too, kept)."""
    entry = {k: v for k, v in asdict(meta).items() if v not in (None, "", False)}
    block = "[[document]]\n" + tomli_w.dumps(entry)  # never an inline array of tables
    separator = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    return text + separator + block


def without_entry(text: str, file: str) -> str:
    """``text`` without the entry for ``file`` (other text unchanged; the same text when
    there is none)."""
    parts = re.split(r"(?m)^(?=\[\[document\]\][ \t]*$)", text)
    kept = [part for part in parts if not _names(part, file)]
    if len(kept) == len(parts):
        return text
    return "".join(kept).rstrip("\n") + "\n"


def add_entry(path: Path, meta: DocumentMeta) -> None:
    """Append ``meta`` to the manifest at ``path``, keeping what is there (comments too)."""
    write_manifest(path, with_entry(manifest_text(path), meta))


def remove_entry(path: Path, file: str) -> bool:
    """Drop the entry for ``file`` from the manifest (other text unchanged). True if found."""
    text = manifest_text(path)
    changed = without_entry(text, file)
    if changed == text:
        return False
    write_manifest(path, changed)
    return True


def _names(part: str, file: str) -> bool:
    if not part.startswith("[[document]]"):
        return False
    try:
        return [d.get("file") for d in tomllib.loads(part).get("document", [])] == [file]
    except tomllib.TOMLDecodeError:
        return False


def write_manifest(path: Path, text: str) -> None:
    """Replace the manifest by ``text`` in one step (never one that does not parse).
    OSError when it cannot be written; the old manifest is then as it was."""
    load_manifest_text(text)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
