"""Ingest: incremental, atomic per document, and never loses what is indexed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.engine import build_assistant
from core.config import Settings
from core.errors import CorpusError
from core.index_schema import PassageMeta
from core.store import ChromaStore
from ingest import pipeline
from ingest.pipeline import IngestBusyError, RebuildRefusedError, run_ingest


def _names(sources: list[str]) -> list[str]:
    return [Path(s).name for s in sources]


def _store(settings: Settings) -> ChromaStore:
    return ChromaStore(settings.chroma_dir, settings.store.collection, "fake-hash")


def test_first_run_indexes_every_document_with_exact_offsets(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    report = run_ingest(tiny_settings, fake_embed)
    assert len(report.added) == 4 and not report.failed
    store = _store(tiny_settings)
    for node in store.committed_nodes():
        meta = PassageMeta.from_chroma(node.metadata)
        source = (tiny_settings.corpus_dir / Path(meta.source).name).read_bytes().decode("utf-8")
        assert node.text == source[meta.start : meta.end]
        assert meta.title and meta.locator and meta.content_hash and meta.date is not None


def test_unchanged_corpus_embeds_nothing(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    again = run_ingest(tiny_settings, fake_embed)
    assert len(again.unchanged) == 4 and again.embedded == 0 and not again.added and not again.updated


def test_changed_file_is_replaced_and_removed_file_is_deleted(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    notat = tiny_settings.corpus_dir / "notat.txt"
    notat.write_text(notat.read_text(encoding="utf-8") + "\nEt nyt afsnit om cykelhjelme.\n", encoding="utf-8")
    (tiny_settings.corpus_dir / "dias.txt").unlink()
    report = run_ingest(tiny_settings, fake_embed)
    assert _names(report.updated) == ["notat.txt"]
    assert _names(report.removed) == ["dias.txt"]
    nodes = _store(tiny_settings).committed_nodes()
    assert not [n for n in nodes if n.metadata["source"].endswith("dias.txt")]
    assert any("cykelhjelme" in n.text for n in nodes)
    # the old version of notat.txt is gone, not merely hidden
    all_ids = _store(tiny_settings).passages.get()["ids"]
    assert len(all_ids) == len(nodes)


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"\xff\xfe ikke utf-8 \xe6\xf8", "UTF-8"), (b"   \n\n", "tom")],
)
def test_a_bad_file_gets_a_message_and_keeps_its_indexed_version(
    tiny_settings: Settings,
    fake_embed,
    content: bytes,
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    run_ingest(tiny_settings, fake_embed)
    before = {n.node_id for n in _store(tiny_settings).committed_nodes()}
    (tiny_settings.corpus_dir / "tabel.txt").write_bytes(content)
    report = run_ingest(tiny_settings, fake_embed)
    assert _names([e.source for e in report.failed]) == ["tabel.txt"]
    assert reason in report.failed[0].message
    assert {n.node_id for n in _store(tiny_settings).committed_nodes()} == before


def test_an_interrupted_ingest_leaves_no_half_document(
    tiny_settings: Settings,
    fake_embed,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    run_ingest(tiny_settings, fake_embed)
    assistant_before = build_assistant(tiny_settings, fake_embed)
    answer_before = assistant_before.ask("Hvornår stopper forsøget med grus på stierne?").answer
    tabel = tiny_settings.corpus_dir / "tabel.txt"
    tabel.write_text(tabel.read_text(encoding="utf-8").replace("Grus", "Småsten"), encoding="utf-8")

    def crash(self, record, text) -> None:  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt  # dies after writing passages, before the commit

    monkeypatch.setattr(ChromaStore, "commit", crash)
    with pytest.raises(KeyboardInterrupt):
        run_ingest(tiny_settings, fake_embed)
    # the half-written passages are invisible: the old version still answers
    assert (
        build_assistant(tiny_settings, fake_embed).ask("Hvornår stopper forsøget med grus på stierne?").answer
        == answer_before
    )
    monkeypatch.undo()
    report = run_ingest(tiny_settings, fake_embed)
    assert _names(report.updated) == ["tabel.txt"]
    nodes = _store(tiny_settings).committed_nodes()
    tabel_nodes = [n for n in nodes if n.metadata["source"].endswith("/tabel.txt")]
    assert any("Småsten på" in n.text for n in tabel_nodes) and not any("Grus på" in n.text for n in tabel_nodes)
    assert len(_store(tiny_settings).passages.get()["ids"]) == len(nodes)


def test_rebuild_swaps_in_a_fresh_index(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    report = run_ingest(tiny_settings, fake_embed, rebuild=True)
    assert len(report.added) == 4 and report.embedded == 0  # the cache served every vector
    assert not (tiny_settings.data_dir / "chroma.rebuild").exists()
    assert len(_store(tiny_settings).committed_nodes()) == report.passages


def test_a_second_ingest_at_the_same_time_is_refused(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    with pipeline.lock(tiny_settings.data_dir), pytest.raises(IngestBusyError):
        run_ingest(tiny_settings, fake_embed)


def test_a_rebuild_that_cannot_read_an_indexed_file_keeps_the_old_index(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    before = {n.node_id for n in _store(tiny_settings).committed_nodes()}
    (tiny_settings.corpus_dir / "tabel.txt").write_bytes(b"\xff\xfe")
    with pytest.raises(RebuildRefusedError) as info:
        run_ingest(tiny_settings, fake_embed, rebuild=True)
    assert "tabel.txt" in info.value.message and "bevaret" in info.value.message
    assert {n.node_id for n in _store(tiny_settings).committed_nodes()} == before
    assert not (tiny_settings.data_dir / "chroma.rebuild").exists()


@pytest.mark.parametrize("empty", [True, False])
def test_an_empty_or_missing_corpus_folder_changes_nothing(tiny_settings: Settings, fake_embed, empty: bool) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    before = {n.node_id for n in _store(tiny_settings).committed_nodes()}
    for path in tiny_settings.corpus_dir.glob("*.txt"):
        path.unlink()
    if not empty:
        shutil.rmtree(tiny_settings.corpus_dir)
    with pytest.raises(CorpusError) as info:
        run_ingest(tiny_settings, fake_embed)
    assert "intet er ændret" in info.value.message
    assert {n.node_id for n in _store(tiny_settings).committed_nodes()} == before


def test_a_rebuild_cut_off_between_its_renames_is_recovered(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    os.replace(tiny_settings.chroma_dir, tiny_settings.data_dir / "chroma.old")  # as if killed right here
    report = run_ingest(tiny_settings, fake_embed)
    assert len(report.unchanged) == 4 and report.embedded == 0


def test_crlf_files_chunk_like_lf_files_and_quote_exactly(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    for path in tiny_settings.corpus_dir.glob("*.txt"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    report = run_ingest(tiny_settings, fake_embed)
    lf = run_ingest(tiny_settings.model_copy(update={"data_dir": tiny_settings.data_dir.parent / "lf"}), fake_embed)
    assert report.passages > 4 and not report.failed
    for node in _store(tiny_settings).committed_nodes():
        text = (tiny_settings.corpus_dir / Path(node.metadata["source"]).name).read_bytes().decode("utf-8")
        assert node.text == text[node.metadata["start"] : node.metadata["end"]]
    assert lf.passages == report.passages
