"""The command line's Danish error lines: facts from the core, remedies named here."""

from __future__ import annotations

from core.cliutil import describe, fail
from core.errors import AssistantError, IndexNotBuiltError, Remedy


def test_an_error_with_a_remedy_names_the_command_that_fixes_it(capsys) -> None:  # type: ignore[no-untyped-def]
    error = IndexNotBuiltError("Der er intet indeks i data/chroma.", remedy=Remedy.INGEST)
    assert fail(error) == 1
    line = capsys.readouterr().err.strip()
    assert line == "Fejl: Der er intet indeks i data/chroma. Byg eller opdatér indekset med: python -m ingest."


def test_an_error_without_a_remedy_is_its_facts_alone() -> None:
    assert describe(AssistantError("Filen er tom.")) == "Filen er tom."
    custom = {Remedy.REBUILD: "Spørg driften"}
    assert describe(AssistantError("Indekset er skadet.", remedy=Remedy.REBUILD), custom) == (
        "Indekset er skadet. Spørg driften."
    )
