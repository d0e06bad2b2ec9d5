"""Ingest checks that the store can read back what its registry says it holds, repairs
what it can, and otherwise says plainly that a rebuild is needed (exit code 1, never
"5 uændrede"); the summary names every document kept at its old version; the warnings
an operator sees are Danish."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.engine import build_assistant
from core.cliutil import describe
from core.config import Settings
from core.errors import IndexCorruptError, Remedy
from core.store import ChromaStore, forget_client
from ingest import cli, pipeline
from ingest.cache import EmbeddingCache
from ingest.pipeline import run_ingest

QUESTION = "Hvornår stopper forsøget med grus på stierne?"


def _store(settings: Settings) -> ChromaStore:
    return ChromaStore(settings.chroma_dir, settings.store.collection, "fake-hash")


def _long_document(settings: Settings) -> None:
    """Enough citable spans (over 1,500) that Chroma moves them from its log into its
    vector files, the files the issue found missing or truncated."""
    paragraphs = [
        f"Afsnit {n}\n\nKommunen malede {n} broer. Stien fik {n} lamper. Der kom {n} bænke. Parken fik {n} træer."
        for n in range(300)
    ]
    text = "Lang rapport\n\n" + "\n\n".join(paragraphs) + "\n"
    (settings.corpus_dir / "lang.txt").write_text(text, encoding="utf-8")


def test_lost_vector_files_are_reported_with_the_rebuild_command(
    fake_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _long_document(fake_settings)
    run_ingest(fake_settings, fake_embed)
    segments = [p for p in fake_settings.chroma_dir.iterdir() if p.is_dir()]
    assert any((p / "index_metadata.pickle").exists() for p in segments)  # vectors were written to files
    forget_client(fake_settings.chroma_dir)
    for segment in segments:
        shutil.rmtree(segment)
    forget_client(fake_settings.chroma_dir)
    with pytest.raises(IndexCorruptError) as info:
        run_ingest(fake_settings, fake_embed)
    assert info.value.remedy == Remedy.REBUILD and "python -m ingest --rebuild" in describe(info.value)

    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(fake_settings.corpus_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(fake_settings.data_dir))
    monkeypatch.setattr(pipeline, "build_embed_model", lambda settings: fake_embed)
    assert cli.main(["--quiet"]) == 1
    out, err = capsys.readouterr()
    assert "uændrede" not in out and "Fejl: Indekset i" in err and "python -m ingest --rebuild" in err
    assert cli.main(["--rebuild", "--quiet"]) == 0
    assert cli.main(["--quiet"]) == 0
    assert "5 uændrede" in capsys.readouterr().out


def test_passages_missing_from_the_store_are_indexed_again(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(fake_settings, fake_embed)
    answer = build_assistant(fake_settings, fake_embed).ask(QUESTION).answer
    store = _store(fake_settings)
    try:
        tabel = next(s for s in store.documents() if s.endswith("tabel.txt"))
        ids = store.passages.get(where={"source": tabel})["ids"]
        store.passages.delete(ids=ids[:2])
    finally:
        store.close()
    report = run_ingest(fake_settings, fake_embed)
    assert report.repaired == [tabel] and len(report.unchanged) == 3 and not report.added
    assert "1 reparerede" in cli.summary(report)
    assert build_assistant(fake_settings, fake_embed).ask(QUESTION).answer == answer
    again = run_ingest(fake_settings, fake_embed)
    assert len(again.unchanged) == 4 and not again.repaired


def test_the_summary_names_documents_kept_at_their_old_version(
    fake_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_ingest(fake_settings, fake_embed)
    (fake_settings.corpus_dir / "tabel.txt").write_bytes(b"\xff\xfe ikke utf-8")
    (fake_settings.corpus_dir / "ny.txt").write_bytes(b"")  # never indexed
    report = run_ingest(fake_settings, fake_embed)
    assert [Path(s).name for s in report.kept] == ["tabel.txt"] and report.documents == 4
    # the command prints the same report (the files are unchanged, so the outcome is too)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(fake_settings.corpus_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(fake_settings.data_dir))
    monkeypatch.setattr(pipeline, "build_embed_model", lambda settings: fake_embed)
    assert cli.main(["--quiet"]) == 1
    out, err = capsys.readouterr()
    assert "4 dokumenter" in out and "1 i tidligere udgave" in out
    assert "Beholdt i den tidligere udgave (kunne ikke læses igen; den gamle udgave svarer stadig): tabel.txt." in out
    assert "tabel.txt: er ikke gyldig UTF-8" in err and "Den tidligere udgave er bevaret og svarer stadig." in err
    assert "ny.txt: er tom. Den er ikke indekseret." in err


def test_operator_warnings_are_danish(
    fake_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = fake_settings.manifest_file.read_text(encoding="utf-8")
    fake_settings.manifest_file.write_text(text + '\n[[document]]\nfile = "væk.pdf"\ntitle = "Væk"\n', encoding="utf-8")
    fake_settings.cache_file.parent.mkdir(parents=True, exist_ok=True)
    fake_settings.cache_file.write_bytes(b"ikke en database" * 100)
    with caplog.at_level("WARNING"):
        run_ingest(fake_settings, fake_embed)
        EmbeddingCache(fake_settings.cache_file, "fake-hash").close()
    messages = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(m.startswith("manifest.toml nævner væk.pdf, men filen findes ikke i") for m in messages), messages
    assert any(m.startswith("Embedding-cachen") and "kan ikke læses" in m for m in messages), messages
