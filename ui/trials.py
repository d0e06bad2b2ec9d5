"""The app's "Forsøg" tab (issue 13): the trial register as a table, and its export.

Gradio-free. Ingest derives the register from the documents' own tables and lists and
saves it in the data directory (core/register.py); here it is shown, one row per trial,
every value that has a citation a link to the exact span it was read from
(``?doc=…&start=…&end=…``, the app's stable addresses), and written as CSV and XLSX with
each field's citation beside it. The HTML comes from ui/templates/trials.html, rendered
with autoescape on: every title, name and quote from a document shows as text.
"""

from __future__ import annotations

import atexit
import csv
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.messages import danish_date
from core.errors import AssistantError
from core.register import REGISTER_FILE, STATUSES, Register, RegisterCitation, Statement, Trial, date_key, load_register
from core.textnorm import display
from ui.documents import link, public_text
from ui.remedies import explain
from ui.render import render_template
from ui.startup import IndexService

logger = logging.getLogger(__name__)

__all__ = [
    "EXPORT_NAME",
    "HEADERS",
    "STATUS_WORDS",
    "Exports",
    "TrialsState",
    "export_table",
    "trials_html",
    "trials_state",
    "write_csv",
    "write_xlsx",
]

HEADERS = ("Forsøg", "Status", "Til", "Kommuner", "Konklusioner", "Begrundelse")
NO_STATUS = "ikke angivet"  # a trial a document names with no status in the decision
STATUS_WORDS = {
    "forlænget": "forlænget",
    "stopper": "stopper",
    "udbredt": "udbredt",
    "ikke_i_opfølgning": "indgår ikke i opfølgningen",
}
INTRO = (
    "Forsøgsregistret er udledt af dokumenternes egne tabeller og lister, da indekset blev bygget. "
    "Hver celle er et link til det sted i kilden, den er læst fra: klik for at se citatet markeret."
)
BUILDING = (
    "Forsøgsregistret bygges sammen med indekset. Det vises her, så snart indekset er klar; siden opdaterer sig selv."
)
MISSING = (
    "Der er intet forsøgsregister i dette indeks endnu; det bygges sammen med indekset. "
    "Den, der driver tjenesten, kan bygge det med: python -m ingest"
)
EMPTY = "Forsøgsregistret er tomt: ingen tabel eller liste i dokumenterne nævner forsøg."
UNREADABLE = "Forsøgsregistret kan ikke vises lige nu. Prøv igen, eller kontakt den, der driver værktøjet."
VIEWER_HINT = (
    '<div class="viewer empty"><p>Klik på en celle i tabellen for at se det citerede sted '
    "markeret i dokumentet.</p></div>"
)
EXPORT_NAME = "forsoegsregister"  # the downloaded files' name (ASCII: safe in every browser and file system)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _cite(c: RegisterCitation | None, text: str = "") -> dict[str, Any] | None:
    """A link to a citation's span; its title attribute names the document, the place and its date."""
    if c is None:
        return None
    where = ", ".join(part for part in (display(c.title), c.locator) if part)
    return {
        "href": link(c.source, c.start, c.end),
        "doc": c.source,
        "start": c.start,
        "end": c.end,
        "text": text or display(c.quote),
        "title": f"{where} – dato: {c.date or 'ukendt'}",
    }


def _towns(trial: Trial) -> list[str]:
    """The municipalities as people read them: the OCR-repaired spelling where there is one."""
    towns = trial.municipalities
    return list(towns.repaired) if len(towns.repaired) == len(towns.value) else list(towns.value)


def _row(trial: Trial, later: Sequence[Statement] = ()) -> dict[str, Any]:
    """One trial's cells; ``later``: statements about a set of trials, dated after its own
    status, that give its status another until (``Register.later_statements``)."""
    status = trial.status
    towns = _towns(trial)
    names = ", ".join(towns)
    cites = trial.municipalities.citations
    aliases = []
    for alias in trial.aliases:
        same = _same(alias.name, trial.title)
        # The document by the first part of its title ("Nordjyske Frikommuneforsøg II"); the link's title has all of it.
        place = display(alias.citation.title).split(" – ")[0] if alias.citation else alias.source
        aliases.append(
            {
                "name": display(alias.name),
                "same": same,
                "place": place,
                "link": _cite(alias.citation, place if same else display(alias.name)),
                "uncertain": alias.uncertain,
                "confidence": f"{alias.confidence:.2f}".replace(".", ","),
            }
        )
    return {
        "title": _cite(trial.citation, display(trial.title)),
        "aliases": aliases,
        "status": status.value if status else "",
        "status_word": STATUS_WORDS.get(status.value, status.value) if status else NO_STATUS,
        "status_link": _cite(status.citation, STATUS_WORDS.get(status.value, status.value)) if status else None,
        "until": status.until if status else "",
        "until_link": _cite(status.until_citation, status.until) if status and status.until else None,
        "later": [
            {"date": danish_date(st.citation.date), "link": _cite(st.until_citation, st.until_phrase or st.until)}
            for st in later
        ],
        "towns": towns,
        "town_names": names,
        # One citation: the names are its link; several: the names, then a link to each.
        "town_links": [_cite(c, names if len(cites) == 1 else f"kilde {i}") for i, c in enumerate(cites, 1)],
        # a slide's conclusions about a theme several trials share are marked as such, and
        # those found under a name only uncertainly linked to the trial (after its own)
        "conclusions": [
            {**(_cite(c.citation, display(c.text)) or {}), "subject": display(c.subject), "alias": ""}
            for c in trial.conclusions
        ]
        + [
            {**(_cite(c.citation, display(c.text)) or {}), "subject": display(c.subject), "alias": display(a.name)}
            for a in trial.aliases
            if a.uncertain
            for c in a.conclusions
        ],
        # municipalities found only under an uncertainly linked name, shown apart, not counted
        "alias_towns": [
            {"name": display(a.name), "towns": ", ".join(a.municipalities.repaired or a.municipalities.value)}
            for a in trial.aliases
            if a.uncertain and a.municipalities.value
        ],
        "reasons": [_cite(c.citation, display(c.text)) for c in trial.reasons],
    }


def trials_html(register: Register | None, busy: bool = False) -> str:
    """The tab's table with its filters; a Danish message when there is no register (yet)."""
    if register is None:
        return _render(message=BUILDING if busy else MISSING)
    if not register.trials:
        return _render(message=EMPTY)
    rows = [_row(t, register.later_statements(t)) for t in register.trials]
    counts = register.counts()
    statuses = [(s, STATUS_WORDS[s], counts[s]) for s in STATUSES if counts.get(s)]
    if counts.get(""):
        statuses.append(("", NO_STATUS, counts[""]))
    towns = sorted({town for row in rows for town in row["towns"]}, key=str.casefold)
    conflicts = [
        {
            "title": display(c.title),
            "values": " og ".join(STATUS_WORDS.get(v, v) for v in c.values),
            "links": [_cite(cite, f"kilde {i}") for i, cite in enumerate(c.citations, 1)],
        }
        for c in register.conflicts
    ]
    statements = [
        {"date": danish_date(st.citation.date), "link": _cite(st.citation, display(st.text or st.citation.quote))}
        for st in sorted(register.statements, key=lambda st: date_key(st.citation.date), reverse=True)
    ]
    return _render(
        message="",
        headers=HEADERS,
        rows=rows,
        statuses=statuses,
        towns=towns,
        conflicts=conflicts,
        statements=statements,
        skipped=register.skipped,
    )


def _render(**values: object) -> str:
    return render_template("trials.html", **values)


# --- Export -----------------------------------------------------------------------------

_CITATION_PARTS = ("kilde", "sted", "start", "slut", "citat", "dato")
# A cell Excel would run as a formula (=, +, -, @, or a tab/return first): OWASP's advice
# for CSV. The CSV gets a leading apostrophe on those cells; the XLSX stores every cell as
# text, so its quotes are verbatim always (the offsets beside them check either).
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def _parts(c: RegisterCitation | None) -> list[Any]:
    if c is None:
        return ["", "", "", "", "", ""]
    return [c.source, c.locator, c.start, c.end, c.quote, c.date]


def export_table(register: Register) -> list[list[Any]]:
    """The register as rows for a spreadsheet: a header row, then one row per trial with
    the columns the tab shows and, for each field, its citation (document, place, start
    and end offsets, the verbatim quote, the document's date). Municipalities and
    conclusions read from several places get a numbered set of citation columns each."""
    n_towns = max((len(t.municipalities.citations) for t in register.trials), default=0)
    n_conclusions = max((len(t.conclusions) for t in register.trials), default=0)
    n_reasons = max((len(t.reasons) for t in register.trials), default=0)
    fields = ["Forsøg", "Status", "Til"]
    fields += [f"Kommuner {i}" if n_towns > 1 else "Kommuner" for i in range(1, n_towns + 1)]
    fields += [f"Konklusion {i}" for i in range(1, n_conclusions + 1)]
    fields += [f"Begrundelse {i}" for i in range(1, n_reasons + 1)]
    header: list[Any] = [*HEADERS[:4], "Også kaldt", *HEADERS[4:]]
    header += [f"{field}: {part}" for field in fields for part in _CITATION_PARTS]
    rows = [header]
    for t in register.trials:
        status = t.status
        aliases = [
            f"{a.name} ({a.source}, lighed {a.confidence:.2f}{', usikker' if a.uncertain else ''})" for a in t.aliases
        ]
        row: list[Any] = [
            t.title,
            STATUS_WORDS.get(status.value, status.value) if status else "status ikke angivet",
            status.until if status else "",
            ", ".join(_towns(t)),
            "\n".join(aliases),
            # a conclusion about a theme several trials share says so, as the tab does
            "\n".join(f"(om {c.subject}) {c.text}" if c.subject else c.text for c in t.conclusions),
            "\n".join(c.text for c in t.reasons),
        ]
        row += _parts(t.citation)
        row += _parts(status.citation if status else None)
        row += _parts(status.until_citation if status else None)
        towns = t.municipalities.citations
        for i in range(n_towns):
            row += _parts(towns[i] if i < len(towns) else None)
        for i in range(n_conclusions):
            row += _parts(t.conclusions[i].citation if i < len(t.conclusions) else None)
        for i in range(n_reasons):
            row += _parts(t.reasons[i].citation if i < len(t.reasons) else None)
        rows.append(row)
    return rows


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


def write_csv(register: Register, path: Path) -> Path:
    """The register as CSV for Excel: UTF-8 with a byte order mark (without it Excel reads
    the file as Windows-1252 and æøå come out garbled), separated by semicolons: Excel
    splits a CSV it opens by the list separator of the machine's regional settings, and in
    Danish settings that is ";" (the comma is the decimal sign), so a comma-separated file
    would open as one column. No "sep=;" line: with it Excel ignores the byte order mark."""
    with _atomic(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerows([[_csv_cell(v) for v in row] for row in export_table(register)])
    return path


def write_xlsx(register: Register, path: Path) -> Path:
    """The register as an Excel workbook: every text cell stored as text (a quote that
    begins with "=" stays a quote, never a formula), offsets as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Forsøg"
    table = export_table(register)
    for r, row in enumerate(table, 1):
        for c, value in enumerate(row, 1):
            if isinstance(value, str):
                # The XML of a workbook cannot hold most control characters (a PDF's form feed).
                cell = sheet.cell(r, c, ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
                cell.data_type = "s"
            else:
                cell = sheet.cell(r, c, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1:
                cell.font = Font(bold=True)
    for c, name in enumerate(table[0], 1):
        letter = sheet.cell(1, c).column_letter
        sheet.column_dimensions[letter].width = 40 if name in (*HEADERS, "Også kaldt") or "citat" in name else 14
    sheet.freeze_panes = "B2"
    with _atomic(path) as tmp:
        book.save(tmp)
    return path


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path``, moved over it when the block succeeds: a reader
    (a download in flight) sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class Exports:
    """The CSV and XLSX of the register, written once per version of register.json into a
    folder of the app's own (the downloads are files the app created, which Gradio serves)."""

    def __init__(self, folder: Path | None = None) -> None:
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="forsoegsregister-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
        self.folder = folder
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._files: tuple[Path, Path] | None = None

    def files(self, register: Register, stamp: tuple[int, int]) -> tuple[Path, Path]:
        """(csv, xlsx) for the register whose file has ``stamp`` (mtime_ns, size)."""
        with self._lock:
            if self._files is None or self._key != stamp:
                version = self.folder / f"{stamp[0]}-{stamp[1]}"
                self._files = (
                    write_csv(register, version / f"{EXPORT_NAME}.csv"),
                    write_xlsx(register, version / f"{EXPORT_NAME}.xlsx"),
                )
                self._key = stamp
            return self._files


@dataclass(frozen=True)
class TrialsState:
    """What the tab shows: the table (or a message), and the files to download (None: no buttons)."""

    html: str
    csv: Path | None = None
    xlsx: Path | None = None


def trials_state(service: IndexService, exports: Exports) -> TrialsState:
    """The tab for the register in the data directory; a Danish message while there is none."""
    path = service.settings.data_dir / REGISTER_FILE
    busy = service.status.busy
    try:
        try:
            info = path.stat()
        except FileNotFoundError:
            return TrialsState(trials_html(None, busy))
        register = load_register(path)
        if register is None:  # removed between the two reads
            return TrialsState(trials_html(None, busy))
        csv_path, xlsx_path = exports.files(register, (info.st_mtime_ns, info.st_size))
        return TrialsState(trials_html(register, busy), csv_path, xlsx_path)
    except AssistantError as exc:
        settings = service.settings
        message = public_text(explain(exc), settings.corpus_dir, settings.data_dir)
        return TrialsState(_render(message=message))
    except Exception:  # the edge of the app: log it, say it plainly, keep serving
        logger.exception("the trial register could not be shown")
        return TrialsState(_render(message=UNREADABLE))
