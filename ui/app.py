"""The Gradio app: the layout, wired to the callbacks in ui/chat.py where the logic
lives, and the launch with the gate of ui/gate.py in front.

The page is served at once; the index is opened, built or updated in the background and
the page shows the progress (ui/startup.py).

Gradio's routes that the app does not use are closed at launch: uploads (refused, and
capped at 0 bytes besides), monitoring, the run history, MCP. The API page lists only
``/ask``. With ``ASSISTANT_AUTH_FILE`` set, every route, the page and the API alike,
requires a login (a Danish form at /login; API clients post the same form, as
gradio_client's ``auth=`` does, and send the session cookie).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home; there is no internet here
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr
from starlette.middleware import Middleware

from core.cliutil import DanishParser, fail, setup_logging
from core.config import Settings, load_settings
from core.errors import AssistantError
from ingest.pipeline import corpus_sources, run_ingest
from ui import chat, trials
from ui.gate import AUTH_FILE_ENV, TITLE, Gate, Users, hash_password, load_users
from ui.remedies import explain
from ui.render import VIEWER_EMPTY
from ui.startup import IndexService

logger = logging.getLogger("app")

WEB = Path(__file__).parent / "web"  # the page's own CSS, scripts and <head> lines
CSS = ("app.css", "answer.css", "trials.css")  # layout, screens, accessibility; the answer; the trial register


def _script(*names: str) -> str:
    """The code a gr.HTML component runs on load (``element``, ``trigger``, ``watch``)."""
    return "\n".join((WEB / name).read_text(encoding="utf-8") for name in names)


def build_ui(service: IndexService, login: bool = False) -> gr.Blocks:
    settings = service.settings
    exports = trials.Exports()  # the register's CSV and XLSX, written once per version

    def register() -> tuple[Any, ...]:
        state = trials.trials_state(service, exports)
        return (
            state.html,
            gr.DownloadButton(value=state.csv, visible=state.csv is not None),
            gr.DownloadButton(value=state.xlsx, visible=state.xlsx is not None),
        )

    def page() -> tuple[Any, ...]:
        state = chat.page_state(service)
        return (
            state.banner,
            gr.Textbox(interactive=state.ready),
            gr.CheckboxGroup(choices=state.choices, value=[source for _, source in state.choices]),
            state.table,
            gr.Timer(active=state.busy),
            gr.Dataset(visible=state.ready),  # an example clicked before the index is ready would do nothing
        )

    def load(request: gr.Request) -> tuple[Any, ...]:
        params = dict(request.query_params) if request else {}
        return (*page(), chat.show_span(service, params) if params.get("doc") else VIEWER_EMPTY, *register())

    def tick() -> tuple[Any, ...]:
        banner, question, selected, table, timer, examples = page()
        if timer.active:  # still building: keep the user's filter as it is
            return banner, question, gr.skip(), gr.skip(), timer, examples, gr.skip(), gr.skip(), gr.skip()
        return banner, question, selected, table, timer, examples, *register()

    def respond(question: str, history: list[dict], selected: list[str], asked: list[str]) -> tuple[Any, ...]:
        history, sources, box, notice, asked = chat.respond(service, question, history, selected, asked)
        # A question that could not be asked (empty, too long, a second Enter on an emptied
        # box) says why in the notice and leaves the last answer's sources where they are.
        return history, gr.skip() if notice else sources, box, notice, asked

    def open_link(evt: gr.EventData) -> str:
        data = getattr(evt, "_data", None) or {}
        return chat.show_span(service, {k: str(data[k]) for k in ("doc", "start", "end") if data.get(k)})

    def ask(question: str, documents: list[str] | None = None, history: list[str] | None = None) -> dict:
        """Answer a question from the documents: the answer text with [n] markers, whether it
        is answered, and the numbered citations (title, locator, exact quote, offsets).
        ``history``: the conversation's earlier questions, oldest first, for a follow-up
        ("og hvad med Thisted?"); the answer's ``read_as`` says how it was read."""
        try:
            return chat.ask_api(service, question, documents, history)
        except AssistantError as exc:
            raise gr.Error(chat.public_message(settings, explain(exc)), print_exception=False) from None
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
        asked = gr.State([])  # this browser session's questions so far, for reading follow-ups
        timer = gr.Timer(settings.app.status_seconds, active=True)
        with gr.Tabs():
            with gr.Tab("Spørg", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=5):
                    history = gr.Chatbot(
                        label="Samtale",
                        height=440,
                        autoscroll=False,  # sources.js shows the start of a new answer, not its end
                        sanitize_html=True,
                        buttons=["copy"],
                        feedback_options=None,
                        placeholder="Stil et spørgsmål om Frikommuneforsøg II nedenfor. "
                        "Svarene citerer kilderne ordret, med nummererede kilder. "
                        "Et opfølgende spørgsmål (»og hvad med Thisted?«) læses i sammenhæng med samtalen; "
                        "»Ny samtale« starter forfra.",
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
                    scope = gr.Markdown(elem_id="scope")  # an active document filter, always in sight
                    with gr.Accordion("Afgræns til dokumenter", open=False):
                        selected = gr.CheckboxGroup(label="Søg kun i", elem_id="filter")
                    sources = gr.HTML(elem_id="sources", js_on_load=_script("copy.js", "sources.js"))
                    examples = gr.Examples(
                        list(chat.EXAMPLES), inputs=question, label="Eksempler – klik for at bruge", visible=False
                    )
                    clear = gr.Button("Ny samtale", size="sm", variant="secondary")
                with gr.Column(scale=4, elem_id="viewer-column"):
                    viewer = gr.HTML(
                        VIEWER_EMPTY, label="Kilde", elem_id="viewer", js_on_load=_script("copy.js", "viewer.js")
                    )
            with gr.Tab("Dokumenter", id="documents"):
                gr.Markdown("Dokumenterne i indekset. Klik på en titel for at læse hele dokumentet.")
                table = gr.HTML(elem_id="documents", js_on_load=_script("documents.js"))
                document = gr.HTML(elem_id="document", js_on_load=None)
            with gr.Tab("Forsøg", id="trials"):
                gr.Markdown(trials.INTRO)
                with gr.Row(elem_id="trials-downloads"):
                    trials_csv = gr.DownloadButton("Hent CSV", size="sm", variant="secondary", visible=False)
                    trials_xlsx = gr.DownloadButton("Hent XLSX", size="sm", variant="secondary", visible=False)
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2):
                        trials_table = gr.HTML(elem_id="trials", js_on_load=_script("copy.js", "trials.js"))
                    with gr.Column(scale=1, elem_id="trials-column"):
                        trial_viewer = gr.HTML(
                            trials.VIEWER_HINT, label="Kilde", elem_id="trial-viewer", js_on_load=None
                        )
        gr.Markdown(
            "Værktøjet kan også bruges fra et program: [Brug via API](?view=api) (Gradios egen side, på engelsk).",
            elem_id="footer-api",
        )

        private: dict[str, Any] = {"api_visibility": "private"}
        page_outputs = [banner, question, selected, table, timer, examples.dataset]
        register_outputs = [trials_table, trials_csv, trials_xlsx]
        demo.load(load, None, [*page_outputs, viewer, *register_outputs], **private)
        timer.tick(tick, None, [*page_outputs, *register_outputs], **private)
        # The chat and the API share one limit of app.concurrency questions at a time.
        question.submit(
            respond,
            [question, history, selected, asked],
            [history, sources, question, notice, asked],
            trigger_mode="once",
            concurrency_id="answer",
            **private,
        )
        selected.change(lambda chosen: chat.scope_line(service, chosen), selected, scope, **private)
        sources.click(open_link, None, viewer, **private)
        table.click(open_link, None, document, **private)
        trials_table.click(open_link, None, trial_viewer, **private)
        clear.click(lambda: ([], "", "", VIEWER_EMPTY, []), None, [history, sources, notice, viewer, asked], **private)
        gr.api(ask, api_name="ask", concurrency_id="answer")
    return demo


def launch(settings: Settings, service: IndexService, users: Users | None = None) -> None:
    demo = build_ui(service, login=users is not None)
    demo.queue(default_concurrency_limit=settings.app.concurrency)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        show_error=False,
        css="\n".join((WEB / name).read_text(encoding="utf-8") for name in CSS),
        head=(WEB / "head.html").read_text(encoding="utf-8"),  # the page is Danish: lang="da"
        footer_links=[],  # Gradio's footer is English; the page has its own Danish API link
        max_file_size=0,  # the app takes no files; the upload route is closed by Gate as well
        enable_monitoring=False,
        run_history=False,
        mcp_server=False,
        ssr_mode=False,
        pwa=False,
        app_kwargs={"middleware": [Middleware(Gate, users=users, status=lambda: chat.service_status(service))]},
    )


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
    logging.getLogger("ui.startup").setLevel(logging.INFO)  # build progress in the terminal too
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
