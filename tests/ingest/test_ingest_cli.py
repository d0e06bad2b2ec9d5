"""`python -m ingest` as an operator runs it, with the real encoder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT

pytestmark = pytest.mark.model


def _ingest(corpus: Path, data: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_EMBEDDING_CACHE": str(cache),
    }
    return subprocess.run(
        [sys.executable, "-m", "ingest", "--quiet", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=300,
    )


def test_build_then_nothing_to_do(tiny_corpus: Path, tmp_path: Path, shared_cache: Path) -> None:
    first = _ingest(tiny_corpus, tmp_path / "data", shared_cache)
    assert first.returncode == 0, first.stderr
    assert "4 nye" in first.stdout
    again = _ingest(tiny_corpus, tmp_path / "data", shared_cache)
    assert "4 uændrede" in again.stdout and "0 tekster indlejret" in again.stdout


@pytest.mark.parametrize(("content", "fragment"), [(b"\xc3\x28 ugyldig", "ikke gyldig UTF-8"), (b"", "er tom")])
def test_bad_corpus_file_is_reported_and_the_rest_indexed(
    tiny_corpus: Path, tmp_path: Path, shared_cache: Path, content: bytes, fragment: str
) -> None:
    (tiny_corpus / "ødelagt fil.txt").write_bytes(content)
    done = _ingest(tiny_corpus, tmp_path / "data", shared_cache)
    assert done.returncode == 1
    assert "4 nye" in done.stdout
    assert fragment in done.stderr and "ødelagt fil.txt" in done.stderr
    assert "Traceback" not in done.stderr


def test_corrupt_manifest_touches_nothing(tiny_corpus: Path, tmp_path: Path, shared_cache: Path) -> None:
    assert _ingest(tiny_corpus, tmp_path / "data", shared_cache).returncode == 0
    (tiny_corpus / "manifest.toml").write_text("[[document]\nfile = ", encoding="utf-8")
    done = _ingest(tiny_corpus, tmp_path / "data", shared_cache)
    assert done.returncode == 1 and "manifest.toml" in done.stderr and "Traceback" not in done.stderr
