"""Word (.docx) text, read as a stream within the limits of ingest/limits.py.

The archive is checked by its declared sizes first. python-docx then loads every part but
the main text (given an empty body in its place) for the styles and the file's title and
date, while the main text is parsed in chunks by a pull parser that builds python-docx's
own element classes: each paragraph and table is read by python-docx's code as soon as it
is complete, then dropped. So the text is what python-docx gives for the whole document,
while memory holds one paragraph or table at a time and the reading stops at the first
limit passed: characters (counted as each text run arrives), seconds, or one block of more
than ``MAX_BLOCK_XML`` bytes.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.parser import element_class_lookup
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from core.errors import CorpusError
from ingest.extracted import Extracted, clean, reason, squeeze
from ingest.limits import Budget, check_part, open_archive

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an encrypted .docx, or an old binary .doc
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_STUB = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'
_CHUNK = 1 << 16
# One paragraph or table is held whole while it is read, at about 10 times its XML in
# memory (lxml); 20 MB of XML is a table of some 100,000 cells.
MAX_BLOCK_XML = 20_000_000


def read_docx(data: bytes, source: str, budget: Budget) -> Extracted:
    if data.startswith(OLE_MAGIC):
        raise CorpusError(
            source,
            "er beskyttet med adgangskode eller er en gammel .doc-fil; gem den som .docx uden adgangskode",
        )
    try:
        with open_archive(data, source, budget.limits) as archive:
            main = _main_part(archive, source)
            document = docx.Document(io.BytesIO(_package_without(archive, main, source)))
            blocks, heading = _Body(document, budget).read(archive, main)
        props = document.core_properties
        title = squeeze(props.title or "") or heading
        stamp = props.created or props.modified
    except CorpusError:
        raise
    except etree.XMLSyntaxError as exc:
        if "huge" in str(exc).lower():  # libxml2 reads no text node over 10 MB
            raise CorpusError(source, "har et tekstfelt på over 10 MB, som ikke kan læses sikkert") from exc
        raise CorpusError(
            source, f"er beskadiget eller ikke en gyldig Word-fil (.docx) (læserens besked: {reason(exc)})"
        ) from exc
    except Exception as exc:  # BadZipFile, KeyError, lxml and python-docx errors, ... on broken files
        raise CorpusError(
            source, f"er beskadiget eller ikke en gyldig Word-fil (.docx) (læserens besked: {reason(exc)})"
        ) from exc
    text = "\n\n".join(block for block in blocks if block)
    return Extracted(text=text, fmt="docx", title=title, date=stamp.date().isoformat() if stamp else "")


def _main_part(archive: zipfile.ZipFile, source: str) -> str:
    """The archive member holding the main text, as python-docx finds it."""
    info = archive.getinfo("_rels/.rels")
    check_part(info, source)
    rels = etree.fromstring(archive.read(info), etree.XMLParser(resolve_entities=False, no_network=True))
    for rel in rels:
        if rel.get("Type") == RT.OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            return PackURI.from_rel_ref("/", rel.get("Target", "")).membername
    raise ValueError("ingen hoveddel (officeDocument) i _rels/.rels")


def _package_without(archive: zipfile.ZipFile, main: str, source: str) -> bytes:
    """The package with an empty body in place of the main text (all else as it is)."""
    out = io.BytesIO()
    latest = {info.filename: info for info in archive.infolist()}  # the last of a repeated name, as zipfile reads
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as stub:
        for name, info in latest.items():
            if name == main:
                stub.writestr(name, _STUB)
                continue
            if name.lower().endswith((".xml", ".rels")):
                check_part(info, source)
            stub.writestr(name, archive.read(info))
    return out.getvalue()


class _Body:
    """The main text's paragraphs and tables, in document order, read as they arrive."""

    def __init__(self, document: docx.document.Document, budget: Budget) -> None:
        self.document = document
        self.budget = budget
        self.blocks: list[str] = []
        self.heading = ""
        self.styles: dict[str | None, str] = {}  # style id -> name (python-docx looks it up slowly)
        self.pending = 0  # XML bytes read since the last complete block

    def read(self, archive: zipfile.ZipFile, main: str) -> tuple[list[str], str]:
        parser = etree.XMLPullParser(
            events=("end",), tag=(f"{_W}p", f"{_W}tbl", f"{_W}t"), remove_blank_text=True, resolve_entities=False
        )
        parser.set_element_class_lookup(element_class_lookup)  # python-docx's parser, fed in chunks
        with archive.open(main) as stream:
            while chunk := stream.read(_CHUNK):
                parser.feed(chunk)
                self.pending += len(chunk)
                self._take(parser.read_events())
                if self.pending > MAX_BLOCK_XML:
                    raise CorpusError(
                        self.budget.source,
                        f"har et afsnit eller en tabel på over {MAX_BLOCK_XML // 1_000_000} MB, "
                        "som ikke kan læses sikkert; del det op",
                    )
                self.budget.check_time()
        parser.close()
        self._take(parser.read_events())
        return self.blocks, self.heading

    def _take(self, events) -> None:  # type: ignore[no-untyped-def]
        for _, element in events:
            if element.tag == f"{_W}t":
                self.budget.take(len(element.text or ""))
                continue
            parent = element.getparent()
            if parent is None or parent.tag != f"{_W}body":
                continue  # a paragraph or table inside a table: read with it
            if element.tag == f"{_W}tbl":
                self.blocks.append(_table(Table(element, self.document), self.budget))
            else:
                self._paragraph(element)
            self.pending = 0
            element.clear(keep_tail=True)
            while element.getprevious() is not None:  # what came before, read or not python-docx's
                del parent[0]

    def _paragraph(self, element) -> None:  # type: ignore[no-untyped-def]
        text = clean(Paragraph(element, self.document).text).strip()
        self.blocks.append(text)
        if text and not self.heading:
            key = element.style
            if key not in self.styles:
                style = Paragraph(element, self.document).style
                self.styles[key] = (style.name or "") if style is not None else ""
            if self.styles[key].startswith(("Title", "Heading 1")):
                self.heading = text


def _table(table: Table, budget: Budget) -> str:
    rows = []
    for row in table.rows:
        budget.check_time()
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell repeats for every grid column it spans
                continue
            previous = cell._tc
            cells.append(squeeze(clean(cell.text)))
        if any(cells):
            rows.append(" | ".join(cells).strip())
    return "\n".join(rows)
