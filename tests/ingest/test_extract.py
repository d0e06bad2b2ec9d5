"""Extraction: each format's text, title and date, stable offsets, and Danish errors for bad files."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError

from core.errors import CorpusError
from ingest.extract import DEFAULT_KIND, SUFFIXES, Extracted, extract
from tests.docfiles import PDF_DATE, make_docx, make_pdf, make_scanned_pdf

PAGE_1 = "Frikommuneforsøg II på Læsø\nBorgere i Brønderslev og Hjørring får færre møder."
PAGE_2 = "Side to: forsøget med løntilskud\nÆndringer for førtidspensionister."


def bad(data: bytes, fmt: str) -> str:
    """The reason extract gives for ``data``; fails on any other exception type."""
    with pytest.raises(CorpusError) as info:
        extract(data, fmt, "corpus/fil")
    assert info.value.message.startswith("corpus/fil: ")
    return info.value.reason


def test_every_suffix_has_a_kind() -> None:
    assert set(SUFFIXES.values()) == set(DEFAULT_KIND)
    assert SUFFIXES[".htm"] == "html" and SUFFIXES[".markdown"] == "md"


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_round_trips_danish_text_title_and_date(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", [PAGE_1, PAGE_2], title="Forsøg på Læsø")
    doc = extract(path.read_bytes(), "pdf", "a.pdf")
    assert doc.fmt == "pdf"
    assert doc.text == PAGE_1 + "\n\n" + PAGE_2
    assert doc.title == "Forsøg på Læsø"
    assert doc.date == PDF_DATE


def test_pdf_pages_and_page_of(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", [PAGE_1, "", PAGE_2])
    doc = extract(path.read_bytes(), "pdf", "a.pdf")
    assert len(doc.pages) == 3 and doc.pages[0] == 0
    assert doc.text[doc.pages[2] :].startswith("Side to: forsøget")
    assert doc.page_of(0) == 1
    assert doc.page_of(doc.text.index("Hjørring")) == 1
    assert doc.page_of(doc.text.index("løntilskud")) == 3
    assert doc.page_of(doc.pages[2]) == 3 and doc.page_of(doc.pages[2] - 1) == 2
    assert doc.page_of(len(doc.text) + 1) is None
    assert Extracted(text="x", fmt="txt").page_of(0) is None


def test_pdf_title_that_is_a_file_name_is_ignored(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", [PAGE_1], title="Microsoft Word - rapport_v3.docx")
    assert extract(path.read_bytes(), "pdf", "a.pdf").title == ""
    path = make_pdf(tmp_path / "b.pdf", [PAGE_1], title="Microsoft Word - Evaluering af forsøget")
    assert extract(path.read_bytes(), "pdf", "b.pdf").title == "Evaluering af forsøget"


def test_pdf_date_from_metadata_and_bad_dates_are_ignored(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", [PAGE_1])
    for stamp, expected in [("D:20240315101500+01'00'", "2024-03-15"), ("D:nonsense", "")]:
        writer = PdfWriter(clone_from=PdfReader(path))
        writer.add_metadata({"/CreationDate": stamp})
        out = tmp_path / "dated.pdf"
        with out.open("wb") as fh:
            writer.write(fh)
        doc = extract(out.read_bytes(), "pdf", "dated.pdf")
        assert doc.date == expected and doc.text == PAGE_1


def test_pdf_encrypted_with_empty_password_opens(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", [PAGE_1], password="")
    assert PdfReader(path).is_encrypted
    assert extract(path.read_bytes(), "pdf", "a.pdf").text == PAGE_1


def test_pdf_with_password_is_refused(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", [PAGE_1], password="hemmelig")
    assert "beskyttet med adgangskode" in bad(path.read_bytes(), "pdf")


def test_aes_pdf_without_cryptography_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def needs_cryptography(self: PdfReader, password: str) -> None:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", needs_cryptography)
    path = make_pdf(tmp_path / "a.pdf", [PAGE_1], password="")
    assert "cryptography" in bad(path.read_bytes(), "pdf")


def test_scanned_pdf_asks_for_ocr(tmp_path: Path) -> None:
    reason = bad(make_scanned_pdf(tmp_path / "scan.pdf").read_bytes(), "pdf")
    assert "ingen tekst" in reason and "OCR" in reason


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_pdf_is_corrupt(tmp_path: Path, cut: float, caplog: pytest.LogCaptureFixture) -> None:
    data = make_pdf(tmp_path / "a.pdf", [PAGE_1, PAGE_2]).read_bytes()
    with caplog.at_level("WARNING"):
        assert "beskadiget eller ikke en gyldig PDF-fil" in bad(data[: int(len(data) * cut)], "pdf")
    # no warning that flaws were skipped "ved læsningen": the file was not read at all
    assert not [r for r in caplog.records if "sprunget over" in r.getMessage()]


@pytest.mark.parametrize("data", [os.urandom(4000), b"%PDF-1.7\n" + os.urandom(4000), b"<html>ikke pdf</html>"])
def test_random_bytes_as_pdf_are_corrupt(data: bytes) -> None:
    assert "beskadiget eller ikke en gyldig PDF-fil" in bad(data, "pdf")


# --- Word ----------------------------------------------------------------------------------


def test_docx_round_trips_text_title_and_date(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "a.docx", ["Første afsnit om forsøget.", "", "Andet afsnit: Læsø."], title="Notat")
    document = docx.Document(str(path))
    document.core_properties.created = document.core_properties.created.replace(2023, 5, 17)
    document.save(str(path))
    doc = extract(path.read_bytes(), "docx", "a.docx")
    assert doc.fmt == "docx"
    assert doc.text == "Første afsnit om forsøget.\n\nAndet afsnit: Læsø."
    assert doc.title == "Notat" and doc.date == "2023-05-17"


def test_docx_heading_is_the_title_and_table_rows_follow_in_order(tmp_path: Path) -> None:
    table = [["Kommune", "Forsøg"], ["Læsø", "Færre møder"], ["Hjørring", ""]]
    path = make_docx(tmp_path / "a.docx", ["Indledning."], heading="Evaluering af forsøget", table=table)
    doc = extract(path.read_bytes(), "docx", "a.docx")
    assert doc.title == "Evaluering af forsøget"
    assert doc.text == "Evaluering af forsøget\n\nIndledning.\n\nKommune | Forsøg\nLæsø | Færre møder\nHjørring |"


def test_docx_merged_cells_appear_once(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "a.docx", ["Før tabellen."], table=[["a", "b", "c"], ["", "", "z"]])
    document = docx.Document(str(path))
    grid = document.tables[0]
    merged = grid.cell(1, 0).merge(grid.cell(1, 1))
    merged.text = "fælles"
    document.add_paragraph("Efter tabellen.")
    document.save(str(path))
    doc = extract(path.read_bytes(), "docx", "a.docx")
    assert doc.text == "Før tabellen.\n\na | b | c\nfælles | z\n\nEfter tabellen."


@pytest.mark.parametrize("data", [os.urandom(3000), b"PK\x03\x04" + os.urandom(3000)])
def test_random_bytes_as_docx_are_corrupt(data: bytes) -> None:
    assert "beskadiget eller ikke en gyldig Word-fil (.docx)" in bad(data, "docx")


def test_ole_docx_is_password_protected_or_old_doc() -> None:
    reason = bad(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "docx")
    assert "beskyttet med adgangskode" in reason and ".doc-fil" in reason


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    assert bad(make_docx(tmp_path / "a.docx", ["", "  "]).read_bytes(), "docx") == "er tom"


# --- HTML ----------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><title>  Frikommuner
  på Læsø </title>
<meta name="DC.date" content="2022-11-03T10:00:00">
<style>p { color: red }</style><script>alert("ikke tekst")</script></head>
<body>
<!-- en kommentar -->
<h1>Forsøget</h1>
<p>Borgere   får <b>færre</b>
   møder &amp; mindre &lt;b&gt;bureaukrati&lt;/b&gt;.</p>
<ul><li>Læsø</li><li>Hjørring <i>Kommune</i></li></ul>
<table><tr><th>Kommune</th><th>Antal</th></tr><tr><td>Læsø</td><td>3</td></tr></table>
<div>Linje et<br>Linje to<br><br>Nyt afsnit</div>
<script>document.write("<p>skjult</p>")</script><noscript>Slå JavaScript til</noscript>
</body></html>"""


def test_html_blocks_bullets_tables_and_metadata() -> None:
    doc = extract(HTML.encode(), "html", "a.html")
    assert doc.fmt == "html"
    assert doc.title == "Frikommuner på Læsø"
    assert doc.date == "2022-11-03"
    assert doc.text == (
        "Forsøget\n\n"
        "Borgere får færre møder & mindre <b>bureaukrati</b>.\n\n"
        "• Læsø\n• Hjørring Kommune\n\n"
        "Kommune | Antal\nLæsø | 3\n\n"
        "Linje et\nLinje to\n\nNyt afsnit"
    )


def test_hostile_html_is_plain_text() -> None:
    hostile = (
        b'<p onclick="steal()">Hej<script>evil()</script><style>*{}</style>'
        b"<img src=x onerror=alert(1)>&lt;script&gt;alert(2)&lt;/script&gt;</p><template><p>skabelon</p></template>"
        b"<svg><title>svg</title><text>svgtekst</text></svg><iframe src=x></iframe>"
    )
    doc = extract(hostile, "html", "a.html")
    assert doc.text == "Hej<script>alert(2)</script>"
    assert "evil" not in doc.text and "skabelon" not in doc.text and "svg" not in doc.text


def test_html_meta_property_date_and_declared_charset() -> None:
    page = (
        '<html><head><meta charset="windows-1252"><meta property="article:published_time" '
        'content="2021-06-30T08:00:00+02:00"></head><body><p>Forsøg på Læsø</p></body></html>'
    )
    doc = extract(page.encode("windows-1252"), "html", "a.html")
    assert doc.text == "Forsøg på Læsø" and doc.date == "2021-06-30" and doc.title == ""


def test_html_without_charset_falls_back_to_windows_1252() -> None:
    assert extract("<p>Forsøg på Læsø og Ærø</p>".encode("latin-1"), "html", "a.html").text == "Forsøg på Læsø og Ærø"


def test_html_pre_keeps_lines_and_utf8_bom_is_dropped() -> None:
    doc = extract("\ufeff<pre>a  b\nc</pre><p>d</p>".encode(), "html", "a.html")
    assert doc.text == "a b\nc\n\nd"


def test_html_loose_and_nested_lists_stay_one_bullet_a_line() -> None:
    page = "<ul><li><p>løs a</p></li><li><p>løs b</p><ul><li>indlejret</li></ul></li><li></li></ul><p>efter</p>"
    assert extract(page.encode(), "html", "a.html").text == "• løs a\n• løs b\n• indlejret\n\nefter"


def test_html_nul_and_undecodable_bytes_are_refused() -> None:
    assert "NUL" in bad(b"<p>a\x00b</p>", "html")
    # Bytes Windows-1252 leaves undefined, many of them: no character set fits.
    assert "tegnsættet kan ikke genkendes" in bad(b"<p>" + bytes(range(0x80, 0x100)) * 3 + b"</p>", "html")


def test_html_with_only_markup_is_empty() -> None:
    assert bad(b"<html><head><title>T</title></head><body><script>x()</script> </body></html>", "html") == "er tom"


# --- Markdown ------------------------------------------------------------------------------

MARKDOWN = """---
title: "Notat om forsøget"
date: 2024-02-29
---
# Frikommuneforsøg

Første afsnit
fortsætter her.

- Læsø
- Hjørring

| Kommune | Antal |
|---------|-------|
| Læsø    | 3     |

<script>alert(1)</script>
"""


def test_markdown_front_matter_headings_bullets_and_tables() -> None:
    doc = extract(MARKDOWN.encode(), "md", "a.md")
    assert doc.fmt == "md"
    assert doc.title == "Notat om forsøget" and doc.date == "2024-02-29"
    assert doc.text == (
        "Frikommuneforsøg\n\nFørste afsnit fortsætter her.\n\n• Læsø\n• Hjørring\n\nKommune | Antal\nLæsø | 3"
    )


def test_markdown_loose_and_ordered_lists_are_bullets() -> None:
    doc = extract(b"- a\n\n- b\n\n1. en\n2. to\n\n```\nkode  linje\n```\n", "md", "a.md")
    assert doc.text == "• a\n• b\n\n• en\n• to\n\nkode linje"


def test_markdown_title_falls_back_to_first_heading() -> None:
    doc = extract("Indledning\n\n# Forsøget på Læsø\n\n## Del 1\n\n* punkt\n".encode(), "md", "a.md")
    assert doc.title == "Forsøget på Læsø" and doc.date == ""
    assert doc.text == "Indledning\n\nForsøget på Læsø\n\nDel 1\n\n• punkt"


def test_nul_in_markdown_is_binary() -> None:
    assert "NUL" in bad(b"# Titel\n\nTekst\x00mere", "md")


# --- plain text ----------------------------------------------------------------------------


def test_txt_is_unchanged() -> None:
    raw = "  Forsøg på Læsø\r\n\r\n\tfærre møder  \n\n\n"
    doc = extract(raw.encode(), "txt", "a.txt")
    assert doc == Extracted(text=raw, fmt="txt")


def test_invalid_utf8_txt_names_the_byte() -> None:
    reason = bad("Forsøg".encode("latin-1"), "txt")
    assert "ikke gyldig UTF-8" in reason and "0xf8" in reason


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "pdf", "docx"])
def test_empty_files_are_empty(fmt: str) -> None:
    assert bad(b"", fmt) == "er tom"


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_blank_text_files_are_empty(fmt: str) -> None:
    assert bad(b" \n\n\t ", fmt) == "er tom"


def test_unknown_format_is_refused() -> None:
    assert "ukendt format" in bad(b"x", "odt")


# --- determinism ---------------------------------------------------------------------------


def test_same_bytes_same_text(tmp_path: Path) -> None:
    files = {
        "pdf": make_pdf(tmp_path / "a.pdf", [PAGE_1, PAGE_2]).read_bytes(),
        "docx": make_docx(tmp_path / "a.docx", ["Afsnit."], heading="H", table=[["a", "b"]]).read_bytes(),
        "html": HTML.encode(),
        "md": MARKDOWN.encode(),
    }
    for fmt, data in files.items():
        assert extract(data, fmt, "x") == extract(data, fmt, "x")
