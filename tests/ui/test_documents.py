"""Documents as people see them: messages without absolute paths, span links, reading an
indexed document and opening a link to a span (a real tiny index, fake encoder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engine import Assistant, build_assistant
from assistant.model import AnswerModel
from core.config import PROJECT_ROOT, Settings
from core.errors import LinkError
from ingest.pipeline import run_ingest
from ui.documents import Highlight, link, open_link, public_text, read_document


@pytest.fixture
def assistant(tiny_settings: Settings, fake_embed, fake_answer_model: AnswerModel) -> Assistant:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    return build_assistant(tiny_settings, fake_embed, answer_model=fake_answer_model)


def test_a_corpus_path_becomes_relative_to_the_corpus_folder() -> None:
    corpus, data = Path("/srv/qa/corpus"), Path("/srv/qa/data")
    assert public_text("/srv/qa/corpus/notat.txt: er tom", corpus, data) == "notat.txt: er tom"
    assert public_text("Mappen /srv/qa/corpus findes ikke", corpus, data) == "Mappen dokumentmappen findes ikke"


def test_a_data_path_starts_with_datamappen() -> None:
    text = public_text("Indekset i /srv/qa/data/chroma kan ikke læses.", Path("/srv/qa/corpus"), Path("/srv/qa/data"))
    assert text == "Indekset i datamappen/chroma kan ikke læses."


def test_a_project_path_is_relative_to_the_project() -> None:
    text = public_text(f"Se {PROJECT_ROOT}/assistant/fitted/answerer.json", Path("/c"), Path("/d"))
    assert text == "Se assistant/fitted/answerer.json"


def test_any_other_absolute_path_keeps_its_last_part_and_dates_survive() -> None:
    text = public_text("Fejl i /etc/passwd den 31/12-21 (se https://x.dk/a)", Path("/c"), Path("/d"))
    assert text == "Fejl i passwd den 31/12-21 (se https://x.dk/a)"


def test_a_link_is_a_relative_query_string() -> None:
    assert link("notat om grus.txt", 3, 9) == "?doc=notat+om+grus.txt&start=3&end=9"


def test_a_document_is_read_by_its_name(assistant: Assistant, tiny_settings: Settings) -> None:
    document = read_document(assistant, "notat.txt")
    assert document.text == (tiny_settings.corpus_dir / "notat.txt").read_bytes().decode("utf-8")
    assert document.record.source == "notat.txt"  # the name people see, not a path
    assert not document.changed


def test_a_changed_file_is_flagged(assistant: Assistant, tiny_settings: Settings) -> None:
    (tiny_settings.corpus_dir / "notat.txt").write_text("Et andet notat.\n", encoding="utf-8")
    document = read_document(assistant, "notat.txt")
    assert document.changed and "Testbyen" in document.text  # the indexed text, which offsets point into


@pytest.mark.parametrize("name", ["ukendt.txt", "/etc/passwd", "../notat.txt"])
def test_only_indexed_documents_can_be_read(assistant: Assistant, name: str) -> None:
    with pytest.raises(LinkError, match="findes ikke i indekset"):
        read_document(assistant, name)


def test_a_link_opens_its_span_with_the_locator(assistant: Assistant) -> None:
    text = read_document(assistant, "notat.txt").text
    start = text.index("Antallet af uheld")
    highlight = open_link(assistant, {"doc": "notat.txt", "start": str(start), "end": str(start + 17)})
    assert isinstance(highlight, Highlight)
    assert highlight.quote == "Antallet af uheld"
    assert highlight.locator  # the passage that holds it says where it is


def test_a_link_without_a_document_opens_nothing(assistant: Assistant) -> None:
    assert open_link(assistant, {"doc": "  "}) is None
    assert open_link(assistant, {}) is None


@pytest.mark.parametrize(
    ("start", "end", "fragment"),
    [("a", "5", "hele tal"), ("", "", "hele tal"), ("5", "5", "uden for dokumentet"), ("0", "999999", "uden for")],
)
def test_bad_offsets_are_a_link_error(assistant: Assistant, start: str, end: str, fragment: str) -> None:
    with pytest.raises(LinkError, match=fragment):
        open_link(assistant, {"doc": "notat.txt", "start": start, "end": end})
