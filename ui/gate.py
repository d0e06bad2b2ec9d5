"""The gate in front of Gradio: ASGI middleware that closes the routes the app does not
use (uploads, monitoring, run history), checks a plain-HTTP call of ``/ask`` for its two
parameters, answers ``/status`` (whether the index is ready: the public way for a script
to wait for the app), and, with a login file (``ASSISTANT_AUTH_FILE``), lets a request
through only with a session from ``/login``."""

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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote

import anyio
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.cliutil import fail
from core.errors import ConfigError, UsageError
from ui.render import login_html

logger = logging.getLogger("app")

TITLE = "Frikommuneforsøg II – spørg dokumenterne"
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
    'eller null for alle dokumenter, fx {"data": ["Hvilke forsøg stopper 31/12-21?", null]}; '
    "eventuelt også history, samtalens tidligere spørgsmål, ældste først."
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

    def __init__(
        self, app: ASGIApp, users: Users | None = None, status: Callable[[], dict[str, object]] | None = None
    ) -> None:
        self.app, self.users, self.status = app, users, status
        self.sessions: dict[str, tuple[str, float]] = {}  # token -> (user, expiry)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        request = Request(scope, receive)
        if self.status is not None and scope["type"] == "http" and path.rstrip("/") == "/status":
            # open without a login, like a health check: it tells only whether the index is ready
            await JSONResponse(self.status())(scope, receive, send)
        elif CLOSED.match(path):
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
            call = json.loads(body)
            data = call.get("data")
        except (ValueError, AttributeError):
            data = None  # not JSON, or not an object: Gradio's own validation answers (422)
        if isinstance(data, list) and len(data) < 2:
            await JSONResponse({"error": ASK_ARITY, "detail": ASK_ARITY}, 422)(scope, receive, send)
            return
        if isinstance(data, list) and len(data) == 2:  # no history: a question on its own
            call["data"] = [*data, None]  # (Gradio wants every parameter, defaults or not)
            body = json.dumps(call).encode()
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
