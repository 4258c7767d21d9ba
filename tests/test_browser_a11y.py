"""Accessibility and literal rendering: axe-core (pinned, fetched into the build cache, injected
by this test only) on every section, light and dark; user text that looks like HTML is shown
as text, never run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from buildtools import REPO, default_cache, glossary, sections
from buildtools.assets import AXE
from tests.conftest import Recorded, open_recorded

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

AXE_JS = default_cache() / AXE.dest / "axe.min.js"
# every section in the table, and what the page has around them
SECTIONS = ["header", *(f"#{s.id}" for s in sections.load(REPO / "site").sections),
            "#credits", "footer"]
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def app(browser: Browser, site_url: str) -> Iterator[Recorded]:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `python3 build.py fetch`")
    rec, context = open_recorded(browser, site_url)
    rec.page.wait_for_selector("body[data-status=ready]")
    # The page's CSP refuses inline scripts (as it should), so axe comes from the page's own
    # origin: a test-only route that serves the pinned file.
    context.route(
        "**/__test__/axe.min.js",
        lambda route: route.fulfill(path=AXE_JS, content_type="text/javascript"),
    )
    rec.page.add_script_tag(url=site_url + "__test__/axe.min.js")
    yield rec
    context.close()


def violations(page: Page, selector: str) -> list[str]:
    """axe's violations in one part of the page, brought on screen first as a reader would:
    a section far from the screen is not laid out (content-visibility), and axe reads colours
    and contrast from the layout."""
    found = page.evaluate(
        """async (sel) => {
          document.querySelector(sel).scrollIntoView();
          await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
          const r = await axe.run(sel, {resultTypes: ['violations']});
          return r.violations.map(v => v.id + ': ' + v.nodes.length + ' × ' +
            v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
        }""",
        selector,
    )
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_any_section(app: Recorded, scheme: str) -> None:
    page = app.page
    # The charts redraw in the scheme's colours on their media queries' change event. Media
    # query lists report changes oldest first, so once this newer one has its event (or already
    # matched: no change to report), every chart has redrawn.
    page.evaluate(
        """(dark) => {
          const q = matchMedia('(prefers-color-scheme: dark)');
          window.__schemeShown = q.matches === dark;
          if (!window.__schemeShown) q.addEventListener('change', () => {
            window.__schemeShown = true;
          }, {once: true});
        }""",
        scheme == "dark",
    )
    page.emulate_media(color_scheme=scheme)
    page.wait_for_function("() => window.__schemeShown === true")
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") == (
        scheme == "dark"
    )
    # open what is folded, so its content is checked too
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    found = {sel: violations(page, sel) for sel in SECTIONS}
    assert {k: v for k, v in found.items() if v} == {}


def test_user_text_is_shown_literally(app: Recorded) -> None:
    page = app.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    images = "() => document.querySelectorAll('img[src=x]').length"
    # section II: a word outside the vocabulary comes back as a message naming the character
    page.fill("#corrupt-word", XSS)
    page.dispatch_event("#corrupt-word", "input")
    page.wait_for_selector("#corrupt-message.error")
    # section VII and XI
    page.fill("#translate-word", XSS)
    page.click("#translate-run")
    page.wait_for_selector("#translate-message.error")
    page.fill("#infill-template", XSS)
    page.click("#infill-run")
    page.wait_for_selector("#infill-message.error")
    # section XIV: the traceback of code containing markup
    page.fill(
        "#edit-code", f"def corrupt(x, t, maskable, mask_id, rng):\n    raise ValueError('{XSS}')\n"
    )
    page.click("#edit-run")
    page.wait_for_selector("#edit[data-result=error]")
    assert XSS in page.text_content("#edit-traceback")
    assert page.evaluate(images) == 0
    assert dialogs == []
    for sel in ("#corrupt-message", "#translate-message", "#infill-message"):
        assert page.locator(f"{sel} *").count() == 0, sel  # text only, no elements
    app.assert_clean(app.page.url.split("#")[0])


def test_every_chart_has_a_text_alternative(app: Recorded) -> None:
    charts = app.page.eval_on_selector_all(
        ".chart", "cs => cs.map(c => [c.id, c.getAttribute('role'), c.getAttribute('aria-label')])"
    )
    assert len(charts) == 6  # loss, loss by noise level, translator, lab, sweep, ablation
    for cid, role, label in charts:
        assert role == "img" and label and len(label) > 40, cid


def test_glossary_terms_open_by_keyboard_and_close_with_escape(app: Recorded) -> None:
    page = app.page
    words = page.eval_on_selector_all(".term-word", "ws => ws.map(w => w.textContent)")
    assert len(words) == len(glossary.load(REPO / "site"))  # each term defined once
    word = page.locator("#reveal .term-word").first
    definition = page.locator("#" + word.get_attribute("aria-controls"))
    assert definition.is_hidden()
    word.focus()
    page.keyboard.press("Enter")
    assert definition.is_visible() and word.get_attribute("aria-expanded") == "true"
    assert definition.inner_text().startswith("autoregressive:")
    page.keyboard.press("Escape")
    assert definition.is_hidden() and word.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.classList.contains('term-word')")
    # a click (a tap) opens one; opening another closes the first
    second = page.locator("#reveal .term-word").nth(1)
    word.click()
    second.click()
    assert definition.is_hidden()
    assert page.locator("#" + second.get_attribute("aria-controls")).is_visible()
    page.keyboard.press("Escape")


def test_axe_finds_nothing_in_the_route_the_quiz_and_the_notes(app: Recorded) -> None:
    """The parts the route adds, in the states a class meets: a route chosen (sections folded,
    their buttons shown), a question answered wrong, the teacher notes open."""
    page = app.page
    page.check("#routes input[value=demo]")
    page.check("#quiz-target input[value='0']")
    page.click("#quiz-target .quiz-check")
    page.evaluate("() => { document.querySelector('#teacher-notes').open = true; }")
    parts = [".page-header", "#sweep", "#recap", "#teacher-notes"]
    try:
        found = {sel: violations(page, sel) for sel in parts}
        assert {k: v for k, v in found.items() if v} == {}
    finally:
        page.check("#routes input[value=all]")
