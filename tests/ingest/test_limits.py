"""Bounded extraction: decompression bombs (made here with zipfile, a few hundred KB at
most), the character and time caps of every reader, and Word files read as a stream give
exactly the text python-docx gives for the whole document."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.table import Table

from core.config import PROJECT_ROOT, IngestSettings
from core.errors import CorpusError
from ingest.extract import extract
from ingest.extracted import clean, squeeze
from tests.docfiles import make_docx, make_pdf
from tests.ingest.bombs import paragraph_bomb, text_node_bomb, understated_bomb


def refused(data: bytes, fmt: str, limits: IngestSettings | None = None) -> str:
    with pytest.raises(CorpusError) as info:
        extract(data, fmt, "bombe", limits)
    assert info.value.message.startswith("bombe: ")
    return info.value.reason


# --- the bombs, smaller ------------------------------------------------------------


def test_a_paragraph_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    bomb = paragraph_bomb(tmp_path / "b.docx", 20_000_000, period=5)  # like the 84 KB for 20 MB
    assert bomb.stat().st_size < 150_000
    reason = refused(bomb.read_bytes(), "docx")
    assert "word/document.xml pakker sig ud til" in reason and "ingest.max_zip_ratio" in reason


def test_a_bomb_over_the_unpacked_limit_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    bomb = text_node_bomb(tmp_path / "b.docx", 250_000_000)
    assert bomb.stat().st_size < 300_000
    reason = refused(bomb.read_bytes(), "docx")
    assert re.search(r"pakker sig ud til 25[01] MB \(højst 200 MB, se ingest.max_unpacked_mb\)", reason), reason


def test_an_archive_that_understates_its_sizes_is_read_no_further_than_it_claims(tmp_path: Path) -> None:
    bomb = understated_bomb(tmp_path / "b.docx", 50_000_000, declared=1000)
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1000
    assert "beskadiget" in refused(bomb.read_bytes(), "docx")  # zipfile stops at 1000 bytes: a bad checksum


def test_a_huge_text_node_is_refused_while_streaming(tmp_path: Path) -> None:
    bomb = text_node_bomb(tmp_path / "b.docx", 30_000_000)
    loose = IngestSettings(max_zip_ratio=5000)  # past the archive check: the stream reader must hold
    assert refused(bomb.read_bytes(), "docx", loose) == "har et tekstfelt på over 10 MB, som ikke kan læses sikkert"


def test_the_character_cap_stops_a_word_file_while_it_is_read(tmp_path: Path) -> None:
    bomb = paragraph_bomb(tmp_path / "b.docx", 20_000_000, period=5)
    loose = IngestSettings(max_zip_ratio=5000, max_chars=100_000)
    assert refused(bomb.read_bytes(), "docx", loose) == "har for meget tekst (over 100.000 tegn; se ingest.max_chars)"


def test_one_oversized_block_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import word

    monkeypatch.setattr(word, "MAX_BLOCK_XML", 200_000)
    rows = [[f"celle {r}-{c}" for c in range(4)] for r in range(2000)]  # one table of ~1 MB XML
    path = make_docx(tmp_path / "t.docx", ["Før."], table=rows)
    assert "et afsnit eller en tabel på over" in refused(path.read_bytes(), "docx")


def test_an_archive_with_a_huge_directory_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import limits

    monkeypatch.setattr(limits, "MAX_DIRECTORY_BYTES", 100_000)  # 2 MB by default: some 15,000 entries
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for n in range(3000):
            archive.writestr(f"x/{n:06}", b"")
    assert "indholdsfortegnelse" in refused(out.getvalue(), "docx")


def test_refusing_the_full_size_bombs_stays_under_500_mb(tmp_path: Path) -> None:
    """In a fresh process (its peak is its own): the issue's three bombs at full size
    declared, and the paragraph bomb read past the archive check to the character cap."""
    script = f"""
import json, sys
from pathlib import Path
from core.config import IngestSettings
from core.errors import CorpusError
from ingest.extract import extract
from tests.ingest.bombs import paragraph_bomb, text_node_bomb
folder = Path({str(tmp_path)!r})
cases = [
    (paragraph_bomb(folder / "a.docx", 20_000_000, period=5), None),
    (text_node_bomb(folder / "b.docx", 500_000_000), None),
    (folder / "a.docx", IngestSettings(max_zip_ratio=5000, max_chars=1_000_000)),
]
out = []
for path, limits in cases:
    try:
        extract(path.read_bytes(), "docx", path.name, limits)
        out.append("accepted")
    except CorpusError as exc:
        out.append(exc.reason)
# VmHWM is this program's own peak: ru_maxrss would also count the parent's memory at the
# fork (a pytest process that has loaded encoders and indexes before this test)
peak = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
out.append(int(peak.split()[1]))
print(json.dumps(out))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300, check=True
    )
    *reasons, peak_kb = json.loads(done.stdout.strip().splitlines()[-1])
    assert "accepted" not in reasons, reasons
    assert peak_kb < 500_000, f"peak {peak_kb / 1000:.0f} MB"


# --- the caps of every reader --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_text_formats_over_the_character_cap_are_refused(fmt: str) -> None:
    data = ("Kommunen malede broer. " * 1000).encode()
    assert "over 10.000 tegn" in refused(data, fmt, IngestSettings(max_chars=10_000))
    assert extract(data, fmt, "x", IngestSettings(max_chars=30_000)).text


def test_pdf_over_the_character_cap_is_refused_page_by_page(tmp_path: Path) -> None:
    pages = ["\n".join(f"Linje {n} om broer og stier i kommunen." for n in range(40))] * 12
    data = make_pdf(tmp_path / "a.pdf", pages).read_bytes()
    assert "ingest.max_chars" in refused(data, "pdf", IngestSettings(max_chars=10_000))


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md", "html"])
def test_the_time_cap_names_its_setting(tmp_path: Path, fmt: str) -> None:
    data = {
        "pdf": lambda: make_pdf(tmp_path / "a.pdf", ["Side et.", "Side to."]).read_bytes(),
        "docx": lambda: make_docx(tmp_path / "a.docx", ["Afsnit."], table=[["a", "b"]]).read_bytes(),
        "md": lambda: b"# Titel\n\nTekst.",
        "html": lambda: b"<p>Tekst.</p>",
    }[fmt]()
    reason = refused(data, fmt, IngestSettings(max_extract_seconds=1e-9))
    assert reason == "tager for lang tid at læse (over 1e-09 s; se ingest.max_extract_seconds)"


def test_pypdf_warnings_become_one_danish_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = make_pdf(tmp_path / "a.pdf", ["Kommunen malede 8 broer."]).read_bytes()
    pointer = list(re.finditer(rb"startxref\s+(\d+)", data))[-1]
    broken = data[: pointer.start(1)] + b"1" + data[pointer.end(1) :]  # a wrong cross-reference offset
    with caplog.at_level("WARNING"):
        assert extract(broken, "pdf", "a.pdf").text == "Kommunen malede 8 broer."
    shown = [r for r in caplog.records if r.levelname == "WARNING"]
    assert [r.name for r in shown] == ["ingest.extract"], [(r.name, r.getMessage()) for r in shown]
    assert "a.pdf: PDF-filen har" in shown[0].getMessage() and "fejl i sin opbygning" in shown[0].getMessage()


# --- the stream reader gives python-docx's text --------------------------------------------


def _whole_document(data: bytes) -> tuple[str, str]:
    """Text and title as ingest read Word files before streaming: python-docx, whole."""
    document = docx.Document(io.BytesIO(data))
    blocks, heading = [], ""
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = []
            for row in item.rows:
                cells, previous = [], None
                for cell in row.cells:
                    if cell._tc is previous:
                        continue
                    previous = cell._tc
                    cells.append(squeeze(clean(cell.text)))
                if any(cells):
                    rows.append(" | ".join(cells).strip())
            blocks.append("\n".join(rows))
            continue
        text = clean(item.text).strip()
        blocks.append(text)
        style = item.style.name if item.style is not None else ""
        if text and not heading and style.startswith(("Title", "Heading 1")):
            heading = text
    title = squeeze(document.core_properties.title or "") or heading
    return "\n\n".join(b for b in blocks if b), title


def _rich_docx(path: Path) -> bytes:
    document = docx.Document()
    document.add_paragraph("Indledning før overskriften.")
    document.add_heading("Evaluering af forsøget", 1)
    paragraph = document.add_paragraph("Tekst med ")
    paragraph.add_run("fed").bold = True
    paragraph.add_run("\tog tabulator")
    paragraph.add_run().add_break()
    paragraph.add_run("ny linje")
    document.add_paragraph(" ")  # blank but for a preserved space
    document.add_paragraph("Punkt et", style="List Bullet")
    grid = document.add_table(rows=4, cols=3)
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    grid.cell(1, 0).merge(grid.cell(1, 1)).text = "vandret"
    grid.cell(2, 2).merge(grid.cell(3, 2)).text = "lodret"
    grid.cell(0, 0).add_table(rows=1, cols=2).cell(0, 1).text = "indlejret"
    document.add_heading("Anden overskrift", 1)
    document.add_paragraph("Sidste afsnit med æøå.")
    document.save(str(path))
    return path.read_bytes()


def test_the_stream_reader_gives_python_docx_text(tmp_path: Path) -> None:
    cases = [
        _rich_docx(tmp_path / "rig.docx"),
        make_docx(tmp_path / "a.docx", ["Afsnit."], title="Egen titel", heading="H", table=[["a", "b"]]).read_bytes(),
        make_docx(
            tmp_path / "b.docx", [f"Afsnit {n} om forsøget med grus på stierne." for n in range(1000)]
        ).read_bytes(),  # more than one 64 KB chunk
    ]
    for data in cases:
        text, title = _whole_document(data)
        got = extract(data, "docx", "x.docx")
        assert (got.text, got.title) == (text, title)
