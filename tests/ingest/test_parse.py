"""Reading a source file: the exact bytes and their hash, the extracted text, and a
CorpusError with a Danish reason for a file that cannot be used."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from core.errors import CorpusError
from ingest.parse import SPECIAL, SYMLINK, file_format, file_hash, read_bytes, read_source, source_from_bytes


def test_a_text_file_is_read_exactly_with_the_hash_of_its_bytes(tmp_path: Path) -> None:
    data = "Forsøget med grus stopper.\r\nStierne er af grus.\n".encode()
    (tmp_path / "notat.txt").write_bytes(data)
    read = read_source(tmp_path / "notat.txt", "corpus/notat.txt")
    assert read.source == "corpus/notat.txt"
    assert read.doc_hash == hashlib.sha256(data).hexdigest() == file_hash(data)
    assert read.text == data.decode()  # no newline translation: offsets index the file's text
    assert read.extracted.fmt == "txt"


def test_bytes_already_read_keep_a_known_hash() -> None:
    read = source_from_bytes(b"# Notat\n\nOm grus.\n", "md", "corpus/notat.md", doc_hash="abc")
    assert read.doc_hash == "abc" and "Om grus." in read.text


@pytest.mark.parametrize(("name", "fmt"), [("a.txt", "txt"), ("B.PDF", "pdf"), ("c.markdown", "md")])
def test_the_format_comes_from_the_suffix(name: str, fmt: str) -> None:
    assert file_format(Path(name), name) == fmt


def test_an_unsupported_suffix_is_refused_with_the_supported_ones() -> None:
    with pytest.raises(CorpusError) as info:
        file_format(Path("billede.png"), "corpus/billede.png")
    assert info.value.source == "corpus/billede.png"
    assert "(.png)" in info.value.reason and ".txt" in info.value.reason


def test_a_file_without_a_suffix_is_refused() -> None:
    with pytest.raises(CorpusError, match="ingen"):
        file_format(Path("README"), "README")


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "stor.txt").write_bytes(b"x" * 3_000_000)
    with pytest.raises(CorpusError, match=r"er for stor \(3 MB; højst 2 MB"):
        read_bytes(tmp_path / "stor.txt", "stor.txt", max_bytes=2_000_000)


def test_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notat.txt").write_text("x", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "notat.txt")
    with pytest.raises(CorpusError) as info:
        read_bytes(tmp_path / "link.txt", "link.txt")
    assert info.value.reason == SYMLINK


def test_a_folder_is_refused_in_danish(tmp_path: Path) -> None:
    (tmp_path / "mappe.txt").mkdir()
    with pytest.raises(CorpusError) as info:
        read_bytes(tmp_path / "mappe.txt", "mappe.txt")
    assert info.value.reason == "kan ikke læses (er en mappe)"


def test_a_named_pipe_is_refused_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(CorpusError) as info:
        read_bytes(tmp_path / "pipe.txt", "pipe.txt")
    assert info.value.reason == SPECIAL


def test_a_missing_file_says_so_in_danish(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"kan ikke læses \(findes ikke\)"):
        read_bytes(tmp_path / "intet.txt", "intet.txt")
