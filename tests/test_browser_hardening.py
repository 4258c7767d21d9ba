"""Faults: a download that fails midway names the file instead of hanging the page.

Pyodide does not reject its loader when the wasm or the standard library fails to download;
boot.js turns that stray failure into the stage's error (see strayFailure)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import pytest

from pytoy.defaults import DEFAULTS
from tests.conftest import MORE, REPO, open_recorded, page_words, ready_page, train_more

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser, Page

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


def test_a_wheel_that_is_not_the_one_built_is_refused(browser: Browser, site_url: str,
                                                      site_dir: Path) -> None:
    """pytoy's wheel comes through Pyodide's loadPackage with the lock's sha256 as the fetch's
    integrity: a wheel changed by one byte on its way is refused, and the page says why."""
    wheel = next((site_dir / "py").glob("pytoy-*.whl")).read_bytes()
    changed = bytes([wheel[0] ^ 1]) + wheel[1:]
    rec, context = open_recorded(browser, "about:blank")
    try:
        context.route("**/pytoy-*.whl", lambda route: route.fulfill(
            body=changed, content_type="application/zip"))
        rec.page.goto(site_url)
        rec.page.wait_for_selector("body[data-status=error]")
        status = rec.page.text_content("#status")
        assert "Could not load pytoy" in status and "sha256" in status, status
        assert "✓ NumPy" in status  # the stages before it loaded
    finally:
        context.close()


# In the log of worker messages: the reply to a train request ({step, done, paused}), and the
# reply to the reset of section IV's model (its info, at step 0).
IS_TRAIN_REPLY = "(m) => !m.event && m.ok && m.result && 'done' in m.result && 'paused' in m.result"
IS_RESET_REPLY = (
    "(m) => !m.event && m.ok && m.result && m.result.name === 'names' && m.result.step === 0"
)


def test_races_have_defined_outcomes(browser: Browser, site_url: str) -> None:
    """Train twice, sample and reset during training, a second tab: each does what it says."""
    with ready_page(browser, site_url + "#train") as rec:
        page = rec.page
        # every message from the worker, in arrival order, until the reset below is done
        page.evaluate(
            "() => { window.__fromWorker = [];"
            " pytoy.client.tap = (m) => window.__fromWorker.push(m); }"
        )
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
        # the stopped run's reply is the last message it sends: once the page has it, it has
        # seen any late progress, and none came after the reset's own reply
        page.wait_for_function(f"() => window.__fromWorker.some({IS_TRAIN_REPLY})")
        log = page.evaluate(
            f"""() => {{
              const log = window.__fromWorker;
              pytoy.client.tap = null;
              return {{
                reset: log.findLastIndex({IS_RESET_REPLY}),
                ended: log.findIndex({IS_TRAIN_REPLY}),
                progress: log.flatMap((m, i) => (m.event === "progress" ? [i] : [])),
              }};
            }}"""
        )
        assert 0 <= log["reset"] < log["ended"], log
        assert log["progress"] and max(log["progress"]) < log["reset"], log
        assert page.get_attribute("#train", "data-step") == "0"
        # and training works again afterwards
        train_more(page)
        assert page.get_attribute("#train", "data-step") == str(MORE)

        # a second tab: its own Python; it finds the model the first tab saved
        other = page.context.new_page()
        other.goto(site_url + "#train")
        other.wait_for_selector("body[data-status=ready]")
        assert other.get_attribute("#train", "data-step") == str(MORE)
        train_more(other)
        assert other.get_attribute("#train", "data-step") == "1000"
        assert page.get_attribute("#train", "data-step") == str(MORE)  # tabs do not interfere
        rec.assert_clean(site_url)


def test_a_crashed_worker_is_reported_and_a_restart_brings_the_model_back(
    browser: Browser, site_url: str
) -> None:
    with ready_page(browser, site_url + "#train") as rec:
        page = rec.page
        train_more(page)
        assert page.get_attribute("#train", "data-step") == str(MORE)
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
        assert page.get_attribute("#train", "data-step") == str(MORE)
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
        assert page.get_attribute("#train", "data-step") == str(MORE)
        page.click("#sample")  # the page carries on
        page.wait_for_function("() => document.querySelector('#timeline').dataset.text")
        assert rec.page_errors == []


# pytoy.train.DivergenceError's message. A chunk (DEFAULTS["chunk"] steps) is all or nothing,
# so the model goes back to the step the failing chunk started from. The uniform guess scores
# ln 22 = 3.09 nats (names: 20 letters, the pad and the mask); 3× it is BLOWUP.
DIVERGED = re.compile(
    r"training diverged at step (?P<step>\d+) \(learning rate (?P<lr>[\d.]+)\): "
    r"(?:the loss is no longer a finite number|the loss averaged (?P<mean>[\d.]+) nats over "
    r"steps (?P<first>\d+)–(?P=step), over 3× a uniform guess's 3\.09)\. "
    r"The model is restored to step (?P<restored>\d+); try a smaller learning rate\."
)
CHUNK = DEFAULTS["chunk"]


def _create(page: Page, name: str, lr: float) -> None:
    page.evaluate(
        "([name, lr, text]) => pytoy.client.call('create', {name, text, train: {lr}})",
        [name, lr, NAMES],
    )


def _state(page: Page, name: str) -> dict:
    """What training changes: weights, history and (format 2) momentum and random state."""
    ckpt = page.evaluate("(name) => pytoy.client.call('export', {name})", name)
    return {k: ckpt.get(k) for k in ("params", "history", "resume")}


def _assert_restored(page: Page, message: str, lr: float) -> int:
    """The message is DivergenceError's, and the model is the one of the step it names."""
    m = DIVERGED.fullmatch(message)
    assert m, message
    step, restored = int(m["step"]), int(m["restored"])
    assert float(m["lr"]) == lr
    assert restored == (step - 1) // CHUNK * CHUNK  # the start of the chunk that failed
    if m["mean"] is not None:
        assert int(m["first"]) == restored + 1 and step == restored + CHUNK
        assert float(m["mean"]) > 3 * math.log(22)
    return restored


def test_every_learning_rate_the_control_allows_trains_or_is_caught(
    browser: Browser, site_url: str
) -> None:
    """Small rates train; lr 10 is caught in its first chunk (clipping keeps its loss finite
    but far over 3× a uniform guess's) and the model is exactly the one before that chunk."""
    with ready_page(browser, site_url + "#train") as rec:
        page = rec.page
        for lr in (0.001, 0.03, 0.3, 1, 3, 10):
            _create(page, "lr-probe", lr)
            outcome = page.evaluate(
                "() => pytoy.client.request('train', {name: 'lr-probe', steps: 300})"
                ".then(r => 'trained ' + r.step, e => 'caught: ' + e.message)"
            )
            if lr <= 0.3:
                assert outcome == "trained 300", (lr, outcome)
            if lr == 10:
                assert outcome.startswith("caught: training diverged at step 25 "), outcome
            if outcome.startswith("trained"):
                assert outcome == "trained 300", (lr, outcome)
                continue
            restored = _assert_restored(page, outcome.removeprefix("caught: "), lr)
            # restored means identical to a twin trained only up to that step, never diverged:
            # weights, history, momentum and random state
            _create(page, "lr-twin", lr)
            if restored:
                page.evaluate(
                    "(steps) => pytoy.client.request('train', {name: 'lr-twin', steps})", restored
                )
            assert _state(page, "lr-probe") == _state(page, "lr-twin"), lr
            assert page.evaluate("() => pytoy.client.call('info', {name: 'lr-probe'})")[
                "step"
            ] == restored
            # and training goes on at a sane rate from there
            page.evaluate("() => pytoy.client.call('set_lr', {name: 'lr-probe', lr: 0.1})")
            again = page.evaluate(
                "() => pytoy.client.request('train', {name: 'lr-probe', steps: 100})"
            )
            assert again["step"] == restored + 100
        # through the page's own control: 10 is allowed and caught; the reader is told, the
        # model is the one before the run, and NaN never reaches the screen
        step = int(page.get_attribute("#train", "data-step"))
        before = _state(page, "names")
        page.fill("#train-lr", "10")
        page.dispatch_event("#train-lr", "change")
        page.click("#train-start")
        page.wait_for_selector("#train-message.error")
        page.wait_for_function("() => !document.querySelector('#train-start').disabled")
        assert _assert_restored(page, page.text_content("#train-message"), 10) == step
        assert page.get_attribute("#train", "data-step") == str(step)
        assert page.is_visible("#train-recover")
        assert _state(page, "names") == before
        assert "NaN" not in page_words(page)
        assert "Infinity" not in page_words(page)


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
