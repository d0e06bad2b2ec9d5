"""What reading one file may cost: characters of text, seconds, and for a ZIP-based file
(.docx) what its archive declares it unpacks to.

A file's size on disk says little about what it expands to (an 84 KB Word file can hold
20 MB of paragraphs), so readers take text through a ``Budget`` that refuses the file as
soon as it passes a limit, and a Word archive is checked by its declared sizes before any
of it is unpacked. zipfile never unpacks more than an entry declares (a stream that holds
more fails its checksum), so the declared sizes are a real bound.
"""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass, field

from core.config import IngestSettings
from core.errors import CorpusError

# The central directory zipfile reads whole, one object per entry (~500 bytes each): 2 MB
# of it is some 15,000 entries, where a Word file has tens (plus its pictures).
MAX_DIRECTORY_BYTES = 2_000_000
# A part is only suspicious for its ratio once it is large: small XML parts compress well.
RATIO_FROM_BYTES = 1_000_000
# python-docx parses every XML part but the main text whole, at about 10 times its size in
# memory (measured: 5 MB of document.xml, 51 MB); real styles, numbering and footnote parts
# are well under 5 MB.
MAX_XML_PART_BYTES = 25_000_000


def number(n: float) -> str:
    """A number as Danes write it: 20.000.000."""
    return f"{n:,.0f}".replace(",", ".")


@dataclass
class Budget:
    """The characters and seconds one file may still take. ``take`` and ``check_time``
    raise a CorpusError naming the limit (and its setting) once one is passed."""

    source: str
    limits: IngestSettings = field(default_factory=IngestSettings)
    chars: int = 0
    started: float = field(default_factory=time.monotonic)

    def take(self, chars: int) -> None:
        self.chars += chars
        if self.chars > self.limits.max_chars:
            raise CorpusError(
                self.source, f"har for meget tekst (over {number(self.limits.max_chars)} tegn; se ingest.max_chars)"
            )

    def check_time(self) -> None:
        seconds = self.limits.max_extract_seconds
        if time.monotonic() - self.started > seconds:
            raise CorpusError(
                self.source, f"tager for lang tid at læse (over {seconds:g} s; se ingest.max_extract_seconds)"
            )


def open_archive(data: bytes, source: str, limits: IngestSettings) -> zipfile.ZipFile:
    """The ZIP archive in ``data``, once its declared sizes are within the limits.
    zipfile.BadZipFile for bytes that are not a ZIP archive."""
    end = zipfile._EndRecData(io.BytesIO(data))  # the end record only: what the directory will cost
    if end is not None and end[zipfile._ECD_SIZE] > MAX_DIRECTORY_BYTES:
        raise CorpusError(
            source,
            f"har en uforholdsmæssigt stor indholdsfortegnelse ({end[zipfile._ECD_SIZE] / 1e6:.0f} MB; "
            f"højst {MAX_DIRECTORY_BYTES / 1e6:.0f} MB) og ligner en zip-bombe",
        )
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        _check_sizes(archive, source, limits)
    except CorpusError:
        archive.close()
        raise
    return archive


def _check_sizes(archive: zipfile.ZipFile, source: str, limits: IngestSettings) -> None:
    entries = archive.infolist()
    total = sum(info.file_size for info in entries)
    if total > limits.max_unpacked_mb * 1e6:
        raise CorpusError(
            source,
            f"pakker sig ud til {number(total / 1e6)} MB "
            f"(højst {limits.max_unpacked_mb:g} MB, se ingest.max_unpacked_mb)",
        )
    for info in entries:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and ratio > limits.max_zip_ratio:
            raise CorpusError(
                source,
                f"er mistænkeligt hårdt pakket: {info.filename} pakker sig ud til {ratio:.0f} gange sin "
                f"størrelse (højst {limits.max_zip_ratio:g}, se ingest.max_zip_ratio); den ligner en zip-bombe",
            )


def check_part(info: zipfile.ZipInfo, source: str) -> None:
    """Refuse an XML part that a reader would parse whole and that is too large for that."""
    if info.file_size > MAX_XML_PART_BYTES:
        raise CorpusError(
            source,
            f"har en hjælpedel ({info.filename}) på {info.file_size / 1e6:.0f} MB udpakket; "
            f"højst {MAX_XML_PART_BYTES / 1e6:.0f} MB kan læses sikkert",
        )
