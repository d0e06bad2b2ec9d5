"""The app end to end, in a real headless browser (Debian's chromium driven by Playwright).

One app process serves every test here: ``python app.py`` on a free loopback port, over
a temporary copy of the corpus plus one hostile document, with the real encoder. The app
builds that index itself at start-up. Screenshots go to screenshots/ and the measured
Enter-to-answer times to reports/ui-latency.json (both git-ignored).
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.ui.pages import PDF_NAME, REPORTS, SHOTS, STOPPING, ask, open_page

pytestmark = [pytest.mark.browser, pytest.mark.model]


def _source_slice(url: str, corpus: Path) -> str:
    from urllib.parse import parse_qs, urlsplit

    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert not Path(query["doc"]).is_absolute()  # documents are named relative to the corpus folder
    text = (corpus / query["doc"]).read_bytes().decode("utf-8")
    return text[int(query["start"]) : int(query["end"])]


def test_ask_open_a_citation_and_its_stable_link(browser, app_url: str, app_corpus: Path) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url)
    SHOTS.mkdir(exist_ok=True)
    ask(page, "Hvilke forsøg stopper 31/12-21?")  # warm-up
    seconds = [ask(page, "Hvilke forsøg stopper 31/12-21?") for _ in range(5)]
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "ui-latency.json").write_text(
        json.dumps({"enter_to_answer_s": seconds, "median_s": statistics.median(seconds), "max_s": max(seconds)})
    )
    answer = page.locator('#chat [data-testid="bot"]').last.inner_text()
    for trial in STOPPING:
        assert trial in answer
    page.screenshot(path=SHOTS / "chat.png", full_page=True)

    first = page.locator("#sources a.cite").first
    quote = first.locator("q.quote").text_content() or ""
    first.click()
    mark = page.locator("#viewer mark#cite-mark")
    mark.wait_for()
    assert " ".join(mark.inner_text().split()) == " ".join(quote.split())
    assert mark.evaluate("m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    href = page.locator("#viewer a.permalink").get_attribute("href")
    assert href and href.startswith("?doc=")
    exact = _source_slice(app_url + href, app_corpus)
    assert exact and mark.evaluate("m => m.textContent") == exact  # the highlight is the source text at its offsets
    page.screenshot(path=SHOTS / "viewer.png")

    fresh = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    fresh.goto(app_url + href)
    fresh_mark = fresh.locator("#viewer mark#cite-mark")
    fresh_mark.wait_for(timeout=60_000)
    assert fresh_mark.evaluate("m => m.textContent") == exact
    fresh.screenshot(path=SHOTS / "stable-link.png")


def test_copy_button_copies_answer_and_sources_as_plain_text(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url, permissions=["clipboard-read", "clipboard-write"])
    ask(page, "Hvor mange borgere deltog i forsøget med mikrolån i Aalborg?")
    page.locator("#sources button.copy-answer").click()
    page.wait_for_function(
        "() => document.querySelector('#sources button.copy-answer').textContent.includes('Kopieret')"
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    first_quote = page.locator("#sources a.cite q.quote").first.text_content() or ""
    assert copied.startswith("Spørgsmål: Hvor mange borgere") and "[1] " in copied
    assert " ".join(first_quote.split()) in " ".join(copied.split())


def test_two_sessions_keep_separate_histories(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    one, two = open_page(browser, app_url), open_page(browser, app_url)
    ask(one, "Hvilke forsøg stopper 31/12-21?")
    ask(two, "Hvor mange borgere deltog i forsøget med mikrolån i Aalborg?")
    ask(one, "Hvilke forsøg forlænges til udgangen af 2022?")
    first = one.locator('#chat [data-testid="user"]').all_inner_texts()
    second = two.locator('#chat [data-testid="user"]').all_inner_texts()
    assert first == ["Hvilke forsøg stopper 31/12-21?", "Hvilke forsøg forlænges til udgangen af 2022?"]
    assert second == ["Hvor mange borgere deltog i forsøget med mikrolån i Aalborg?"]


def test_bad_input_gets_a_danish_message_and_the_app_keeps_serving(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url)
    box = page.locator("#question textarea")
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#notice').innerText.includes('tomt')")
    box.fill("x" * 20_000)
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#notice').innerText.includes('for langt')")
    assert page.locator('#chat [data-testid="user"]').count() == 0
    assert box.input_value() == "x" * 20_000  # kept, to be shortened
    box.fill("Hvilke forsøg stopper 31/12-21?")
    box.press("Enter")
    box.press("Enter")  # a rapid double submit asks once
    page.locator('#chat [data-testid="bot"]').first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    assert page.locator('#chat [data-testid="user"]').count() == 1
    assert "Traceback" not in page.content()

    doc = quote(page.locator("#sources a.cite").first.get_attribute("data-doc") or "")
    for query, words in (
        ("?doc=corpus/findes-ikke.txt&start=0&end=10", "findes ikke"),
        ("?doc=/etc/passwd&start=0&end=10", "findes ikke"),
        (f"?doc={doc}&start=0&end=99999999", "uden for dokumentet"),
        (f"?doc={doc}&start=x&end=y", "hele tal"),
    ):
        bad = open_page(browser, app_url + query)
        bad.wait_for_function(f"() => document.querySelector('#viewer').innerText.includes('{words}')")
        assert bad.locator("#viewer mark").count() == 0 and "Traceback" not in bad.content()
        bad.context.close()
    ask(page, "Hvilke forsøg forlænges til udgangen af 2022?")  # still serving


def test_hostile_text_in_documents_and_questions_renders_inert(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url)
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    ask(page, "Hvad viste evalueringen af forsøget med ildfluer?")
    ask(page, 'Hvad er <img src=x onerror="window.__xss=1"> [ildfluer](javascript:window.__xss=1)?')
    assert "ildfluer" in page.locator("#sources").inner_text().lower()
    page.locator("#sources a.cite").first.click()
    page.locator("#viewer .doc-text").wait_for()
    page.get_by_role("tab", name="Dokumenter").click()
    page.locator("#documents a.doc", has_text="Ildfluer").click()
    page.locator("#document .doc-text").wait_for()
    assert "<script>window.__xss = 1</script>" in page.locator("#documents").inner_text()  # shown as text
    assert "<img src=x" in page.locator("#document .doc-text").inner_text()
    assert page.evaluate("() => window.__xss") is None
    assert page.locator('img[src="x"], a[href^="javascript:"], #document script, #documents script').count() == 0
    page.screenshot(path=SHOTS / "documents.png")


def test_the_document_filter_restricts_the_sources(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url)
    page.get_by_role("button", name=re.compile("Afgræns til dokumenter")).click()
    boxes = page.locator("#filter input[type=checkbox]")
    boxes.first.wait_for()
    labels = page.locator("#filter label").all_inner_texts()
    for i, label in enumerate(labels):
        if not label.strip().startswith("Bilag 1"):
            boxes.nth(i).uncheck()
    ask(page, "Hvilke forsøg stopper 31/12-21?")
    docs = {a.get_attribute("data-doc") for a in page.locator("#sources a.cite").all()}
    assert docs and all(d and d.endswith("bilag-1-regeringens-opfoelgning-2021.txt") for d in docs)
    assert "Afgrænset" in page.locator("#scope").inner_text()  # in sight with the filter's section folded
    page.get_by_role("button", name=re.compile("Afgræns til dokumenter")).click()
    assert page.locator("#scope").is_visible() and "Afgrænset" in page.locator("#scope").inner_text()
    page.get_by_role("button", name=re.compile("Afgræns til dokumenter")).click()  # open again
    assert "Svaret bygger kun på 1 af" in page.locator('#chat [data-testid="bot"]').last.inner_text()
    for i in range(len(labels)):
        boxes.nth(i).uncheck()
    page.locator("#question textarea").fill("Hvilke forsøg stopper 31/12-21?")
    page.locator("#question textarea").press("Enter")
    page.wait_for_function("() => document.querySelector('#notice').innerText.includes('mindst ét dokument')")


def test_a_pdf_is_listed_and_cited_by_page(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url)
    ask(page, "Hvor mange fyrtårne istandsatte kommunen?")
    page.locator("#sources a.cite").first.click()
    mark = page.locator("#viewer mark#cite-mark")
    mark.wait_for()
    assert "23 fyrtårne" in mark.inner_text()
    assert "side 2" in page.locator("#viewer .place").inner_text()
    page.get_by_role("tab", name="Dokumenter").click()
    row = page.locator("#documents tr", has_text="Årsrapport om fyrtårne")
    assert "PDF-dokument, 2 sider" in row.inner_text() and PDF_NAME in row.inner_text()
    page.screenshot(path=SHOTS / "documents-pdf.png")


def test_the_routes_the_app_does_not_use_are_closed_without_a_login(app_url: str, app_corpus: Path) -> None:
    import httpx

    with httpx.Client(base_url=app_url, timeout=60) as client:
        assert client.get("/", headers={"accept": "text/html"}).status_code == 200  # no login file: no login
        upload = client.post("/gradio_api/upload", files={"files": ("stor.bin", b"x" * 2_000_000)})
        assert upload.status_code == 404
        for path in ("/monitoring", "/monitoring/summary", "/gradio_api/runs"):
            assert client.get(path).status_code == 404, path
        assert set(client.get("/gradio_api/info").json()["named_endpoints"]) == {"/ask"}
        started = client.post("/gradio_api/call/ask", json={"data": ["Hvilke forsøg stopper 31/12-21?", None]})
        stream = client.get(f"/gradio_api/call/ask/{started.json()['event_id']}").text
    assert stream.startswith("event: complete") and str(app_corpus) not in stream
    answer = json.loads(stream.split("data: ", 1)[1])[0]
    assert answer["citations"] and all((app_corpus / c["source"]).is_file() for c in answer["citations"])


def test_a_three_turn_conversation_reads_each_follow_up_about_the_right_trial(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url)
    ask(page, "Hvad går forsøget med psykologbehandling ud på?")
    ask(page, "Og hvilke kommuner deltog?")
    second = page.locator('#chat [data-testid="bot"]').last.inner_text()
    assert "Læst i sammenhæng med samtalen" in second and "psykologbehandling" in second.lower()
    assert "sykolog" in page.locator("#sources").inner_text()
    ask(page, "Og hvad viste evalueringen?")
    third = page.locator('#chat [data-testid="bot"]').last.inner_text()
    assert "Læst i sammenhæng med samtalen" in third and "psykologbehandling" in third.lower()
    assert "sykolog" in page.locator("#sources").inner_text()
    # the chat shows the start of the newest answer: its question is in sight in the chat box
    # (the page scrolls it there just after the answer renders: wait for that, up to 5 s)
    page.wait_for_function(
        "() => { const users = document.querySelectorAll('#chat [data-testid=\"user\"]');"
        " const r = users[users.length - 1].getBoundingClientRect(),"
        " box = document.querySelector('#chat').getBoundingClientRect();"
        " return r.top >= box.top - 1 && r.top < box.bottom; }",
        timeout=5_000,
    )
    page.screenshot(path=SHOTS / "conversation.png", full_page=True)
    page.get_by_role("button", name="Ny samtale").click()
    page.wait_for_function("() => !document.querySelector('#chat [data-testid=\"bot\"]')")
    ask(page, "Og hvad viste evalueringen?")  # no earlier turn now: answered as it stands
    assert "Læst i sammenhæng" not in page.locator('#chat [data-testid="bot"]').last.inner_text()


def test_an_ocr_answer_reads_cleanly_and_its_quote_stays_verbatim(browser, app_url: str, app_corpus: Path) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url)
    # the question names the scanned report, so the answer comes from the OCR text whatever the ranker prefers
    ask(page, "Hvad går forsøget med psykologbehandling ud på ifølge kommunernes evalueringer?")
    bot = page.locator('#chat [data-testid="bot"]').last
    text = bot.inner_text()
    assert not re.search(r"[^\W\d_]- [a-zæøå]", text), text  # no line-break hyphen left in the reading text
    assert "<p>" not in text and "</p>" not in text
    repaired = bot.locator("span.ocr-fix").first
    assert "scanningens" in (repaired.get_attribute("title") or "")  # the scan's spelling on hover
    cite = page.locator("#sources a.cite").first
    assert "til læsning" in cite.inner_text()
    quote = cite.locator("q.quote").text_content() or ""
    exact = _source_slice(app_url + (cite.get_attribute("href") or ""), app_corpus)
    assert " ".join(quote.split()) == " ".join(exact.split())  # the panel's quote is the scan, verbatim
    # a Bilag 1 answer: the viewer shows the document's <p> markup as layout, the marked text stays exact
    ask(page, "Hvilke forsøg stopper 31/12-21?")
    page.locator("#sources a.cite").first.click()
    mark = page.locator("#viewer mark#cite-mark")
    mark.wait_for()
    assert "<p>" not in page.locator("#viewer .doc-text").inner_text()
    href = page.locator("#viewer a.permalink").get_attribute("href") or ""
    assert mark.evaluate("m => m.textContent") == _source_slice(app_url + href, app_corpus)


def test_the_api_answers_follow_ups_through_gradio_client(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    first = "Hvad går forsøget med psykologbehandling ud på?"
    follow = client.predict(question="Og hvad viste evalueringen?", history=[first], api_name="/ask")
    assert follow["answered"] and "psykologbehandling" in follow["read_as"].lower()
    alone = client.predict("Hvilke forsøg stopper 31/12-21?", None, api_name="/ask")  # the call without history
    assert alone["answered"] and not alone["read_as"]
    assert client.predict(question="Hvilke forsøg stopper 31/12-21?", api_name="/ask")["citations"]
