"""The live page in headless Chromium: Pyodide boots in a worker, trains, samples, pauses.

One page (``app``) is booted once and shared by most tests, since booting Pyodide costs
seconds; tests that need their own page (a sub-path, a broken site) open one. Protocol-level
tests use their own model names, so they never disturb the model behind the page's controls.
Nothing here asserts timing: waits have generous ceilings, assertions are about behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytoy import api
from pytoy.defaults import default
from tests.conftest import REPO, Recorded, copy_site, origin, ready_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

NAMES_TEXT = (REPO / "data" / "names.txt").read_text(encoding="utf-8")
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
REQUIRED_CSP = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' blob:",
    "worker-src 'self' blob:",
    "style-src 'self'",
    "object-src 'none'",
)

# --- helpers ----------------------------------------------------------------------------------

# Reset a model in the worker, then train it through the protocol, collecting every event.
TRAIN_JS = """async ({name, text, steps, chunk}) => {
  const c = window.pytoy.client;
  await c.request("reset", {name, task: "names", text});
  const losses = [], steps_seen = [];
  const result = await c.request("train", {name, steps, chunk}, {onProgress: (p) => {
    losses.push(...p.losses);
    steps_seen.push(p.step);
  }});
  return {losses, steps_seen, result};
}"""

# A long run; a sample during it; then a pause. Every message from the worker is logged in
# arrival order through client.tap, including any that no request is waiting for any more.
PAUSE_JS = """async ({name, text}) => {
  const c = window.pytoy.client;
  await c.request("reset", {name, task: "names", text});
  const log = [];
  c.tap = (m) => log.push({id: m.id, event: m.event ?? null, ok: m.ok ?? null,
                           result: m.event ? null : m.result});
  let progress = 0, wake = null;
  const progressed = (n) => new Promise((resolve) => {
    wake = () => { if (progress >= n) { wake = null; resolve(); } };
    wake();
  });
  const onProgress = () => { progress++; wake?.(); };
  const run = c.request("train", {name, steps: 20000}, {onProgress});
  await Promise.race([progressed(2), run]);
  const sample = await c.call("sample", {name, n: 1});
  await Promise.race([progressed(progress + 2), run]);   // ends early only if the run ended
  const ack = await c.request("pause", {name});
  const result = await run;
  const info = await c.call("info", {name});              // a round trip flushes the queue
  c.tap = null;
  return {log, sample, ack, result, info_step: info.step};
}"""

ERRORS_JS = """async ({text}) => {
  const c = window.pytoy.client;
  const failure = async (promise) => {
    try { await promise; return null; }
    catch (e) { return {name: e.name, type: e.type, message: e.message}; }
  };
  await c.request("reset", {name: "errors", task: "names", text});
  return {
    unknown_model: await failure(c.call("sample", {name: "nope"})),
    unknown_function: await failure(c.call("no_such_function")),
    private_function: await failure(c.call("_session", {name: "errors"})),
    bad_value: await failure(c.call("set_lr", {name: "errors", lr: -1})),
    bad_data: await failure(c.call("create", {name: "errors2", task: "names", text: ""})),
    unknown_type: await failure(c.request("bogus", {})),
    still_works: (await c.call("set_lr", {name: "errors", lr: 0.1 + 0.2})).train.lr,
  };
}"""


# An unclipped ReLU model at a huge learning rate overflows within a few steps.
DIVERGE_JS = """async ({text}) => {
  const c = window.pytoy.client;
  await c.request("reset", {name: "wild", task: "names", text, model: {activation: "relu"},
                            train: {lr: 10, clip: null, momentum: 0.99}});
  let events = 0;
  let error = null;
  try {
    await c.request("train", {name: "wild", steps: 1000}, {onProgress: () => events++});
  } catch (e) {
    error = {type: e.type, message: e.message};
  }
  const after = (await c.call("info", {name: "wild"})).step;
  await c.call("set_lr", {name: "wild", lr: 0.01});
  const again = await c.request("train", {name: "wild", steps: 100});
  return {error, events, after, again};
}"""


def step_of(page: Page) -> int:
    return int(page.get_attribute("#train", "data-step") or 0)


def cpython_after(steps: int) -> str:
    """Name sampled (decode seed 0) by CPython after ``steps`` steps from a fresh seed-0 model."""
    api.create("browser-ref", "names")
    api.train_chunk("browser-ref", steps)  # chunking does not change training: one call will do
    return api.sample("browser-ref", 1, decode={"seed": 0})[0]["text"]


def ui_train_pause(page: Page, at_least: int) -> int:
    """Press Train, wait for ``at_least`` steps, press Pause; return the step it stopped at."""
    page.click("#train-start")
    page.wait_for_function(
        "(n) => Number(document.querySelector('#train').dataset.step) >= n", arg=at_least
    )
    page.click("#train-pause")
    page.wait_for_selector("#train[data-training=false]")
    return step_of(page)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(browser: Browser, site_url: str) -> Iterator[Recorded]:
    """The page at its training section, booted once for this module."""
    with ready_page(browser, site_url + "#train") as rec:
        yield rec


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    """CPython: a fresh default model, 100 steps, then one sample with decode seed 0."""
    api.create("browser-ref", "names")
    losses = api.train_chunk("browser-ref", 100)["losses"]
    sample = api.sample("browser-ref", 1, decode={"seed": 0})[0]
    return {"losses": losses, "sample": sample}


@pytest.fixture(scope="module")
def trained(app: Recorded) -> dict[str, Any]:
    """The browser: the same model and 100 steps, in chunks of 25, through the protocol."""
    args = {"name": "check", "text": NAMES_TEXT, "steps": 100, "chunk": 25}
    return app.page.evaluate(TRAIN_JS, args)


# --- the shared page --------------------------------------------------------------------------


def test_page_reaches_ready_with_its_security_policy(app: Recorded) -> None:
    page = app.page
    csp = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert csp is not None
    for directive in REQUIRED_CSP:
        assert directive in csp
    assert "unsafe-inline" not in csp and "'unsafe-eval'" not in csp
    status = page.text_content("#status")
    for label in ("Python runtime", "NumPy", "pytoy", "MB", "Ready in"):
        assert label in status
    assert page.is_enabled("#train-start") and page.is_enabled("#sample")
    assert page.is_disabled("#train-pause")
    assert "Python 3." in page.text_content("#versions")
    assert page.text_content("#stat-floor") != "–"
    assert "cannot go below" in page.text_content("#floor-note")


def test_html_has_no_inline_scripts_handlers_or_styles(site_dir: Path) -> None:
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<script type=\"module\">" not in html
    assert " style=" not in html and "<style" not in html
    assert " onclick=" not in html and " onload=" not in html
    assert "http://" not in html and "https://" not in html


def test_training_in_the_browser_matches_cpython(
    trained: dict[str, Any], reference: dict[str, Any]
) -> None:
    got, want = trained["losses"], reference["losses"]
    assert len(got) == len(want) == 100
    assert max(abs(a - b) for a, b in zip(got, want, strict=True)) <= 1e-9
    assert trained["steps_seen"] == [25, 50, 75, 100]
    assert trained["result"] == {"step": 100, "done": 100, "paused": False}


def test_sampling_in_the_browser_matches_cpython(
    app: Recorded, trained: dict[str, Any], reference: dict[str, Any]
) -> None:
    got = app.page.evaluate(
        "() => window.pytoy.client.call('sample', {name: 'check', n: 1, decode: {seed: 0}})"
    )
    assert got == [reference["sample"]]  # every step, confidence and candidate, exactly


def test_python_errors_arrive_as_one_line_messages(app: Recorded) -> None:
    e = app.page.evaluate(ERRORS_JS, {"text": NAMES_TEXT})
    assert e["unknown_model"] == {
        "name": "RequestError",
        "type": "KeyError",
        "message": "no model named 'nope'; create or load one first",
    }
    assert e["unknown_function"]["type"] == "ValueError"
    assert "no_such_function" in e["unknown_function"]["message"]
    assert e["private_function"]["type"] == "ValueError"
    assert e["bad_value"]["type"] == "ValueError"
    msg = e["bad_value"]["message"]
    assert msg.startswith("learning rate must be between 0.0001 and 100, got -1")
    assert e["bad_data"]["type"] == "DataError"
    assert e["unknown_type"]["type"] == "ProtocolError"
    for err in e.values():
        if isinstance(err, dict):
            assert "Traceback" not in err["message"] and "\n" not in err["message"]
    assert e["still_works"] == 0.1 + 0.2  # 0.30000000000000004: floats cross exactly


def test_a_diverging_run_ends_with_a_clear_error(app: Recorded) -> None:
    out = app.page.evaluate(DIVERGE_JS, {"text": NAMES_TEXT})
    assert out["error"]["type"] == "DivergenceError"
    assert "diverged" in out["error"]["message"]
    assert "smaller learning rate" in out["error"]["message"]
    assert out["after"] == 100 * out["events"]  # rolled back to the last reported chunk
    assert out["again"] == {"step": out["after"] + 100, "done": 100, "paused": False}


def test_sample_is_answered_during_training_and_pause_is_final(app: Recorded) -> None:
    out = app.page.evaluate(PAUSE_JS, {"name": "long", "text": NAMES_TEXT})
    log = out["log"]
    train_id = next(m["id"] for m in log if m["event"] == "progress")
    progress = [i for i, m in enumerate(log) if m["event"] == "progress"]
    assert all(log[i]["id"] == train_id for i in progress)
    replies = [(i, m) for i, m in enumerate(log) if m["event"] is None]
    sample_at = next(i for i, m in replies if isinstance(m["result"], list))
    pause_at = next(
        i for i, m in replies if m["id"] != train_id and isinstance(m["result"], dict)
        and set(m["result"]) == {"paused", "step"}
    )
    train_at = next(i for i, m in replies if m["id"] == train_id)

    # The sample was answered while the run went on: progress arrived after its reply.
    assert any(i > sample_at for i in progress)
    assert sample_at < pause_at < train_at
    # After the pause was acknowledged, not one progress event more.
    assert all(i < pause_at for i in progress)
    assert out["ack"]["paused"] is True
    assert out["result"]["paused"] is True
    assert out["result"]["step"] < 20000
    assert out["result"]["step"] == out["info_step"] == out["ack"]["step"]
    assert len(out["sample"]) == 1 and out["sample"][0]["text"]


def test_controls_train_pause_and_sample_like_cpython(app: Recorded) -> None:
    page = app.page
    page.click("#train-reset")
    page.wait_for_selector("#train[data-step='0']")
    page.wait_for_selector("#train-start:enabled")
    step = ui_train_pause(page, at_least=200)
    assert step >= 200
    assert page.text_content("#stat-step") == str(step)
    assert f"Paused at step {step}" in page.text_content("#train-message")
    assert page.is_enabled("#train-start") and page.is_disabled("#train-pause")
    assert page.locator("#loss-chart canvas").count() >= 1

    page.click("#sample")
    page.wait_for_selector("#timeline .verdict")
    text = page.get_attribute("#timeline", "data-text")
    assert text == cpython_after(step)  # first sample after a reset uses decode seed 0
    rows = page.locator("#timeline .timeline li")
    assert rows.count() >= 2
    assert "?" in rows.first.inner_text()
    assert page.locator("#timeline .tok.new").count() >= 1
    verdict = page.text_content("#timeline .verdict")
    assert text in verdict
    assert ("training name" in verdict) == (text in NAMES_TEXT.split())


def test_controls_write_the_query_string_and_keep_the_hash(app: Recorded) -> None:
    page = app.page

    def change(selector: str, value: str) -> None:
        page.fill(selector, value)
        page.dispatch_event(selector, "change")

    change("#train-lr", "0.05")
    assert page.evaluate("() => [location.search, location.hash]") == ["?lr=0.05", "#train"]
    change("#train-batch", "5000")  # clamped to the table's 4096; starts a fresh model
    page.wait_for_selector("#train-start:enabled")
    assert page.input_value("#train-batch") == "4096"
    assert page.evaluate("() => location.search") == "?lr=0.05&batch=4096"
    change("#train-lr", "")  # cleared (or not a number): ignored, the last valid value stays
    assert page.input_value("#train-lr") == "0.05"
    change("#train-lr", str(default("train", "lr")))  # back to the defaults: a plain URL
    change("#train-batch", str(default("train", "batch")))
    page.wait_for_selector("#train-start:enabled")
    assert page.evaluate("() => [location.search, location.hash]") == ["", "#train"]


def test_the_shared_page_stayed_clean(app: Recorded, site_url: str) -> None:
    """Runs last in this module: nothing above caused an error, a violation or a far request."""
    app.assert_clean(site_url)
    assert any(u.endswith("pyodide.asm.wasm") for u in app.requests)  # the worker's too
    assert any(u.endswith(".whl") and "/py/" in u for u in app.requests)


# --- pages of their own -------------------------------------------------------------------------


def test_query_string_settings_are_read_and_clamped(
    open_page: Callable[..., Recorded], site_url: str
) -> None:
    for query, want in [
        ("?lr=0.05&batch=16&seed=3#train", ("0.05", "16", "3")),
        ("?lr=abc&batch=99999&seed=-4&other=1#train", (str(default("train", "lr")), "4096", "0")),
    ]:
        page = open_page(site_url + query).page
        # the build gives the box the default; wait until section IV has applied the URL's
        page.wait_for_function("() => window.pytoy?.sections?.train !== undefined")
        got = tuple(page.input_value(s) for s in ("#train-lr", "#train-batch", "#train-seed"))
        assert got == want, query
        page.close()


def test_works_from_a_sub_path_at_phone_width(
    open_page: Callable[..., Recorded], site_dir: Path, serve: Callable[..., str]
) -> None:
    url = serve(site_dir, prefix="/demos/pytoy/")
    assert url.endswith("/demos/pytoy/")
    rec = open_page(url + "?seed=0#train", width=375)
    page = rec.page
    page.wait_for_selector("body[data-status=ready]")
    assert ui_train_pause(page, at_least=100) >= 100
    page.click("#sample")
    page.wait_for_selector("#timeline .verdict")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    rec.assert_clean(url)


def test_a_missing_wheel_is_named_in_a_clear_error(
    open_page: Callable[..., Recorded],
    site_dir: Path,
    serve: Callable[..., str],
    tmp_path: Path,
) -> None:
    broken = copy_site(site_dir, tmp_path / "site", [f"pyodide/{NUMPY_WHEEL}"])
    url = serve(broken)
    rec = open_page(url)
    page = rec.page
    page.wait_for_selector("body[data-status=error]")
    message = page.text_content("#status .error")
    assert NUMPY_WHEEL in message and "404" in message and "NumPy" in message
    assert "✓ Python runtime" in page.text_content("#status")
    assert page.is_disabled("#train-start") and page.is_disabled("#sample")
    assert rec.page_errors == [] and rec.in_page()["rejections"] == []
    assert rec.foreign_requests(origin(url)) == []


def test_a_broken_worker_is_reported_not_hung(
    open_page: Callable[..., Recorded],
    site_dir: Path,
    serve: Callable[..., str],
    tmp_path: Path,
) -> None:
    broken = copy_site(site_dir, tmp_path / "site", ["js/boot.js"])
    rec = open_page(serve(broken))
    rec.page.wait_for_selector("body[data-status=error]")
    assert "Python worker" in rec.page.text_content("#status .error")
    assert rec.page_errors == []


def test_no_webassembly_is_reported(open_page: Callable[..., Recorded], site_url: str) -> None:
    rec = open_page(site_url, init_script="delete globalThis.WebAssembly;")
    rec.page.wait_for_selector("body[data-status=error]")
    assert "WebAssembly" in rec.page.text_content("#status .error")
    assert not any("pyodide" in u for u in rec.requests)
    assert rec.page_errors == []
