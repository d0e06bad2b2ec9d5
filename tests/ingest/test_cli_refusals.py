"""`python -m ingest add` as an operator runs it, for files it must refuse: one Danish
line each, exit code 1, no traceback, and nothing copied. Nothing is added, so no
encoder is loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.config import PROJECT_ROOT
from tests.ingest.bombs import paragraph_bomb, text_node_bomb


def _ingest(corpus: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=300,
    )


def test_add_refuses_bombs_links_pipes_and_long_names_in_one_line_each(tiny_corpus: Path, tmp_path: Path) -> None:
    before = sorted(os.listdir(tiny_corpus)), (tiny_corpus / "manifest.toml").read_bytes()
    inbox = tmp_path / "indbakke"
    inbox.mkdir()
    paragraph_bomb(inbox / "afsnit.docx", 20_000_000, period=5)
    text_node_bomb(inbox / "tekstnode.docx", 250_000_000)
    (inbox / "passwd.txt").symlink_to("/etc/passwd")
    os.mkfifo(inbox / "rør.txt")
    too_long = inbox / ("x" * 300 + ".txt")
    paths = [str(inbox / n) for n in ("afsnit.docx", "tekstnode.docx", "passwd.txt", "rør.txt")] + [str(too_long)]
    done = _ingest(tiny_corpus, tmp_path / "data", "add", *paths)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 5 and all(line.startswith("Ikke tilføjet: ") for line in lines), lines
    for name, phrase in [
        ("afsnit.docx", "er mistænkeligt hårdt pakket: word/document.xml pakker sig ud til"),
        ("tekstnode.docx", "pakker sig ud til 25"),
        ("passwd.txt", "er et symbolsk link"),
        ("rør.txt", "er ikke en almindelig fil"),
        ("x" * 300 + ".txt", "kan ikke læses (filnavnet er for langt)"),
    ]:
        assert sum(f"{name}: {phrase}" in line for line in lines) == 1, (name, lines)
    assert sum("ingest.max_zip_ratio" in line or "ingest.max_unpacked_mb" in line for line in lines) == 2
    assert (sorted(os.listdir(tiny_corpus)), (tiny_corpus / "manifest.toml").read_bytes()) == before


def test_add_with_a_broken_manifest_touches_nothing(tiny_corpus: Path, tmp_path: Path) -> None:
    (tiny_corpus / "manifest.toml").write_text("[[document]\nfile = ", encoding="utf-8")
    before = sorted(os.listdir(tiny_corpus)), (tiny_corpus / "manifest.toml").read_bytes()
    new = tmp_path / "broer.txt"
    new.write_text("Kommunen malede 8 broer.\n", encoding="utf-8")
    done = _ingest(tiny_corpus, tmp_path / "data", "add", str(new))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Fejl: corpus/manifest.toml: kan ikke læses")
    assert (sorted(os.listdir(tiny_corpus)), (tiny_corpus / "manifest.toml").read_bytes()) == before
