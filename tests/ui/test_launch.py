"""The app's doors, through the real app (``python app.py``) over HTTP: the routes it
does not use are closed, the optional login guards the page and the API, and the API
checks what it is sent. One app process serves every test here, over the tiny corpus
with the real encoder and an unfitted answerer (this is about the doors, not the
answers)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from assistant.model import AnswerModel
from core.config import PROJECT_ROOT

pytestmark = pytest.mark.model

RESOURCES = Path(__file__).parents[1] / "resources"
USER, PASSWORD = "anna", "rødgrød med fløde"
QUESTION = "Hvornår stopper forsøget med grus på stierne?"
HTML = {"accept": "text/html,application/xhtml+xml"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class App:
    url: str
    corpus: Path
    log: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60)

    @contextmanager
    def login(self) -> Iterator[httpx.Client]:
        """A client with a session, as a program gets one (gradio_client's ``auth=`` does the same)."""
        with self.client() as client:
            done = client.post("/login", data={"username": USER, "password": PASSWORD})
            assert done.status_code == 200 and done.json() == {"success": True}
            yield client


def ask(client: httpx.Client, *data: object) -> tuple[str, object]:
    """Call /ask as a plain HTTP client does: ("complete", answer) or ("error", message)."""
    started = client.post("/gradio_api/call/ask", json={"data": list(data)})
    assert started.status_code == 200, started.text
    stream = client.get(f"/gradio_api/call/ask/{started.json()['event_id']}").text
    event = next(line[7:] for line in stream.splitlines() if line.startswith("event: "))
    payload = json.loads(next(line[6:] for line in stream.splitlines() if line.startswith("data: ")))
    return (event, payload[0]) if event == "complete" else (event, payload["error"])


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out
        )


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Iterator[App]:
    root = tmp_path_factory.mktemp("launch")
    corpus = root / "corpus"
    shutil.copytree(RESOURCES / "corpus", corpus)
    answerer = root / "answerer.json"
    answerer.write_text(json.dumps(AnswerModel.neutral().to_dict()), encoding="utf-8")
    users = root / "brugere.txt"
    users.write_text(f"# Brugere af assistenten\n\n{USER}:{PasswordHasher().hash(PASSWORD)}\n", encoding="utf-8")
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_DATA_DIR": str(root / "data"),
        "ASSISTANT_EMBEDDING_CACHE": str(shared_cache),
        "ASSISTANT_ANSWER__MODEL_FILE": str(answerer),
        "ASSISTANT_RETRIEVAL__RELOAD_SECONDS": "0",
        "ASSISTANT_AUTH_FILE": str(users),
    }
    port, log = _free_port(), root / "app.log"
    proc = _start(env, port, log)
    app = App(f"http://127.0.0.1:{port}", corpus, log)
    deadline = time.monotonic() + 240
    while True:  # up, and its index built
        try:
            with app.login() as client:
                if ask(client, QUESTION, None)[0] == "complete":
                    break
        except (httpx.HTTPError, AssertionError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the app did not start: {log.read_text()[-3000:]}")
        time.sleep(1)
    yield app
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    assert "Traceback" not in log.read_text()  # nothing any test sent made the server fail


def test_without_a_login_neither_the_page_nor_the_api_is_served(app: App) -> None:
    with app.client() as client:
        page = client.get("/?doc=notat.txt&start=0&end=5", headers=HTML)
        assert page.status_code == 303
        assert page.headers["location"] == "login?next=%2F%3Fdoc%3Dnotat.txt%26start%3D0%26end%3D5"
        form = client.get("/login?next=%2F%3Fdoc%3Dnotat.txt", headers=HTML)
        assert form.status_code == 200 and 'lang="da"' in form.text
        assert "Brugernavn" in form.text and "Adgangskode" in form.text and "Log ind" in form.text
        assert 'value="/?doc=notat.txt"' in form.text
        for method, path in (
            ("POST", "/gradio_api/call/ask"),
            ("GET", "/gradio_api/info"),
            ("GET", "/config"),
            ("POST", "/gradio_api/queue/join"),
            ("GET", "/gradio_api/file=/etc/passwd"),
            ("GET", "/"),  # not a browser: no redirect
        ):
            refused = client.request(method, path, json={"data": [QUESTION, None]})
            assert refused.status_code == 401, (path, refused.text)
            assert "Log ind først" in refused.json()["error"]


def test_a_wrong_password_gets_a_danish_message(app: App) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    with app.client() as client:
        for user, password in ((USER, "forkert"), ("ukendt", PASSWORD), (USER, ""), ("", "")):
            started = time.monotonic()
            form = client.post("/login", data={"username": user, "password": password, "next": "/"}, headers=HTML)
            assert form.status_code == 401 and "Forkert brugernavn eller adgangskode." in form.text
            assert time.monotonic() - started >= 1  # guessing is slow
            api = client.post("/login", data={"username": user, "password": password})
            assert api.status_code == 401 and api.json()["error"] == "Forkert brugernavn eller adgangskode."
        assert "frikommune_session" not in client.cookies
        assert client.post("/gradio_api/call/ask", json={"data": [QUESTION, None]}).status_code == 401
    with pytest.raises(AuthenticationError):
        Client(app.url, auth=(USER, "forkert"), verbose=False)


def test_a_login_opens_the_page_and_the_api_and_a_logout_closes_them(app: App) -> None:
    from gradio_client import Client

    with app.client() as client:
        done = client.post(
            "/login", data={"username": USER, "password": PASSWORD, "next": "/?doc=notat.txt"}, headers=HTML
        )
        assert done.status_code == 303 and done.headers["location"] == "./?doc=notat.txt"
        cookie = done.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        page = client.get("/", headers=HTML)
        assert page.status_code == 200 and "Frikommuneforsøg II" in page.text
        assert ask(client, QUESTION, None)[0] == "complete"
        assert client.get("/logout", headers=HTML).status_code == 200
        assert client.get("/", headers=HTML).status_code == 303
        assert client.post("/gradio_api/call/ask", json={"data": [QUESTION, None]}).status_code == 401
    for untrusted in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        with app.client() as client:
            done = client.post("/login", data={"username": USER, "password": PASSWORD, "next": untrusted}, headers=HTML)
            assert done.headers["location"] == "./"  # only a path on this site
    answer = Client(app.url, auth=(USER, PASSWORD), verbose=False).predict(QUESTION, None, api_name="/ask")
    assert answer["citations"] and answer["question"] == QUESTION


def test_the_routes_the_app_does_not_use_are_closed(app: App, tmp_path: Path) -> None:
    with app.login() as client:
        upload = client.post("/gradio_api/upload", files={"files": ("stor.bin", b"x" * 2_000_000)})
        assert upload.status_code == 404 and "stor.bin" not in upload.text
        for path in ("/monitoring", "/monitoring/summary", "/gradio_api/runs", "/gradio_api/upload_progress"):
            assert client.get(path).status_code == 404, path
        info = client.get("/gradio_api/info").json()
        assert set(info["named_endpoints"]) == {"/ask"} and not info["unnamed_endpoints"]
        config = client.get("/config").json()
        assert config["max_file_size"] == 0  # Gradio's own cap, behind the closed route


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ((QUESTION, [1, 2]), "nr. 1 er et tal"),
        ((QUESTION, "abc"), "skal være en liste"),
        ((123, None), "question skal være en tekst"),
        ((QUESTION, {"a": 1}), "skal være en liste"),
        (("x" * 50_000, None), "for langt"),
        ((QUESTION, ["notat.txt", "/etc/passwd"]), "aldrig ved en sti på serveren"),
        ((QUESTION, ["notat.txt", "findes-ikke.txt"]), "Ukendt dokument i filteret: »findes-ikke.txt«"),
    ],
)
def test_the_api_checks_its_parameters_in_danish(app: App, data: tuple, words: str) -> None:
    with app.login() as client:
        event, message = ask(client, *data)
    assert event == "error" and isinstance(message, str) and words in message, message
    assert str(app.corpus) not in message and len(message) < 600


def test_a_call_without_both_parameters_gets_a_danish_message(app: App) -> None:
    with app.login() as client:
        for body in ({"data": [QUESTION]}, {"data": []}):
            done = client.post("/gradio_api/call/ask", json=body)
            assert done.status_code == 422 and "data = [question, documents]" in done.json()["error"]
        assert client.post("/gradio_api/call/ask", content=b"ikke json").status_code == 422  # Gradio's own check
        assert ask(client, QUESTION, None)[0] == "complete"  # a whole call still goes through


def test_unknown_names_are_not_echoed_in_bulk(app: App) -> None:
    names = [f"corpus/findes-ikke-{i}.txt" for i in range(100_000)]
    with app.login() as client:
        event, message = ask(client, QUESTION, names)
        assert event == "error" and "højst 10.000" in str(message) and len(str(message)) < 300
        event, message = ask(client, QUESTION, names[:10_000])
    assert event == "error" and "og 9.997 andre" in str(message) and len(str(message)) < 600
    assert "findes-ikke-3.txt" not in str(message) and "notat.txt" in str(message)


def test_answers_name_documents_relative_to_the_corpus_and_say_what_is_not_indexed(app: App) -> None:
    with app.login() as client:
        event, answer = ask(client, QUESTION, ["notat.txt", "tabel.txt"])
        assert event == "complete" and isinstance(answer, dict)
        assert answer["citations"] and {c["source"] for c in answer["citations"]} <= {"notat.txt", "tabel.txt"}
        assert answer["incomplete"] == [] and answer["notice"] == ""
        (app.corpus / "ny.txt").write_text("Et nyt notat om forsøget med grus.\n", encoding="utf-8")
        event, answer = ask(client, QUESTION, None)
    assert event == "complete" and isinstance(answer, dict)
    assert answer["incomplete"] == ["ny.txt"]
    assert answer["notice"] == "1 af 5 dokumenter er ikke indekseret endnu; svaret kan være ufuldstændigt."
    assert str(app.corpus) not in json.dumps(answer, ensure_ascii=False)


def _app(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "app.py", *args], cwd=PROJECT_ROOT, env=env, input=stdin, capture_output=True, text=True
    )


def test_a_bad_login_file_stops_the_app_with_a_danish_message(tmp_path: Path) -> None:
    users = tmp_path / "brugere.txt"
    for content, words in (
        (None, "kan ikke læses: filen findes ikke"),
        ("# ingen endnu\n", "ingen brugere"),
        ("anna:hemmelig\n", "linje 1: annas adgangskode er ikke en argon2-hash"),
        ("anna\n", "linje 1: skal være NAVN:HASH"),
        (
            f"anna:{PasswordHasher().hash('x')}\nanna:{PasswordHasher().hash('y')}\n",
            "linje 2: brugeren anna står der to gange",
        ),
    ):
        if content is not None:
            users.write_text(content, encoding="utf-8")
        done = _app({**os.environ, "ASSISTANT_AUTH_FILE": str(users), "ASSISTANT_PORT": str(_free_port())})
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("Fejl: Loginfilen") and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_hash_password_writes_a_line_for_the_login_file(tmp_path: Path) -> None:
    from argon2 import PasswordHasher as Hasher

    done = _app(dict(os.environ), "--hash-password", USER, stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    name, hashed = done.stdout.strip().split(":", 1)
    assert name == USER and hashed.startswith("$argon2id$") and Hasher().verify(hashed, PASSWORD)
    for args, stdin, words in (
        (("--hash-password", "an na"), PASSWORD, "mellemrum"),
        (("--hash-password", USER), "kort\n", "mindst 8 tegn"),
    ):
        done = _app(dict(os.environ), *args, stdin=stdin)
        assert done.returncode == 2 and words in done.stderr and not done.stdout


def test_status_says_whether_the_index_is_ready_without_a_login(app: App) -> None:
    with app.client() as client:
        status = client.get("/status").json()
    assert status["ready"] is True and status["phase"] == "ready"
    assert status["total"] >= 1 and status["error"] == ""


def test_the_api_takes_the_conversation_as_an_optional_third_parameter(app: App) -> None:
    with app.login() as client:
        event, alone = ask(client, QUESTION, None)
        assert event == "complete" and isinstance(alone, dict) and alone["read_as"] == ""
        event, follow = ask(client, "Og hvad viste evalueringen?", None, [QUESTION])
        assert event == "complete" and isinstance(follow, dict) and isinstance(follow["context"], list)
        event, message = ask(client, QUESTION, None, "ikke en liste")
    assert event == "error" and "history skal være en liste" in str(message)
