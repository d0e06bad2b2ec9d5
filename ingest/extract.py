"""Text out of a source file's bytes (PDF, Word, HTML, Markdown, plain text), or a clear CorpusError.

The returned text is what citations index into, so the same bytes always give the same text.
Plain text is kept exactly as decoded; the other formats are read with their usual readers
(pypdf, python-docx, BeautifulSoup, markdown-it) and normalised into lines and blank-line
separated blocks, the shape the segmenter expects. Every reader stays within the limits of
ingest/limits.py (characters, seconds, and for Word what its archive unpacks to).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from bs4 import BeautifulSoup, NavigableString, Tag, UnicodeDammit
from bs4.element import PreformattedString
from markdown_it import MarkdownIt
from pypdf import PdfReader
from pypdf.errors import DependencyError

from core.config import IngestSettings
from core.errors import CorpusError
from ingest.extracted import Extracted, clean, iso_date, reason, squeeze
from ingest.limits import Budget
from ingest.word import read_docx

__all__ = ["DEFAULT_KIND", "SUFFIXES", "Extracted", "extract"]

logger = logging.getLogger(__name__)

SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
DEFAULT_KIND: dict[str, str] = {
    "txt": "Tekstdokument",
    "md": "Markdown-dokument",
    "pdf": "PDF-dokument",
    "docx": "Word-dokument",
    "html": "Webside",
}

_FILE_NAME = re.compile(r"\.(?:docx?|pdf|odt|rtf|txt)$", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_DATE_META = frozenset(["date", "dcterms.date", "dc.date", "article:published_time"])
_MARKDOWN = MarkdownIt("commonmark").enable("table")  # raw HTML passes through; bs4 then drops scripts

_DROPPED = frozenset(["script", "style", "noscript", "template", "head", "title", "svg"])
_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 section article header footer main nav aside table ul ol dl dt dd"
    " pre blockquote figure figcaption caption address hr form fieldset details summary".split()
)


def extract(data: bytes, fmt: str, source: str, limits: IngestSettings | None = None) -> Extracted:
    """The text of ``data`` read as ``fmt`` (a value of SUFFIXES); ``source`` names it in
    errors. ``limits``: what reading it may cost (the defaults of IngestSettings if None)."""
    if not data:
        raise CorpusError(source, "er tom")
    if fmt not in _READERS:
        raise CorpusError(source, f"har et ukendt format {fmt!r} (kendte formater: {', '.join(_READERS)})")
    result = _READERS[fmt](data, source, Budget(source, limits or IngestSettings()))
    if not result.text.strip():
        if fmt == "pdf":
            raise CorpusError(
                source,
                "indeholder ingen tekst, der kan trækkes ud (er den skannet? Kør tekstgenkendelse (OCR) på den først)",
            )
        raise CorpusError(source, "er tom")
    return result


# --- plain text and Markdown ---------------------------------------------------------------


def _decode_utf8(data: bytes, source: str, encoding: str = "utf-8") -> str:
    if b"\x00" in data:
        raise CorpusError(source, "ligner en binær fil (indeholder NUL-tegn), ikke tekst")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CorpusError(
            source,
            f"er ikke gyldig UTF-8 (byte 0x{data[exc.start]:02x} ved position {exc.start}); gem den som UTF-8",
        ) from exc


def _txt(data: bytes, source: str, budget: Budget) -> Extracted:
    # Unchanged, like ingest.parse: offsets index into the file itself.
    text = _decode_utf8(data, source)
    budget.take(len(text))
    return Extracted(text=text, fmt="txt")


def _markdown(data: bytes, source: str, budget: Budget) -> Extracted:
    markdown = _decode_utf8(data, source, "utf-8-sig")
    budget.take(len(markdown))  # the text is never longer than its source
    meta: dict[str, str] = {}
    if match := _FRONT_MATTER.match(markdown):
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'").strip()
        markdown = markdown[match.end() :]
    html = _MARKDOWN.render(markdown)
    soup = BeautifulSoup(html, "html.parser")
    budget.check_time()
    heading = soup.find("h1")
    title = meta.get("title") or (squeeze(heading.get_text()) if heading else "")
    return Extracted(text=_soup_text(soup), fmt="md", title=title, date=iso_date(meta.get("date", "")))


# --- HTML ----------------------------------------------------------------------------------


def _html(data: bytes, source: str, budget: Budget) -> Extracted:
    try:
        markup = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Not UTF-8: a byte order mark, the declared charset, else Windows-1252 (what Danish
        # pages without a declaration are written in; detection guesses Central European),
        # and only then bs4's detection.
        dammit = UnicodeDammit(data, user_encodings=["windows-1252"], is_html=True)
        markup = dammit.unicode_markup
        if markup is None or dammit.contains_replacement_characters:
            raise CorpusError(
                source, "er ikke gyldig UTF-8, og tegnsættet kan ikke genkendes; gem den som UTF-8"
            ) from None
    if "\x00" in markup:
        raise CorpusError(source, "ligner en binær fil (indeholder NUL-tegn), ikke tekst")
    budget.take(len(markup))  # the text is never longer than its markup
    soup = BeautifulSoup(markup, "html.parser")
    budget.check_time()
    title = squeeze(soup.title.get_text()) if soup.title else ""
    published = ""
    for meta in soup.find_all("meta"):
        key = str(meta.get("name") or meta.get("property") or "").lower()
        if key in _DATE_META and (published := iso_date(str(meta.get("content") or ""))):
            break
    return Extracted(text=_soup_text(soup), fmt="html", title=title, date=published)


def _soup_text(soup: BeautifulSoup) -> str:
    """Blocks separated by blank lines, list items as "• " lines, table rows as "a | b" lines."""
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    return _assemble(_tokens(soup))


# Tokens: text, or a break: ("block", 2) a blank line, ("line", 1) a new line, ("br", 1) a line
# break that adds up (two <br> make a blank line), ("bullet", 1) a new line starting with "• ",
# ("end", 1) the end of a list item.
_Token = str | tuple[str, int]


def _tokens(node: Tag, pre: bool = False, item: bool = False) -> list[_Token]:
    """``pre``: inside <pre>, keep line breaks; ``item``: inside <li>, blocks only start a new line."""
    out: list[_Token] = []
    gap = ("line", 1) if item else ("block", 2)
    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, CDATA, processing instructions
            continue
        if isinstance(child, NavigableString):
            if pre:
                for i, line in enumerate(str(child).split("\n")):
                    out.extend([("br", 1), line] if i else [line])
            else:
                out.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            out.append(("br", 1))
        elif name == "tr":
            cell_tags = child.find_all(["td", "th"], recursive=False)
            cells = [_assemble(_tokens(cell)).replace("\n", " ") for cell in cell_tags]
            if any(cells):
                out.extend([("line", 1), " | ".join(cells), ("line", 1)])
        elif name == "li":
            out.extend([("bullet", 1), *_tokens(child, pre, item=True), ("end", 1)])
        elif name in _BLOCKS:
            out.extend([gap, *_tokens(child, pre or name == "pre", item), gap])
        else:
            out.extend(_tokens(child, pre, item))
    return out


def _assemble(tokens: list[_Token]) -> str:
    out: list[str] = []
    pending = 0  # newlines owed before the next text
    bullet = False
    for token in tokens:
        if isinstance(token, tuple):
            kind, n = token
            pending = min(2, pending + n) if kind == "br" else max(pending, n)
            bullet = kind == "bullet" or (bullet and kind != "end")  # an empty <li> leaves no bullet
            continue
        text = re.sub(r"\s+", " ", token)
        if not text.strip():
            if out and not pending:
                out.append(" ")
            continue
        if out and pending:
            out.append("\n" * pending)
        pending = 0
        if bullet:
            out.append("• ")
            bullet = False
        out.append(text)
    lines = [re.sub(r" {2,}", " ", line).strip() for line in clean("".join(out)).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- PDF -----------------------------------------------------------------------------------


def _pdf(data: bytes, source: str, budget: Budget) -> Extracted:
    with _pypdf_notes(source):
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise CorpusError(source, "er beskyttet med adgangskode; gem en udgave uden adgangskode")
            texts = []
            for page in reader.pages:  # pypdf itself unpacks no stream beyond 75 MB
                budget.check_time()
                texts.append(_pdf_page(page.extract_text()))
                budget.take(len(texts[-1]) + 2)
        except CorpusError:
            raise
        except DependencyError as exc:  # AES encryption needs the optional cryptography package
            raise CorpusError(
                source, "er krypteret (AES), og Python-pakken cryptography mangler; gem en udgave uden kryptering"
            ) from exc
        except Exception as exc:  # pypdf raises many types (PdfReadError, ValueError, KeyError, ...) on broken files
            raise CorpusError(
                source, f"er beskadiget eller ikke en gyldig PDF-fil (læserens besked: {reason(exc)})"
            ) from exc
        pages, offset = [], 0
        for text in texts:
            pages.append(offset)
            offset += len(text) + 2
        title = published = ""
        try:  # metadata is optional: a bad entry loses the title or date, not the document
            info = reader.metadata
            if info is not None:
                title = _clean_title(str(info.title or ""))
                created = info.creation_date
                published = created.date().isoformat() if created else ""
        except Exception:
            pass
    return Extracted(text="\n\n".join(texts), fmt="pdf", pages=tuple(pages), title=title, date=published)


@contextmanager
def _pypdf_notes(source: str) -> Iterator[None]:
    """pypdf's own warnings (English, one per repaired flaw) become one Danish warning; none
    when the file could not be read at all (its error says so, and a warning that flaws
    were skipped would contradict it)."""
    notes = _Notes()
    pypdf_logger = logging.getLogger("pypdf")
    propagate = pypdf_logger.propagate
    pypdf_logger.addHandler(notes)
    pypdf_logger.propagate = False
    read = False
    try:
        yield
        read = True
    finally:
        pypdf_logger.removeHandler(notes)
        pypdf_logger.propagate = propagate
        if notes.records and read:
            logger.warning(
                "%s: PDF-filen har %d fejl i sin opbygning, som er sprunget over ved læsningen; "
                "teksten kan være ufuldstændig",
                source,
                len(notes.records),
            )
        for record in notes.records:
            logger.debug("%s: pypdf: %s", source, record.getMessage())


class _Notes(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _pdf_page(text: str) -> str:
    text = clean(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _clean_title(title: str) -> str:
    title = squeeze(title).removeprefix("Microsoft Word - ").strip()
    return "" if _FILE_NAME.search(title) else title


_READERS = {"txt": _txt, "md": _markdown, "pdf": _pdf, "docx": read_docx, "html": _html}
