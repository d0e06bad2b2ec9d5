"""The load driver's plumbing against a tiny in-process Gradio app (no encoder, no index)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import load_settings
from evals import load


class _Status:
    """``GET /status`` as the real app's gate answers it: not ready for the first two polls."""

    def __init__(self, app, state: dict) -> None:  # type: ignore[no-untyped-def]
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["path"] == "/status":
            from starlette.responses import JSONResponse

            self.state["polls"] += 1
            ready = self.state["polls"] > 2
            await JSONResponse({"ready": ready, "phase": "ready" if ready else "building"})(scope, receive, send)
        else:
            await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def fake_app() -> Iterator[dict]:
    """An app that says it is building for two polls of /status, fails /ask for "boom"
    and otherwise answers like the real one."""
    import gradio as gr
    from starlette.middleware import Middleware

    state = {"calls": 0, "polls": 0}

    def ask(question: str, documents: list[str] | None = None) -> dict:
        state["calls"] += 1
        if question == "boom":
            raise gr.Error("kaboom", print_exception=False)
        time.sleep(0.01)
        timings = {"embed": 4.0, "total": 10.0}
        return {"answer": f"svar på {question}", "answered": True, "citations": [], "timings_ms": timings}

    with gr.Blocks() as demo:
        gr.api(ask, api_name="ask")
    demo.queue(default_concurrency_limit=4)
    port = load.free_port()
    demo.launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        app_kwargs={"middleware": [Middleware(_Status, state=state)]},
    )
    yield {"url": f"http://127.0.0.1:{port}/", "state": state}
    demo.close()


def test_wait_ready_polls_status_until_ready(fake_app: dict) -> None:
    waited = load.wait_ready(fake_app["url"], "spørgsmål", timeout=30)
    assert waited >= 1.0  # two "building" answers, a second apart
    assert fake_app["state"]["polls"] == 3 and fake_app["state"]["calls"] == 1


def test_wait_ready_gives_up_at_once_on_a_real_error(fake_app: dict) -> None:
    load.wait_ready(fake_app["url"], "spørgsmål", timeout=30)
    started = time.monotonic()
    with pytest.raises(load.LoadError, match="kaboom"):
        load.wait_ready(fake_app["url"], "boom", timeout=30)
    assert time.monotonic() - started < 10


def test_drive_and_summarise_count_calls_errors_and_latency(fake_app: dict) -> None:
    load.wait_ready(fake_app["url"], "spørgsmål", timeout=30)
    calls, wall = load.drive(fake_app["url"], ["a", "b", "boom", "c"], clients=4, seconds=1.5)
    figures = load.summarise(calls, wall, clients=4, seconds=1.5)
    assert wall >= 1.5
    assert figures["calls"] == len(calls) > 4
    assert figures["calls_per_client_min"] > 0
    assert 0 < figures["errors"] < figures["calls"]
    assert figures["error_messages"] == ["AppError: kaboom"]
    assert figures["latency_p50_ms"] <= figures["latency_p95_ms"] <= figures["latency_max_ms"]
    assert figures["server_total_p50_ms"] == 10.0
    assert figures["server_stage_p50_ms"] == {"embed": 4.0}
    assert {c.question for c in calls if c.client == 0} >= {"a"}
    assert {c.question for c in calls if c.client == 2} >= {"boom"}  # clients start at different offsets


def test_run_load_writes_reports_and_fails_on_errors(fake_app: dict, tmp_path: Path) -> None:
    settings = load_settings()
    ok = load.run_load(settings, [{"question": "a"}, {"question": "b"}], 2, 1.0, tmp_path, fake_app["url"])
    assert ok == 0
    figures = json.loads((tmp_path / "load-latest.json").read_text(encoding="utf-8"))["figures"]
    assert figures["errors"] == 0 and figures["clients"] == 2 and figures["calls"] > 0
    assert "| throughput_per_s |" in (tmp_path / "load-latest.md").read_text(encoding="utf-8")
    assert load.run_load(settings, ["a", "boom"], 2, 1.0, tmp_path, fake_app["url"]) == 1


def test_settings_env_reproduces_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    settings.app.concurrency = 7
    for key in [k for k in os.environ if k.startswith("ASSISTANT_")]:
        monkeypatch.delenv(key)
    for key, value in load.settings_env(settings).items():
        monkeypatch.setenv(key, value)
    again = load_settings()
    assert again.data_dir == tmp_path / "data"
    assert again.app.concurrency == 7
    assert again.model_dump(exclude={"host", "port"}) == settings.model_dump(exclude={"host", "port"})
