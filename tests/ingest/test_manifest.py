"""corpus/manifest.toml: reading and checking entries, the corpus folder's documents,
titles for files without an entry, and adding or removing entries in place."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from core.errors import CorpusError
from ingest.extracted import Extracted
from ingest.manifest import (
    DocumentMeta,
    add_entry,
    corpus_files,
    guess_title,
    is_document,
    load_manifest,
    load_manifest_text,
    meta_for,
    remove_entry,
    scan,
    with_entry,
    without_entry,
)

MANIFEST = """# Kommunens dokumenter
[[document]]
file = "notat.txt"
title = "Notat om grus"
date = "2021-03-01"
ocr = true

[[document]]
file = "tabel.txt"
title = "Tabel"
"""


def test_entries_are_read_by_file_name() -> None:
    entries = load_manifest_text(MANIFEST)
    assert list(entries) == ["notat.txt", "tabel.txt"]
    assert entries["notat.txt"] == DocumentMeta(file="notat.txt", title="Notat om grus", date="2021-03-01", ocr=True)
    assert entries["tabel.txt"].kind == "Dokument" and entries["tabel.txt"].layout is None


def test_a_missing_manifest_is_an_empty_one(tmp_path: Path) -> None:
    assert load_manifest(tmp_path / "manifest.toml") == {}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[document]\nfile = ", "kan ikke læses"),
        ('[[document]]\nfile = "a.txt"\n', "post nr. 1 mangler 'file' eller 'title'"),
        ('[[document]]\nfile = "a.txt"\ntitle = "A"\nforfatter = "B"\n', "ukendte felter: ['forfatter']"),
        ('[[document]]\nfile = "a.txt"\ntitle = "A"\nlayout = "kolonner"\n', "ukendt layout 'kolonner'; gyldige"),
    ],
)
def test_a_bad_manifest_is_a_corpus_error_that_says_why(text: str, fragment: str) -> None:
    with pytest.raises(CorpusError) as info:
        load_manifest_text(text)
    assert info.value.source == "corpus/manifest.toml" and fragment in info.value.reason


def test_a_manifest_that_is_not_utf8_is_a_corpus_error(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_bytes(b'[[document]]\nfile = "\xff"\n')
    with pytest.raises(CorpusError, match="kan ikke læses"):
        load_manifest(path)


def test_documents_are_supported_files_that_are_not_hidden_or_temporary(tmp_path: Path) -> None:
    for name in ("notat.txt", "rapport.PDF", ".skjult.txt", "~kopi.docx", "billede.png"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in sorted(tmp_path.iterdir()) if is_document(p)] == ["notat.txt", "rapport.PDF"]


def test_scan_skips_links_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "notat.txt").write_text("x", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "notat.txt")
    (tmp_path / "undermappe.txt").mkdir()
    files, skipped = scan(tmp_path)
    assert list(files) == ["notat.txt"]
    assert skipped == {"link.txt": "symbolsk link"}  # a folder is neither a document nor skipped


def test_the_corpus_files_warn_of_entries_without_a_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "notat.txt").write_text("x", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        files = corpus_files(tmp_path, load_manifest_text(MANIFEST))
    assert list(files) == ["notat.txt"]
    assert "manifest.toml nævner tabel.txt" in caplog.text and "python -m ingest remove 'tabel.txt'" in caplog.text


def test_a_missing_folder_changes_nothing(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="mappen findes ikke; intet er ændret"):
        corpus_files(tmp_path / "intet", {})


def test_a_folder_without_documents_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "billede.png").write_bytes(b"\x89PNG")
    with pytest.raises(CorpusError, match="ingen dokumenter"):
        corpus_files(tmp_path, {})


def test_a_file_without_an_entry_takes_its_own_title_date_and_kind() -> None:
    extracted = Extracted("Brødtekst.", "pdf", title="Årsrapport", date="2022-01-31")
    meta = meta_for("rapport.pdf", extracted, {})
    assert meta == DocumentMeta(file="rapport.pdf", title="Årsrapport", date="2022-01-31", kind="PDF-dokument")


def test_an_entry_wins_over_the_file() -> None:
    entries = load_manifest_text(MANIFEST)
    assert meta_for("notat.txt", Extracted("Andet.", "txt", title="Andet"), entries) is entries["notat.txt"]


def test_a_title_is_guessed_from_the_first_line_or_the_file_name() -> None:
    assert guess_title("n.txt", Extracted("\n  Notat om grus  \nTekst.", "txt")) == "Notat om grus"
    assert guess_title("langt-notat.txt", Extracted("x" * 200, "txt")) == "langt-notat"
    assert guess_title("tom.txt", Extracted("", "txt")) == "tom.txt"


def test_an_entry_is_appended_with_what_is_there_kept() -> None:
    text = with_entry(MANIFEST, DocumentMeta(file="ny.md", title="Ny", ocr=False))
    # empty and false fields are left out; a blank line parts it from the entry above
    assert text == MANIFEST + '\n[[document]]\nfile = "ny.md"\ntitle = "Ny"\nkind = "Dokument"\n'
    assert list(load_manifest_text(text)) == ["notat.txt", "tabel.txt", "ny.md"]


def test_an_entry_is_removed_and_the_rest_kept() -> None:
    text = without_entry(MANIFEST, "notat.txt")
    assert list(load_manifest_text(text)) == ["tabel.txt"]
    assert text.startswith("# Kommunens dokumenter\n")
    assert without_entry(MANIFEST, "ukendt.txt") == MANIFEST


def test_add_and_remove_change_the_file(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text(MANIFEST, encoding="utf-8")
    add_entry(path, DocumentMeta(file="ny.md", title="Ny"))
    assert "ny.md" in load_manifest(path)
    assert remove_entry(path, "ny.md") and "ny.md" not in load_manifest(path)
    assert not remove_entry(path, "ny.md")
    assert path.read_text(encoding="utf-8") == MANIFEST
