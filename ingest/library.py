"""Adding documents: what `python -m ingest add` does (remove: ingest/removal.py).

The corpus folder stays the one source of truth, and each change to it is all or nothing.
``add`` checks the manifest first, then each file fully (a regular file, its size, its
reader within the limits, duplicates by content hash) before it copies the file in under
a short hidden name, renames it into place and writes the manifest once; a failure at any
step undoes the steps before it. It then runs the ordinary incremental ingest, so only the
new text is embedded, and if that run fails as a whole the files it added are taken out
again.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.cliutil import describe
from core.config import Settings
from core.embed import VectorEmbedding
from core.errors import AssistantError, CorpusError, UsageError, os_reason
from ingest.extract import DEFAULT_KIND, extract
from ingest.listing import Row, list_documents
from ingest.manifest import (
    DocumentMeta,
    guess_title,
    load_manifest_text,
    looks_like_document,
    manifest_text,
    scan,
    with_entry,
    without_entry,
    write_manifest,
)
from ingest.parse import SPECIAL, SYMLINK, file_format, file_hash, read_bytes
from ingest.pipeline import IngestReport, Notify, lock, run_ingest
from ingest.removal import Removed, discard, remove_document

__all__ = [
    "AddAbortedError",
    "AddReport",
    "Extra",
    "Removed",
    "Row",
    "add_documents",
    "list_documents",
    "remove_document",
]

logger = logging.getLogger(__name__)

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
UNCHANGED = "corpus-mappen og manifest.toml er som før"


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


class AddAbortedError(AssistantError):
    """The ingest after an add failed as a whole; the added files were taken out again."""


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
    with lock(settings.data_dir):
        had_manifest = settings.manifest_file.exists()
        before = manifest_text(settings.manifest_file)  # a broken manifest stops the add before anything is touched
        held = _held_hashes(settings)
        for path in files:
            try:
                report.added.append(_add_one(settings, path, extra, held))
            except CorpusError as exc:
                report.failed.append(exc)
        after = manifest_text(settings.manifest_file) if report.added else before
    if report.added:
        try:
            report.ingest = run_ingest(settings, embed_model, on_document=on_document)
        except (AssistantError, KeyboardInterrupt) as exc:
            _take_back(settings, report.added, _Manifests(before if had_manifest else None, after))
            if isinstance(exc, KeyboardInterrupt):
                raise
            aborted = AddAbortedError(f"{describe(exc)} Intet er tilføjet; {UNCHANGED}.")
            aborted.exit_code = exc.exit_code
            raise aborted from exc
    return report


def _expand(paths: Iterable[Path]) -> tuple[list[Path], AddReport]:
    """The files to add; symbolic links, special files and missing paths are refused."""
    report = AddReport()
    files: list[Path] = []
    for path in paths:
        try:
            if path.is_symlink():
                report.failed.append(CorpusError(str(path), SYMLINK))
            elif path.is_dir():
                found = _folder(path, report)
                if found is not None:
                    files.extend(found)
            elif path.is_file():
                files.append(path)
            elif path.exists():
                report.failed.append(CorpusError(str(path), SPECIAL))
            else:
                report.failed.append(CorpusError(str(path), "findes ikke"))
        except OSError as exc:  # a name too long for the file system, a folder that cannot be read, ...
            report.failed.append(CorpusError(str(path), f"kan ikke læses ({os_reason(exc)})"))
    return list(dict.fromkeys(files)), report


def _folder(folder: Path, report: AddReport) -> list[Path] | None:
    found, refused = [], 0
    for path in sorted(folder.rglob("*")):  # rglob does not descend into linked folders
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or not looks_like_document(path):
            continue
        if path.is_symlink():
            report.failed.append(CorpusError(str(path), SYMLINK))
            refused += 1
        elif path.is_file():
            found.append(path)
        elif not path.is_dir():
            report.failed.append(CorpusError(str(path), SPECIAL))
            refused += 1
    if not found and not refused:
        report.failed.append(CorpusError(str(folder), "mappen indeholder ingen dokumenter, der kan tilføjes"))
        return None
    return found


def _held_hashes(settings: Settings) -> dict[str, str]:
    """Content hash -> file name of every document already in the corpus folder."""
    held = {}
    for name, path in scan(settings.corpus_dir)[0].items():
        try:
            held.setdefault(file_hash(read_bytes(path, name, settings.ingest.max_bytes)), name)
        except CorpusError:
            continue  # an unreadable file holds no content to compare with
    return held


def _add_one(settings: Settings, path: Path, extra: Extra, held: dict[str, str]) -> DocumentMeta:
    name = unicodedata.normalize("NFC", path.name)
    _check_name(settings.corpus_dir, name)
    fmt = file_format(path, name)
    data = read_bytes(path, name, settings.ingest.max_bytes)  # a link or special file is refused here
    digest = file_hash(data)
    if held.get(digest) == name:
        raise CorpusError(name, "er allerede med (samme navn og indhold); intet at gøre")
    if digest in held:
        raise CorpusError(name, f"har samme indhold som {held[digest]}, som allerede er med; den tilføjes ikke igen")
    if os.path.lexists(settings.corpus_dir / name):
        raise CorpusError(
            name,
            "et andet dokument med samme filnavn er allerede med; omdøb filen, eller fjern det gamle først "
            f"(python -m ingest remove {name!r})",
        )
    # Refuses scanned, protected, broken and oversized files before anything is copied.
    extracted = extract(data, fmt, name, settings.ingest)
    meta = DocumentMeta(
        file=name,
        title=extra.title or guess_title(name, extracted),
        publisher=extra.publisher or "",
        date=extra.date or extracted.date,
        kind=extra.kind or DEFAULT_KIND[fmt],
    )
    _place(settings, meta, data)
    held[digest] = name
    return meta


def _check_name(corpus: Path, name: str) -> None:
    try:
        most = os.pathconf(corpus, "PC_NAME_MAX")
    except (OSError, ValueError):
        most = 255
    size = len(name.encode("utf-8", "surrogateescape"))
    if size > most:
        raise CorpusError(
            name[:40] + "…",
            f"har et filnavn på {size} bytes; corpus-mappens filsystem tillader højst {most}. Omdøb filen",
        )


def _place(settings: Settings, meta: DocumentMeta, data: bytes) -> None:
    """Copy ``data`` into the corpus as ``meta.file`` and write its manifest entry (an
    entry left by a file removed by hand is replaced); all or nothing."""
    corpus, name = settings.corpus_dir, meta.file
    before = manifest_text(settings.manifest_file)
    after = with_entry(without_entry(before, name), meta)
    load_manifest_text(after)
    partial = corpus / f".ingest-{secrets.token_hex(6)}.partial"  # short: any name that fits fits here
    try:
        with open(partial, "xb") as out:
            out.write(data)
        os.replace(partial, corpus / name)
    except OSError as exc:
        discard(partial)
        raise CorpusError(name, f"kan ikke kopieres til {corpus} ({os_reason(exc)})") from exc
    try:
        write_manifest(settings.manifest_file, after)
    except (OSError, CorpusError) as exc:
        discard(corpus / name)
        why = os_reason(exc) if isinstance(exc, OSError) else exc.reason
        raise CorpusError(name, f"kan ikke skrives i manifest.toml ({why})") from exc


@dataclass(frozen=True)
class _Manifests:
    before: str | None  # None: there was no manifest file
    after: str  # as the add left it


def _take_back(settings: Settings, added: list[DocumentMeta], manifests: _Manifests) -> None:
    """Undo ``add`` for ``added`` (its ingest failed): their files and manifest entries go.
    The manifest gets its old bytes back unless someone changed it in between."""
    path = settings.manifest_file
    try:
        text = manifest_text(path)
        if text == manifests.after and manifests.before is None:
            discard(path)
        elif text == manifests.after:
            write_manifest(path, manifests.before)  # type: ignore[arg-type]
        else:
            for meta in added:
                text = without_entry(text, meta.file)
            write_manifest(path, text)
    except (OSError, CorpusError) as exc:
        why = os_reason(exc) if isinstance(exc, OSError) else exc.reason
        logger.warning("manifest.toml kunne ikke sættes tilbage (%s); ret den selv", why)
    for meta in added:
        discard(settings.corpus_dir / meta.file)
