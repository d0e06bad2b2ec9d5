"""The register's schema and file (core/register.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import IndexCorruptError
from core.register import Register, RegisterCitation, Statement, Trial, TrialStatus, load_register, save_register


def test_a_saved_register_reads_back_the_same_and_none_means_not_built(tmp_path: Path) -> None:
    cite = RegisterCitation(source="a.txt", title="A", quote="Forsøg", start=0, end=6, date="2021")
    register = Register(
        trials=[Trial(title="Forsøg", citation=cite, status=TrialStatus(value="stopper", citation=cite))]
    )
    path = tmp_path / "data" / "register.json"
    assert load_register(path) is None
    save_register(path, register)
    assert load_register(path) == register
    assert [p.name for p in path.parent.iterdir()] == ["register.json"]  # no temporary file left


def test_a_damaged_register_is_a_danish_error(tmp_path: Path) -> None:
    path = tmp_path / "register.json"
    path.write_text("{ikke json", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="Forsøgsregistret"):
        load_register(path)


def test_a_register_written_before_the_added_fields_still_reads(tmp_path: Path) -> None:
    cite = {"source": "a.txt", "title": "A", "quote": "F", "start": 0, "end": 1}
    path = tmp_path / "register.json"
    alias = {"name": "G", "source": "b.txt", "confidence": 0.8}
    path.write_text(json.dumps({"trials": [{"title": "F", "citation": cite, "aliases": [alias]}]}), encoding="utf-8")
    register = load_register(path)
    assert register is not None and register.trials[0].conflicts == []
    assert register.trials[0].aliases[0].municipalities.value == []


def _cited(quote: str, date: str) -> RegisterCitation:
    return RegisterCitation(source="a.txt", title="A", quote=quote, start=0, end=len(quote), date=date)


def test_a_later_statement_with_another_until_for_the_same_status_is_found() -> None:
    row = _cited("Forsøg, der forlænges til udgangen af 2022", "2021-08-26")
    trial = Trial(
        title="Grusstier",
        citation=_cited("Grusstier", "2021-08-26"),
        status=TrialStatus(value="forlænget", until="udgangen af 2022", citation=row, until_citation=row),
    )

    def said(predicate: str, until: str, date: str) -> Statement:
        cite = _cited(f"en række af forsøgene frem til {until}", date)
        return Statement(predicate=predicate, until=until, citation=cite, until_citation=cite)

    later = said("forlænget", "udgangen af 2023", "2022")
    register = Register(
        trials=[trial],
        statements=[
            later,
            said("forlænget", "udgangen af 2022", "2022"),  # the same until: nothing new
            said("stopper", "udgangen af 2023", "2022"),  # another status
            said("forlænget", "udgangen af 2024", "2020"),  # older than the row
        ],
    )
    assert register.later_statements(trial) == [later]
    assert register.later_statements(Trial(title="Uden status", citation=row)) == []
