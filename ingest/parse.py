"""Reading a source file: exact bytes in, exact text out, or a clear CorpusError."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError

MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """A corpus file as read: its path relative to the project, text and content hash."""

    source: str
    text: str
    doc_hash: str


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_source(path: Path, source: str) -> SourceFile:
    """Read ``path``; offsets elsewhere are indices into the returned text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(source, f"kan ikke læses ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise CorpusError(source, f"er for stor ({len(data) // 1_000_000} MB; højst {MAX_BYTES // 1_000_000} MB)")
    if b"\x00" in data:
        raise CorpusError(source, "ligner en binær fil (indeholder NUL-tegn), ikke tekst")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            source,
            f"er ikke gyldig UTF-8 (byte 0x{data[exc.start]:02x} ved position {exc.start}); gem den som UTF-8",
        ) from exc
    if not text.strip():
        raise CorpusError(source, "er tom")
    return SourceFile(source=source, text=text, doc_hash=file_hash(data))
