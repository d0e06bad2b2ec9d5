"""Opening the index: a missing or corrupt index gets a message that says what to do."""

from pathlib import Path

import pytest

from assistant.engine import build_assistant
from core.cliutil import describe
from core.config import Settings
from core.errors import IndexCorruptError, IndexNotBuiltError, Remedy
from ingest.pipeline import run_ingest


def test_missing_index(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IndexNotBuiltError) as info:
        build_assistant(tiny_settings, fake_embed)
    assert info.value.remedy == Remedy.INGEST and "python -m ingest" in describe(info.value)
    assert not tiny_settings.chroma_dir.exists()  # asking never creates an empty index


def test_corrupt_index_is_detected_and_rebuild_recovers(tiny_settings: Settings, fake_embed, fake_answer_model) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    sqlite = Path(tiny_settings.chroma_dir) / "chroma.sqlite3"
    sqlite.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexCorruptError) as info:
        build_assistant(tiny_settings, fake_embed)
    assert info.value.remedy == Remedy.REBUILD and "python -m ingest --rebuild" in describe(info.value)
    report = run_ingest(tiny_settings, fake_embed, rebuild=True)
    assert len(report.added) == 4
    rebuilt = build_assistant(tiny_settings, fake_embed, answer_model=fake_answer_model)
    assert rebuilt.ask("Hvornår stopper forsøget med grus?").answered


def test_readable_counts_match_the_registry(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    from core.store import ChromaStore

    run_ingest(tiny_settings, fake_embed)
    store = ChromaStore(tiny_settings.chroma_dir, tiny_settings.store.collection, "fake-hash")
    try:
        counts = store.readable_counts()
        assert {(s, r.revision): (r.passages, r.spans) for s, r in store.documents().items()} == counts
    finally:
        store.close()
