"""Server mode: one real Chroma server (``chroma run`` on loopback), several assistant
processes. Each process has its own, empty data folder: vectors, document texts and the
registry live on the server, and BM25 is rebuilt from what the server holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from tests.chroma_server import ChromaServer
from tests.docfiles import make_docx

pytestmark = pytest.mark.model

QUESTION = "Hvornår stopper forsøget med grus på stierne?"
NEW_FACT = "Hvor mange grønne tage har Testbyen anlagt?"


def _env(server: ChromaServer, corpus: Path, data: Path, cache: Path) -> dict[str, str]:
    return {
        **os.environ,
        **server.env(),
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_EMBEDDING_CACHE": str(cache),
        "ASSISTANT_RETRIEVAL__RELOAD_SECONDS": "0",
    }


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300
    )


class Instance:
    """A running assistant process, answering one JSON line per question (``ask -``)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "ask", "-"],
            env=env,
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def ask(self, question: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(question + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read() if self.proc.stderr else ""
        return json.loads(line)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(10)


def test_two_processes_share_one_chroma_server(
    server: ChromaServer, tiny_corpus: Path, tmp_path: Path, shared_cache: Path
) -> None:
    ingest_env = _env(server, tiny_corpus, tmp_path / "data-ingest", shared_cache)
    built = _run(ingest_env, "-m", "ingest", "--quiet")
    assert built.returncode == 0, built.stderr
    assert "4 nye" in built.stdout
    assert not (tmp_path / "data-ingest" / "chroma").exists()  # the vectors went to the server

    instances = [Instance(_env(server, tiny_corpus, tmp_path / f"data-{i}", shared_cache)) for i in range(2)]
    try:
        first = [instance.ask(QUESTION) for instance in instances]
        assert first[0]["answered"] and "31/12-30" in first[0]["answer"]
        assert first[0]["citations"] == first[1]["citations"]  # same passages, same offsets

        # A document added through a third process reaches both running instances.
        docx = make_docx(
            tmp_path / "Grønne tage i Testbyen.docx",
            ["Testbyen har anlagt 14 grønne tage på kommunens bygninger.", "Tagene opsamler regnvand."],
            title="Notat om grønne tage",
        )
        added = _run(ingest_env, "-m", "ingest", "add", str(docx))
        assert added.returncode == 0, added.stderr
        for instance in instances:
            answer = instance.ask(NEW_FACT)
            assert answer["answered"] and "14 grønne tage" in answer["answer"], answer
            assert answer["citations"][0]["source"].endswith("Grønne tage i Testbyen.docx")
    finally:
        for instance in instances:
            instance.close()
    for i in range(2):
        assert not (tmp_path / f"data-{i}" / "chroma").exists()
    listed = _run(ingest_env, "-m", "ingest", "list")
    assert "Notat om grønne tage" in listed.stdout and "Word-dokument" in listed.stdout


def test_rebuild_on_a_server_swaps_the_collections(
    server: ChromaServer, tiny_corpus: Path, tmp_path: Path, shared_cache: Path, fake_embed
) -> None:  # type: ignore[no-untyped-def]
    from assistant.engine import build_assistant
    from core.config import load_settings
    from ingest.pipeline import run_ingest

    settings = load_settings(
        corpus_dir=tiny_corpus, data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=server.port
    )
    run_ingest(settings, fake_embed)
    running = build_assistant(settings, fake_embed)  # an app instance that stays up through the rebuild
    before = running.ask(QUESTION).model_dump(exclude={"timings_ms"})
    report = run_ingest(settings, fake_embed, rebuild=True)
    assert len(report.added) == 4
    after = build_assistant(settings, fake_embed).ask(QUESTION).model_dump(exclude={"timings_ms"})
    assert after == before
    # the running instance finds the renamed collections (same revisions: nothing to reload)
    running.refresh(force=True)
    assert running.ask(QUESTION).model_dump(exclude={"timings_ms"}) == before
    source = next(iter(running.documents))
    assert running.document_text(source)
    import chromadb

    names = {c.name for c in chromadb.HttpClient(host="127.0.0.1", port=server.port).list_collections()}
    assert names == {f"frikommune-fake-hash-{kind}" for kind in ("passages", "spans", "documents")}
