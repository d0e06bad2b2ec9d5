"""The trial register (issue 13): every trial the corpus names, derived at ingest from the
documents' own structure, each field with the citation it was read from.

Ingest writes it (ingest/register.py) to ``data_dir/register.json``; the assistant reads it
(assistant/trials.py). A quote is always ``text[start:end]`` of the document text that
ingest indexed; ``source`` is the document's path relative to the corpus folder.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from core.errors import IndexCorruptError

__all__ = [
    "REGISTER_FILE",
    "STATUSES",
    "Alias",
    "Conclusion",
    "Conflict",
    "Municipalities",
    "Register",
    "RegisterCitation",
    "Statement",
    "Status",
    "Trial",
    "TrialStatus",
    "date_key",
    "load_register",
    "save_register",
]

REGISTER_FILE = "register.json"
Status = Literal["forlænget", "stopper", "udbredt", "ikke_i_opfølgning"]
STATUSES: tuple[str, ...] = ("forlænget", "stopper", "udbredt", "ikke_i_opfølgning")


class RegisterCitation(BaseModel):
    """Where a field was read: ``quote == text[start:end]`` of the indexed document."""

    source: str
    title: str
    locator: str = ""
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    date: str = ""


class TrialStatus(BaseModel):
    """The trial's status in the decision, and until when where a document says it."""

    value: Status
    until: str = ""
    citation: RegisterCitation
    until_citation: RegisterCitation | None = None
    until_phrase: str = Field(
        default="",
        description='The "until" as it reads after the status in Danish ("til udgangen af 2022", "31/12-21").',
    )


class Municipalities(BaseModel):
    """The municipalities that took part; ``repaired`` holds the OCR-repaired spelling of
    ``value`` (same order) when the quote is from a scan."""

    value: list[str] = Field(default_factory=list)
    repaired: list[str] = Field(default_factory=list)
    citations: list[RegisterCitation] = Field(default_factory=list)


class Conclusion(BaseModel):
    """A conclusion: ``text`` for reading (core.reading of the quote), the quote verbatim in
    ``citation``. ``subject`` is the heading it stands under when that heading names a
    theme (several trials) rather than the trial alone."""

    text: str
    citation: RegisterCitation
    subject: str = ""
    more: list[RegisterCitation] = Field(
        default_factory=list,
        description="The rest of a paragraph that a page break moved to the table's next line, after that "
        "line's other cells: cited apart, in order; ``text`` reads all the pieces as one.",
    )


class Conflict(BaseModel):
    """Two readings of one field that disagree (e.g. a title under two statuses, or two end
    dates in documents of different dates): ``values`` and ``citations`` newest first."""

    title: str
    field: str
    values: list[str]
    citations: list[RegisterCitation]
    dates: list[str] = Field(default_factory=list)


class Statement(BaseModel):
    """A dated statement about the trials as a set, outside any trial's row or slide
    ("en række af forsøgene er blevet forlænget … frem til udgangen af 2023"): what happens
    (a status, or "ends"), until when, the sentence (``citation``) and the value in it."""

    predicate: str
    until: str
    until_phrase: str = ""
    text: str = Field("", description="The sentence for reading (core.reading of the quote).")
    citation: RegisterCitation
    until_citation: RegisterCitation


class Alias(BaseModel):
    """Another name the trial goes by, linked by title similarity (0..1). An uncertain
    link is kept apart from the certain ones, never merged silently."""

    name: str
    source: str
    confidence: float = Field(ge=0, le=1)
    uncertain: bool = False
    citation: RegisterCitation | None = None
    municipalities: Municipalities = Field(default_factory=Municipalities)
    conclusions: list[Conclusion] = Field(default_factory=list)


class Trial(BaseModel):
    title: str
    citation: RegisterCitation
    aliases: list[Alias] = Field(default_factory=list)
    status: TrialStatus | None = None
    municipalities: Municipalities = Field(default_factory=Municipalities)
    conclusions: list[Conclusion] = Field(default_factory=list)
    reasons: list[Conclusion] = Field(
        default_factory=list, description="The decision's grounds for the status, each a paragraph of its reason cell."
    )
    conflicts: list[Conflict] = Field(default_factory=list)


class Register(BaseModel):
    version: int = 1
    basis: str = Field("", description="Fingerprint of what it was built from (ingest rebuilds it when this changes).")
    trials: list[Trial] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Danish notes on structure that was not read.")

    def later_statements(self, trial: Trial) -> list[Statement]:
        """Statements about the trials as a set, dated after what the trial's own status
        says, that give its status another until ("en række af forsøgene er blevet forlænget
        … frem til udgangen af 2023" after a row "forlænges til udgangen af 2022"): they may
        concern it, though they name no trial. Newest first."""
        status = trial.status
        if status is None or not status.until:
            return []
        own = (status.until_citation or status.citation).date
        later = [
            st
            for st in self.statements
            if st.predicate == status.value
            and st.until.casefold() != status.until.casefold()
            and date_key(st.citation.date) > date_key(own)
        ]
        return sorted(later, key=lambda st: date_key(st.citation.date), reverse=True)

    def counts(self) -> dict[str, int]:
        """Trials by status (those without one under "")."""
        out = dict.fromkeys((*STATUSES, ""), 0)
        for trial in self.trials:
            out[trial.status.value if trial.status else ""] += 1
        return out


def date_key(date: str) -> tuple[int, ...]:
    """A document date for sorting: "2021-08-26" -> (2021, 8, 26); a date given less
    precisely sorts before the dates within it ("2021" before "2021-08-26")."""
    parts = [int(x) for x in re.findall(r"\d+", date)][:3]
    return tuple(parts + [0] * (3 - len(parts)))


def save_register(path: Path, register: Register) -> None:
    """Write the register as JSON, atomically (a reader sees the old or the new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(register.model_dump_json(indent=2), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load_register(path: Path) -> Register | None:
    """The register at ``path``; None when there is none yet."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IndexCorruptError(f"Forsøgsregistret {path} kan ikke læses: {exc.strerror or exc}.") from exc
    try:
        return Register.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise IndexCorruptError(f"Forsøgsregistret {path} er ugyldigt; kør python -m ingest igen.") from exc
