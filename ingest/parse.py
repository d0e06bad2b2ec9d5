"""Reading a source file: exact bytes in, the text citations index into out, or a clear
CorpusError. Plain text is the file itself; PDF, Word, HTML and Markdown go through their
readers (ingest/extract.py), and the extracted text is stored with the index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError
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
    """The file's bytes; a file over ``max_bytes`` is refused before it is read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusError(
                source, f"er for stor ({size / 1e6:.0f} MB; højst {max_bytes / 1e6:.0f} MB, se ingest.max_file_mb)"
            )
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(source, f"kan ikke læses ({exc.strerror or exc})") from exc


def read_source(path: Path, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile:
    """Read and extract ``path``; offsets elsewhere are indices into the returned text."""
    fmt = file_format(path, source)
    return source_from_bytes(read_bytes(path, source, max_bytes), fmt, source)


def source_from_bytes(data: bytes, fmt: str, source: str, doc_hash: str | None = None) -> SourceFile:
    """Extract bytes already read (``doc_hash`` when it is known already)."""
    return SourceFile(source=source, doc_hash=doc_hash or file_hash(data), extracted=extract(data, fmt, source))
