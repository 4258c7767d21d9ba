"""Faults: a download that fails midway names the file instead of hanging the page.

Pyodide does not reject its loader when the wasm or the standard library fails to download;
boot.js turns that stray failure into the stage's error (see strayFailure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO, open_recorded, ready_page, train_more

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("pattern", "name", "stage"),
    [
        ("**/pyodide.asm.wasm", "pyodide/pyodide.asm.wasm", "Python runtime"),
        ("**/python_stdlib.zip", "pyodide/python_stdlib.zip", "Python runtime"),
        ("**/numpy-*.whl", "numpy-2.0.2", "NumPy"),
        ("**/pytoy-*.whl", "py/pytoy-", "pytoy"),
    ],
)
def test_a_download_cut_off_names_the_file(
    browser: Browser, site_url: str, pattern: str, name: str, stage: str
) -> None:
    rec, context = open_recorded(browser, "about:blank")
    try:
        context.route(pattern, lambda route: route.abort())
        rec.page.goto(site_url)
        rec.page.wait_for_selector("body[data-status=error]")
        status = rec.page.text_content("#status")
        assert f"Could not load {stage}" in status
        assert name in status
        assert rec.page_errors == []
        # the build's frames are still on the page
        assert rec.page.get_attribute("#reveal-diffusion .timeline-box", "data-text") == "rahul"
    finally:
        context.close()


def test_races_have_defined_outcomes(browser: Browser, site_url: str) -> None:
    """Train twice, sample and reset during training, a second tab: each does what it says."""
    with ready_page(browser, site_url + "#train") as rec:
        page = rec.page
        page.click("#train-start")  # 1000 steps of 128: long enough to act during the run
        page.wait_for_selector("#train[data-training=true]")
        assert page.is_disabled("#train-start") and page.is_disabled("#train-more")
        # switching to another dataset mid-run is not offered until the run ends
        assert page.is_disabled("#own-names-use") and page.is_disabled("#own-names-default")
        assert page.is_disabled("#train-import")
        # a second run of the same model is refused by the worker, with a reason
        second = page.evaluate(
            "() => pytoy.client.request('train', {name: 'names', steps: 10})"
            ".then(() => 'ran', e => e.message)"
        )
        assert "already training" in second
        # sampling during training is answered between chunks, while training goes on
        page.click("#sample")
        page.wait_for_function(
            "() => document.querySelector('#timeline').dataset.text !== undefined"
        )
        assert page.get_attribute("#train", "data-training") == "true"
        # reset during training: the run stops, a fresh model at step 0, quiet about the old run
        page.click("#train-reset")
        page.wait_for_function("() => document.querySelector('#train').dataset.step === '0'")
        page.wait_for_selector("#train[data-training=false]")
        page.wait_for_timeout(500)  # any late progress from the stopped run would show here
        assert page.get_attribute("#train", "data-step") == "0"
        # and training works again afterwards
        train_more(page)
        assert page.get_attribute("#train", "data-step") == "500"

        # a second tab: its own Python; it finds the model the first tab saved
        other = page.context.new_page()
        other.goto(site_url + "#train")
        other.wait_for_selector("body[data-status=ready]")
        assert other.get_attribute("#train", "data-step") == "500"
        train_more(other)
        assert other.get_attribute("#train", "data-step") == "1000"
        assert page.get_attribute("#train", "data-step") == "500"  # tabs do not interfere
        rec.assert_clean(site_url)


def test_a_crashed_worker_is_reported_and_a_restart_brings_the_model_back(
    browser: Browser, site_url: str
) -> None:
    with ready_page(browser, site_url + "#train") as rec:
        page = rec.page
        train_more(page)
        assert page.get_attribute("#train", "data-step") == "500"
        # an uncaught error inside the worker: what a crash looks like from the page
        [worker] = page.workers
        worker.evaluate("() => { setTimeout(() => { throw new Error('simulated crash'); }); }")
        page.wait_for_selector("body[data-status=error]")
        assert "The Python worker stopped" in page.text_content("#status")
        assert "simulated crash" in page.text_content("#status")
        # requests after the crash fail at once with the reason, never hang
        reply = page.evaluate(
            "() => pytoy.client.call('defaults').then(() => 'answered', e => e.message)"
        )
        assert "simulated crash" in reply
        page.click("#restart-python")
        page.wait_for_selector("body[data-status=ready]")
        assert page.get_attribute("#train", "data-step") == "500"
        assert "Welcome back" in page.text_content("#train-message")


NAMES = (REPO / "data" / "names.txt").read_text()
FULL_STORAGE = """
Storage.prototype.setItem = function () {
  throw new DOMException('quota exceeded', 'QuotaExceededError');
};
"""


def test_full_storage_says_not_saved_and_keeps_working(browser: Browser, site_url: str) -> None:
    with ready_page(browser, site_url + "#train", init_script=FULL_STORAGE) as rec:
        page = rec.page
        train_more(page)
        assert "Not saved" in page.text_content("#train-saved")
        assert page.get_attribute("#train", "data-step") == "500"
        page.click("#sample")  # the page carries on
        page.wait_for_function("() => document.querySelector('#timeline').dataset.text")
        assert rec.page_errors == []


def test_every_learning_rate_the_control_allows_trains_or_is_caught(
    browser: Browser, site_url: str
) -> None:
    with ready_page(browser, site_url + "#train") as rec:
        page = rec.page
        for lr in (0.001, 0.03, 0.3, 1, 3, 10):
            page.evaluate(
                "([lr, text]) => pytoy.client.call('create',"
                " {name: 'lr-probe', text, train: {lr}})",
                [lr, NAMES],
            )
            outcome = page.evaluate(
                "() => pytoy.client.request('train', {name: 'lr-probe', steps: 300})"
                ".then(r => 'trained ' + r.step, e => 'caught: ' + e.message)"
            )
            info = page.evaluate("() => pytoy.client.call('info', {name: 'lr-probe'})")
            history = page.evaluate("() => pytoy.client.call('history', {name: 'lr-probe'})")
            assert all(h == h and abs(h) < 1e308 for h in history), lr  # finite, kept history
            if outcome.startswith("caught"):
                assert "diverg" in outcome or "not finite" in outcome, outcome
                # weights restored: training goes on at a sane rate from the last good step
                page.evaluate("() => pytoy.client.call('set_lr', {name: 'lr-probe', lr: 0.1})")
                again = page.evaluate(
                    "() => pytoy.client.request('train', {name: 'lr-probe', steps: 100})"
                )
                assert again["step"] == info["step"] + 100
            else:
                assert outcome == "trained 300", (lr, outcome)
        # through the page's own control: 10 is allowed, caught, and NaN never reaches the screen
        page.fill("#train-lr", "10")
        page.dispatch_event("#train-lr", "change")
        page.click("#train-start")
        page.wait_for_selector("#train[data-training=false]")
        page.wait_for_function("() => !document.querySelector('#train-start').disabled")
        assert "NaN" not in page.inner_text("body")
        assert "Infinity" not in page.inner_text("body")


def test_keyboard_focus_is_always_visible(browser: Browser, site_url: str) -> None:
    with ready_page(browser, site_url) as rec:
        page = rec.page
        page.locator("body").focus()
        seen = set()
        for _ in range(120):
            page.keyboard.press("Tab")
            info = page.evaluate(
                """() => {
                  const n = document.activeElement;
                  if (!n || n === document.body) return null;
                  const s = getComputedStyle(n);
                  const box = n.closest('.file-button');
                  const ring = box ? getComputedStyle(box) : s;
                  return {id: n.id || n.tagName, outline: ring.outlineStyle,
                          width: parseFloat(ring.outlineWidth), shadow: s.boxShadow};
                }"""
            )
            if info is None:
                continue
            seen.add(info["id"])
            visible = (info["outline"] != "none" and info["width"] >= 2) or info["shadow"] != "none"
            assert visible, info
        assert len(seen) > 40  # the walk went through much of the page
