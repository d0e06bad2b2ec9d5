"""The corpus is a set of regular files inside the corpus folder: symbolic links and
special files are skipped by the scan (with a Danish warning) and refused by `add`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.engine import build_assistant
from core.config import Settings
from ingest.library import add_documents, list_documents
from ingest.pipeline import run_ingest

SECRET = "Adgangskoden til serveren er hemmelig-hest-42."


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the corpus that must never be indexed."""
    path = tmp_path / "udenfor" / "hemmelig.txt"
    path.parent.mkdir()
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def _indexed_text(settings: Settings, fake_embed) -> str:  # type: ignore[no-untyped-def]
    assistant = build_assistant(settings, fake_embed)
    return "\n".join(assistant.document_text(source) or "" for source in assistant.documents)


def test_a_symlink_out_of_the_corpus_is_skipped_with_a_warning(
    fake_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
    secret: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (fake_settings.corpus_dir / "passwd.txt").symlink_to(secret)
    (fake_settings.corpus_dir / "kopi af notat.txt").symlink_to(fake_settings.corpus_dir / "notat.txt")
    with caplog.at_level("WARNING"):
        report = run_ingest(fake_settings, fake_embed)
    assert len(report.added) == 4 and not report.failed
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "passwd.txt springes over (symbolsk link): corpus-mappen rummer kun almindelige filer" in warnings[1]
    assert warnings[0].startswith("kopi af notat.txt springes over (symbolsk link)")
    assert "hemmelig-hest" not in _indexed_text(fake_settings, fake_embed)
    assert not any("hemmelig" in s for s in build_assistant(fake_settings, fake_embed).documents)
    rows = {row.file: row.status for row in list_documents(fake_settings, "fake-hash")}
    assert rows["passwd.txt"] == "springes over (symbolsk link)"


def test_an_index_that_followed_a_symlink_out_loses_it_on_the_next_ingest(
    fake_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
    secret: Path,
) -> None:
    placed = fake_settings.corpus_dir / "passwd.txt"
    placed.write_bytes(secret.read_bytes())  # as an old ingest read the link: the target's text
    run_ingest(fake_settings, fake_embed)
    assert "hemmelig-hest" in _indexed_text(fake_settings, fake_embed)
    placed.unlink()
    placed.symlink_to(secret)
    report = run_ingest(fake_settings, fake_embed)
    assert [Path(s).name for s in report.removed] == ["passwd.txt"]
    assert "hemmelig-hest" not in _indexed_text(fake_settings, fake_embed)


def test_a_named_pipe_in_the_corpus_is_skipped_and_does_not_hang(
    fake_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
    caplog: pytest.LogCaptureFixture,
) -> None:
    os.mkfifo(fake_settings.corpus_dir / "rør.txt")
    with caplog.at_level("WARNING"):
        report = run_ingest(fake_settings, fake_embed)
    assert len(report.added) == 4 and not report.failed
    assert any("rør.txt springes over (ikke en almindelig fil)" in r.getMessage() for r in caplog.records)


def test_add_refuses_symlinks_and_special_files(
    fake_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
    secret: Path,
    tmp_path: Path,
) -> None:
    run_ingest(fake_settings, fake_embed)
    before = sorted(p.name for p in fake_settings.corpus_dir.iterdir())
    manifest = fake_settings.manifest_file.read_bytes()
    link = tmp_path / "rapport.txt"
    link.symlink_to(secret)
    pipe = tmp_path / "rør.txt"
    os.mkfifo(pipe)
    report = add_documents(fake_settings, [link, pipe], embed_model=fake_embed)
    assert report.added == [] and report.ingest is None
    reasons = {Path(e.source).name: e.reason for e in report.failed}
    assert reasons["rapport.txt"].startswith("er et symbolsk link")
    assert reasons["rør.txt"].startswith("er ikke en almindelig fil")
    assert sorted(p.name for p in fake_settings.corpus_dir.iterdir()) == before
    assert fake_settings.manifest_file.read_bytes() == manifest


def test_a_folder_with_a_symlink_adds_its_files_and_refuses_the_link(
    fake_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
    secret: Path,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "indbakke"
    folder.mkdir()
    (folder / "broer.txt").write_text("Kommunen malede 8 broer i 2031.\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    report = add_documents(fake_settings, [folder], embed_model=fake_embed)
    assert [m.file for m in report.added] == ["broer.txt"]
    assert [Path(e.source).name for e in report.failed] == ["passwd.txt"]
    assert not (fake_settings.corpus_dir / "passwd.txt").exists()
    assert "hemmelig-hest" not in _indexed_text(fake_settings, fake_embed)
