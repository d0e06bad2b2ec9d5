"""The app as a browser sees it, shared by the browser tests (tests/ui/test_browser.py and
tests/ui/test_accessibility.py): one ``python app.py`` on a free loopback port serves the
whole session, over a temporary copy of the corpus plus one hostile document and a PDF,
with the real encoder; the app builds that index itself at start-up.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from tests.docfiles import make_pdf
from tests.ui.pages import CHROMIUM, CHROMIUM_ARGS, HOSTILE, PDF_NAME, PDF_PAGES, free_port


@pytest.fixture(scope="session")
def app_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("app") / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    (corpus / "ildfluer.txt").write_text(HOSTILE, encoding="utf-8")
    make_pdf(corpus / PDF_NAME, PDF_PAGES, title="Årsrapport om fyrtårne")  # no manifest entry: its own title
    return corpus


@pytest.fixture(scope="session")
def app_url(app_corpus: Path, shared_cache: Path) -> Iterator[str]:
    corpus = app_corpus
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_DATA_DIR": str(corpus.parent / "data"),
        "ASSISTANT_EMBEDDING_CACHE": str(shared_cache),
    }
    log = (corpus.parent / "app.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the app did not start: {(corpus.parent / 'app.log').read_text()[-2000:]}")
            time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator:  # type: ignore[type-arg]
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it with apt-get where it can)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
