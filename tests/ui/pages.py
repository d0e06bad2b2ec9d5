"""What the browser tests share: the app's test corpus, the browser's settings, and the
steps a person takes (open the page, ask). The fixtures that start the app and the
browser are in tests/ui/conftest.py.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

from core.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SHOTS = PROJECT_ROOT / "screenshots"
REPORTS = PROJECT_ROOT / "reports"
STOPPING = (
    "Fremme af iværksætteri for dimittender",
    "Fleksibilitet i forhold til forholdstalskravene",
    "Forenkling af bevillingsgrundlaget for revalidering",
    "Lempelse af forholdstalskrav ift. praktikker for ledighedsydelsesmodtagere",
)
# A document that tries every trick: its first line becomes its title.
HOSTILE = """Ildfluer <script>window.__xss = 1</script> – notat om forsøget

Forsøget med ildfluer i Testrup <img src=x onerror="window.__xss = 1"> blev evalueret i 2021.

Evalueringen af ildfluer viste gode resultater, se [ildfluesiden](javascript:window.__xss=1)
og <a href="javascript:window.__xss=1">her</a>.
"""
READY = "#question textarea:not([disabled])"
PDF_NAME = "Årsrapport om fyrtårne 2031.pdf"
PDF_PAGES = ["Årsrapport 2031\n\nIndledning om kystens fyr.", "Resultater\n\nKommunen istandsatte 23 fyrtårne i 2031."]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def open_page(browser, url: str, **context):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, **context).new_page()
    page.goto(url)
    page.wait_for_selector(READY, timeout=240_000)  # the first page waits for the app's own index build
    return page


def ask(page, question: str) -> float:  # type: ignore[no-untyped-def]
    """Ask and wait for the rendered answer; the seconds from Enter to that answer."""
    answers = page.locator('#chat [data-testid="bot"]').count()
    box = page.locator("#question textarea")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.locator('#chat [data-testid="bot"]').nth(answers).wait_for(timeout=30_000)
    page.locator("#sources a.cite").first.wait_for(timeout=30_000)
    return time.perf_counter() - started
