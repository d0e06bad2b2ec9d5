"""Faults an operator will meet: a Chroma server that goes away and comes back, an
ingest killed with SIGKILL half-way, a data folder that is not an index."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.engine import build_assistant
from core.cliutil import describe
from core.config import PROJECT_ROOT, Settings, load_settings
from core.errors import IndexCorruptError, Remedy, StoreUnavailableError
from ingest.pipeline import corpus_sources, run_ingest
from tests.chroma_server import ChromaServer
from ui import chat
from ui.startup import IndexService

QUESTION = "Hvornår stopper forsøget med grus på stierne?"


def _wait(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def _server_settings(server: ChromaServer, corpus: Path, tmp_path: Path, model_file: Path | None = None) -> Settings:
    """``model_file``: the answerer (``fake_answer_file`` for tests that need answers from the fake encoder)."""
    answer = {"answer": {"model_file": model_file}} if model_file else {}
    return load_settings(
        corpus_dir=corpus,
        data_dir=tmp_path / "data",
        chroma_host="127.0.0.1",
        chroma_port=server.port,
        retrieval={"reload_seconds": 0},
        **answer,
    )


def test_a_server_that_goes_away_gives_a_message_and_recovers(
    server: ChromaServer, tiny_corpus: Path, tmp_path: Path, fake_embed
) -> None:  # type: ignore[no-untyped-def]
    settings = _server_settings(server, tiny_corpus, tmp_path)
    run_ingest(settings, fake_embed)
    service = IndexService(settings, run_ingest, corpus_sources, fake_embed)
    service.start()
    assert service.wait(60).phase == "ready"
    before = service.assistant.ask(QUESTION)  # type: ignore[union-attr]

    server.stop()
    with pytest.raises(StoreUnavailableError) as info:
        service.assistant.ask(QUESTION)  # type: ignore[union-attr]
    assert f"Chroma-serveren på 127.0.0.1:{server.port} svarer ikke" in info.value.message
    history, _, box, notice, _ = chat.respond(service, QUESTION, [], None)
    assert history == [] and box == QUESTION  # the question stays in the box to send again
    assert "svarer ikke" in notice and "Traceback" not in notice

    server.start()
    again = service.assistant.ask(QUESTION)  # type: ignore[union-attr]
    assert again.model_dump(exclude={"timings_ms"}) == before.model_dump(exclude={"timings_ms"})
    history, _, _, notice, _ = chat.respond(service, QUESTION, [], None)
    assert len(history) == 2 and not notice


def test_start_up_waits_for_a_server_that_is_not_up_yet(
    server: ChromaServer, tiny_corpus: Path, tmp_path: Path, fake_embed, fake_answer_file: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import ui.startup as startup

    settings = _server_settings(server, tiny_corpus, tmp_path, fake_answer_file)
    run_ingest(settings, fake_embed)
    server.stop()
    monkeypatch.setattr(startup, "RETRY_SECONDS", 0.2)
    service = IndexService(settings, run_ingest, corpus_sources, fake_embed)
    service.start()
    _wait(lambda: bool(service.status.error), 20)
    assert service.status.phase == "failed" and "prøves igen automatisk" in service.status.error
    server.start()
    _wait(lambda: service.status.phase == "ready", 30)
    assert service.status.phase == "ready" and not service.status.error
    assert service.assistant.ask(QUESTION).answered  # type: ignore[union-attr]


def _gist(answer) -> tuple:  # type: ignore[no-untyped-def]
    """What a reader sees: the answer and the exact quotes it cites (scores move with the corpus)."""
    return answer.answer, [(c.source, c.start, c.end, c.quote) for c in answer.citations]


def _unique_text(seed: int, paragraphs: int) -> str:
    """Text nobody has embedded before, so ingest must really embed it (and takes a while)."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "sor", "tu", "vej", "bel", "dar", "fin", "gul", "hus", "lund", "rup"]
    out = [f"Testnotat nummer {seed}"]
    for p in range(paragraphs):
        out.append(f"Afsnit {p + 1}")
        sentences = []
        for _ in range(4):
            words = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(12)]
            sentences.append(" ".join(words).capitalize() + ".")
        out.append(" ".join(sentences))
    return "\n\n".join(out) + "\n"


@pytest.mark.model
def test_sigkill_during_ingest_keeps_the_index_and_the_next_run_completes(
    tiny_corpus: Path, tmp_path: Path, shared_cache: Path
) -> None:
    settings = load_settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data", embedding_cache=shared_cache)
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(tiny_corpus),
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_EMBEDDING_CACHE": str(tmp_path / "fresh-cache.sqlite"),  # the new texts are not cached
    }
    done = subprocess.run(
        [sys.executable, "-m", "ingest"],
        env={**env, "ASSISTANT_EMBEDDING_CACHE": str(shared_cache)},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assistant = build_assistant(settings)
    before = _gist(assistant.ask(QUESTION))
    assistant.store.close()

    (tiny_corpus / "a-kort.txt").write_text(_unique_text(1, 1), encoding="utf-8")
    (tiny_corpus / "b-lang.txt").write_text(_unique_text(2, 60), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest"], env=env, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # progress: one line per finished document, in name order
        if "a-kort.txt" in line:
            break
    time.sleep(1.0)  # well inside b-lang.txt: 60 sections of new text to embed
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)

    assistant = build_assistant(settings)
    assert _gist(assistant.ask(QUESTION)) == before
    names = {Path(s).name for s in assistant.documents}
    assert "a-kort.txt" in names and "b-lang.txt" not in names  # whole documents only
    assert all(p.meta.source in assistant.documents for p in assistant.catalog.passages.values())
    assistant.store.close()

    again = subprocess.run(
        [sys.executable, "-m", "ingest", "--quiet"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr
    assert "1 nye" in again.stdout and "5 uændrede" in again.stdout
    assistant = build_assistant(settings)
    assert {Path(s).name for s in assistant.documents} >= {"a-kort.txt", "b-lang.txt"}
    assert _gist(assistant.ask(QUESTION)) == before
    record = assistant.documents[next(s for s in assistant.documents if s.endswith("b-lang.txt"))]
    assert len([p for p in assistant.catalog.passages.values() if p.meta.source == record.source]) == record.passages
    assert assistant.store.passages.count() == sum(r.passages for r in assistant.documents.values())


def test_a_corrupt_data_folder_says_how_to_rebuild(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    (tiny_settings.chroma_dir / "chroma.sqlite3").write_bytes(b"\x00garbage" * 512)
    with pytest.raises(IndexCorruptError) as info:
        build_assistant(tiny_settings, fake_embed)
    assert info.value.remedy == Remedy.REBUILD and "python -m ingest --rebuild" in describe(info.value)
    service = IndexService(tiny_settings, run_ingest, corpus_sources, fake_embed)
    service.start()
    status = service.wait(60)
    assert status.phase == "failed" and "python -m ingest --rebuild" in status.error
    assert "--rebuild" in chat.page_state(service).banner


def test_an_instance_that_does_not_build_waits_for_the_operators_ingest(
    server: ChromaServer, tiny_corpus: Path, tmp_path: Path, fake_embed, fake_answer_file: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import ui.startup as startup

    settings = _server_settings(server, tiny_corpus, tmp_path, fake_answer_file).model_copy(deep=True)
    settings.app.build_index = False
    monkeypatch.setattr(startup, "RETRY_SECONDS", 0.2)
    service = IndexService(settings, run_ingest, corpus_sources, fake_embed)
    service.start()
    _wait(lambda: bool(service.status.error), 20)
    assert "venter, til indekset er bygget" in service.status.error
    assert service.status.done == 0  # it did not start an ingest of its own
    run_ingest(settings, fake_embed)  # the operator
    _wait(lambda: service.status.phase == "ready", 30)
    assert service.assistant.ask(QUESTION).answered  # type: ignore[union-attr]


def _line(proc: subprocess.Popen[str], question: str) -> tuple[dict, float]:
    """Send one question to a running ``ask --json -``; its JSON line and the seconds it took."""
    assert proc.stdin and proc.stdout
    started = time.monotonic()
    proc.stdin.write(question + "\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else ""
    return json.loads(line), time.monotonic() - started


@pytest.mark.model
def test_a_batch_outlives_a_server_outage_with_one_line_per_question(
    server: ChromaServer, tiny_corpus: Path, tmp_path: Path, shared_cache: Path, fake_answer_file: Path
) -> None:
    env = {
        **os.environ,
        **server.env(),
        "ASSISTANT_CORPUS_DIR": str(tiny_corpus),
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        "ASSISTANT_EMBEDDING_CACHE": str(shared_cache),
        "ASSISTANT_RETRIEVAL__RELOAD_SECONDS": "0",
        "ASSISTANT_ANSWER__MODEL_FILE": str(fake_answer_file),  # any answerer: this is about the batch
    }
    built = subprocess.run(
        [sys.executable, "-m", "ingest", "--quiet"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "--json", "--retry-seconds", "6", "-"],
        env=env,
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first, _ = _line(proc, QUESTION)
        assert "error" not in first and first["citations"], first

        server.stop()  # down for longer than the batch waits: each question gets an error line
        down, waited = _line(proc, QUESTION)
        assert down["code"] == "store_unavailable" and "svarer ikke" in down["error"] and down["question"] == QUESTION
        assert 5 < waited < 30  # retried for the six seconds, then reported
        still, waited = _line(proc, "Hvad viser evalueringen?")
        assert still["code"] == "store_unavailable" and waited < 5  # the outage is known: no second wait

        server.start()
        again, _ = _line(proc, QUESTION)
        assert again["answer"] == first["answer"] and again["citations"] == first["citations"]

        server.stop()  # a short outage: the question waits for the server and is answered
        assert proc.stdin
        proc.stdin.write(QUESTION + "\n")
        proc.stdin.flush()
        time.sleep(1.0)
        server.start()
        assert proc.stdout
        recovered = json.loads(proc.stdout.readline())
        assert recovered["answer"] == first["answer"]
    finally:
        assert proc.stdin
        proc.stdin.close()
        proc.wait(60)
    stderr = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == 1  # some questions could not be answered: the index was unreachable
    assert "Traceback" not in stderr and "prøver igen" in stderr
