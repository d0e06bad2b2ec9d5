"""`ingest add` and `ingest remove` are all or nothing: at every point where they can fail,
the corpus folder and manifest.toml are exactly as before, and so is the index."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.engine import build_assistant
from core.config import Settings
from core.errors import CorpusError, StoreUnavailableError
from core.store import ChromaStore
from ingest import library, removal
from ingest.library import AddAbortedError, add_documents, list_documents, remove_document
from ingest.manifest import load_manifest
from ingest.pipeline import run_ingest
from tests.ingest.bombs import paragraph_bomb

LONG = "ø" * 100 + "-" + "a" * 50 + ".txt"  # 255 bytes in UTF-8


@pytest.fixture
def indexed(fake_settings: Settings, fake_embed) -> Settings:  # type: ignore[no-untyped-def]
    run_ingest(fake_settings, fake_embed)
    return fake_settings


def snapshot(settings: Settings) -> tuple[list[str], bytes, set[str]]:
    """Every entry of the corpus folder (hidden ones too), the manifest's bytes, and the
    indexed documents."""
    store = ChromaStore(settings.chroma_dir, settings.store.collection, "fake-hash")
    try:
        documents = set(store.documents())
    finally:
        store.close()
    return sorted(os.listdir(settings.corpus_dir)), settings.manifest_file.read_bytes(), documents


def _new(tmp_path: Path, name: str = "broer.txt") -> Path:
    path = tmp_path / "indbakke" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text("Broer i kommunen\n\nKommunen malede 8 broer i 2031.\n", encoding="utf-8")
    return path


# --- add -----------------------------------------------------------------------------------


def test_a_broken_manifest_stops_add_before_anything_is_copied(indexed: Settings, tmp_path: Path, fake_embed) -> None:  # type: ignore[no-untyped-def]
    indexed.manifest_file.write_text("[[document]\nfile = ", encoding="utf-8")
    before = snapshot(indexed)
    with pytest.raises(CorpusError, match=r"manifest\.toml: kan ikke læses"):
        add_documents(indexed, [_new(tmp_path)], embed_model=fake_embed)
    assert snapshot(indexed) == before
    indexed.manifest_file.write_text("", encoding="utf-8")  # once it is fixed, the same file goes in
    assert [m.file for m in add_documents(indexed, [_new(tmp_path)], embed_model=fake_embed).added] == ["broer.txt"]


def test_a_255_byte_file_name_is_added(indexed: Settings, tmp_path: Path, fake_embed) -> None:  # type: ignore[no-untyped-def]
    assert len(LONG.encode()) == 255
    report = add_documents(indexed, [_new(tmp_path, LONG)], embed_model=fake_embed)
    assert [m.file for m in report.added] == [LONG] and not report.failed
    assert (indexed.corpus_dir / LONG).is_file() and LONG in load_manifest(indexed.manifest_file)
    assert not [n for n in os.listdir(indexed.corpus_dir) if n.startswith(".ingest-")]
    assert remove_document(indexed, LONG, "fake-hash").file == LONG


def test_a_name_too_long_for_the_corpus_file_system_is_refused(
    indexed: Settings,
    tmp_path: Path,
    fake_embed,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(library.os, "pathconf", lambda path, name: 143)  # eCryptfs, say
    before = snapshot(indexed)
    report = add_documents(indexed, [_new(tmp_path, LONG)], embed_model=fake_embed)
    assert report.added == [] and "har et filnavn på 255 bytes" in report.failed[0].message
    assert "højst 143" in report.failed[0].message
    assert snapshot(indexed) == before


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` made read-only in a way that stops root too (the tests run as root):
    the immutable attribute; chmod for other users. Skips when neither holds."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        undo = ["chattr", "-i", str(folder)]
        if done.returncode != 0:
            pytest.skip(f"a read-only folder cannot be made here as root (chattr: {done.stderr.strip()})")
    else:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        undo = None
    try:
        probe = folder / ".probe"
        try:
            probe.touch()
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip("the folder stays writable here, so a read-only corpus cannot be tested")
        yield
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            folder.chmod(mode)


def test_a_read_only_corpus_refuses_add_and_remove_and_changes_nothing(
    indexed: Settings,
    tmp_path: Path,
    fake_embed,  # type: ignore[no-untyped-def]
) -> None:
    before = snapshot(indexed)
    with read_only(indexed.corpus_dir):
        report = add_documents(indexed, [_new(tmp_path)], embed_model=fake_embed)
        assert report.added == [] and "kan ikke kopieres til" in report.failed[0].message
        assert snapshot(indexed) == before
        with pytest.raises(CorpusError, match=r"notat.txt: kan ikke fjernes fra .* intet er fjernet"):
            remove_document(indexed, "notat.txt", "fake-hash")
        assert snapshot(indexed) == before


def test_a_copy_that_fails_half_way_leaves_no_partial_file(
    indexed: Settings,
    tmp_path: Path,
    fake_embed,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Full:
        def __init__(self, path: Path, mode: str) -> None:
            self.handle = open(path, mode)  # noqa: SIM115

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> None:
            self.handle.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(library, "open", Full, raising=False)
    before = snapshot(indexed)
    report = add_documents(indexed, [_new(tmp_path)], embed_model=fake_embed)
    assert "kan ikke kopieres til" in report.failed[0].message and "disken er fuld" in report.failed[0].message
    assert snapshot(indexed) == before


def test_a_manifest_that_cannot_be_written_takes_the_copied_file_out_again(
    indexed: Settings,
    tmp_path: Path,
    fake_embed,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(path: Path, text: str) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(library, "write_manifest", fail)
    before = snapshot(indexed)
    report = add_documents(indexed, [_new(tmp_path)], embed_model=fake_embed)
    assert report.failed[0].message == "broer.txt: kan ikke skrives i manifest.toml (ind-/udlæsningsfejl på disken)"
    assert snapshot(indexed) == before


def test_an_ingest_that_fails_after_the_copy_takes_the_files_out_again(
    indexed: Settings,
    tmp_path: Path,
    fake_embed,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise StoreUnavailableError("Chroma-serveren på x:8000 svarer ikke lige nu.")

    monkeypatch.setattr(library, "run_ingest", down)
    indexed.manifest_file.write_bytes(indexed.manifest_file.read_bytes().rstrip(b"\n"))  # no final newline either
    before = snapshot(indexed)
    with pytest.raises(AddAbortedError) as info:
        add_documents(indexed, [_new(tmp_path), _new(tmp_path, "stier.txt")], embed_model=fake_embed)
    assert info.value.message.endswith("Intet er tilføjet; corpus-mappen og manifest.toml er som før.")
    assert snapshot(indexed) == before


def test_a_refused_bomb_is_not_copied(indexed: Settings, tmp_path: Path, fake_embed) -> None:  # type: ignore[no-untyped-def]
    bomb = paragraph_bomb(tmp_path / "bombe.docx", 20_000_000, period=5)
    before = snapshot(indexed)
    report = add_documents(indexed, [bomb], embed_model=fake_embed)
    assert "ingest.max_zip_ratio" in report.failed[0].message
    assert snapshot(indexed) == before


def test_a_bomb_dropped_in_by_hand_is_skipped_and_the_rest_indexed(indexed: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    paragraph_bomb(indexed.corpus_dir / "bombe.docx", 20_000_000, period=5)
    report = run_ingest(indexed, fake_embed)
    assert [e.reason for e in report.failed] == [
        "er mistænkeligt hårdt pakket: word/document.xml pakker sig ud til 229 gange sin størrelse "
        "(højst 100, se ingest.max_zip_ratio); den ligner en zip-bombe"
    ]
    assert len(report.unchanged) == 4 and report.kept == []


# --- remove --------------------------------------------------------------------------------


def test_a_broken_manifest_stops_remove(indexed: Settings) -> None:
    indexed.manifest_file.write_text("[[document]\nfile = ", encoding="utf-8")
    before = snapshot(indexed)
    with pytest.raises(CorpusError, match=r"manifest\.toml: kan ikke læses"):
        remove_document(indexed, "notat.txt", "fake-hash")
    assert snapshot(indexed) == before


def test_remove_puts_the_file_back_when_the_manifest_cannot_be_written(
    indexed: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(removal, "write_manifest", fail)
    before = snapshot(indexed)
    with pytest.raises(CorpusError, match=r"manifest.toml: kan ikke skrives \(disken er fuld\); intet er fjernet"):
        remove_document(indexed, "dias.txt", "fake-hash")
    assert snapshot(indexed) == before


def test_remove_puts_everything_back_when_the_index_cannot_be_changed(
    indexed: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(self: ChromaStore, source: str) -> None:
        raise StoreUnavailableError("Chroma-serveren svarer ikke lige nu.")

    monkeypatch.setattr(ChromaStore, "forget", down)
    before = snapshot(indexed)
    with pytest.raises(StoreUnavailableError):
        remove_document(indexed, "dias.txt", "fake-hash")
    assert snapshot(indexed) == before


def test_an_entry_whose_file_is_gone_is_listed_and_removable(indexed: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    text = indexed.manifest_file.read_text(encoding="utf-8")
    orphan = '[[document]]\nfile = "væk.pdf"\ntitle = "Rapport der er væk"\nkind = "Rapport"\n'
    indexed.manifest_file.write_text(text + "\n" + orphan, encoding="utf-8")
    rows = {row.file: row for row in list_documents(indexed, "fake-hash")}
    assert rows["væk.pdf"].status == "fil mangler" and rows["væk.pdf"].title == "Rapport der er væk"
    removed = remove_document(indexed, "væk.pdf", "fake-hash")
    assert removed.orphan and removed.file == "væk.pdf"
    assert indexed.manifest_file.read_text(encoding="utf-8") == text
    assert "væk.pdf" not in {row.file for row in list_documents(indexed, "fake-hash")}
    assert len(build_assistant(indexed, fake_embed).documents) == 4


def test_an_indexed_document_whose_file_was_deleted_by_hand_is_removed_with_its_entry(indexed: Settings) -> None:
    (indexed.corpus_dir / "dias.txt").unlink()
    rows = {row.file: row.status for row in list_documents(indexed, "fake-hash")}
    assert rows["dias.txt"].startswith("fil mangler")
    removed = remove_document(indexed, "dias.txt", "fake-hash")
    assert removed.file == "dias.txt" and not removed.orphan
    assert "dias.txt" not in load_manifest(indexed.manifest_file)
    assert not any(s.endswith("dias.txt") for s in snapshot(indexed)[2])
