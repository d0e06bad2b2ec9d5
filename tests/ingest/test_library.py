"""`ingest add|remove|list` over real readers, with files the tests make themselves: every
format gets indexed with exact citations, and every bad file gets a Danish message while
nothing already indexed is lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.engine import build_assistant
from core.config import Settings
from core.errors import UsageError
from ingest.library import Extra, add_documents, list_documents, remove_document
from ingest.manifest import load_manifest
from ingest.pipeline import run_ingest
from tests.docfiles import make_docx, make_pdf, make_scanned_pdf
from ui.documents import open_link

QUESTION = "Hvornår stopper forsøget med grus på stierne?"


@pytest.fixture
def indexed(fake_settings: Settings, fake_embed) -> Settings:  # type: ignore[no-untyped-def]
    run_ingest(fake_settings, fake_embed)
    return fake_settings


def _gist(settings: Settings, fake_embed) -> tuple:  # type: ignore[no-untyped-def]
    answer = build_assistant(settings, fake_embed).ask(QUESTION)
    return answer.answer, [(c.source, c.start, c.end, c.quote) for c in answer.citations]


def test_every_format_is_added_and_cited_exactly(indexed: Settings, tmp_path: Path, fake_embed) -> None:  # type: ignore[no-untyped-def]
    incoming = tmp_path / "indbakke"
    incoming.mkdir()
    make_pdf(
        incoming / "Årsrapport om grøn omstilling.pdf",
        ["Årsrapport 2031\n\nIndledning om kommunens arbejde.", "Resultater\n\nKommunen plantede 512 egetræer i 2031."],
        title="Årsrapport om grøn omstilling 2031",
    )
    make_docx(incoming / "notat om fliser.docx", ["Kommunen lagde 77 nye fliser på torvet."], title="Notat om fliser")
    (incoming / "bænke.md").write_text("# Bænke i parken\n\nDer står 19 bænke i Testparken.\n", encoding="utf-8")
    (incoming / "lamper.html").write_text(
        "<html><head><title>Lamper på stien</title></head><body><p>Stien har 33 lamper.</p>"
        "<script>document.write('ikke tekst')</script></body></html>",
        encoding="utf-8",
    )
    report = add_documents(indexed, [incoming], embed_model=fake_embed)
    assert not report.failed, [e.message for e in report.failed]
    assert {m.title for m in report.added} == {
        "Årsrapport om grøn omstilling 2031",
        "Notat om fliser",
        "Bænke i parken",
        "Lamper på stien",
    }
    assert report.ingest is not None and len(report.ingest.added) == 4 and len(report.ingest.unchanged) == 4
    assert {"Årsrapport om grøn omstilling.pdf", "bænke.md"} <= set(load_manifest(indexed.manifest_file))

    assistant = build_assistant(indexed, fake_embed)
    for question, fact, kind in [
        ("Hvor mange egetræer plantede kommunen?", "512 egetræer", "PDF-dokument"),
        ("Hvor mange fliser lagde kommunen på torvet?", "77 nye fliser", "Word-dokument"),
        ("Hvor mange bænke står der i Testparken?", "19 bænke", "Markdown-dokument"),
        ("Hvor mange lamper har stien?", "33 lamper", "Webside"),
    ]:
        answer = assistant.ask(question)
        cited = answer.citations[0]
        assert fact in cited.quote, (question, answer)
        assert assistant.documents[cited.source].kind == kind
        text = assistant.document_text(cited.source)
        assert text is not None and text[cited.start : cited.end] == cited.quote  # exact offsets
        highlight = open_link(assistant, {"doc": cited.source, "start": str(cited.start), "end": str(cited.end)})
        assert highlight is not None and highlight.quote == cited.quote
        if kind == "PDF-dokument":
            assert cited.locator.startswith("side 2"), cited.locator  # the page the quote is on
            assert highlight.locator.startswith("side 2")
        assert "ikke tekst" not in (text or "")
    rows = {row.file: row for row in list_documents(indexed, "fake-hash")}
    assert rows["Årsrapport om grøn omstilling.pdf"].pages == 2
    assert all(row.status == "indekseret" for row in rows.values())


def _bad_files(folder: Path) -> dict[str, str]:
    """File name -> the phrase its message must carry."""
    make_scanned_pdf(folder / "skannet.pdf")
    make_pdf(folder / "hemmelig.pdf", ["Fortroligt."], password="hemmelighed")
    whole = make_pdf(folder / "hel.pdf", ["Et helt dokument."]).read_bytes()
    (folder / "halv.pdf").write_bytes(whole[: len(whole) // 2])
    (folder / "støj.docx").write_bytes(os.urandom(4000))
    (folder / "gammel.docx").write_bytes(b"\xd0\xcf\x11\xe0" + os.urandom(2000))
    with (folder / "kæmpe fil.txt").open("wb") as big:
        big.truncate(200 * 1_000_000)  # 200 MB, sparse: refused before it is read
    (folder / "regneark.xlsx").write_bytes(b"PK\x03\x04")
    return {
        "skannet.pdf": "ingen tekst, der kan trækkes ud",
        "hemmelig.pdf": "beskyttet med adgangskode",
        "halv.pdf": "beskadiget",
        "støj.docx": "beskadiget",
        "gammel.docx": "beskyttet med adgangskode eller er en gammel .doc-fil",
        "kæmpe fil.txt": "er for stor (200 MB",
        "regneark.xlsx": "filtype, der ikke understøttes",
    }


def test_bad_files_get_messages_and_nothing_indexed_is_lost(indexed: Settings, tmp_path: Path, fake_embed) -> None:  # type: ignore[no-untyped-def]
    before = _gist(indexed, fake_embed)
    documents = set(build_assistant(indexed, fake_embed).documents)
    manifest = indexed.manifest_file.read_bytes()
    folder = tmp_path / "dårlige"
    folder.mkdir()
    expected = _bad_files(folder)
    paths = [folder / name for name in sorted(expected)]
    copy = tmp_path / "kopi af tabel med nyt navn.txt"  # a duplicate under another name
    copy.write_bytes((indexed.corpus_dir / "tabel.txt").read_bytes())
    expected[copy.name] = "har samme indhold som tabel.txt"
    paths.append(copy)
    paths.append(tmp_path / "findes ikke.pdf")
    expected["findes ikke.pdf"] = "findes ikke"

    report = add_documents(indexed, paths, embed_model=fake_embed)
    assert report.added == [] and report.ingest is None
    messages = {Path(e.source).name: e.message for e in report.failed}
    for name, phrase in expected.items():
        assert phrase in messages[name], (name, messages.get(name))
    assert indexed.manifest_file.read_bytes() == manifest  # nothing half-added
    assert sorted(p.name for p in indexed.corpus_dir.iterdir()) == sorted(
        ["manifest.toml", "dias.txt", "notat.txt", "scannet.txt", "tabel.txt"]
    )
    assert set(build_assistant(indexed, fake_embed).documents) == documents
    assert _gist(indexed, fake_embed) == before


def test_a_bad_file_dropped_into_the_folder_keeps_the_rest(indexed: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    make_scanned_pdf(indexed.corpus_dir / "skannet bilag.pdf")
    (indexed.corpus_dir / "tabel kopi.txt").write_bytes((indexed.corpus_dir / "tabel.txt").read_bytes())
    report = run_ingest(indexed, fake_embed)
    assert {Path(e.source).name for e in report.failed} == {"skannet bilag.pdf", "tabel kopi.txt"}
    assert len(report.unchanged) == 4
    assert build_assistant(indexed, fake_embed).ask(QUESTION).answered


def test_a_title_that_several_documents_share_removes_nothing(indexed: Settings, tmp_path: Path, fake_embed) -> None:  # type: ignore[no-untyped-def]
    for n in (1, 2):  # two editions of one series, under one title
        path = tmp_path / f"notat-{n}.txt"
        path.write_text(f"Kvartalsnotat\n\nKommunen malede {n} broer i kvartalet.\n", encoding="utf-8")
        add_documents(indexed, [path], Extra(title="Kvartalsnotat"), embed_model=fake_embed)
    with pytest.raises(UsageError, match=r"2 dokumenter har titlen »kvartalsnotat«.*notat-1\.txt, notat-2\.txt"):
        remove_document(indexed, "kvartalsnotat", "fake-hash")
    assert (indexed.corpus_dir / "notat-1.txt").exists() and (indexed.corpus_dir / "notat-2.txt").exists()
    assert remove_document(indexed, "notat-2.txt", "fake-hash").file == "notat-2.txt"
    assert remove_document(indexed, "Kvartalsnotat", "fake-hash").file == "notat-1.txt"  # now the title is unique


def test_options_override_the_files_metadata(indexed: Settings, tmp_path: Path, fake_embed) -> None:  # type: ignore[no-untyped-def]
    pdf = make_pdf(tmp_path / "r.pdf", ["Kommunen malede 8 broer."], title="Intern titel")
    extra = Extra(title="Brorapport", date="2031-05-01", kind="Evalueringsrapport", publisher="Testbyen")
    report = add_documents(indexed, [pdf], extra, embed_model=fake_embed)
    record = build_assistant(indexed, fake_embed).documents[report.ingest.added[0]]  # type: ignore[union-attr]
    assert (record.title, record.date, record.kind, record.publisher) == (
        "Brorapport",
        "2031-05-01",
        "Evalueringsrapport",
        "Testbyen",
    )
    other = make_pdf(tmp_path / "x.pdf", ["Kommunen malede 9 broer."])
    with pytest.raises(UsageError, match="--title kan kun bruges"):
        add_documents(indexed, [pdf, other], Extra(title="T"), embed_model=fake_embed)
    with pytest.raises(UsageError, match="--date skal være"):
        add_documents(indexed, [pdf], Extra(date="1. maj"), embed_model=fake_embed)


def test_remove_takes_a_document_out_of_folder_manifest_and_index(indexed: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    removed = remove_document(indexed, "Testbyens forsøg – status", "fake-hash")  # by title
    assert removed.file == "dias.txt"
    assert not (indexed.corpus_dir / "dias.txt").exists()
    assert "dias.txt" not in load_manifest(indexed.manifest_file)
    assistant = build_assistant(indexed, fake_embed)
    assert not any(s.endswith("dias.txt") for s in assistant.documents)
    assert not any(p.meta.source.endswith("dias.txt") for p in assistant.catalog.passages.values())
    assert run_ingest(indexed, fake_embed).removed == []  # nothing left behind to clean up
    with pytest.raises(UsageError, match="Intet dokument hedder"):
        remove_document(indexed, "dias.txt", "fake-hash")
