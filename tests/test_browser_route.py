"""The route through the article, in the browser: the 10-minute demo walked end to end, the
route kept in the URL and this browser, a link into a folded section opening it, the recap's
quiz answered right and wrong, and the teacher notes.

Oracles: site/sections.toml read directly (which sections a route shows), site/walk.toml's
steps performed through the page's controls and checked against the figures pytoy computed for
the build (buildtools/facts.py on the built frames.json), site/quiz.toml's answers.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from buildtools import REPO, facts, sections, tries
from pytoy import api
from tests.conftest import Recorded, ready_page
from tests.test_browser_tryit import perform

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

SITE = REPO / "site"
TABLE = sections.load(SITE, REPO)
RAW = tomllib.loads((SITE / "sections.toml").read_text(encoding="utf-8"))
QUIZ = tomllib.loads((SITE / "quiz.toml").read_text(encoding="utf-8"))["question"]


def shows(route: str) -> list[str]:
    """The sections a route shows, from the table itself."""
    levels = next(r["levels"] for r in RAW["route"] if r["id"] == route)
    return [s["id"] for s in RAW["section"] if s["level"] in levels]


@pytest.fixture(scope="module")
def app(browser: Browser, site_url: str) -> Iterator[Recorded]:
    """One page on the demo route, booted once for the module."""
    with ready_page(browser, site_url + "?route=demo") as rec:
        yield rec


@pytest.fixture(scope="module")
def figures(site_dir: Path) -> dict[str, Any]:
    """The build's figures, named as a walk's steps name them (_ for .)."""
    computed = facts.compute(json.loads((site_dir / "frames.json").read_text()), api.defaults())
    return {k.replace(".", "_"): v for k, v in computed.items()}


def folded(page: Page) -> list[str]:
    return page.eval_on_selector_all("main > section[data-folded=true]", "ns => ns.map(n => n.id)")


def test_the_demo_route_folds_every_section_it_does_not_show(app: Recorded) -> None:
    page = app.page
    want = [s.id for s in TABLE.sections if s.id not in shows("demo")]
    assert folded(page) == want
    for sid in want:  # folded: heading and minutes stay, the prose is hidden, a button offers it
        assert page.is_hidden(f"#{sid}-body")
        assert page.is_visible(f"#{sid} h2") and page.is_visible(f"#{sid} button.fold")
        assert page.get_attribute(f"#{sid} button.fold", "aria-expanded") == "false"
    for sid in shows("demo"):
        assert page.is_visible(f"#{sid}-body") and page.is_hidden(f"#{sid} button.fold")
    assert page.is_checked("#routes input[value=demo]")
    marked = page.eval_on_selector_all(".toc li[data-folded=true] a", "as => as.map(a => a.hash)")
    assert marked == [f"#{sid}" for sid in want]


def test_the_10_minute_demo_walked_end_to_end(app: Recorded, figures: dict[str, Any]) -> None:
    """Every step of the demo's script, through the controls it names, in reading order; a
    control in a folded section could not be clicked (Playwright waits for it to be visible)."""
    page = app.page
    script = [s for s in sections.script(TABLE, SITE) if s.route == "demo"]
    assert [s.section for s in script] == shows("demo")  # one step per section of the route
    for k, step in enumerate(script, start=1):
        page.locator(f"#{step.section}").scroll_into_view_if_needed()
        for n, action in enumerate(step.steps, start=1):
            where = f"demo step {k} ({step.section}), action {n}"
            filled = {key: tries.fill(v, figures, where, prose=False) if isinstance(v, str) else v
                      for key, v in action.items()}
            perform(page, filled, figures, {}, where)
    assert folded(page) == [s.id for s in TABLE.sections if s.id not in shows("demo")]


def test_the_quiz_says_right_and_wrong_and_explains(app: Recorded) -> None:
    page = app.page
    page.click("#quiz-floor .quiz-check")  # nothing picked yet
    assert "Pick one" in page.text_content("#quiz-floor .quiz-feedback")
    for q in QUIZ:
        box = f"#quiz-{q['id']}"
        wrong = next(i for i in range(len(q["choices"])) if i != q["answer"])
        page.check(f"{box} input[value='{wrong}']")
        page.click(f"{box} .quiz-check")
        assert page.get_attribute(f"{box} .quiz-feedback", "data-result") == "wrong"
        assert "the answer is" in page.text_content(f"{box} .quiz-feedback")
        assert page.is_visible(f"{box} .quiz-explain")
        # the explanation points back to a section, by its number
        refs = page.eval_on_selector_all(f"{box} .quiz-explain", "ns => ns[0].textContent")
        assert re.search(r"\b[Ss]ections? [IVX]+\b", refs), q["id"]
        page.check(f"{box} input[value='{q['answer']}']")
        page.click(f"{box} .quiz-check")
        assert page.get_attribute(f"{box} .quiz-feedback", "data-result") == "right"
    n = len(QUIZ)
    assert page.text_content(".quiz-score") == f"{n} of {n} right."
    assert page.evaluate("() => pytoy.sections.recap.shown") == {q["id"]: True for q in QUIZ}


def test_a_link_into_a_folded_section_unfolds_it(app: Recorded) -> None:
    page = app.page
    assert "sweep" in folded(page)
    page.click(".toc a[href='#sweep']")
    page.wait_for_function("() => location.hash === '#sweep'")
    assert page.is_visible("#sweep-body") and "sweep" not in folded(page)
    # the reader folds it again by its button, by keyboard
    page.focus("#sweep button.fold")
    page.keyboard.press("Enter")
    assert page.is_hidden("#sweep-body")
    assert page.get_attribute("#sweep button.fold", "aria-expanded") == "false"


def test_the_teacher_notes_open_from_their_link(app: Recorded) -> None:
    page = app.page
    assert page.get_attribute("#teacher-notes", "open") is None
    page.click(".notes-link a")
    assert page.get_attribute("#teacher-notes", "open") == ""
    text = page.text_content("#teacher-notes")
    for r in TABLE.routes:
        assert r.label in text
    assert text.count("Answer:") == len(QUIZ)
    # Print: only the notes go on paper (route.css follows body[data-print]) until it is done
    page.evaluate("() => { window.__printed = []; window.print = () => window.__printed.push("
                  "document.body.dataset.print); }")
    page.click("#notes-print")
    assert page.evaluate("() => window.__printed") == ["notes"]
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("() => document.body.dataset.print") is None
    page.emulate_media(media="print")
    page.evaluate("() => { document.body.dataset.print = 'notes'; }")
    try:
        assert page.is_hidden("#reveal") and page.is_hidden(".page-header")
        assert page.is_visible("#teacher-notes h2")
    finally:
        page.evaluate("() => { delete document.body.dataset.print; }")
        page.emulate_media(media="screen")


def test_the_route_is_in_the_url_and_kept_after_a_reload(browser: Browser, site_url: str
                                                         ) -> None:
    with ready_page(browser, site_url) as rec:  # the plain page: everything, nothing folded
        page = rec.page
        assert folded(page) == [] and page.is_checked("#routes input[value=all]")
        page.check("#routes input[value=class]")
        assert page.evaluate("() => new URL(location.href).searchParams.get('route')") == "class"
        assert folded(page) == [s.id for s in TABLE.sections if s.id not in shows("class")]
        page.reload()
        page.wait_for_selector("body[data-status=ready]")
        assert page.is_checked("#routes input[value=class]")  # kept in this browser and the URL
        page.goto(site_url + "?route=demo#infill")  # a shared link into a folded section
        page.wait_for_selector("body[data-status=ready]")
        assert page.is_checked("#routes input[value=demo]")
        assert "infill" not in folded(page) and "sweep" in folded(page)
        assert page.evaluate("() => document.querySelector('#infill').getBoundingClientRect().top"
                             ) < 900  # brought into view
        # not a route: the one this browser stored (the reader's pick, not the link's) is used
        page.goto(site_url + "?route=nonsense")
        page.wait_for_selector("body[data-status=ready]")
        assert page.is_checked("#routes input[value=class]")
        page.check("#routes input[value=all]")
        assert "route=" not in page.url  # the default is left out of the URL
        rec.assert_clean(site_url)


def test_the_page_stayed_clean(app: Recorded, site_url: str) -> None:
    app.assert_clean(site_url)
