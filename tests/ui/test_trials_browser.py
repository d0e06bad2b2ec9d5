"""The "Forsøg" tab end to end, in a real headless browser: the trial register the app's
own index build derived from the test corpus (the real corpus plus a hostile document and
a PDF), its links to the quotes, its filters and its downloads. The app and the browser
are the session's (tests/ui/conftest.py). Screenshots go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.ui.pages import SHOTS, STOPPING, open_page

pytestmark = [pytest.mark.browser, pytest.mark.model]

ROWS = "#trials table.trials tbody tr"
SHOWN = f"{ROWS}:not([hidden])"
# The register of the real corpus: 18 trials from the government's follow-up (bilag 1),
# and one the 2022 evaluations name that the decision does not (no status).
EXPECTED = {"forlænget": 8, "stopper": 4, "udbredt": 4, "ikke_i_opfølgning": 2, "": 1}


def _open_tab(browser, url: str, **context):  # type: ignore[no-untyped-def]
    page = open_page(browser, url, **context)
    page.get_by_role("tab", name="Forsøg").click()
    page.locator(ROWS).first.wait_for(timeout=60_000)
    return page


def _source_slice(href: str, corpus: Path) -> str:
    query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    assert not Path(query["doc"]).is_absolute()
    return (corpus / query["doc"]).read_bytes().decode("utf-8")[int(query["start"]) : int(query["end"])]


def test_the_register_lists_every_trial_and_opens_its_quotes(browser, app_url: str, app_corpus: Path) -> None:  # type: ignore[no-untyped-def]
    page = _open_tab(browser, app_url)
    rows = page.locator(ROWS)
    assert rows.count() == sum(EXPECTED.values())
    assert Counter(rows.evaluate_all("rows => rows.map(r => r.dataset.status)")) == EXPECTED
    statuses = page.locator(f"{ROWS} td.status").all_inner_texts()
    assert statuses.count("indgår ikke i opfølgningen") == 2 and statuses.count("forlænget") == 8
    assert "Viser alle 19 forsøg" in page.locator("#trials .trials-count").inner_text()
    assert statuses.count("ikke angivet") == 1
    SHOTS.mkdir(exist_ok=True)

    # A status cell: its quote marked in the tab's own viewer, the source's text at its offsets.
    row = page.locator(ROWS, has_text=STOPPING[0])
    cell = row.locator("td.status a.tcite")
    href = cell.get_attribute("href") or ""
    assert href.startswith("?doc=") and "start=" in href and "end=" in href
    assert "dato:" in (cell.get_attribute("title") or "")
    cell.click()
    mark = page.locator("#trial-viewer mark#cite-mark")
    mark.wait_for(timeout=30_000)
    exact = _source_slice(href, app_corpus)
    assert exact and mark.evaluate("m => m.textContent") == exact
    assert page.locator("#trial-viewer a.permalink").get_attribute("href") == href
    assert page.get_by_role("tab", name="Forsøg").get_attribute("aria-selected") == "true"  # still on the tab
    page.screenshot(path=SHOTS / "trials.png", full_page=True)

    # The title cell opens its own place.
    title = row.locator("td.title > a.tcite")
    title.click()
    page.wait_for_function(
        "(h) => document.querySelector('#trial-viewer a.permalink')?.getAttribute('href') === h",
        arg=title.get_attribute("href"),
    )
    assert page.locator("#trial-viewer mark#cite-mark").evaluate("m => m.textContent") == STOPPING[0]


def test_filters_narrow_the_rows(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = _open_tab(browser, app_url)
    status = page.locator("#trials select.filter-status")
    town = page.locator("#trials select.filter-town")
    status.select_option("stopper")
    assert page.locator(SHOWN).count() == EXPECTED["stopper"]
    assert sorted(page.locator(f"{SHOWN} td.title > a.tcite").all_inner_texts()) == sorted(STOPPING)
    assert "Viser 4 af 19 forsøg" in page.locator("#trials .trials-count").inner_text()
    status.select_option("*")
    towns = town.locator("option").all_inner_texts()[1:]
    assert "Thisted" in towns
    town.select_option("Thisted")
    shown = page.locator(SHOWN).count()
    assert 0 < shown < sum(EXPECTED.values())
    for towns_json in page.locator(SHOWN).evaluate_all("rows => rows.map(r => JSON.parse(r.dataset.towns))"):
        assert "Thisted" in towns_json
    status.select_option("stopper")  # no stopping trial names Thisted
    assert page.locator(SHOWN).count() == 0
    assert "Ingen forsøg" in page.locator("#trials .trials-count").inner_text()


def test_the_register_downloads_as_csv_and_xlsx(browser, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = _open_tab(browser, app_url)
    titles = page.locator(f"{ROWS} td.title > a.tcite").all_inner_texts()
    button = page.get_by_role("button", name="Hent CSV")
    button.wait_for()
    with page.expect_download(timeout=30_000) as download:
        button.click()
    assert download.value.suggested_filename == "forsoegsregister.csv"
    path = tmp_path / "register.csv"
    download.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == len(titles) == sum(EXPECTED.values())
    assert [" ".join(r["Forsøg"].split()) for r in rows] == [" ".join(t.split()) for t in titles]
    assert Counter(r["Status"] for r in rows)["indgår ikke i opfølgningen"] == 2

    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Hent XLSX").click()
    assert download.value.suggested_filename == "forsoegsregister.xlsx"
    download.value.save_as(tmp_path / "register.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "register.xlsx").active
    assert sheet.max_row == len(titles) + 1 and sheet.cell(1, 1).value == "Forsøg"


def test_on_a_phone_the_table_stays_in_its_box(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = _open_tab(browser, app_url)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    page.locator(ROWS, has_text=STOPPING[1]).locator("td.status a.tcite").click()
    page.locator("#trial-viewer mark#cite-mark").wait_for(timeout=30_000)
    assert page.locator("#trial-viewer").evaluate("v => v.getBoundingClientRect().top < innerHeight")
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.screenshot(path=SHOTS / "trials-phone.png")
    page.evaluate("() => scrollTo(0, 0)")
    page.screenshot(path=SHOTS / "trials-phone-top.png", full_page=True)
