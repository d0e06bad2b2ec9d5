"""The app's callbacks and its start-up, without a browser: a real tiny index (fake
encoder), real ingest, real files."""

from __future__ import annotations

import html
import re
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assistant.schema import Answer, Citation
from core.config import Settings
from core.errors import CorpusError
from ingest.pipeline import IngestReport, corpus_sources, run_ingest
from ui import chat
from ui.render import answer_message, plain_text, sources_html
from ui.startup import IndexService


class _Links(HTMLParser):
    """The citation links in rendered sources HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.cites: list[dict[str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {k: v or "" for k, v in attrs}
        if tag == "a" and "cite" in values.get("class", ""):
            self.cites.append(values)


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _service(settings: Settings, embed, ingest=run_ingest) -> IndexService:  # type: ignore[no-untyped-def]
    service = IndexService(settings, ingest, corpus_sources, embed_model=embed)
    service.start()
    return service


@pytest.fixture
def service(fake_settings: Settings, fake_embed) -> IndexService:  # type: ignore[no-untyped-def]
    service = _service(fake_settings, fake_embed)
    assert service.wait(60).phase == "ready"
    return service


def test_startup_builds_a_missing_index_and_reports_progress(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, int, int]] = []
    go = threading.Event()

    def ingest(settings, model, **kwargs):  # type: ignore[no-untyped-def]
        go.wait(10)
        notify = kwargs["on_document"]

        def progress(source: str, status: str) -> None:
            notify(source, status)
            seen.append((service.status.phase, service.status.done, service.status.total))

        return run_ingest(settings, model, on_document=progress)

    service = _service(tiny_settings, fake_embed, ingest)
    assert service.assistant is None
    state = chat.page_state(service)
    assert not state.ready and state.busy
    history, _, box, notice, _ = chat.respond(service, "Hvornår stopper forsøget med grus?", [])
    assert history == [] and box.startswith("Hvornår") and "ikke klar" in notice
    go.set()
    assert service.wait(60).phase == "ready"
    assert seen == [("building", n, 4) for n in range(1, 5)]
    state = chat.page_state(service)
    assert state.ready and not state.busy and state.banner == ""
    assert len(state.choices) == 4 and "Bilag 9" in state.table


def test_startup_banner_shows_progress_while_building() -> None:
    from ui.render import status_html
    from ui.startup import Status

    banner = status_html(Status(phase="building", done=2, total=5), ready=False, stale=[])
    assert "bygges nu" in banner and 'value="2"' in banner and "2 af 5 dokumenter" in banner


def test_startup_updates_a_stale_index_and_flags_later_changes(tiny_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(tiny_settings, fake_embed)
    notat = tiny_settings.corpus_dir / "notat.txt"
    notat.write_text(notat.read_text(encoding="utf-8") + "\nForsøget med ladestandere stopper i 2031.\n", "utf-8")
    phases: list[str] = []

    def ingest(settings, model, **kwargs):  # type: ignore[no-untyped-def]
        phases.append(service.status.phase)
        return run_ingest(settings, model, **kwargs)

    service = _service(tiny_settings, fake_embed, ingest)
    assert service.wait(60).phase == "ready" and phases == ["updating"]
    # the updated text is searched (the shipped model reads e5's similarities, not the fake
    # encoder's, so whether it answers is not the point here: what it retrieves is)
    assistant = service.assistant
    assert assistant is not None
    hits = assistant.trace("Hvornår stopper forsøget med ladestandere?").evidence.hits
    assert any("ladestandere" in assistant.catalog.passages[h.passage_id].node.text for h in hits)
    (tiny_settings.corpus_dir / "ny.txt").write_text("Et nyt notat om forsøg med cykelparkering.\n", "utf-8")
    banner = chat.page_state(service).banner
    assert "forældet" in banner and "ny.txt" in banner


def test_startup_failure_is_a_danish_message_not_a_crash(tmp_path: Path, fake_embed) -> None:  # type: ignore[no-untyped-def]
    from core.config import load_settings

    empty = tmp_path / "tom"
    empty.mkdir()
    service = _service(load_settings(corpus_dir=empty, data_dir=tmp_path / "data"), fake_embed)
    status = service.wait(60)
    assert status.phase == "failed" and "ingen dokumenter" in status.error
    state = chat.page_state(service)
    assert not state.ready and "kunne ikke bygges" in state.banner
    _, _, _, notice, _ = chat.respond(service, "Hvad er forsøget?", [])
    assert "ingen dokumenter" in notice


def test_an_answer_turn_renders_history_and_citations_that_quote_the_source(
    service: IndexService, tiny_settings: Settings
) -> None:
    history, sources, box, notice, _ = chat.respond(service, "Hvornår stopper forsøget med grus?", [])
    assert (box, notice) == ("", "")
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert "\\[1\\]" in history[1]["content"] and "?doc=" in history[1]["content"]
    cites = _parse(sources).cites
    assert cites and "Kopiér svar med kilder" in sources
    for cite in cites:
        assert not Path(cite["data-doc"]).is_absolute()  # named relative to the corpus folder
        text = (tiny_settings.corpus_dir / cite["data-doc"]).read_text(encoding="utf-8")
        view = chat.show_span(service, {"doc": cite["data-doc"], "start": cite["data-start"], "end": cite["data-end"]})
        marked = re.search(r'<mark id="cite-mark">(.*?)</mark>', view, re.S)
        assert marked is not None
        from html import unescape

        assert unescape(marked.group(1)) == text[int(cite["data-start"]) : int(cite["data-end"])]
    again, *_ = chat.respond(service, "Hvilke forsøg stopper 31/12-30?", history)
    assert len(again) == 4 and len(history) == 2  # a new list: the caller's history is not mutated


def test_unusable_questions_leave_the_history_and_say_why(service: IndexService) -> None:
    for question, words in (("", "tomt"), ("   ", "tomt"), ("x" * 20_000, "for langt"), ("a\x00b", "tegn")):
        history, sources, box, notice, _ = chat.respond(service, question, [{"role": "user", "content": "før"}])
        assert history == [{"role": "user", "content": "før"}] and sources == ""
        assert box == question  # kept, so the user can fix it
        assert words in notice, notice


def test_filter_restricts_the_documents_searched(service: IndexService, tiny_settings: Settings) -> None:
    _, sources, _, notice, _ = chat.respond(service, "Hvad viser evalueringen?", [], ["notat.txt"])
    assert notice == "" and {c["data-doc"] for c in _parse(sources).cites} == {"notat.txt"}
    _, _, _, notice, _ = chat.respond(service, "Hvad viser evalueringen?", [], [])
    assert "mindst ét dokument" in notice
    everything = [name for _, name in chat.page_state(service).choices]
    assert sorted(everything) == ["dias.txt", "notat.txt", "scannet.txt", "tabel.txt"]
    assert chat.respond(service, "Hvad viser evalueringen?", [], everything)[3] == ""
    # the source names inside the index are absolute paths here (the corpus is in a temporary
    # folder); a client can neither see nor use them
    internal = next(s for s in service.assistant.documents if s.endswith("notat.txt"))  # type: ignore[union-attr]
    assert Path(internal).is_absolute()
    _, _, _, notice, _ = chat.respond(service, "Hvad viser evalueringen?", [], [internal])
    assert "sti på serveren" in notice and str(tiny_settings.corpus_dir) not in notice


def test_an_active_filter_is_named_under_the_question_box(service: IndexService) -> None:
    everything = [name for _, name in chat.page_state(service).choices]
    assert chat.scope_line(service, everything) == "" and chat.scope_line(service, None) == ""
    assert "1 af 4 dokumenter" in chat.scope_line(service, ["notat.txt"])
    assert "mindst ét dokument" in chat.scope_line(service, [])
    history, _, _, _, _ = chat.respond(service, "Hvad viser evalueringen?", [], ["notat.txt"])
    assert "Svaret bygger kun på 1 af 4 dokumenter" in history[-1]["content"]  # and the answer says so


def test_bad_links_get_danish_messages(service: IndexService) -> None:
    source = "notat.txt"
    internal = next(s for s in service.assistant.documents if s.endswith(source))  # type: ignore[union-attr]
    cases = (
        ({"doc": "corpus/findes-ikke.txt", "start": "0", "end": "5"}, "findes ikke"),
        ({"doc": "/etc/passwd", "start": "0", "end": "5"}, "findes ikke"),
        ({"doc": "/etc/passwd"}, "findes ikke"),
        ({"doc": internal, "start": "0", "end": "5"}, "findes ikke"),  # an absolute path, even an indexed one
        ({"doc": internal}, "findes ikke"),
        ({"doc": "../" * 8 + "etc/passwd"}, "findes ikke"),
        ({"doc": source, "start": "10", "end": "99999999"}, "uden for dokumentet"),
        ({"doc": source, "start": "20", "end": "10"}, "uden for dokumentet"),
        ({"doc": source, "start": "-1", "end": "10"}, "uden for dokumentet"),
        ({"doc": source, "start": "a", "end": "b"}, "hele tal"),
        ({"doc": source, "start": "3"}, "hele tal"),
    )
    for params, words in cases:
        view = chat.show_span(service, params)
        assert words in view and "<mark" not in view, (params, view)
    whole = chat.show_span(service, {"doc": source})
    assert "doc-text" in whole and "<mark" not in whole
    assert chat.show_span(service, {}) == chat.VIEWER_EMPTY


def test_a_link_into_a_changed_file_marks_the_indexed_text(service: IndexService, tiny_settings: Settings) -> None:
    source = "tabel.txt"
    path = tiny_settings.corpus_dir / source
    indexed = path.read_text(encoding="utf-8")
    path.write_text("Ny tekst foran. " + indexed, "utf-8")
    view = chat.show_span(service, {"doc": source, "start": "0", "end": "10"})
    assert "er ændret, efter den blev indekseret" in view
    assert f'<mark id="cite-mark">{html.escape(indexed[:10])}</mark>' in view


def test_the_ocr_document_carries_a_note(service: IndexService) -> None:
    assert "OCR-scannet" in chat.show_span(service, {"doc": "scannet.txt", "start": "0", "end": "5"})


def test_the_api_returns_the_answer_with_numbered_sources(service: IndexService) -> None:
    from core.errors import AssistantError

    result = chat.ask_api(service, "Hvornår stopper forsøget med grus?")
    assert result["answered"] and [c["n"] for c in result["citations"]] == list(range(1, len(result["citations"]) + 1))
    with pytest.raises(AssistantError, match="tomt"):
        chat.ask_api(service, "")
    assert {c["source"] for c in result["citations"]} <= {"dias.txt", "notat.txt", "scannet.txt", "tabel.txt"}
    assert result["incomplete"] == [] and result["notice"] == ""


@pytest.mark.parametrize(
    ("question", "documents", "words"),
    [
        (123, None, "question skal være en tekst"),
        (None, None, "question skal være en tekst"),
        (["Hvornår?"], None, "question skal være en tekst"),
        ("Hvornår stopper forsøget med grus?", [1, 2], "nr. 1 er et tal"),
        ("Hvornår stopper forsøget med grus?", ["notat.txt", None], "nr. 2 er ingenting"),
        ("Hvornår stopper forsøget med grus?", "abc", "skal være en liste"),
        ("Hvornår stopper forsøget med grus?", {"doc": "notat.txt"}, "skal være en liste"),
        ("Hvornår stopper forsøget med grus?", ["x" * 5000], "for langt"),
        ("Hvornår stopper forsøget med grus?", ["notat.txt"] * 20_000, "højst 10.000"),
        ("Hvornår stopper forsøget med grus?", [], "mindst ét dokument"),
    ],
)
def test_the_api_checks_its_parameters(service: IndexService, question, documents, words: str) -> None:  # type: ignore[no-untyped-def]
    from core.errors import QuestionError

    with pytest.raises(QuestionError) as info:
        chat.ask_api(service, question, documents)
    assert words in info.value.message
    assert len(info.value.message) < 400


def test_the_chat_keeps_its_questions_for_follow_ups_and_the_api_takes_them(service: IndexService) -> None:
    from core.errors import QuestionError

    first = "Hvornår stopper forsøget med grus?"
    _, _, _, _, asked = chat.respond(service, first, [], None, [])
    assert asked == [first]
    _, _, _, _, asked = chat.respond(service, "Og hvad viste evalueringen?", [], None, asked)
    assert asked == [first, "Og hvad viste evalueringen?"]
    _, _, _, notice, kept = chat.respond(service, "", [], None, asked)  # a refused question adds nothing
    assert kept == asked and notice
    result = chat.ask_api(service, "Og hvad viste evalueringen?", None, [first])
    assert isinstance(result["context"], list) and isinstance(result["read_as"], str)
    assert chat.ask_api(service, first, None, None)["read_as"] == ""  # no conversation: read as asked
    for bad in ("abc", [1], {"q": first}):
        with pytest.raises(QuestionError, match="history skal være en liste"):
            chat.ask_api(service, first, None, bad)


def test_unknown_documents_are_named_a_few_and_counted(service: IndexService, tiny_settings: Settings) -> None:
    from core.errors import QuestionError

    names = [f"findes-ikke-{i}.txt" for i in range(9_999)] + ["notat.txt"]
    with pytest.raises(QuestionError) as info:
        chat.ask_api(service, "Hvornår stopper forsøget med grus?", names)
    message = info.value.message
    assert "»findes-ikke-0.txt«, »findes-ikke-1.txt«, »findes-ikke-2.txt« og 9.996 andre" in message
    assert "findes-ikke-3.txt" not in message and len(message) < 600
    assert "notat.txt" in message and str(tiny_settings.corpus_dir) not in message  # the valid names, relative
    with pytest.raises(QuestionError, match="Ukendt dokument") as info:
        chat.ask_api(service, "Hvornår?", ["x" * 900])
    assert "…«" in info.value.message and len(info.value.message) < 600  # a long name is cut
    with pytest.raises(QuestionError, match="aldrig ved en sti på serveren") as info:
        chat.ask_api(service, "Hvornår?", ["notat.txt", "/etc/passwd"])
    assert "passwd" not in info.value.message


def test_no_absolute_path_reaches_a_client(service: IndexService, tiny_settings: Settings, tmp_path: Path) -> None:
    root = str(tmp_path)  # the corpus and the data folder are both in here
    result = chat.ask_api(service, "Hvornår stopper forsøget med grus?")
    history, sources, _, _, _ = chat.respond(service, "Hvornår stopper forsøget med grus?", [])
    view = chat.show_span(service, {"doc": "notat.txt", "start": "0", "end": "5"})
    whole = chat.show_span(service, {"doc": "tabel.txt"})
    state = chat.page_state(service)
    for shown in (str(result), str(history), sources, view, whole, state.table, str(state.choices)):
        assert root not in shown
    assert 'href="?doc=notat.txt&amp;start=0&amp;end=5"' in view


def test_failure_messages_reach_a_client_without_absolute_paths(
    tiny_settings: Settings,
    fake_embed,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """Messages from the index (its folder) and from ingest (a file's path) are made
    relative: a build that could not read a file and left an index that cannot be read."""
    root = str(tmp_path)  # the corpus and the data folder are both in here
    bomb = tiny_settings.corpus_dir / "bombe.docx"

    def ingest(settings, model, **kwargs):  # type: ignore[no-untyped-def]
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        (settings.chroma_dir / "chroma.sqlite3").write_bytes(b"file is not a database " * 100)
        return IngestReport(failed=[CorpusError(str(bomb), "udpakker til mere end 20 mio. tegn")])

    failing = _service(tiny_settings, fake_embed, ingest)
    status = failing.wait(60)
    assert status.phase == "failed" and str(tiny_settings.chroma_dir) in status.error
    assert str(bomb) in status.failed[0]
    banner = chat.page_state(failing).banner
    assert root not in banner
    assert "Indekset i datamappen/chroma kan ikke læses" in banner and "bombe.docx: udpakker" in banner


def test_answers_say_when_documents_are_not_indexed(service: IndexService, tiny_settings: Settings) -> None:
    (tiny_settings.corpus_dir / "ny.txt").write_text("Et nyt notat om forsøg med cykelparkering.\n", "utf-8")
    (tiny_settings.corpus_dir / "senere.md").write_text("# Endnu et notat\n\nOm grus.\n", "utf-8")
    (tiny_settings.corpus_dir / ".skjult.txt").write_text("ikke et dokument\n", "utf-8")
    (tiny_settings.corpus_dir / "billede.png").write_bytes(b"\x89PNG")
    result = chat.ask_api(service, "Hvornår stopper forsøget med grus?")
    assert result["incomplete"] == ["ny.txt", "senere.md"]
    assert result["notice"] == "2 af 6 dokumenter er ikke indekseret endnu; svaret kan være ufuldstændigt."
    history, _, _, _, _ = chat.respond(service, "Hvornår stopper forsøget med grus?", [])
    assert "2 af 6 dokumenter er ikke indekseret endnu" in history[-1]["content"]


HOSTILE = '<script>window.x=1</script><img src=x onerror="window.x=1"> [klik](javascript:alert(1))'


def _hostile_answer() -> Answer:
    citation = Citation(
        n=1, source=f"corpus/{HOSTILE}.txt", title=HOSTILE, locator=HOSTILE, quote=HOSTILE, start=0, end=9, score=1.0
    )
    return Answer(question=HOSTILE, answer=f"{HOSTILE} [1]", answered=True, citations=[citation])


def test_text_from_documents_and_questions_renders_inert() -> None:
    answer = _hostile_answer()
    html = sources_html(answer)
    assert "<script" not in html and "<img" not in html
    assert set(_parse(html).tags) <= {"div", "strong", "button", "p", "ul", "li", "a", "span", "q", "textarea"}
    assert all(c["href"].startswith("?doc=") for c in _parse(html).cites)
    message = answer_message(answer)
    assert re.search(r"(?<!\\)[<>]", message) is None  # every angle bracket escaped
    assert "(javascript" not in message.replace("\\(javascript", "")  # no live Markdown link to javascript:
    assert chat.md_escape("Forsøg  *stopper*\n31/12-21") == "Forsøg \\*stopper\\* 31/12\\-21"


def test_plain_text_for_a_case_note() -> None:
    answer = Answer(
        question="Hvornår stopper forsøget?",
        answer="Forsøget stopper 31/12-21 [1]",
        answered=True,
        citations=[
            Citation(n=1, source="corpus/a.txt", title="Bilag 1", locator="Tabel 2, række 3", quote="stopper\n31/12-21",
                     start=0, end=16, score=1.0)
        ],
    )  # fmt: skip
    assert plain_text(answer) == (
        "Spørgsmål: Hvornår stopper forsøget?\n\nForsøget stopper 31/12-21 [1]\n\n"
        "Kilder:\n[1] Bilag 1, Tabel 2, række 3: »stopper 31/12-21«"
    )
