"""`python -m assistant forsøg` (assistant/trials.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.trials import format_register
from core.register import Register, RegisterCitation, Trial, TrialStatus, save_register


def test_without_a_register_the_cli_says_so_in_danish_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    assert main(["forsøg"]) == 2
    assert "Der er intet forsøgsregister endnu: kør python -m ingest" in capsys.readouterr().err


def test_the_cli_prints_the_register_in_danish_and_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cite = RegisterCitation(source="a.txt", title="A", quote="Mikrolån", start=0, end=8, date="2021")
    status = TrialStatus(value="forlænget", until="udgangen af 2022", citation=cite)
    save_register(tmp_path / "register.json", Register(trials=[Trial(title="Mikrolån", citation=cite, status=status)]))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    assert main(["forsøg"]) == 0
    assert "• Mikrolån – forlænget til udgangen af 2022" in capsys.readouterr().out
    assert main(["forsøg", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["trials"][0]["status"]["value"] == "forlænget"
    assert set(data["trials"][0]) >= {"title", "aliases", "status", "municipalities", "conclusions"}


def test_the_until_reads_right_after_each_status_in_danish() -> None:
    cite = RegisterCitation(source="a.txt", title="A", quote="x", start=0, end=1, date="2021")
    stop = TrialStatus(value="stopper", until="31/12-21", until_phrase="31/12-21", citation=cite)
    old = TrialStatus(value="stopper", until="31/12-21", citation=cite)  # a register from before until_phrase
    text = format_register(
        Register(trials=[Trial(title="A", citation=cite, status=stop), Trial(title="B", citation=cite, status=old)])
    )
    assert "• A – stopper 31/12-21" in text and "• B – stopper 31/12-21" in text and "til 31/12" not in text


def test_the_cli_names_a_later_until_and_an_uncertain_names_findings() -> None:
    from tests.ui.test_trials import _later_register

    text = format_register(_later_register())
    assert "senere (eval.txt, 2022), om en række af forsøgene uden at nævne hvilke: udgangen af 2023" in text
    assert "konklusion under dette navn (usikker) (eval.txt, 2022): Færre huller" in text
