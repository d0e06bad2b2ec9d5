"""The Gradio chat. Thin: it builds the UI and launches it; the logic lives in assistant/.

python app.py [--host H] [--port P]     (or ASSISTANT_HOST / ASSISTANT_PORT)
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home; there is no internet here

import gradio as gr

from assistant.chat import EXAMPLES, respond
from assistant.cliutil import DanishParser, fail, setup_logging
from assistant.config import load_settings
from assistant.engine import Assistant, build_assistant
from assistant.errors import AssistantError, IndexNotBuiltError


def build_ui(assistant: Assistant | None) -> gr.Blocks:
    with gr.Blocks(title="Frikommuneforsøg II – spørg dokumenterne") as demo:
        gr.Markdown(
            "# Spørg dokumenterne om Frikommuneforsøg II\n"
            "Svarene er ordrette uddrag af kilderne. Hvert udsagn har et nummer, der peger på sin kilde."
        )
        chat = gr.Chatbot(label="Samtale", height=420, sanitize_html=True)
        sources = gr.Markdown()
        question = gr.Textbox(label="Dit spørgsmål", placeholder=EXAMPLES[0], submit_btn="Spørg")
        gr.Examples(list(EXAMPLES), inputs=question, label="Eksempler")
        question.submit(lambda q, h: respond(assistant, q, h), [question, chat], [chat, sources, question])
    return demo


def main(argv: list[str] | None = None) -> int:
    parser = DanishParser(prog="python app.py", description="Start chatten i browseren.")
    parser.add_argument("--host", help="adresse (standard 127.0.0.1 eller ASSISTANT_HOST)")
    parser.add_argument("--port", type=int, help="port (standard 7860 eller ASSISTANT_PORT)")
    args = parser.parse_args(argv)
    setup_logging()
    try:
        settings = load_settings(**{k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None})
        try:
            assistant = build_assistant(settings)
        except IndexNotBuiltError:
            from ingest.pipeline import run_ingest

            print("Der er intet indeks endnu; bygger det nu …", file=sys.stderr, flush=True)
            run_ingest(settings, on_document=lambda source, status: print(f"  {status:9} {source}", file=sys.stderr))
            assistant = build_assistant(settings)
    except AssistantError as exc:
        return fail(exc)
    print(f"Chatten kører på http://{settings.host}:{settings.port}", flush=True)
    build_ui(assistant).launch(server_name=settings.host, server_port=settings.port, show_error=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
