"""The chat as a caseworker uses it: on a phone as on a desktop, with the keyboard, and
checked by axe-core (WCAG 2.1 AA) in a real headless browser.

axe-core is an npm package: ``make test`` installs the version pinned in the Makefile into
.cache/npm (git-ignored) and the tests inject it into the page. Any violation axe rates
"serious" or "critical" fails, on the chat after an answer, the source viewer and the
documents tab, on a wide screen and on a phone (390×844). The app and the browser are the
session's, from tests/ui/conftest.py. Screenshots go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import re

import pytest

from core.config import PROJECT_ROOT
from tests.ui.pages import READY, SHOTS, ask, open_page

pytestmark = [pytest.mark.browser, pytest.mark.model]

AXE_DIR = PROJECT_ROOT / ".cache" / "npm" / "node_modules" / "axe-core"
AXE_VERSION = re.search(r"^AXE_VERSION := (\S+)$", (PROJECT_ROOT / "Makefile").read_text(), re.M)
PHONE = {"width": 390, "height": 844}
QUESTION = "Hvilke forsøg stopper 31/12-21?"

# WCAG's contrast ratio of an element's text colour (or its placeholder's) against the
# first opaque background behind it.
CONTRAST = """([el, pseudo]) => {
  const rgba = (c) => { const v = c.match(/[\\d.]+/g).map(Number); return v.length > 3 ? v : [...v, 1]; };
  const linear = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  let node = el, bg = [255, 255, 255, 1];
  while (node) {
    const c = rgba(getComputedStyle(node).backgroundColor);
    if (c[3] > 0) { bg = c; break; }
    node = node.parentElement;
  }
  const fg = rgba(getComputedStyle(el, pseudo).color);
  const mixed = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
  const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""
FOCUS_RING = """(el) => {
  const s = getComputedStyle(el);
  return {visible: el.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth)};
}"""


def _axe(page, where: str) -> None:  # type: ignore[no-untyped-def]
    """Run axe-core on the page as it is; fail on a serious or critical violation."""
    script = AXE_DIR / "axe.min.js"
    if not script.is_file():
        pytest.fail(f"axe-core is not installed (looked for {script}): run `make test`, which installs it")
    installed = json.loads((AXE_DIR / "package.json").read_text())["version"]
    pinned = AXE_VERSION[1] if AXE_VERSION else "?"
    if installed != pinned:
        pytest.fail(f"axe-core {installed} is installed, the Makefile pins {pinned}: run `make test`")
    # Gradio fades a component while its event runs: wait until the page is at rest.
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="status-tracker"]:not(.hide), .pending')
          && document.getAnimations().every(
            (a) => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)"""
    )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(script))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(
            (n) => n.target.join(' ') + ' – ' + n.failureSummary.replace(/\\s+/g, ' '))}))"""
    )
    assert not violations, f"axe-core found on {where}:\n" + "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}; at:\n" + "\n".join(f"    {n}" for n in v["nodes"][:10])
        for v in violations
    )


def _open_phone(browser, url: str):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(url)
    page.wait_for_selector(READY, timeout=240_000)
    return page


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    """No sideways scrolling of the page (a phone's browser would zoom out instead)."""
    width, scroll = page.evaluate("() => [innerWidth, document.documentElement.scrollWidth]")
    assert width == PHONE["width"]
    return bool(scroll <= width)


def _tab_to(page, selector: str, backwards: bool = False, limit: int = 120) -> None:  # type: ignore[no-untyped-def]
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("(s) => document.activeElement !== null && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def _shot_around(page, locator, name: str) -> None:  # type: ignore[no-untyped-def]
    """A screenshot of an element with a margin, so that its focus ring shows too."""
    SHOTS.mkdir(exist_ok=True)
    box = locator.bounding_box()
    assert box
    clip = {
        "x": max(0, box["x"] - 12),
        "y": max(0, box["y"] - 12),
        "width": box["width"] + 24,
        "height": box["height"] + 24,
    }
    page.screenshot(path=SHOTS / name, clip=clip)


def _in_view(locator) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        locator.evaluate(
            "(m) => { const r = m.getBoundingClientRect(); "
            "return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; }"
        )
    )


@pytest.mark.parametrize("screen", ["wide", "phone"])
def test_axe_finds_nothing_serious_on_the_chat_the_viewer_the_documents_and_the_trials(
    browser, app_url: str, screen: str
) -> None:  # type: ignore[no-untyped-def]
    page = _open_phone(browser, app_url) if screen == "phone" else open_page(browser, app_url)
    assert page.evaluate("() => document.documentElement.lang") == "da"
    ask(page, QUESTION)
    _axe(page, f"the chat after an answer ({screen})")
    page.locator("#sources a.cite").first.click()
    page.locator("#viewer mark#cite-mark").wait_for()
    _axe(page, f"the source viewer ({screen})")
    if screen == "phone":
        page.get_by_role("button", name="Luk").click()
    page.get_by_role("tab", name="Dokumenter").click()
    page.locator("#documents table.documents").wait_for()
    _axe(page, f"the documents tab ({screen})")
    page.get_by_role("tab", name="Forsøg").click()
    page.locator("#trials table.trials tbody tr").first.wait_for(timeout=60_000)
    _axe(page, f"the trials tab ({screen})")
    page.locator("#trials td.status a.tcite").first.click()
    page.locator("#trial-viewer mark").wait_for()
    _axe(page, f"the trials tab with a quote open ({screen})")
    page.context.close()


def test_the_keyboard_focus_is_always_visible(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url)
    ask(page, QUESTION)
    _tab_to(page, "#sources a.cite")  # from the question box, on through the page
    cite = page.locator("#sources a.cite").first
    ring = cite.evaluate(FOCUS_RING)
    assert ring["visible"] and ring["style"] != "none" and ring["width"] >= 2, ring
    _shot_around(page, cite, "focus-citation.png")
    page.keyboard.press("Enter")  # a quote opens with the keyboard too
    page.locator("#viewer mark#cite-mark").wait_for()
    _tab_to(page, "#question textarea", backwards=True)
    ring = page.locator("#question textarea").evaluate(FOCUS_RING)
    assert ring["visible"] and ring["style"] != "none" and ring["width"] >= 2, ring
    _shot_around(page, page.locator("#question"), "focus-question.png")
    _tab_to(page, '[role="tab"]', backwards=True)
    ring = page.evaluate(f"({FOCUS_RING})(document.activeElement)")
    assert ring["visible"] and ring["style"] != "none" and ring["width"] >= 2, ring
    # A wide screen keeps the two columns: the viewer beside the chat, in the page's flow.
    chat_box, viewer_box = page.locator("#chat").bounding_box(), page.locator("#viewer-column").bounding_box()
    assert chat_box and viewer_box and viewer_box["x"] >= chat_box["x"] + chat_box["width"]
    assert page.locator("#viewer-column").evaluate("(c) => getComputedStyle(c).position") != "fixed"
    page.context.close()


def test_the_question_box_reads_well_and_looks_disabled_while_the_index_is_built(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, app_url)
    box = page.locator("#question textarea")
    placeholder = page.evaluate(f"({CONTRAST})([document.querySelector('#question textarea'), '::placeholder'])")
    assert placeholder >= 4.5, f"the placeholder's contrast is {placeholder:.2f}:1"
    enabled = box.evaluate("(t) => [getComputedStyle(t).backgroundColor, getComputedStyle(t).cursor]")
    # The index is built while the page waits: the app disables the box (interactive=False) then.
    box.evaluate("(t) => { t.disabled = true; }")
    disabled = box.evaluate("(t) => [getComputedStyle(t).backgroundColor, getComputedStyle(t).cursor]")
    assert disabled[1] == "not-allowed" and disabled[0] != enabled[0], (enabled, disabled)
    page.locator("#question").screenshot(path=SHOTS / "question-disabled.png")
    box.evaluate("(t) => { t.disabled = false; }")
    page.context.close()


def test_on_a_phone_every_tab_fits_and_a_quote_opens_over_the_chat(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    page = _open_phone(browser, app_url)
    assert _fits(page)
    ask(page, QUESTION)
    assert _fits(page)
    column = page.locator("#viewer-column")
    assert not column.is_visible()  # the empty viewer stays out of the way
    page.screenshot(path=SHOTS / "chat-390.png", full_page=True)

    first = page.locator("#sources a.cite").first
    first.tap()
    mark = page.locator("#viewer mark#cite-mark")
    mark.wait_for()
    page.wait_for_function("() => getComputedStyle(document.querySelector('#viewer-column')).position === 'fixed'")
    assert _in_view(mark)
    close = page.get_by_role("button", name="Luk")
    assert close.is_visible() and _in_view(close)
    page.screenshot(path=SHOTS / "viewer-390.png")
    page.keyboard.press("Escape")
    assert not column.is_visible()
    assert page.locator("#chat").is_visible() and page.locator('#chat [data-testid="bot"]').count() == 1
    assert page.locator("#question textarea").is_visible() and first.is_visible()
    assert _fits(page)

    first.tap()  # the same quote again: the viewer already shows it, and opens
    column.wait_for(state="visible")
    close.tap()
    assert not column.is_visible()

    first.focus()  # with the keyboard: Enter opens it, the focus goes to "Luk", Escape brings it back
    page.keyboard.press("Enter")
    column.wait_for(state="visible")
    page.wait_for_function("() => document.activeElement && document.activeElement.textContent === 'Luk'")
    assert close.evaluate(FOCUS_RING)["visible"]
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.matches('#sources a.cite')")

    page.get_by_role("tab", name="Dokumenter").tap()
    page.locator("#documents table.documents").wait_for()
    assert _fits(page)
    rights = page.locator("#documents tr").evaluate_all("(rows) => rows.map((r) => r.getBoundingClientRect().right)")
    assert rights and max(rights) <= PHONE["width"], rights  # the cards are not clipped either
    page.screenshot(path=SHOTS / "documents-390.png", full_page=True)
    page.locator("#documents a.doc").first.tap()
    page.locator("#document .doc-text").wait_for()
    assert _fits(page)
    page.context.close()
