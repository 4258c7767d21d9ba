"""WebKit (Safari's engine): the served site and the single file, in WebKitGTK's MiniBrowser.

Driven over plain W3C WebDriver (``tests/webkit.py``: Xvfb, WebKitWebDriver and MiniBrowser
from Debian; no browser download). One browser (``LANG=en_US.UTF-8``) boots the served site
once and every test below shares it: ready, the same losses and sample as CPython, translate,
and Train/Pause/Sample pressed like a reader. The single file is then opened in that same
browser from ``file://``. A second browser runs under ``LANG=C.UTF-8``, where WebKitGTK
reports ``navigator.language`` as ``"C"``, a tag ``Intl`` refuses: the page must still
reach ready with its charts drawn.

What WebKit needed (the fixes are in site/js): uPlot formats numbers with
``navigator.language`` as it loads, so an unusable tag is replaced for the page (locale.js);
and on ``file://`` a WebKit worker can neither fetch a ``blob:`` URL ("Load failed", even
its own) nor read a Blob from the page (``NotReadableError``), so the single file's page
puts Pyodide's scripts in front of the worker's own and moves the runtime files to it as
bytes (assets.js). WebDriver gives no console log: what is checked is what the page shows.

CI time: three Pyodide boots in WebKit (served site, single file, LANG=C) plus the runs: the
module took 48 s on this 2-core machine when quiet (the site build included) and 3.8 min
under a load average of 10, so budget up to 4 minutes. Nothing here asserts timing; waits
have generous ceilings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from buildtools.single_file import FILE_NAME
from pytoy import api
from tests.conftest import REPO
from tests.webkit import WebKit, missing

pytestmark = [pytest.mark.browser, pytest.mark.webkit]

NAMES_TEXT = (REPO / "data" / "names.txt").read_text(encoding="utf-8")
TRANSLATOR = (REPO / "data" / "checkpoints" / "translate.json").read_text(encoding="utf-8")
STEPS = 100
WORDS = ["hello", "water", "moon", "sun", "ravi"]  # the last two are not in the pairs
SETTLED = ("['ready', 'error'].includes(document.body.dataset.status)"
           " && document.body.dataset.status")
STEP = "Number(document.querySelector('#train').dataset.step)"

# Through the worker protocol, with its own model names (the page's controls are not touched).
TRAIN_JS = """(async ([text, steps]) => {
  const c = window.pytoy.client;
  await c.request("reset", {name: "wk-check", task: "names", text});
  const losses = [], seen = [];
  const result = await c.request("train", {name: "wk-check", steps, chunk: 25},
    {onProgress: (p) => { losses.push(...p.losses); seen.push(p.step); }});
  const sample = await c.call("sample", {name: "wk-check", n: 1, decode: {seed: 0}});
  return {losses, seen, result, sample};
})(arguments)"""

TRANSLATE_JS = """window.pytoy.client.call("translate",
  {name: "translate", words: arguments[0], decode: {temperature: 0}})"""


def browser(lang: str, tmp_path_factory: pytest.TempPathFactory) -> WebKit:
    lacking = missing()
    if lacking:
        pytest.fail(f"WebKit tests need {', '.join(lacking)}: run `bash scripts/setup.sh` "
                    "(Debian packages webkit2gtk-driver and xvfb)")
    return WebKit(lang=lang, log_dir=tmp_path_factory.mktemp("webkit")).start()


def open_ready(wk: WebKit, url: str) -> str:
    wk.open(url)
    status = wk.wait_for(SETTLED, what="the page to be ready")
    assert status == "ready", wk.text("#status")
    return status


@pytest.fixture(scope="module")
def webkit(site_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebKit]:
    """MiniBrowser in English, at the served site's training section, booted once."""
    wk = browser("en_US.UTF-8", tmp_path_factory)
    try:
        open_ready(wk, site_url + "#train")
        yield wk
    finally:
        wk.close()


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    """CPython: the runs the page makes, through pytoy.api in this process."""
    api.create("wk-ref", "names", text=NAMES_TEXT)
    losses = api.train_chunk("wk-ref", STEPS)["losses"]
    sample = api.sample("wk-ref", 1, decode={"seed": 0})
    api.load("wk-translate", TRANSLATOR)
    translated = api.translate("wk-translate", WORDS, {"temperature": 0.0})
    return {"losses": losses, "sample": sample, "translated": translated}


def cpython_after(steps: int) -> str:
    """Name sampled (decode seed 0) by CPython after ``steps`` steps from a fresh seed-0 model."""
    api.create("wk-ui-ref", "names")
    api.train_chunk("wk-ui-ref", steps)
    return api.sample("wk-ui-ref", 1, decode={"seed": 0})[0]["text"]


CHARTS = ("#loss-chart", "#translate-chart", "#conf-chart", "#sweep-chart")


def charts_drawn_in_view(wk: WebKit) -> bool:
    """Each chart, scrolled into view, is drawn (a chart is created when it first comes near)."""
    for chart in CHARTS:
        wk.execute("document.querySelector(arguments[0]).scrollIntoView()", chart)
        wk.wait_for(f"document.querySelectorAll({chart!r} + ' canvas').length >= 1",
                    what=f"{chart} drawn once in view")
    wk.execute("window.scrollTo(0, 0)")
    return True


# --- the served site, one boot -----------------------------------------------------------------


def test_the_site_is_ready_in_webkit(webkit: WebKit) -> None:
    page = webkit.execute("""return {
      failed: document.body.dataset.failed ?? null,
      problems: document.querySelectorAll(
        ".section-problem, .chart-problem, #status .error").length,
      status: document.querySelector("#status").innerText,
      versions: document.querySelector("#versions").textContent,
      language: navigator.language,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
      train: !document.querySelector("#train-start").disabled,
      ua: navigator.userAgent,
    };""")
    assert page["failed"] is None and page["problems"] == 0, page["status"]
    assert "Ready in" in page["status"] and "Python 3." in page["versions"]
    assert page["language"] == "en-US"
    assert charts_drawn_in_view(webkit)
    assert "default-src 'self'" in page["csp"]
    assert page["train"]
    assert "AppleWebKit" in page["ua"] and "Chrome" not in page["ua"]


def test_training_and_sampling_match_cpython(webkit: WebKit, reference: dict[str, Any]) -> None:
    got = webkit.run_async(TRAIN_JS, NAMES_TEXT, STEPS)
    want = reference["losses"]
    assert len(got["losses"]) == len(want) == STEPS
    assert max(abs(a - b) for a, b in zip(got["losses"], want, strict=True)) <= 1e-9
    assert got["seen"] == [25, 50, 75, 100]
    assert got["result"] == {"step": STEPS, "done": STEPS, "paused": False}
    assert got["sample"] == reference["sample"]  # every step, confidence and candidate


def test_the_shipped_translator_answers_like_cpython(
    webkit: WebKit, reference: dict[str, Any]
) -> None:
    assert webkit.run_async(TRANSLATE_JS, WORDS) == reference["translated"]


def test_train_pause_and_sample_by_the_buttons(webkit: WebKit) -> None:
    wk = webkit
    wk.click("#train-reset")
    wk.wait_for(f"{STEP} === 0 && !document.querySelector('#train-start').disabled")
    wk.click("#train-start")
    wk.wait_for(f"{STEP} >= 100", what="100 training steps")
    wk.click("#train-pause")
    wk.wait_for("document.querySelector('#train').dataset.training === 'false'")
    step = wk.execute(f"return {STEP};")
    assert step >= 100
    assert f"Paused at step {step}" in wk.text("#train-message")
    assert wk.execute("return document.querySelector('#train-pause').disabled") is True
    wk.click("#sample")
    wk.wait_for("document.querySelector('#timeline .verdict')")
    text = wk.execute("return document.querySelector('#timeline').dataset.text")
    assert text == cpython_after(step)  # the first sample after a reset uses decode seed 0


def test_the_translate_section_answers(webkit: WebKit) -> None:
    wk = webkit
    wk.execute("const w = document.querySelector('#translate-word'); w.value = 'water';")
    wk.click("#translate-run")
    wk.wait_for("document.querySelector('#translate-timeline').dataset.text === 'paani'")


def test_nothing_failed_on_the_way(webkit: WebKit) -> None:
    """Runs after the others: the page shows no error, and every resource came from the site."""
    seen = webkit.execute("""return {
      errors: [...document.querySelectorAll("#status .error, .section-problem, .chart-problem")]
        .map((e) => e.textContent),
      failed: document.body.dataset.failed ?? null,
      foreign: performance.getEntriesByType("resource").map((e) => e.name)
        .filter((u) => new URL(u).origin !== location.origin),
    };""")
    assert seen == {"errors": [], "failed": None, "foreign": []}


# --- the single file, in the same browser ------------------------------------------------------


def test_the_single_file_runs_from_file_url(
    webkit: WebKit, site_dir: Path, reference: dict[str, Any]
) -> None:
    """Opened from file:// (a new page, its own boot): ready, CPython's losses, translate."""
    single = site_dir.parent / FILE_NAME
    assert single.is_file(), "the build did not write the single-file page"
    open_ready(webkit, single.as_uri())
    assert webkit.url.startswith("file://")
    got = webkit.run_async(TRAIN_JS, NAMES_TEXT, STEPS)
    assert max(abs(a - b) for a, b in zip(got["losses"], reference["losses"], strict=True)) <= 1e-9
    assert got["sample"] == reference["sample"]
    assert webkit.run_async(TRANSLATE_JS, WORDS) == reference["translated"]
    seen = webkit.execute("""return {
      failed: document.body.dataset.failed ?? null,
      far: performance.getEntriesByType("resource").map((e) => e.name)
        .filter((u) => !/^(file|blob|data):/.test(u)),
    };""")
    assert seen == {"failed": None, "far": []}


# --- an odd locale ------------------------------------------------------------------------------


def test_language_c_still_reaches_ready_with_charts(
    site_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """LANG=C.UTF-8: WebKitGTK says navigator.language is "C", which Intl refuses."""
    wk = browser("C.UTF-8", tmp_path_factory)
    try:
        wk.open(site_url + "#train")
        wk.wait_for(SETTLED, what="the page to be ready")
        # what the browser itself says (its getter; the page shadows it), and that Intl refuses it
        refused = wk.execute("""
          const own = Object.getOwnPropertyDescriptor(Navigator.prototype, "language").get;
          const tag = own.call(navigator);
          try { new Intl.NumberFormat(tag); return [tag, null]; }
          catch (e) { return [tag, e.name]; }""")
        page = wk.execute("""return {
          status: document.body.dataset.status,
          failed: document.body.dataset.failed ?? null,
          locale: window.pytoy.charts.locale,
        };""")
        assert page["status"] == "ready", wk.text("#status")
        assert page["failed"] is None
        assert refused == ["C", "RangeError"]  # the case is real in this browser
        assert page["locale"] == {"was": "C", "now": "en-US"}
        assert charts_drawn_in_view(wk)
        wk.click("#train-start")  # the loss chart draws live data
        wk.wait_for(f"{STEP} >= 25", what="the first chunk")
        wk.click("#train-pause")
        wk.wait_for("document.querySelector('#train').dataset.training === 'false'")
        assert wk.execute("return document.querySelectorAll('#loss-chart canvas').length") >= 1
    finally:
        wk.close()
