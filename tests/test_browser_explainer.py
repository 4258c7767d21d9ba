"""The explainer, section by section, in a real browser: every control does what it says,
checked against the numbers the worker returns and against pytoy under CPython.

One page is booted for the module (the sections share it, as a reader's would); the reload
test opens its own. The last test proves the whole page stayed clean: no console error, no
CSP violation, no request outside the page's origin.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from pytoy import api
from pytoy.defaults import default
from tests.conftest import MORE, REPO, Recorded, open_recorded, ready_page, train_more

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

CKPT = REPO / "data" / "checkpoints"
# A connection that asks to save data (Chromium has no switch for it).
SAVE_DATA = "Object.defineProperty(navigator, 'connection', {value: {saveData: true}});"
# The type of every request the page sends its worker, in order (window.__toWorker).
RECORD_REQUESTS = """
window.__toWorker = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  window.__toWorker.push(message && message.type);
  return post.call(this, message, ...rest);
};
"""


@pytest.fixture(scope="module")
def shipped() -> dict[str, str]:
    """The shipped checkpoints, loaded into CPython sessions."""
    names = {"names": "names.json", "ar": "names-ar.json", "translate": "translate.json"}
    for session, file in names.items():
        api.load(f"explainer-{session}", (CKPT / file).read_text())
    return {k: f"explainer-{k}" for k in names}


def set_range(page: Page, selector: str, value: float) -> None:
    page.eval_on_selector(
        selector,
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }",
        value,
    )


def rows(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        f"{selector} .timeline li", "els => els.map(e => e.dataset.tokens)"
    )


def test_frames_render_before_python_and_say_it_is_loading(app: Recorded, site_url: str) -> None:
    """frames.json is the same pytoy output; the pending note was shown and is gone when ready."""
    frames = app.page.evaluate("() => window.pytoy.frames")
    assert frames["reveal"]["diffusion"]["text"] == "rahul"
    assert app.page.text_content("#corrupt [data-pending]") == ""


def test_section_one_frames_equal_cpython_reveal(app: Recorded, shipped: dict[str, str]) -> None:
    page = app.page
    page.wait_for_selector("#reveal[data-source=live]")
    steps = page.evaluate("() => window.pytoy.frames.reveal.steps")
    panels = (("#reveal-ar", "ar", None), ("#reveal-diffusion", "names", {"steps": steps}))
    for panel, session, decode in panels:
        want = api.reveal(shipped[session], "rahul", decode)
        assert rows(page, panel) == [want["start"]] + [s["tokens"] for s in want["passes"]]
    assert len(rows(page, "#reveal-diffusion")) == 1 + steps < len(rows(page, "#reveal-ar"))
    page.click("#reveal-reset")
    assert page.get_attribute("#reveal", "data-frame") == "0"
    page.click("#reveal-step")
    page.click("#reveal-step")
    assert page.get_attribute("#reveal", "data-frame") == "2"
    assert page.eval_on_selector_all("#reveal-ar .timeline li:not(.future)", "e => e.length") == 3


def test_section_two_slider_at_one_masks_every_character(app: Recorded) -> None:
    page = app.page
    page.fill("#corrupt-word", "rahul")
    set_range(page, "#corrupt-t", 1)
    page.wait_for_function("() => document.querySelector('#corrupt').dataset.noisy === '???????'")
    set_range(page, "#corrupt-t", 0)
    page.wait_for_function("() => document.querySelector('#corrupt').dataset.noisy === 'rahul__'")
    set_range(page, "#corrupt-t", 0.5)
    page.click("#corrupt-noise")
    page.wait_for_function("() => window.pytoy.sections.corrupt.shown.expected_masked === 3.5")
    assert "3.50" in page.text_content("#corrupt-stats")
    assert page.text_content("#corrupt-count") == "40"


def test_section_three_draws_the_real_config(app: Recorded, shipped: dict[str, str]) -> None:
    page = app.page
    info = api.info(shipped["names"])
    assert page.get_attribute("#model-diagram", "data-params") == str(info["params"])
    assert f"{info['params']:,}" in page.text_content("#model-params")
    assert page.text_content("#model-vocab").replace("\n", "").startswith(info["vocab"]["symbols"])
    page.wait_for_selector("#model-formula[data-rendered=katex]")
    assert page.locator("#model-formula .katex").count() == 1


def test_section_four_plus_500_advances_by_500(app: Recorded) -> None:
    page = app.page
    before = int(page.get_attribute("#train", "data-step"))
    train_more(page)
    assert int(page.get_attribute("#train", "data-step")) == before + MORE
    assert page.text_content("#stat-step") == str(before + MORE)
    assert "Saved in this browser" in page.text_content("#train-saved")


def test_section_four_a_wild_learning_rate_misbehaves_and_the_reader_recovers(
    app: Recorded,
) -> None:
    page = app.page
    before = int(page.get_attribute("#train", "data-step"))
    set_range(page, "#train-lr-slider", 1)
    assert page.input_value("#train-lr") == "10"
    assert page.is_visible("#train-recover")
    train_more(page)
    # what the page's "Try this" promises: pytoy notices, restores the last good weights, stops
    message = page.text_content("#train-message")
    assert "diverged" in message and f"restored to step {before}" in message, message
    assert int(page.get_attribute("#train", "data-step")) == before
    page.click("#train-recover")
    assert page.input_value("#train-lr") == str(default("train", "lr"))
    assert page.is_hidden("#train-recover")
    after = int(page.get_attribute("#train", "data-step"))
    train_more(page)
    assert int(page.get_attribute("#train", "data-step")) == after + MORE >= before + MORE


def test_section_one_can_use_the_readers_model(app: Recorded) -> None:
    page = app.page
    page.select_option("#reveal-model", "names")
    page.wait_for_selector("#reveal[data-model=names]")
    assert rows(page, "#reveal-diffusion")[-1] == "rahul__"  # reveal is forced to the word


def test_section_four_log_slider_sets_the_learning_rate(app: Recorded) -> None:
    page = app.page
    set_range(page, "#train-lr-slider", -2)
    assert page.input_value("#train-lr") == "0.01"
    set_range(page, "#train-lr-slider", -1)
    assert page.input_value("#train-lr") == "0.1"


def test_section_five_scrubber_shows_exactly_step_k(app: Recorded) -> None:
    page = app.page
    page.select_option("#denoise-strategy", "confidence")
    page.fill("#denoise-steps", "3")
    page.evaluate("() => { window.__before = window.pytoy.sections.denoise.shown; }")
    page.click("#denoise-run")
    page.wait_for_function("() => window.pytoy.sections.denoise.shown !== window.__before")
    timeline = page.evaluate("() => window.pytoy.sections.denoise.shown")
    assert len(timeline["passes"]) == 3
    frames = [timeline["start"]] + [s["tokens"] for s in timeline["passes"]]
    for k, tokens in enumerate(frames):
        set_range(page, "#denoise-scrub", k)
        assert page.get_attribute("#denoise-frame", "data-tokens") == tokens
        shown = page.eval_on_selector_all("#denoise-timeline li:not(.future)", "e => e.length")
        assert shown == k + 1
    page.click("#denoise-grid-run")
    page.wait_for_function("() => document.querySelectorAll('#denoise-grid li').length === 12")
    badges = page.eval_on_selector_all("#denoise-grid .badge", "e => e.map(b => b.textContent)")
    assert set(badges) <= {"training name", "held-out name", "new"}


def test_section_six_shows_the_python_that_runs(app: Recorded) -> None:
    page = app.page
    page.click("#built details[data-source='diffusion.corrupt'] summary")
    page.wait_for_selector("#built details[data-source='diffusion.corrupt'][data-filled=live]")
    text = page.text_content("#built details[data-source='diffusion.corrupt'] code")
    assert api.source("diffusion.corrupt").strip() in text


def test_section_seven_shipped_translator_gets_all_30_right(app: Recorded) -> None:
    page = app.page
    page.click("#translate-check")
    page.wait_for_selector("#translate[data-score]")
    assert page.get_attribute("#translate", "data-score") == "30/30"


def test_section_seven_unseen_words_and_bad_characters(app: Recorded) -> None:
    page = app.page
    page.fill("#translate-word", "tiger")
    page.click("#translate-run")
    page.wait_for_function(
        "() => document.querySelector('#translate-timeline').dataset.text !== 'namaste'"
    )
    assert "unseen" in page.text_content("#translate-timeline")
    page.fill("#translate-word", "Hi!")
    page.click("#translate-run")
    page.wait_for_selector("#translate-message.error")
    assert page.text_content("#translate-message")


def test_a_trained_model_survives_a_reload(browser: Browser, site_url: str) -> None:
    with ready_page(browser, site_url + "#train") as rec:
        page = rec.page
        train_more(page)
        assert page.get_attribute("#train", "data-step") == str(MORE)
        page.reload()
        page.wait_for_selector("body[data-status=ready]")
        assert page.get_attribute("#train", "data-step") == str(MORE)
        assert "Welcome back" in page.text_content("#train-message")
        page.click("#train-forget")
        page.wait_for_function("() => document.querySelector('#train').dataset.step === '0'")
        rec.assert_clean(site_url)


def test_the_whole_page_stayed_clean(app: Recorded, site_url: str) -> None:
    app.assert_clean(site_url)


def test_save_data_asks_before_downloading_python(browser: Browser, site_url: str) -> None:
    rec, context = open_recorded(browser, site_url, init_script=SAVE_DATA + RECORD_REQUESTS)
    page = rec.page
    try:
        button = page.wait_for_selector("#load-python")
        assert re.fullmatch(r"Load Python \(\d+\.\d MB\)", button.inner_text())
        page.wait_for_function("() => window.pytoy && window.pytoy.frames")
        assert page.evaluate("() => window.pytoy.frames.reveal.diffusion.text") == "rahul"
        # the page has made up its mind (it waits for the reader); booting would have sent the
        # worker its init request by now, since starting Python sends it at once
        page.wait_for_selector("body[data-status=waiting]")
        assert "init" not in page.evaluate("() => window.__toWorker")
        assert not [u for u in rec.requests if "pyodide.asm.wasm" in u]
        button.click()
        page.wait_for_selector("body[data-status=ready]")
        assert page.evaluate("() => window.__toWorker").count("init") == 1
        assert [u for u in rec.requests if "pyodide.asm.wasm" in u]
    finally:
        context.close()


def test_a_trained_translator_survives_a_reload(browser: Browser, site_url: str) -> None:
    with ready_page(browser, site_url + "#translate") as rec:
        page = rec.page
        page.click("#translate-train")
        page.wait_for_function(
            "() => /step \\d+/.test(document.querySelector('#translate-step').textContent)"
        )
        page.click("#translate-pause")
        page.wait_for_selector("#translate[data-model=translate-mine]")
        page.wait_for_function(
            "() => document.querySelector('#translate-saved')"
            ".textContent.includes('saved in this browser')"
        )
        step = page.evaluate("() => pytoy.client.call('info', {name: 'translate-mine'})")["step"]
        assert 0 < step < default("train_steps", "translate")
        page.reload()
        page.wait_for_selector("body[data-status=ready]")
        assert page.get_attribute("#translate", "data-model") == "translate-mine"
        assert f"step {step:,}" in page.text_content("#translate-saved")
        again = page.evaluate("() => pytoy.client.call('info', {name: 'translate-mine'})")["step"]
        assert again == step
        page.click("#translate-forget")
        assert page.get_attribute("#translate", "data-model") == "translate"
        page.reload()
        page.wait_for_selector("body[data-status=ready]")
        assert page.get_attribute("#translate", "data-model") in (None, "translate")
        rec.assert_clean(site_url)
