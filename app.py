"""The Gradio app. Thin: it lays out the components and wires them to the callbacks in
assistant/chat.py, where all the logic lives.

python app.py [--host H] [--port P]     (or ASSISTANT_HOST / ASSISTANT_PORT)
python app.py --hash-password NAVN      a line for the login file (asks for the password)

The page is served at once; the index is opened, built or updated in the background and
the page shows the progress (assistant/startup.py).

Gradio's routes that the app does not use are closed at launch: uploads (refused, and
capped at 0 bytes besides), monitoring, the run history, MCP. The API page lists only
``/ask``. With ``ASSISTANT_AUTH_FILE`` set, every route, the page and the API alike,
requires a login (a Danish form at /login; API clients post the same form, as
gradio_client's ``auth=`` does, and send the session cookie).
"""

from __future__ import annotations

import asyncio
import getpass
import json
import logging
import os
import re
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home; there is no internet here
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import anyio
import gradio as gr
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import chat
from assistant.cliutil import DanishParser, fail, setup_logging
from assistant.config import Settings, load_settings
from assistant.errors import AssistantError, ConfigError, UsageError
from assistant.render import VIEWER_EMPTY, login_html
from assistant.startup import IndexService
from ingest.pipeline import corpus_sources, run_ingest

logger = logging.getLogger("app")

TITLE = "Frikommuneforsøg II – spørg dokumenterne"

WEB = Path(__file__).parent / "assistant" / "web"  # the page's own CSS and scripts
AUTH_FILE_ENV = "ASSISTANT_AUTH_FILE"
# Gradio routes the app has no use for: closed whatever Gradio's own settings say.
CLOSED = re.compile(
    r"^/(monitoring|gradio_api/(upload|upload_progress|runs|run-history|process_recording|vibe-edit))\b"
)
# Open without a login: Gradio calls it itself while it launches (it runs the startup events once).
OPEN = ("/gradio_api/startup-events",)
# A call of /ask over plain HTTP: its body is read first (bounded), and one without both
# parameters is answered here, in Danish, instead of by a Gradio traceback.
ASK_CALL = re.compile(r"^/gradio_api/(call(/v2)?|run|api)/ask/?$")
ASK_BODY_BYTES = 20_000_000
ASK_TOO_BIG = f"Kaldet af /ask er for stort (højst {ASK_BODY_BYTES // 1_000_000} MB)."
ASK_ARITY = (
    "Kaldet af /ask skal sende data = [question, documents]: spørgsmålet og en liste af dokumentnavne, "
    'eller null for alle dokumenter, fx {"data": ["Hvilke forsøg stopper 31/12-21?", null]}.'
)
SESSION_COOKIE = "frikommune_session"
SESSION_SECONDS = 12 * 3600
FAILED_LOGIN_PAUSE = 1.0  # seconds before a wrong password is answered: guessing is slow
LOGIN_BODY_BYTES = 16_384
USER_NAME = re.compile(r"^[^\s:]{1,64}$")
WRONG_LOGIN = "Forkert brugernavn eller adgangskode."
LOGGED_OUT = "Du er logget ud."
NOT_LOGGED_IN = (
    "Log ind først: send brugernavn og adgangskode (felterne username og password) til /login, "
    "og send den cookie, svaret sætter, med de følgende kald (gradio_client: Client(adresse, auth=(navn, kode)))."
)


def _script(*names: str) -> str:
    """The code a gr.HTML component runs on load (``element``, ``trigger``, ``watch``)."""
    return "\n".join((WEB / name).read_text(encoding="utf-8") for name in names)


@dataclass(frozen=True)
class Users:
    """The login file: one ``name:argon2-hash`` per line; blank lines and # comments skipped."""

    hashes: dict[str, str]
    dummy: str  # verified against for an unknown name, so it takes as long as a known one

    @classmethod
    def load(cls, path: Path) -> Users:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Loginfilen {path} ({AUTH_FILE_ENV}) kan ikke læses: {_reason(exc)}.") from exc
        hashes: dict[str, str] = {}
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, colon, hashed = line.partition(":")
            where = f"Loginfilen {path}, linje {number}"
            if not colon or not USER_NAME.match(name):
                raise ConfigError(f"{where}: skal være NAVN:HASH, og navnet må ikke indeholde mellemrum eller kolon.")
            try:
                extract_parameters(hashed)
            except (InvalidHashError, ValueError):
                raise ConfigError(
                    f"{where}: {name}s adgangskode er ikke en argon2-hash. "
                    f"Lav linjen med: python app.py --hash-password {name}"
                ) from None
            if name in hashes:
                raise ConfigError(f"{where}: brugeren {name} står der to gange.")
            hashes[name] = hashed
        if not hashes:
            raise ConfigError(f"Loginfilen {path} ({AUTH_FILE_ENV}) har ingen brugere.")
        return cls(hashes, PasswordHasher().hash(secrets.token_hex(8)))

    def verify(self, name: str, password: str) -> bool:
        try:
            return PasswordHasher().verify(self.hashes.get(name, self.dummy), password) and name in self.hashes
        except (VerificationError, InvalidHashError):
            return False


def _reason(exc: BaseException) -> str:
    """Why the login file cannot be read, in Danish (the C library's text is English)."""
    if isinstance(exc, FileNotFoundError):
        return "filen findes ikke"
    if isinstance(exc, PermissionError):
        return "adgang nægtet"
    if isinstance(exc, IsADirectoryError):
        return "det er en mappe"
    return "den er ikke UTF-8-tekst" if isinstance(exc, UnicodeDecodeError) else f"systemfejl ({type(exc).__name__})"


class Gate:
    """ASGI middleware in front of Gradio: closes the routes the app does not use, and,
    with a login file, lets a request through only with a session from /login."""

    def __init__(self, app: ASGIApp, users: Users | None = None) -> None:
        self.app, self.users = app, users
        self.sessions: dict[str, tuple[str, float]] = {}  # token -> (user, expiry)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        request = Request(scope, receive)
        if CLOSED.match(path):
            await self._refuse(scope, receive, send, PlainTextResponse("Ikke tilgængelig i denne app.", 404))
        elif self.users is None or path in OPEN:
            await self._pass(scope, receive, send)
        elif scope["type"] == "http" and path.rstrip("/") in ("/login", "/logout"):
            await self._login(request, send, logout=path.rstrip("/") == "/logout")
        elif self._user(request) is not None:
            await self._pass(scope, receive, send)
        else:
            await self._refuse(scope, receive, send, self._to_login(request))

    async def _pass(self, scope: Scope, receive: Receive, send: Send) -> None:
        """On to Gradio; a plain HTTP call of /ask is read first and checked for its two
        parameters (Gradio answers a missing one with a traceback and an empty error)."""
        if scope["type"] != "http" or scope["method"] != "POST" or not ASK_CALL.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > ASK_BODY_BYTES:
                await JSONResponse({"error": ASK_TOO_BIG, "detail": ASK_TOO_BIG}, 413)(scope, receive, send)
                return
        try:
            data = json.loads(body).get("data")
        except (ValueError, AttributeError):
            data = None  # not JSON, or not an object: Gradio's own validation answers (422)
        if isinstance(data, list) and len(data) < 2:
            await JSONResponse({"error": ASK_ARITY, "detail": ASK_ARITY}, 422)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, response: Response) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            await response(scope, receive, send)

    def _user(self, request: Request) -> str | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        user, expiry = self.sessions.get(token, ("", 0.0))
        if time.time() < expiry:
            return user
        self.sessions.pop(token, None)
        return None

    @staticmethod
    def _to_login(request: Request) -> Response:
        """A browser is sent to the login form (and back to where it was going after it);
        a program gets 401 and how to log in."""
        if request.method in ("GET", "HEAD") and "text/html" in request.headers.get("accept", ""):
            path = request.url.path
            target = path + (f"?{request.url.query}" if request.url.query else "")
            up = "../" * (path.count("/") - 1)  # relative, so a proxy's path prefix is kept
            return RedirectResponse(f"{up}login?next={quote(target, safe='')}", 303)
        return JSONResponse({"error": NOT_LOGGED_IN, "detail": NOT_LOGGED_IN}, 401)

    async def _login(self, request: Request, send: Send, logout: bool) -> None:
        """GET /login: the form. POST /login: check the password; a session cookie and
        back to where the user was going, or the form again with a Danish message."""
        if logout:
            self.sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
            response: Response = HTMLResponse(login_html(TITLE, LOGGED_OUT))
            response.delete_cookie(SESSION_COOKIE, path="/")
        elif request.method != "POST":
            response = HTMLResponse(login_html(TITLE, next_path=_safe_next(request.query_params.get("next", ""))))
        else:
            form = await _form(request)
            name, password = form.get("username", "").strip(), form.get("password", "")
            target = _safe_next(form.get("next", ""))
            browser = "text/html" in request.headers.get("accept", "")
            if self.users is not None and await anyio.to_thread.run_sync(self.users.verify, name, password):
                now = time.time()
                if len(self.sessions) > 1000:  # forget expired sessions now and then
                    self.sessions = {t: (u, until) for t, (u, until) in self.sessions.items() if until > now}
                token = secrets.token_urlsafe(32)
                self.sessions[token] = (name, now + SESSION_SECONDS)
                response = RedirectResponse("." + target, 303) if browser else JSONResponse({"success": True})
                secure = request.url.scheme == "https"
                response.set_cookie(
                    SESSION_COOKIE, token, SESSION_SECONDS, path="/", secure=secure, httponly=True, samesite="lax"
                )
            else:
                client = request.client.host if request.client else "?"
                logger.warning("forkert login som %r fra %s", name[:64], client)
                await asyncio.sleep(FAILED_LOGIN_PAUSE)
                response = (
                    HTMLResponse(login_html(TITLE, WRONG_LOGIN, target, failed=True), 401)
                    if browser
                    else JSONResponse({"error": WRONG_LOGIN, "detail": WRONG_LOGIN}, 401)
                )
        await response(request.scope, request.receive, send)


async def _form(request: Request) -> dict[str, str]:
    """The login form's fields (URL-encoded, as a browser and gradio_client send them)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > LOGIN_BODY_BYTES:
            return {}
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


def _safe_next(target: str) -> str:
    """Where to go after logging in: a path on this site only."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def build_ui(service: IndexService, login: bool = False) -> gr.Blocks:
    settings = service.settings

    def page() -> tuple[Any, ...]:
        state = chat.page_state(service)
        return (
            state.banner,
            gr.Textbox(interactive=state.ready),
            gr.CheckboxGroup(choices=state.choices, value=[source for _, source in state.choices]),
            state.table,
            gr.Timer(active=state.busy),
        )

    def load(request: gr.Request) -> tuple[Any, ...]:
        params = dict(request.query_params) if request else {}
        return (*page(), chat.show_span(service, params) if params.get("doc") else VIEWER_EMPTY)

    def tick() -> tuple[Any, ...]:
        banner, question, selected, table, timer = page()
        if timer.active:  # still building: keep the user's filter as it is
            return banner, question, gr.skip(), gr.skip(), timer
        return banner, question, selected, table, timer

    def respond(question: str, history: list[dict], selected: list[str]) -> tuple[Any, ...]:
        return chat.respond(service, question, history, selected)

    def open_link(evt: gr.EventData) -> str:
        data = getattr(evt, "_data", None) or {}
        return chat.show_span(service, {k: str(data[k]) for k in ("doc", "start", "end") if data.get(k)})

    def ask(question: str, documents: list[str] | None = None) -> dict:
        """Answer a question from the documents: the answer text with [n] markers, whether it
        is answered, and the numbered citations (title, locator, exact quote, offsets)."""
        try:
            return chat.ask_api(service, question, documents)
        except AssistantError as exc:
            raise gr.Error(chat.public_message(settings, exc.message), print_exception=False) from None
        except Exception:
            logger.exception("API call failed")
            raise gr.Error(chat.UNEXPECTED, print_exception=False) from None

    with gr.Blocks(title=TITLE) as demo:
        gr.Markdown(
            f"# {TITLE}\n"
            "Svarene er ordrette uddrag af kildedokumenterne. Hvert udsagn har et nummer [n]; "
            "klik på kilden under svaret for at se de præcise ord markeret i dokumentet."
            + (" [Log ud](logout)" if login else "")
        )
        banner = gr.HTML(elem_id="status", apply_default_css=True, js_on_load=None)
        timer = gr.Timer(settings.app.status_seconds, active=True)
        with gr.Tabs():
            with gr.Tab("Spørg", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=5):
                    history = gr.Chatbot(
                        label="Samtale",
                        height=440,
                        sanitize_html=True,
                        buttons=["copy"],
                        feedback_options=None,
                        placeholder="Stil et spørgsmål om Frikommuneforsøg II nedenfor. "
                        "Svarene citerer kilderne ordret, med nummererede kilder.",
                        elem_id="chat",
                    )
                    question = gr.Textbox(
                        label="Dit spørgsmål",
                        placeholder=chat.EXAMPLES[0],
                        submit_btn="Spørg",
                        interactive=False,
                        elem_id="question",
                    )
                    notice = gr.Markdown(elem_id="notice")
                    with gr.Accordion("Afgræns til dokumenter", open=False):
                        selected = gr.CheckboxGroup(label="Søg kun i", elem_id="filter")
                    sources = gr.HTML(elem_id="sources", js_on_load=_script("copy.js", "sources.js"))
                    gr.Examples(list(chat.EXAMPLES), inputs=question, label="Eksempler – klik for at bruge")
                    clear = gr.Button("Ny samtale", size="sm", variant="secondary")
                with gr.Column(scale=4, elem_id="viewer-column"):
                    viewer = gr.HTML(
                        VIEWER_EMPTY, label="Kilde", elem_id="viewer", js_on_load=_script("copy.js", "viewer.js")
                    )
            with gr.Tab("Dokumenter", id="documents"):
                gr.Markdown("Dokumenterne i indekset. Klik på en titel for at læse hele dokumentet.")
                table = gr.HTML(elem_id="documents", js_on_load=_script("documents.js"))
                document = gr.HTML(elem_id="document", js_on_load=None)

        private: dict[str, Any] = {"api_visibility": "private"}
        page_outputs = [banner, question, selected, table, timer]
        demo.load(load, None, [*page_outputs, viewer], **private)
        timer.tick(tick, None, page_outputs, **private)
        # The chat and the API share one limit of app.concurrency questions at a time.
        question.submit(
            respond,
            [question, history, selected],
            [history, sources, question, notice],
            trigger_mode="once",
            concurrency_id="answer",
            **private,
        )
        sources.click(open_link, None, viewer, **private)
        table.click(open_link, None, document, **private)
        clear.click(lambda: ([], "", "", VIEWER_EMPTY), None, [history, sources, notice, viewer], **private)
        gr.api(ask, api_name="ask", concurrency_id="answer")
    return demo


def launch(settings: Settings, service: IndexService, users: Users | None = None) -> None:
    demo = build_ui(service, login=users is not None)
    demo.queue(default_concurrency_limit=settings.app.concurrency)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        show_error=False,
        css=(WEB / "app.css").read_text(encoding="utf-8"),
        footer_links=["api"],  # the API page: /ask only, every other event is private
        max_file_size=0,  # the app takes no files; the upload route is closed by Gate as well
        enable_monitoring=False,
        run_history=False,
        mcp_server=False,
        ssr_mode=False,
        pwa=False,
        app_kwargs={"middleware": [Middleware(Gate, users=users)]},
    )


def load_users() -> Users | None:
    """The login file named by ASSISTANT_AUTH_FILE; None when it is not set."""
    name = os.environ.get(AUTH_FILE_ENV, "").strip()
    return Users.load(Path(name).expanduser()) if name else None


def hash_password(name: str) -> int:
    """Print a line for the login file: NAME:argon2-hash of a password read from the
    terminal (twice), or from the first line of stdin when that is not a terminal."""
    if not USER_NAME.match(name):
        return fail(UsageError(f"Brugernavnet {name!r} må ikke være tomt eller indeholde mellemrum eller kolon."))
    if sys.stdin.isatty():
        password = getpass.getpass("Adgangskode: ")
        if getpass.getpass("Gentag adgangskoden: ") != password:
            return fail(UsageError("De to adgangskoder er ikke ens."))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        return fail(UsageError("Adgangskoden skal være mindst 8 tegn."))
    print(f"{name}:{PasswordHasher().hash(password)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = DanishParser(prog="python app.py", description="Start chatten i browseren.")
    parser.add_argument("--host", help="adresse (standard 127.0.0.1 eller ASSISTANT_HOST)")
    parser.add_argument("--port", type=int, help="port (standard 7860 eller ASSISTANT_PORT)")
    parser.add_argument(
        "--hash-password",
        metavar="NAVN",
        help=f"skriv en linje til loginfilen ({AUTH_FILE_ENV}) for brugeren NAVN; spørger om adgangskoden",
    )
    args = parser.parse_args(argv)
    setup_logging()
    if args.hash_password is not None:
        return hash_password(args.hash_password)
    logging.getLogger("assistant.startup").setLevel(logging.INFO)  # build progress in the terminal too
    try:
        settings = load_settings(**{k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None})
        users = load_users()
    except AssistantError as exc:
        return fail(exc)
    service = IndexService(settings, run_ingest, corpus_sources)
    service.start()
    login = f" (login kræves: {len(users.hashes)} brugere)" if users else ""
    print(f"Chatten kører på http://{settings.host}:{settings.port}{login}", flush=True)
    try:
        launch(settings, service, users)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        print(f"Fejl: kan ikke lytte på {settings.host}:{settings.port} ({exc.strerror or exc})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
