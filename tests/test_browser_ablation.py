"""Section XII's live ablation in a real browser, against pytoy under CPython (ablation.run):
the two models the page trains side by side have CPython's losses for the same switch, seed
and steps (to 1e-9, every batch), its probe scores and its samples; the switch changes which
pair runs; Pause stops both and Go on finishes them as if never paused. And section V's steps
box follows the length of the model chosen (the large list's is longer). One page is booted
for the module; every run is at most 100 steps.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytoy import ablation
from pytoy.defaults import DEFAULTS
from tests.conftest import REPO, Recorded, ready_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

TEXT = (REPO / "data" / "names.txt").read_text(encoding="utf-8")
SHOWN = "() => pytoy.sections.likelihood.shown.ablation"
DONE = """([key, seed, steps]) => {
  const s = pytoy.sections.likelihood.shown.ablation;
  return s.state === "idle" && s.switch === key && s.seed === seed && s.steps === steps &&
    s.arms.every((a) => a.sample && a.step === steps && a.probe && a.probe.step === steps);
}"""


@pytest.fixture(scope="module")
def app(browser: Browser, site_url: str) -> Iterator[Recorded]:
    """The page at the likelihood section, booted once for this module."""
    with ready_page(browser, site_url + "#likelihood") as rec:
        yield rec


def start(page: Page, key: str, steps: int, seed: int) -> None:
    page.select_option("#abl-switch", key)
    page.fill("#abl-steps", str(steps))
    page.fill("#abl-seed", str(seed))
    page.click("#abl-run")


def run_pair(page: Page, key: str, steps: int, seed: int) -> dict[str, Any]:
    start(page, key, steps, seed)
    page.wait_for_function(DONE, arg=[key, seed, steps])
    return page.evaluate(SHOWN)


def history(page: Page, name: str) -> list[float]:
    return page.evaluate("(name) => pytoy.client.call('history', {name})", name)


def assert_matches_cpython(page: Page, shown: dict[str, Any], key: str, steps: int,
                           seed: int) -> None:
    want = ablation.run(TEXT, key, steps, seed)
    for arm, ref in zip(shown["arms"], want["arms"], strict=True):
        assert arm["label"] == ref["label"]
        got = history(page, arm["name"])
        assert len(got) == len(ref["losses"]) == steps
        assert max(abs(a - b) for a, b in zip(got, ref["losses"], strict=True)) <= 1e-9
        for k in ("loss", "floor", "gap"):
            assert arm["probe"][k] == pytest.approx(ref["probe"][k], abs=1e-9)
        assert arm["sample"] == {"text": ref["sample"]["text"], "mark": ref["sample"]["mark"]}
    for points, ref in zip(shown["chart"], want["arms"], strict=True):  # every point drawn
        assert [s for s, _ in points] == [p["step"] for p in ref["probes"]]
        assert max(abs(y - p["loss"]) for (_, y), p in zip(points, ref["probes"], strict=True)
                   ) <= 1e-9


def test_the_time_switch_trains_cpythons_pair(app: Recorded) -> None:
    page = app.page
    shown = run_pair(page, "time_input", 60, 5)
    assert_matches_cpython(page, shown, "time_input", 60, 5)
    infos = [page.evaluate("(name) => pytoy.client.call('info', {name})", a["name"])
             for a in shown["arms"]]
    assert [i["config"]["time_input"] for i in infos] == [True, False]
    rows = page.locator("#abl-table tbody tr")
    assert rows.count() == 2
    assert "without t" in rows.nth(1).text_content()
    assert f"{shown['arms'][1]['probe']['gap']:.3f}" in rows.nth(1).text_content()


def test_the_switch_changes_the_pair(app: Recorded) -> None:
    page = app.page
    shown = run_pair(page, "loss", 40, 0)
    assert [a["label"] for a in shown["arms"]] == [a["label"] for a in ablation.arms("loss")]
    infos = [page.evaluate("(name) => pytoy.client.call('info', {name})", a["name"])
             for a in shown["arms"]]
    assert [i["train"]["loss"] for i in infos] == ["all", "elbo"]
    assert [i["config"]["time_input"] for i in infos] == [True, True]
    assert_matches_cpython(page, shown, "loss", 40, 0)
    assert "elbo" in page.text_content("#abl-about")


def test_pause_stops_both_and_go_on_finishes_as_if_never_paused(app: Recorded) -> None:
    page = app.page
    start(page, "time_input", 100, 1)
    page.wait_for_function("() => pytoy.sections.likelihood.shown.ablation.arms"
                           ".some((a) => a.step >= 25)")
    page.click("#abl-pause")
    page.wait_for_function("() => pytoy.sections.likelihood.shown.ablation.state === 'paused'")
    paused = page.evaluate(SHOWN)
    assert all(a["step"] < 100 for a in paused["arms"])
    assert all(a["sample"] for a in paused["arms"])  # a name from each, at the pause
    assert page.is_enabled("#abl-resume") and page.is_disabled("#abl-pause")
    assert "Paused at steps" in page.text_content("#abl-message")
    page.click("#abl-resume")
    page.wait_for_function(DONE, arg=["time_input", 1, 100])
    assert_matches_cpython(page, page.evaluate(SHOWN), "time_input", 100, 1)


def test_section_fives_steps_follow_the_chosen_models_length(app: Recorded) -> None:
    page = app.page
    large = json.loads((REPO / DEFAULTS["datasets"]["large"]["checkpoint"]).read_text())
    small = json.loads((REPO / DEFAULTS["datasets"]["small"]["checkpoint"]).read_text())
    long, short = large["layout"]["a_len"], small["layout"]["a_len"]
    assert long > short
    word = page.text_content("#denoise-passes")
    assert page.get_attribute("#denoise-steps", "max") == str(short)
    page.select_option("#train-data", "large")
    page.wait_for_function("() => document.querySelector('#denoise-model option[value=names]')"
                           ".textContent.includes('large list')")
    page.select_option("#denoise-model", "names")
    assert page.get_attribute("#denoise-steps", "max") == str(long)
    assert page.text_content("#denoise-passes") == str(long)
    page.fill("#denoise-steps", str(long))
    page.dispatch_event("#denoise-steps", "change")
    assert page.input_value("#denoise-steps") == str(long)
    page.select_option("#denoise-model", "shipped")
    assert page.get_attribute("#denoise-steps", "max") == str(short)
    assert page.input_value("#denoise-steps") == str(short)
    assert page.text_content("#denoise-passes") == word


def test_the_page_stayed_clean(app: Recorded, site_url: str) -> None:
    app.assert_clean(site_url)
