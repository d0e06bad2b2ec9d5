"""The corpus folder as people and both sides of the index see it: which files are
documents, and the name a document goes by (its path relative to the corpus folder,
never an absolute path)."""

from __future__ import annotations

import os
from pathlib import Path

from core.config import PROJECT_ROOT

# The file types ingest reads (ingest/extract.py SUFFIXES; tests/assistant/test_engine.py
# keeps the two equal).
DOCUMENT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm"})


def corpus_name(corpus_dir: Path, source: str) -> str:
    """The name people see for an indexed source: its path relative to the corpus
    folder. Never absolute: a source outside the folder (an index built from another
    folder, or an old one that followed a symlink out) shows as its file name."""
    path = Path(source)
    path = path if path.is_absolute() else PROJECT_ROOT / path
    try:
        return path.relative_to(corpus_dir).as_posix()
    except ValueError:
        return path.name


def corpus_files(corpus_dir: Path) -> list[str]:
    """The documents in the corpus folder as ingest finds them: regular files (not
    symlinks) with a supported suffix, not hidden or temporary. [] when the folder is
    missing or unreadable (an instance on a Chroma server may hold no files)."""
    names = []
    try:
        entries = list(os.scandir(corpus_dir))
    except OSError:
        return []
    for entry in entries:
        try:
            regular = entry.is_file(follow_symlinks=False)
        except OSError:
            continue
        suffix = os.path.splitext(entry.name)[1].lower()
        if regular and suffix in DOCUMENT_SUFFIXES and not entry.name.startswith((".", "~")):
            names.append(entry.name)
    return sorted(names)
