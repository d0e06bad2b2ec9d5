"""`python -m ingest` as an operator runs it, with the real encoder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT

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


def test_add_list_remove_from_the_command_line(tiny_corpus: Path, tmp_path: Path, shared_cache: Path) -> None:
    from tests.docfiles import make_pdf, make_scanned_pdf

    data = tmp_path / "data"
    assert _ingest(tiny_corpus, data, shared_cache).returncode == 0
    pdf = make_pdf(tmp_path / "Ældrepleje på øerne 2031.pdf", ["Side et.", "Færgen sejler 6 gange om dagen."])
    scan = make_scanned_pdf(tmp_path / "skannet.pdf")
    added = _ingest(tiny_corpus, data, shared_cache, "add", str(pdf), str(scan), "--kind", "Rapport")
    assert added.returncode == 1  # one file was refused
    assert "Tilføjet: Ældrepleje på øerne 2031.pdf" in added.stdout and "1 nye" in added.stdout
    assert "Ikke tilføjet: skannet.pdf: indeholder ingen tekst" in added.stderr
    assert "Traceback" not in added.stderr
    listed = _ingest(tiny_corpus, data, shared_cache, "list")
    line = next(ln for ln in listed.stdout.splitlines() if ln.startswith("Ældrepleje på øerne 2031.pdf"))
    assert "Rapport" in line and "indekseret" in line
    removed = _ingest(tiny_corpus, data, shared_cache, "remove", "Ældrepleje på øerne 2031.pdf")
    assert removed.returncode == 0 and "Fjernet" in removed.stdout
    assert "Ældrepleje" not in _ingest(tiny_corpus, data, shared_cache, "list").stdout
    unknown = _ingest(tiny_corpus, data, shared_cache, "remove", "findes-ikke.pdf")
    assert unknown.returncode == 2 and "Intet dokument hedder" in unknown.stderr
