"""What the app shows, rendered from typed answers, documents and status (no Gradio, no
index): Markdown escaping, numbered sources with span links, the source viewer, the
document table and the status banner. Every piece of text stays text."""

from __future__ import annotations

from assistant.schema import Answer, Citation, Repair
from core.index_schema import DocumentRecord
from ui.documents import Highlight, SourceText
from ui.render import (
    answer_message,
    danish_date,
    document_html,
    documents_html,
    md_escape,
    message_html,
    plain_text,
    sources_html,
    status_html,
    viewer_html,
)
from ui.startup import Status


def _citation(n: int, locator: str = "Afsnit 1", quote: str = "Forsøget stopper.") -> Citation:
    return Citation(
        n=n, source="notat.txt", title="Notat", locator=locator, quote=quote, start=10 * n, end=10 * n + 5, score=1.0
    )


def _answer(answered: bool = True, notice: str = "") -> Answer:
    return Answer(
        question="Hvornår stopper forsøget?",
        answer="Forsøget stopper i 2030 [1] [2].",
        answered=answered,
        citations=[_citation(1), _citation(2), _citation(3, locator="Afsnit 2", quote="Stier  af\ngrus.")],
        notice=notice,
    )


def _record(pages: int = 0) -> DocumentRecord:
    return DocumentRecord(
        source="notat.txt", doc_hash="h", title="Notat <om> grus", publisher="Testbyen", date="2021-03-01",
        kind="Notat", passages=4, spans=9, revision="r", ingested_at="", pages=pages,
    )  # fmt: skip


def _document(text: str) -> SourceText:
    return SourceText(_record(), text, changed=False)


def test_md_escape_makes_markdown_literal_on_one_line() -> None:
    assert md_escape("Forsøg  *stopper*\n31/12-21") == "Forsøg \\*stopper\\* 31/12\\-21"
    assert md_escape("<b>[x](y)</b>") == "\\<b\\>\\[x\\]\\(y\\)\\</b\\>"


def test_the_message_links_each_number_to_its_span_with_its_place_on_hover() -> None:
    message = answer_message(_answer())
    assert '[\\[1\\]](?doc=notat.txt&start=10&end=15 "Notat – Afsnit 1")' in message
    assert message.startswith("Forsøget stopper i 2030 [\\[1\\]]")


def test_the_message_is_the_answer_once_without_a_second_list_of_sources() -> None:
    message = answer_message(_answer())
    assert "Kilder" not in message and "Stier af grus" not in message  # the sources panel lists the quotes


def test_list_items_are_a_real_markdown_list() -> None:
    answer = Answer(
        question="Hvilke?",
        answer="Under »Forsøg« [1] står 2 punkter:\n- Mikrolån [2]\n- Psykologbehandling [3]",
        answered=True,
        citations=[_citation(1), _citation(2), _citation(3)],
    )
    message = answer_message(answer)
    lead, items = message.split("\n\n")
    assert lead.startswith("Under »Forsøg« [\\[1\\]]")
    assert [line.split(" [")[0] for line in items.split("\n")] == ["- Mikrolån", "- Psykologbehandling"]


def test_an_ocr_repair_is_marked_with_the_scans_spelling_and_the_quote_stays_verbatim() -> None:
    scan = "Forsgget gar ud pa at hjælpe."
    reading = "Forsøget går ud pa at hjælpe."
    citation = _citation(1, quote=scan).model_copy(
        update={
            "reading": reading,
            "repairs": [Repair(start=0, end=8, scan="Forsgget"), Repair(start=9, end=12, scan="gar")],
        }
    )
    answer = Answer(question="q", answer=f"{reading} [1]", answered=True, citations=[citation])
    message = answer_message(answer)
    assert '<span class="ocr-fix" title="Rettet fra scanningens »Forsgget«">Forsøget</span> ' in message
    assert '<span class="ocr-fix" title="Rettet fra scanningens »gar«">går</span> ud pa' in message
    html = sources_html(answer)
    assert scan in html and "til læsning" in html  # the panel quotes the scan verbatim, and says the answer reads it
    assert "»Forsgget gar ud pa at hjælpe.«" in plain_text(answer)


def test_a_hostile_repair_or_title_stays_text() -> None:
    citation = _citation(1, quote="<b>x</b>").model_copy(
        update={
            "title": 'Notat" onmouseover="x',
            "reading": "<b>x</b>",
            "repairs": [Repair(start=3, end=4, scan='"><img src=x>')],
        }
    )
    message = answer_message(Answer(question="q", answer="<b>x</b> [1]", answered=True, citations=[citation]))
    assert "<img" not in message and "<b>" not in message and 'onmouseover="x' not in message


def test_a_limited_answer_and_an_incomplete_index_say_so() -> None:
    answer = _answer(notice="2 af 6 dokumenter er ikke indekseret endnu.").model_copy(
        update={"scope": "Svaret bygger kun på 1 af 5 dokumenter: »Notat«."}
    )
    message = answer_message(answer)
    assert "*2 af 6 dokumenter er ikke indekseret endnu\\.*" in message
    assert "*Svaret bygger kun på 1 af 5 dokumenter: »Notat«\\.*" in message
    assert "Svaret bygger kun på" in plain_text(answer)


def test_plain_text_has_the_question_answer_and_quoted_sources() -> None:
    text = plain_text(_answer())
    assert text.startswith("Spørgsmål: Hvornår stopper forsøget?\n\nForsøget stopper i 2030 [1] [2].")
    assert "[3] Notat, Afsnit 2: »Stier af grus.«" in text


def test_no_sources_no_html() -> None:
    assert sources_html(None) == ""
    assert sources_html(Answer(question="q", answer="Det står ikke i dokumenterne.", answered=False)) == ""


def test_the_sources_link_every_quote() -> None:
    html = sources_html(_answer())
    for n in (1, 2, 3):
        assert f"?doc=notat.txt&amp;start={10 * n}&amp;end={10 * n + 5}" in html
    assert "Stier af grus." in html and "Kilder" in html


def test_the_sources_name_each_document_once() -> None:
    html = sources_html(_answer())
    assert html.count("<strong>Notat</strong>") == 1
    assert "Afsnit 1" in html and "Afsnit 2" in html


def test_a_refusal_calls_its_sources_possibly_relevant() -> None:
    assert "Muligvis relevante steder" in sources_html(_answer(answered=False))


def test_the_viewer_marks_the_span() -> None:
    text = "Indledning. Forsøget stopper i 2030. Slut."
    html = viewer_html(Highlight(_document(text), 12, 36, "Afsnit 1"), window=1000)
    assert "Forsøget stopper i 2030." in html and "Afsnit 1" in html
    assert "?doc=notat.txt&amp;start=12&amp;end=36" in html
    assert "Indledning." in html and "Slut." in html


def test_the_viewer_shows_the_stretch_around_the_span_of_a_long_document() -> None:
    text = "a" * 5000 + "MARKERET" + "b" * 5000
    html = viewer_html(Highlight(_document(text), 5000, 5008), window=200)
    assert "MARKERET" in html
    assert "a" * 150 not in html and "b" * 150 not in html


def test_document_markup_is_layout_and_the_marked_text_stays_the_sources() -> None:
    text = "<p>Indledning.</p><p>Forsøget stopper.</p>"
    html = viewer_html(Highlight(_document(text), 16, 38, "Afsnit 1"), window=1000)  # from inside "</p>"
    mark = html.split('<mark id="cite-mark">', 1)[1].split("</mark>", 1)[0]
    assert mark == '<span class="markup">p&gt;&lt;p&gt;</span><span class="break"></span>Forsøget stopper.'
    assert "<p>Forsøget" not in html  # never live markup from a document
    assert '<span class="markup">&lt;p&gt;</span><span class="break"></span>' in document_html(
        _document(text), window=100
    )


def test_a_whole_document_is_cut_at_the_window() -> None:
    assert "abc" in document_html(_document("abc"), window=10)
    html = document_html(_document("x" * 50 + "SKJULT"), window=50)
    assert "SKJULT" not in html


def test_a_message_is_shown_as_text() -> None:
    assert "&lt;b&gt;x&lt;/b&gt;" in message_html("<b>x</b>")


def test_the_document_table_lists_title_pages_and_file() -> None:
    html = documents_html([_record(pages=3)])
    assert "Notat &lt;om&gt; grus" in html and "<om>" not in html
    assert ", 3 sider" in html and "?doc=notat.txt" in html and "Testbyen" in html


def test_one_page_is_singular() -> None:
    assert ", 1 side" in documents_html([_record(pages=1)])


def test_no_banner_when_all_is_well() -> None:
    assert status_html(Status(phase="ready"), True, []) == ""


def test_a_build_shows_its_progress() -> None:
    html = status_html(Status(phase="building", done=2, total=5), False, [])
    assert "bygges nu" in html and "2 af 5 dokumenter" in html


def test_a_failure_says_whether_old_answers_still_come() -> None:
    updated = status_html(Status(phase="failed", error="x<y"), True, [])
    assert "Indekset kunne ikke opdateres: x&lt;y" in updated and "seneste gode udgave" in updated
    built = status_html(Status(phase="failed", error="x"), False, [])
    assert "Indekset kunne ikke bygges: x" in built and "seneste gode udgave" not in built


def test_failed_and_stale_files_are_listed() -> None:
    html = status_html(Status(phase="ready", failed=("a.txt: er tom",)), True, ["b.txt"])
    assert "a.txt: er tom" in html and "b.txt" in html and "forældet" in html


def test_every_citation_shows_its_documents_date() -> None:
    dated = [c.model_copy(update={"date": "2021-08-26"}) for c in _answer().citations]
    answer = _answer().model_copy(update={"citations": dated})
    assert sources_html(answer).count("<strong>Notat (26-08-2021)</strong>") == 1
    assert '"Notat \\(26\\-08\\-2021\\) – Afsnit 1"' in answer_message(answer)  # the link's hover title
    assert "[1] Notat (26-08-2021), Afsnit 1:" in plain_text(answer)
    assert danish_date("2022") == "2022"


def _unsure() -> Answer:
    other = _citation(4, locator="Afsnit 9", quote="Forsøget forlænges.")
    return _answer().model_copy(update={"uncertain": True, "also": [other]})


def test_an_uncertain_answer_says_so_and_links_its_other_places() -> None:
    message = answer_message(_unsure())
    assert "Usikkert svar" in message
    assert '[\\[4\\]](?doc=notat.txt&start=40&end=45 "Notat – Afsnit 9")' in message
    assert "Usikkert svar" not in answer_message(_answer())
    html = sources_html(_unsure())
    assert "Andre steder, der kan svare" in html and "Forsøget forlænges." in html
    assert "Andre steder" not in sources_html(_answer())
    text = plain_text(_unsure())
    assert "Svaret kan også stå her: [4]." in text and "[4] Notat, Afsnit 9: »Forsøget forlænges.«" in text


def test_an_answer_the_documents_may_not_cover_says_that() -> None:
    off = _unsure().model_copy(update={"maybe_not_covered": True})
    for shown in (answer_message(off), plain_text(off)):
        assert "dokumenterne handler måske slet ikke om det, du spørger om" in shown
        assert "Svaret kan også stå her" not in shown  # nearest places, not places that hold the answer
    assert "Nærmeste andre steder: [4]." in plain_text(off)
