"""Settings that travel and survive: the URL round trip, tampered URL values, settings kept in
the browser (the URL winning over them), forgetting them, the copy-link button; and the page's
shape on a phone and with reduced motion.

Most tests need only the build's frames, not Python: the controls are filled from the
settings before the worker is ready. So they block the WebAssembly download (the worker then
reports a failure, which these tests ignore) to keep the machine free for the tests that do
boot Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pytoy.defaults import bounds, default
from tests.conftest import WAIT_MS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

CONTROLS = {
    "lr": "#train-lr",
    "batch": "#train-batch",
    "seed": "#train-seed",
    "strategy": "#denoise-strategy",
    "steps": "#denoise-steps",
    "temperature": "#denoise-temperature",
}
DEFAULTS = {  # pytoy's defaults table, as the controls show it
    "lr": str(default("train", "lr")),
    "batch": str(default("train", "batch")),
    "seed": str(default("train", "seed")),
    "strategy": default("decode", "strategy"),
    "steps": str(default("decode", "steps")),
    "temperature": str(default("decode", "temperature")),
}
LR_MAX, TEMPERATURE_MAX = bounds("train", "lr")[1], bounds("decode", "temperature")[1]
SEED_MAX = bounds("train", "seed")[1]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """One browser profile: pages opened in it share localStorage, like a reader's tabs."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.route("**/pyodide.asm.wasm", lambda route: route.abort())
    yield ctx
    ctx.close()


def open_frames(context: BrowserContext, url: str) -> Page:
    """Open ``url`` and wait until the build's frames are drawn (Python not needed)."""
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    page.wait_for_selector("#denoise-frame[data-tokens]", state="attached")
    return page


def controls(page: Page) -> dict[str, str]:
    return {name: page.eval_on_selector(sel, "n => n.value") for name, sel in CONTROLS.items()}


def change(page: Page, name: str, value: str) -> None:
    """Set a control as a reader would and fire its change event (disabled or not)."""
    page.eval_on_selector(
        CONTROLS[name],
        "(n, v) => { n.value = v; n.dispatchEvent(new Event('change', {bubbles: true})); }",
        value,
    )


def query(page: Page) -> dict[str, str]:
    return page.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")


def test_url_settings_fill_every_control_and_survive_a_reload(context, site_url):
    url = f"{site_url}?lr=0.05&batch=16&seed=3&strategy=remask&steps=3&temperature=0.5#denoise"
    page = open_frames(context, url)
    want = {
        "lr": "0.05",
        "batch": "16",
        "seed": "3",
        "strategy": "remask",
        "steps": "3",
        "temperature": "0.5",
    }
    assert controls(page) == want
    page.reload()
    page.wait_for_selector("#denoise-frame[data-tokens]", state="attached")
    assert controls(page) == want
    assert page.evaluate("() => location.hash") == "#denoise"


@pytest.mark.parametrize(
    ("search", "want"),
    [
        ("?strategy=<script>alert(1)</script>&steps=-3&temperature=NaN&lr=1e99",
         {**DEFAULTS, "lr": f"{LR_MAX:g}"}),
        (
            "?strategy=REMASK&steps=99&temperature=70&batch=0.4&seed=1e99",
            {**DEFAULTS, "steps": "7", "temperature": f"{TEMPERATURE_MAX:g}", "batch": "1",
             "seed": str(SEED_MAX)},
        ),
        ("?steps=2.6&temperature=%20&lr=&strategy=", {**DEFAULTS, "steps": "3"}),
    ],
)
def test_tampered_url_values_are_clamped_or_ignored(context, site_url, search, want):
    page = open_frames(context, site_url + search)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    assert controls(page) == want
    assert errors == []
    # nothing from the URL became markup (the inline blocks are the build's three tables)
    built = ":not(#pytoy-table):not(#pytoy-sections):not(#pytoy-facts)"
    assert page.locator(f"script:not([src]){built}").count() == 0


def test_changed_settings_are_kept_in_the_browser_and_the_url_wins(context, site_url):
    page = open_frames(context, site_url)
    change(page, "strategy", "random")
    change(page, "steps", "2")
    change(page, "temperature", "1.2")
    change(page, "batch", "8")
    assert query(page) == {"strategy": "random", "steps": "2", "temperature": "1.2", "batch": "8"}

    # A new visit to the plain address (same browser) keeps them ...
    again = open_frames(context, site_url)
    assert controls(again) == {
        **DEFAULTS,
        "strategy": "random",
        "steps": "2",
        "temperature": "1.2",
        "batch": "8",
    }
    # ... but a shared link's values win over what is stored.
    link = open_frames(context, f"{site_url}?temperature=0.3&strategy=blocks")
    assert controls(link) == {
        **DEFAULTS,
        "strategy": "blocks",
        "steps": "2",
        "temperature": "0.3",
        "batch": "8",
    }

    # Forgetting them: the next plain visit starts from the defaults.
    link.click("#share-forget")
    assert "Forgotten" in link.text_content("#share-message")
    fresh = open_frames(context, site_url)
    assert controls(fresh) == DEFAULTS


def test_a_setting_that_is_not_usable_is_refused_and_the_last_good_value_shown(context, site_url):
    page = open_frames(context, f"{site_url}?temperature=0.5")
    change(page, "temperature", "abc")
    assert controls(page)["temperature"] == "0.5"
    change(page, "steps", "40")  # more steps than the name has letters: clamped to its length
    assert controls(page)["steps"] == "7"
    assert query(page) == {"temperature": "0.5", "steps": "7"}


def test_an_old_shared_link_opens_with_the_same_settings_and_is_rewritten(context, site_url):
    """Links shared before `temp` was renamed `temperature` keep their meaning."""
    page = open_frames(context, f"{site_url}?temp=0.5&strategy=remask#denoise")
    assert controls(page) == {**DEFAULTS, "temperature": "0.5", "strategy": "remask"}
    assert query(page) == {"temperature": "0.5", "strategy": "remask"}  # rewritten at once
    assert page.evaluate("() => location.hash") == "#denoise"


def test_settings_stored_under_old_names_come_back(context, site_url):
    """A returning reader's stored settings from before the rename: `temp` is read."""
    page = open_frames(context, site_url)
    page.evaluate("""() => localStorage.setItem("pytoy:settings",
        JSON.stringify({strategy: "blocks", steps: 3, temp: 1.4, lr: 0.2, batch: 64, seed: 9}))""")
    again = open_frames(context, site_url)
    assert controls(again) == {"lr": "0.2", "batch": "64", "seed": "9", "strategy": "blocks",
                               "steps": "3", "temperature": "1.4"}
    stored = again.evaluate("() => JSON.parse(localStorage.getItem('pytoy:settings'))")
    assert stored["temperature"] == 1.4 and "temp" not in stored


def test_copy_link_gives_the_address_with_the_settings(context, site_url):
    page = open_frames(context, f"{site_url}?seed=5#train")
    change(page, "strategy", "threshold")
    page.click("#share-copy")
    page.wait_for_selector("#share-message[data-link]")
    link = page.get_attribute("#share-message", "data-link")
    assert link == f"{site_url}?seed=5&strategy=threshold#train"
    other = open_frames(context, link)
    assert controls(other)["strategy"] == "threshold"
    assert controls(other)["seed"] == "5"


def test_storage_refused_still_reads_the_url(browser, site_url):
    ctx = browser.new_context()
    ctx.route("**/pyodide.asm.wasm", lambda route: route.abort())
    ctx.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new Error('denied'); }});"
    )
    try:
        page = open_frames(ctx, f"{site_url}?strategy=blocks")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        assert controls(page)["strategy"] == "blocks"
        change(page, "temperature", "1.5")
        assert query(page) == {"strategy": "blocks", "temperature": "1.5"}
        page.click("#share-forget")
        assert "does not let the page store" in page.text_content("#share-message")
        assert errors == []
    finally:
        ctx.close()


# --- the page's shape -----------------------------------------------------------------------


def overflowing(page: Page) -> list[str]:
    """Elements whose right edge passes the viewport (what makes a phone scroll sideways)."""
    return page.evaluate(
        """() => {
          const w = document.documentElement.clientWidth;
          const out = [];
          for (const n of document.querySelectorAll('body *')) {
            if (n.closest('details:not([open])') || n.closest('[hidden]')) continue;
            const style = getComputedStyle(n);
            if (style.position === 'absolute' && n.closest('.skip')) continue;
            const r = n.getBoundingClientRect();
            if (r.width > 0 && r.right > w + 1) {
              // a box inside a scrollable container is fine: it scrolls, the page does not
              let p = n.parentElement, scrolls = false;
              while (p && p !== document.body) {
                const o = getComputedStyle(p).overflowX;
                if (o === 'auto' || o === 'scroll' || o === 'hidden') { scrolls = true; break; }
                p = p.parentElement;
              }
              const name = n.id ? '#' + n.id : n.tagName.toLowerCase();
              if (!scrolls) out.push(name + ' ' + Math.round(r.right));
            }
          }
          return out;
        }"""
    )


def test_a_phone_never_scrolls_sideways(browser, site_url):
    ctx = browser.new_context(
        viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True
    )
    try:
        page = ctx.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(site_url)
        page.wait_for_selector("body[data-status=ready]")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, overflowing(page)
        assert overflowing(page) == []
    finally:
        ctx.close()


def test_reduced_motion_shows_results_without_animating(browser, site_url):
    ctx = browser.new_context(reduced_motion="reduce")
    try:
        page = ctx.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(site_url)
        page.wait_for_selector("body[data-status=ready]")
        page.click("#reveal-reset")
        page.click("#reveal-play")
        # No animation: the very next frame already shows every pass of both models.
        frame = page.text_content("#reveal-frame")
        last = page.evaluate("() => pytoy.sections.reveal.position().last")
        assert page.evaluate("() => pytoy.sections.reveal.position().at") == last, frame
        running = page.evaluate(
            "() => document.getAnimations().filter(a => a.playState === 'running').length"
        )
        assert running == 0
    finally:
        ctx.close()
