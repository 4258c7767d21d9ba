"""No single failure stops the page (Chromium): a part that fails says so, the rest goes on.

Each test cuts one thing off with Playwright's ``route()`` before the page loads — the chart
library, the precomputed frames, one section's module, or a sane ``navigator.language`` — and
checks three things: Python still boots and section IV still trains and samples; the failed
part says what failed (in its own section or chart area, and once in the status line); and
every other section still goes live. Waits have generous ceilings; nothing asserts timing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from buildtools import REPO, sections
from tests.conftest import Recorded, open_recorded, origin

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

pytestmark = pytest.mark.browser

CHART_LIBRARY = "vendor/uplot/dist/uPlot.esm.js"
CHARTS = ("#loss-chart", "#translate-chart", "#conf-chart", "#sweep-chart")
# The sections drawn from frames.json, by id (section XIV and IV need Python only).
# the sections the table says start from frames.json
FROM_FRAMES = tuple(s.id for s in sections.load(REPO / "site").sections if s.frames)

# What WebKitGTK reports under LANG=C.UTF-8; Intl refuses it (a RangeError), and uPlot calls
# Intl.NumberFormat(navigator.language) as it loads. Defined where the browser defines it.
LANGUAGE_C = """Object.defineProperty(Navigator.prototype, "language",
  {configurable: true, enumerable: true, get() { return "c"; }});"""

THROWS_JS = """(tag) => { try { new Intl.NumberFormat(tag); return null; }
                         catch (e) { return e.name; } }"""


@contextmanager
def page_with(
    browser: Browser, url: str, routes: dict[str, Callable[[Route], None]],
    init_script: str | None = None,
) -> Iterator[Recorded]:
    """The page at ``url`` with ``routes`` in place before it loads; waits until it is ready."""
    rec, context = open_recorded(browser, "about:blank", init_script=init_script)
    try:
        for pattern, handler in routes.items():
            context.route(pattern, handler)
        rec.page.goto(url)
        rec.page.wait_for_selector("body[data-status=ready], body[data-status=error]")
        assert rec.page.get_attribute("body", "data-status") == "ready", (
            rec.page.text_content("#status"))
        yield rec
    finally:
        context.close()


def abort(route: Route) -> None:
    route.abort()


def failed_parts(page: Page) -> set[str]:
    return set((page.get_attribute("body", "data-failed") or "").split())


def section_problems(page: Page) -> dict[str, str]:
    """Section id -> the message it shows about itself, for every section that has one."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("section[data-failed]")]
             .map((s) => [s.id, s.querySelector(".section-problem").textContent]))"""
    )


def trains_and_samples(page: Page, steps: int = 50) -> None:
    """Section IV works: Train runs, Pause stops it, Sample draws a name."""
    page.click("#train-start")
    page.wait_for_function(
        "(n) => Number(document.querySelector('#train').dataset.step) >= n", arg=steps
    )
    page.click("#train-pause")
    page.wait_for_selector("#train[data-training=false]")
    step = int(page.get_attribute("#train", "data-step") or 0)
    assert step >= steps
    assert page.text_content("#stat-step") == str(step)
    assert page.text_content("#stat-loss") not in ("", "–")
    page.click("#sample")
    page.wait_for_selector("#timeline .verdict")
    assert page.get_attribute("#timeline", "data-text")


def only_complaints_about(rec: Recorded, *names: str) -> None:
    """No page error or rejection; every console error is about the part cut off."""
    seen = rec.in_page()
    assert rec.page_errors == []
    assert seen["rejections"] == [] and seen["csp"] == []
    for message in rec.console_errors:
        assert message.startswith("Failed to load resource") or any(n in message for n in names), (
            message)


def test_without_the_chart_library_python_trains_and_each_chart_says_why(
    browser: Browser, site_url: str
) -> None:
    with page_with(browser, site_url + "#train", {f"**/{CHART_LIBRARY}": abort}) as rec:
        page = rec.page
        assert failed_parts(page) == {"charts"}
        assert "Python 3." in page.text_content("#versions")
        status = page.text_content("#status")
        assert "The charts are not drawn" in status and CHART_LIBRARY in status
        assert "Training, sampling" in status
        for chart in CHARTS:  # each chart area says what failed and where its numbers are
            message = page.text_content(f"{chart} .chart-problem")
            assert CHART_LIBRARY in message and "This chart is not drawn" in message
            assert page.locator(f"{chart} canvas").count() == 0
            assert page.get_attribute(chart, "role") is None  # text now, not an image
        assert "Loss history (.csv)" in page.text_content("#loss-chart")

        trains_and_samples(page)
        # nothing else is lost: no section failed, and each went live
        assert section_problems(page) == {}
        for sid in ("reveal", "race"):
            assert page.get_attribute(f"#{sid}", "data-source") == "live", sid
        assert page.is_enabled("#sweep-run") and page.is_enabled("#lab-run")
        assert page.locator("#sweep-table tbody tr").count() > 0  # the chart's numbers, as text
        assert page.locator("#conf-table tbody tr").count() > 0
        page.fill("#translate-word", "water")
        page.click("#translate-run")
        page.wait_for_function(
            "() => document.querySelector('#translate-timeline').dataset.text === 'paani'"
        )
        only_complaints_about(rec, "uPlot.esm.js")
        assert rec.foreign_requests(origin(site_url)) == []


def test_without_the_frames_only_the_sections_drawn_from_them_say_so(
    browser: Browser, site_url: str
) -> None:
    with page_with(browser, site_url + "#train", {"**/frames.json": abort}) as rec:
        page = rec.page
        problems = section_problems(page)
        assert set(problems) == set(FROM_FRAMES)
        for sid, message in problems.items():
            assert "frames.json" in message and "could not start" in message, sid
            assert "Python are not affected" in message
            # its "Python loading…" note is gone: it would no longer be true
            assert page.locator(f"#{sid} [data-pending]").count() == 0
        status = page.text_content("#status")
        assert "Could not load frames.json" in status
        numbers = ", ".join(s.number for s in sections.load(REPO / "site").sections if s.frames)
        assert f"sections {numbers}, which need it" in status  # every one, by number, in order
        assert "Python and the other sections work" in status
        assert "Ready in" in status

        trains_and_samples(page)
        assert page.locator("#loss-chart canvas").count() >= 1  # the chart library still works
        # section XIV needs Python only: it shows the source that runs and goes live
        page.wait_for_function("() => !document.querySelector('#edit-run').disabled")
        assert "def " in page.input_value("#edit-code")
        only_complaints_about(rec, "frames.json")


def test_a_broken_view_costs_its_own_sections_only(browser: Browser, site_url: str) -> None:
    """The corruption section's view throws as it starts; the strategies' module does not load
    at all."""

    def broken_corrupt(route: Route) -> None:
        route.fulfill(content_type="text/javascript", body=(
            "export default class { constructor() { throw new Error('simulated failure'); } }"
        ))

    routes = {"**/js/views/corrupt.js": broken_corrupt, "**/js/views/lab.js": abort}
    with page_with(browser, site_url + "#train", routes) as rec:
        page = rec.page
        assert failed_parts(page) == {"corrupt", "strategies"}
        problems = section_problems(page)
        assert set(problems) == {"corrupt", "strategies"}
        assert "simulated failure" in problems["corrupt"]
        assert "js/views/lab.js" in problems["strategies"]
        status = page.text_content("#status")
        assert "How corruption dissolves a name" in status and "simulated failure" in status
        lab = next(x.number for x in sections.load(REPO / "site").sections if x.view == "lab")
        assert "Could not load js/views/lab.js" in status
        assert f"section {lab}, which needs it" in status

        trains_and_samples(page)
        assert page.get_attribute("#reveal", "data-source") == "live"  # the others are live
        assert page.is_enabled("#sweep-run") and page.is_enabled("#translate-run")
        only_complaints_about(rec, "simulated failure", "lab.js")


def test_an_unusual_navigator_language_does_not_stop_the_charts(
    browser: Browser, site_url: str
) -> None:
    with page_with(browser, site_url + "#train", {}, init_script=LANGUAGE_C) as rec:
        page = rec.page
        assert page.evaluate(THROWS_JS, "c") == "RangeError"  # the case is real in Chromium
        assert page.get_attribute("body", "data-failed") is None
        assert page.evaluate("() => window.pytoy.charts.locale") == {"was": "c", "now": "en-US"}
        assert page.evaluate("() => navigator.language") == "en-US"
        trains_and_samples(page)
        for chart in CHARTS:  # each is created when it first comes into view
            page.locator(chart).scroll_into_view_if_needed()
            page.wait_for_selector(f"{chart} canvas", state="attached")
        assert page.get_attribute("#loss-chart", "role") == "img"
        rec.assert_clean(site_url)


def test_a_usable_language_is_left_alone(open_page: Callable[..., Recorded], site_url: str
                                         ) -> None:
    """A reader's own locale (here de-DE) keeps its number format: the guard changes nothing."""
    german = LANGUAGE_C.replace('"c"', '"de-DE"')
    rec = open_page(site_url, init_script=german)
    rec.page.wait_for_selector("body[data-status=ready]")
    assert rec.page.evaluate("() => navigator.language") == "de-DE"
    assert rec.page.evaluate("() => window.pytoy.charts.locale") is None
    rec.page.locator("#loss-chart").scroll_into_view_if_needed()  # charts are drawn in view
    rec.page.wait_for_selector("#loss-chart canvas", state="attached")
