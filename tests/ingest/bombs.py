"""Decompression bombs for tests, built here with zipfile (never fetched).

Each is a valid .docx (python-docx opens the small ones) whose ``word/document.xml`` is
written through zipfile in chunks, so making a bomb never holds its expanded size in
memory. ``python -m tests.ingest.bombs FOLDER`` writes the three bombs of the issue
"Hardening" at full size, for measuring ingest with ``/usr/bin/time -v``.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import docx

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W}"><w:body>'.encode()
_TAIL = b"<w:sectPr/></w:body></w:document>"
_CHUNK = 1 << 20


def _base() -> bytes:
    """A tiny real .docx (styles, settings, relationships) to put the bomb into."""
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Indledning.")
    document.save(out)
    return out.getvalue()


def _write(path: Path, body: object, level: int = 9) -> Path:
    """A .docx at ``path`` whose document.xml is _HEAD + the chunks of ``body`` + _TAIL."""
    with zipfile.ZipFile(io.BytesIO(_base())) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            if item.filename == "word/document.xml":
                continue
            out.writestr(item, src.read(item.filename), compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("word/document.xml", date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = level  # type: ignore[attr-defined]
        with out.open(info, "w", force_zip64=True) as stream:
            stream.write(_HEAD)
            for chunk in body:  # type: ignore[attr-defined]
                stream.write(chunk)
            stream.write(_TAIL)
    return path


def paragraph_bomb(path: Path, expanded: int, period: int = 1, level: int = 9) -> Path:
    """``expanded`` bytes of short paragraphs, numbered 0 to ``period`` - 1 over and over
    (period 5: 20 MB in 87 KB, like the issue's 84 KB; period 1: 500 MB in 1.5 MB)."""

    def body():  # type: ignore[no-untyped-def]
        n, written, chunk = 0, 0, []
        size = 0
        while written < expanded:
            p = f"<w:p><w:r><w:t>Afsnit om grus på stierne {n % period}.</w:t></w:r></w:p>".encode()
            chunk.append(p)
            size += len(p)
            written += len(p)
            n += 1
            if size >= _CHUNK:
                yield b"".join(chunk)
                chunk, size = [], 0
        yield b"".join(chunk)

    return _write(path, body(), level)


def text_node_bomb(path: Path, expanded: int, level: int = 9) -> Path:
    """One paragraph holding one text node of ``expanded`` letters."""

    def body():  # type: ignore[no-untyped-def]
        yield b"<w:p><w:r><w:t>"
        left = expanded
        block = b"a" * _CHUNK
        while left > 0:
            yield block[: min(left, _CHUNK)]
            left -= _CHUNK
        yield b"</w:t></w:r></w:p>"

    return _write(path, body(), level)


def understated_bomb(path: Path, expanded: int, declared: int = 1000) -> Path:
    """A text-node bomb whose central directory claims document.xml is only ``declared``
    bytes (a lying archive: the sizes checked before reading are not what the stream holds)."""
    text_node_bomb(path, expanded)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    at = data.find(b"PK\x01\x02")  # the central directory's file headers
    while at >= 0:
        size = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + size] == name:
            assert data[at + 24 : at + 28] != b"\xff\xff\xff\xff", "sizes in a zip64 field"
            data[at + 24 : at + 28] = declared.to_bytes(4, "little")
            break
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def main(folder: str) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paragraph_bomb(target / "afsnit-20mb.docx", 20_000_000, period=5)
    paragraph_bomb(target / "afsnit-500mb.docx", 500_000_000)
    text_node_bomb(target / "tekstnode-500mb.docx", 500_000_000)
    for path in sorted(target.glob("*.docx")):
        print(f"{path.name}: {path.stat().st_size / 1000:.0f} KB")


if __name__ == "__main__":
    main(sys.argv[1])
