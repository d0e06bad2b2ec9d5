"""Reading a source file: exact bytes in, the text citations index into out, or a clear
CorpusError. Plain text is the file itself; PDF, Word, HTML and Markdown go through their
readers (ingest/extract.py), and the extracted text is stored with the index."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from core.config import IngestSettings
from core.errors import CorpusError, os_reason
from ingest.extract import SUFFIXES, Extracted, extract

DEFAULT_MAX_BYTES = 50 * 1_000_000


@dataclass(frozen=True)
class SourceFile:
    """A corpus file as read: its source name, extracted text and the hash of its bytes."""

    source: str
    doc_hash: str
    extracted: Extracted

    @property
    def text(self) -> str:
        return self.extracted.text


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_format(path: Path, source: str) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise CorpusError(
            source, f"har en filtype, der ikke understøttes ({path.suffix or 'ingen'}); brug {', '.join(SUFFIXES)}"
        )
    return fmt


def read_bytes(path: Path, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path``; a file over ``max_bytes`` is refused
    before it is read. A symbolic link or a special file (a device, a named pipe) is
    refused as it is opened, so it cannot be swapped in after a check."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CorpusError(source, SYMLINK) from exc
        raise CorpusError(source, f"kan ikke læses ({os_reason(exc)})") from exc
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise CorpusError(source, SPECIAL)
            if info.st_size > max_bytes:
                raise _too_large(source, info.st_size, max_bytes)
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise CorpusError(source, f"kan ikke læses ({os_reason(exc)})") from exc
    if len(data) > max_bytes:  # it grew while it was read
        raise _too_large(source, len(data), max_bytes)
    return data


SYMLINK = "er et symbolsk link; corpus-mappen rummer kun almindelige filer, så kopiér selve filen"
SPECIAL = "er ikke en almindelig fil (men fx en mappe, en enhed eller en navngiven pipe)"


def _too_large(source: str, size: int, max_bytes: int) -> CorpusError:
    return CorpusError(
        source, f"er for stor ({size / 1e6:.0f} MB; højst {max_bytes / 1e6:.0f} MB, se ingest.max_file_mb)"
    )


def read_source(
    path: Path, source: str, max_bytes: int = DEFAULT_MAX_BYTES, limits: IngestSettings | None = None
) -> SourceFile:
    """Read and extract ``path``; offsets elsewhere are indices into the returned text."""
    fmt = file_format(path, source)
    return source_from_bytes(read_bytes(path, source, max_bytes), fmt, source, limits=limits)


def source_from_bytes(
    data: bytes, fmt: str, source: str, doc_hash: str | None = None, limits: IngestSettings | None = None
) -> SourceFile:
    """Extract bytes already read (``doc_hash`` when it is known already)."""
    extracted = extract(data, fmt, source, limits)
    return SourceFile(source=source, doc_hash=doc_hash or file_hash(data), extracted=extracted)
