"""`python -m evals.load`: many simultaneous `ask` calls through the app's API.

The real app (``python app.py``) is started on a free loopback port with the given
settings, or ``--url`` names one that is already running. ``clients`` threads, each with
its own ``gradio_client.Client``, then ask the QA questions over and over for ``seconds``,
each from a different offset. Reported: calls, errors, throughput, client-side latency
p50/p95/max and the server's own ``timings_ms.total`` p50/p95, so the time spent queueing
is the difference. Any failed or malformed call makes the exit code 1.

python -m evals.load [--clients 16] [--seconds 60] [--url URL] [--qa FILE]
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home; there is no internet here
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import median
from typing import Any

import psutil

from core.cliutil import DanishParser, describe, setup_logging
from core.config import PROJECT_ROOT, Settings, load_settings
from core.errors import AssistantError
from evals import metrics, report
from evals.metrics import percentile

API_NAME = "/ask"
READY_TIMEOUT_S = 300.0  # the app may have to build the index first
WARMUP_CALLS = 3
SHOWN_ERRORS = 5


class LoadError(AssistantError):
    """The app could not be started or never became ready."""


@dataclass
class Call:
    """One `ask` call as a client saw it."""

    client: int
    question: str
    latency_ms: float
    ok: bool  # returned without an exception
    well_formed: bool  # a dict with "answer" and "citations"
    error: str = ""
    server_ms: float | None = None  # the answer's timings_ms["total"]
    stages_ms: dict[str, float] | None = None  # the answer's timings_ms, per stage


def _question_texts(questions: Sequence[dict[str, Any] | str]) -> list[str]:
    texts = [q["question"] if isinstance(q, dict) else str(q) for q in questions]
    if not texts:
        raise ValueError("ingen spørgsmål at stille")
    return texts


def _client(url: str) -> Any:
    from gradio_client import Client

    # gradio_client builds two httpx clients per call, and with ssl_verify each loads the CA
    # bundle: ~45 ms of CPU a call, more than the app spends answering. Plain http has
    # nothing to verify.
    plain = url.startswith("http://")
    return Client(url, verbose=False, analytics_enabled=False, download_files=False, ssl_verify=not plain)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split()) or repr(exc)}"


def ask_once(client: Any, index: int, question: str) -> Call:
    """Ask through ``client`` and time it; never raises for a failed call."""
    started = time.perf_counter()
    try:
        result = client.predict(question, None, api_name=API_NAME)
    except Exception as exc:  # every failure is a measurement, not a crash
        return Call(index, question, (time.perf_counter() - started) * 1000, False, False, _error_text(exc))
    latency = (time.perf_counter() - started) * 1000
    well_formed = isinstance(result, dict) and "answer" in result and isinstance(result.get("citations"), list)
    timings = result.get("timings_ms") if isinstance(result, dict) else None
    timings = timings if isinstance(timings, dict) else {}
    error = "" if well_formed else f"malformed answer: {str(result)[:200]}"
    return Call(index, question, latency, True, well_formed, error, timings.get("total"), timings or None)


# --- the app as a subprocess -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def settings_env(settings: Settings) -> dict[str, str]:
    """``settings`` as ASSISTANT_* variables, so the app runs with exactly these settings."""
    env: dict[str, str] = {}

    def flatten(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                flatten(f"{prefix}__{key.upper()}" if prefix else key.upper(), inner)
        elif isinstance(value, list):
            env[f"ASSISTANT_{prefix}"] = json.dumps(value)
        elif value is not None:
            env[f"ASSISTANT_{prefix}"] = str(value)

    flatten("", settings.model_dump(mode="json", exclude={"host", "port"}))
    return env


def _tail(log: Path, chars: int = 3000) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "(ingen log)"


def start_app(settings: Settings, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **settings_env(settings), "ASSISTANT_HOST": "127.0.0.1"}
    env.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def app_cpu_seconds(proc: subprocess.Popen[bytes] | None) -> float:
    """CPU seconds (user + system) the app process has used so far; 0 where unknown."""
    if proc is None:
        return 0.0
    try:
        times = psutil.Process(proc.pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def machine_busy_seconds() -> float:
    """CPU seconds all processes on this machine have used so far (not idle, not waiting
    for the disk); 0 where unknown."""
    try:
        times = psutil.cpu_times()
    except (psutil.Error, OSError):
        return 0.0
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))


def stop_app(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def app_status(url: str) -> dict[str, Any] | None:
    """The app's ``GET /status`` (ready, phase, error); None when it does not answer yet."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/status", timeout=5) as response:
            status = json.loads(response.read())
    except (OSError, ValueError):
        return None
    return status if isinstance(status, dict) else None


def wait_ready(
    url: str,
    question: str,
    proc: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
    timeout: float = READY_TIMEOUT_S,
) -> float:
    """Wait until the app says it is ready (``GET /status``) and ``/ask`` answers
    ``question`` well-formed; return the seconds waited. An index that failed to build, or
    an ``/ask`` that fails once the app is ready, will not heal: give up at once."""
    started = time.monotonic()
    deadline = started + timeout
    last = "the page did not load"
    client = None

    def give_up(reason: str) -> LoadError:
        tail = f"\n--- app log ({log}) ---\n{_tail(log)}" if log else ""
        return LoadError(f"{reason}; sidste svar: {last}{tail}")

    try:
        while True:
            if proc is not None and proc.poll() is not None:
                raise give_up(f"appen stoppede med kode {proc.returncode}")
            if time.monotonic() > deadline:
                raise give_up(f"appen blev ikke klar på {timeout:.0f} s ({url})")
            status = app_status(url)
            if status is None:
                last = "GET /status svarer ikke"
            elif not status.get("ready"):
                last = f"indekset: {status.get('phase')} {status.get('error') or ''}".strip()
                if status.get("phase") == "failed":
                    raise give_up("indekset kunne ikke åbnes eller bygges")
            else:
                try:
                    client = client or _client(url)
                    call = ask_once(client, 0, question)
                except Exception as exc:  # the API is not up yet: keep polling until the deadline
                    last = _error_text(exc)
                else:
                    if call.well_formed:
                        return time.monotonic() - started
                    last = call.error
                    raise give_up("appen svarer med en fejl")  # ready, and it fails: that will not heal
            time.sleep(1.0)
    finally:
        if client is not None:
            client.close()


# --- the load ----------------------------------------------------------------------------


def drive(url: str, questions: list[str], clients: int, seconds: float) -> tuple[list[Call], float]:
    """``clients`` threads asking for ``seconds``; the calls and the wall-clock seconds from
    the start until the last call returned (calls started before the end are finished)."""
    connected = [_client(url) for _ in range(clients)]  # connect first: not part of the clock
    calls: list[list[Call]] = [[] for _ in range(clients)]
    gate = threading.Barrier(clients + 1)
    stop = [0.0]
    step = max(1, len(questions) // clients)

    def work(index: int) -> None:
        position = index * step
        gate.wait()
        while time.perf_counter() < stop[0]:
            question = questions[position % len(questions)]
            calls[index].append(ask_once(connected[index], index, question))
            position += 1

    threads = [threading.Thread(target=work, args=(i,), name=f"load-{i}", daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    stop[0] = started + seconds
    gate.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    for client in connected:
        client.close()
    return [call for per_client in calls for call in per_client], wall


def summarise(calls: list[Call], wall: float, clients: int, seconds: float) -> dict[str, Any]:
    failed = [c for c in calls if not (c.ok and c.well_formed)]
    latencies = [c.latency_ms for c in calls if c.ok]
    server = [c.server_ms for c in calls if c.server_ms is not None]
    distinct: list[str] = []
    for call in failed:
        if call.error not in distinct:
            distinct.append(call.error)
    per_client = [sum(1 for c in calls if c.client == i) for i in range(clients)]
    stages: dict[str, list[float]] = {}
    for call in calls:
        for stage, ms in (call.stages_ms or {}).items():
            if stage != "total":
                stages.setdefault(stage, []).append(ms)
    return {
        "clients": clients,
        "seconds": seconds,
        "wall_s": round(wall, 2),
        "calls": len(calls),
        "errors": len(failed),
        "error_messages": distinct[:SHOWN_ERRORS],
        "throughput_per_s": round(len(calls) / wall, 2) if wall > 0 else 0.0,
        "latency_p50_ms": round(median(latencies), 1) if latencies else 0.0,
        "latency_p95_ms": round(percentile(latencies, 95), 1),
        "latency_max_ms": round(max(latencies), 1) if latencies else 0.0,
        "server_total_p50_ms": round(median(server), 1) if server else 0.0,
        "server_total_p95_ms": round(percentile(server, 95), 1),
        "server_stage_p50_ms": {stage: round(median(values), 1) for stage, values in stages.items()},
        "calls_per_client_min": min(per_client) if per_client else 0,
        "calls_per_client_max": max(per_client) if per_client else 0,
    }


def markdown(figures: dict[str, Any]) -> str:
    lines = ["# Load: simultaneous `ask` calls through the app's API", ""]
    lines += [f"Target: {figures['url']}, machine: {figures['machine']}", "", "| figure | value |", "|---|---|"]
    for key, value in figures.items():
        if isinstance(value, dict):
            value = ", ".join(f"{name} {ms}" for name, ms in value.items())
        if key not in ("url", "machine", "error_messages"):
            lines.append(f"| {key} | {value} |")
    if figures["error_messages"]:
        lines += ["", "## Errors (first distinct messages)", ""]
        lines += [f"- {message}" for message in figures["error_messages"]]
    return "\n".join(lines) + "\n"


def run_load(
    settings: Settings,
    questions: Sequence[dict[str, Any] | str],
    clients: int = 16,
    seconds: float = 60.0,
    out_dir: Path | None = None,
    url: str | None = None,
    ready_timeout: float = READY_TIMEOUT_S,
) -> int:
    """Start the app (unless ``url`` is given), load it, write reports/load-*; exit code."""
    texts = _question_texts(questions)
    out_dir = out_dir or settings.eval.reports_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = None
    log = out_dir / "load-app.log"
    try:
        if url is None:
            port = free_port()
            url = f"http://127.0.0.1:{port}/"
            proc = start_app(settings, port, log)
        waited = wait_ready(url, texts[0], proc, log if proc else None, ready_timeout)
        warmup = _client(url)
        for question in texts[1 : 1 + WARMUP_CALLS]:
            ask_once(warmup, 0, question)
        warmup.close()
        driver_cpu, app_cpu, busy = time.process_time(), app_cpu_seconds(proc), machine_busy_seconds()
        calls, wall = drive(url, texts, clients, seconds)
        driver_cpu, app_cpu = time.process_time() - driver_cpu, app_cpu_seconds(proc) - app_cpu
        busy = machine_busy_seconds() - busy
    finally:
        if proc is not None:
            stop_app(proc)

    figures: dict[str, Any] = {
        "url": url,
        "machine": f"{os.cpu_count()} cores",
        "app_concurrency": settings.app.concurrency if proc is not None else "unknown (--url)",
        "ready_after_s": round(waited, 1),
        **summarise(calls, wall, clients, seconds),
    }
    # Client minus server time: waiting in Gradio's queue, plus the HTTP/SSE round trip.
    figures["queueing_p50_ms"] = round(figures["latency_p50_ms"] - figures["server_total_p50_ms"], 1)
    # The load, the app and anything else share the machine: the CPU each used while measured.
    # Other processes' CPU (other_cpu_s) means the figures are disturbed: measure again.
    cores = os.cpu_count() or 1
    figures["driver_cpu_s"] = round(driver_cpu, 1)
    if proc is not None:
        figures["app_cpu_s"] = round(app_cpu, 1)
        figures["other_cpu_s"] = round(max(0.0, busy - driver_cpu - app_cpu), 1)
    figures["machine_busy_share"] = round(busy / (wall * cores), 2)
    text = markdown(figures)
    path = report.write(out_dir, "load", {"figures": figures, "calls": [asdict(c) for c in calls]}, text)
    print(text)
    print(f"Rapport: {path}")
    return 1 if figures["errors"] else 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = DanishParser(prog="python -m evals.load", description="Belast appens /ask-API med samtidige kald.")
    parser.add_argument("--clients", type=int, default=16, help="samtidige klienter (standard 16)")
    parser.add_argument("--seconds", type=float, default=60.0, help="sekunder belastning (standard 60)")
    parser.add_argument("--url", help="en app, der allerede kører (ellers startes python app.py)")
    parser.add_argument("--qa", type=Path, help="QA-fil i JSONL-format (standard: evals/bank/test.jsonl)")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients og --seconds skal være positive")
    setup_logging()
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the app too, like Ctrl-C
    try:
        settings = load_settings()
        items = metrics.load_qa(args.qa or settings.eval.qa_file)
        return run_load(settings, items, args.clients, args.seconds, url=args.url)
    except (AssistantError, ValueError, OSError) as exc:
        message = describe(exc) if isinstance(exc, AssistantError) else str(exc)
        print(f"Fejl: {message}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
