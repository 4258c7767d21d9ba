"""Sections VIII–XIII in a real browser, each checked against pytoy under CPython: the race,
the strategy lab and its confidence chart, the step sweep, infilling, the likelihood and t
panels, and the limits. One page is booted for the module, as in test_browser_explainer.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pytest

from pytoy import api
from pytoy.defaults import choices, default
from tests.conftest import REPO, Recorded

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

CKPT = REPO / "data" / "checkpoints"
STRATEGIES = list(choices("decode", "strategy"))  # every registered strategy


@pytest.fixture(scope="module")
def cpython() -> dict[str, str]:
    """The shipped checkpoints in CPython sessions, under the page's names."""
    for name, file in (
        ("shipped", "names.json"),
        ("shipped-ar", "names-ar.json"),
        ("translate", "translate.json"),
    ):
        api.load(f"py-{name}", (CKPT / file).read_text())
    return {"shipped": "py-shipped", "shipped-ar": "py-shipped-ar", "translate": "py-translate"}


def call(page: Page, fn: str, args: dict) -> object:
    return page.evaluate("([fn, args]) => pytoy.client.call(fn, args)", [fn, args])


def strip_times(race: dict) -> dict:
    return {k: v for k, v in race.items() if not k.endswith("_seconds")}


# --- first, before any test scrolls: a chart far from the screen ------------------------------


def test_a_far_chart_is_created_when_read_with_its_cursor_where_the_scrubber_is(app: Recorded
                                                                                ) -> None:
    """The lab's confidence chart is not created while the page starts (it is far below), even
    though the lab draws its pass at once; moving the lab's scrubber does not create it either,
    and the chart created later puts its cursor on the pass the scrubber shows."""
    page = app.page
    assert page.evaluate("() => window.scrollY") == 0
    assert page.locator("#conf-chart canvas").count() == 0
    page.eval_on_selector(
        "#conf-scrub", "n => { n.value = '2'; n.dispatchEvent(new Event('input')); }"
    )
    assert page.locator("#conf-chart canvas").count() == 0
    assert page.evaluate("() => pytoy.sections.strategies.shown.cursor") == 1  # creates it
    assert page.locator("#conf-chart canvas").count() > 0


# --- VIII: the race ---------------------------------------------------------------------------


def test_the_race_counts_the_passes_pytoy_took(app: Recorded, cpython: dict) -> None:
    page = app.page
    # once Python is ready the race shown is the worker's own (its times are the worker's)
    assert page.get_attribute("#race", "data-source") == "live"
    page.select_option("#race-steps", "2")
    page.fill("#race-seed", "7")
    page.click("#race-run")
    page.wait_for_function(
        "() => pytoy.sections.race.shown.seed === 7 && pytoy.sections.race.shown.steps === 2"
    )
    page.click("#race-reset")
    race = page.evaluate("() => pytoy.sections.race.shown")
    want = api.race(cpython["shipped"], cpython["shipped-ar"], 2, 7)
    assert strip_times(race) == strip_times(want)
    assert race["diffusion_passes"] <= 2
    # Lockstep: after tick k each panel shows min(k, its passes) passes.
    for k in range(1, max(race["ar_passes"], race["diffusion_passes"]) + 1):
        page.click("#race-step")
        ar = page.text_content("#race-ar-count")
        diff = page.text_content("#race-diffusion-count")
        assert ar.startswith(f"{min(k, race['ar_passes'])} of {race['ar_passes']} passes")
        assert diff.startswith(f"{min(k, race['diffusion_passes'])} of {race['diffusion_passes']}")
    assert "ms of Python" in page.text_content("#race-ar-count")
    assert page.get_attribute("#race-diffusion-box", "data-text") == want["diffusion"]["text"]
    assert page.get_attribute("#race-ar-box", "data-text") == want["ar"]["text"]


def test_section_xiii_follows_the_race(app: Recorded, cpython: dict) -> None:
    page = app.page
    race = page.evaluate("() => pytoy.sections.race.shown")
    rows = page.eval_on_selector_all(
        "#stream-table tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert len(rows) == max(race["ar_passes"], race["diffusion_passes"])
    for i, (_, ar, _diff) in enumerate(rows):
        k = race["ar_prefix"][min(i, len(race["ar_prefix"]) - 1)]
        assert ar == (race["ar"]["text"][:k] or "—")
    cost_d = api.pass_cost(cpython["shipped"])["multiply_adds"]
    cost_a = api.pass_cost(cpython["shipped-ar"])["multiply_adds"]
    totals = page.eval_on_selector_all(
        "#cost-table tbody tr", "rs => rs.map(r => r.cells[5].textContent.replaceAll(',', ''))"
    )
    assert totals == [str(cost_a * race["ar_passes"]), str(cost_d * race["diffusion_passes"])]


# --- IX: the lab and the confidence chart ----------------------------------------------------


def test_the_lab_decodes_every_registered_way_like_cpython(app: Recorded, cpython: dict) -> None:
    page = app.page
    page.fill("#lab-seed", "3")
    page.fill("#lab-steps", "3")
    page.fill("#lab-tau", "0.6")
    page.click("#lab-run")
    page.wait_for_function("() => pytoy.sections.strategies.shown.timelines.confidence.K === 3")
    shown = page.evaluate("() => pytoy.sections.strategies.shown.timelines")
    assert sorted(shown) == sorted(STRATEGIES)
    for s in STRATEGIES:
        decode = {"strategy": s, "steps": 3, "tau": 0.6, "temperature": 0.8, "seed": 3}
        [want] = api.sample(cpython["shipped"], 1, decode)
        assert shown[s]["tokens"] == want["tokens"], s
        nfe = page.get_attribute(f".lab-card[data-strategy={s}]", "data-nfe")
        assert nfe == str(want["nfe"])


def test_the_confidence_chart_plots_the_gate_and_mean_of_the_timeline(app: Recorded) -> None:
    page = app.page
    for strategy in ("confidence", "remask"):
        page.select_option("#conf-pick", strategy)
        page.wait_for_function("s => pytoy.sections.strategies.shown.charted.strategy === s",
                               arg=strategy)
        timeline = page.evaluate("() => pytoy.sections.strategies.shown.charted")
        data = page.evaluate("() => pytoy.sections.strategies.shown.chart")
        # Recompute from the per-position confidences: hidden before a pass = "?" in the
        # previous row; the gate is their minimum, the mean their average.
        rows = [timeline["start"]] + [s["tokens"] for s in timeline["passes"]]
        for i, step in enumerate(timeline["passes"]):
            hidden = [j for j, c in enumerate(rows[i]) if c == "?"]
            conf = np.array([step["confidence"][j] for j in hidden], dtype=float)
            assert data[1][i] == pytest.approx(conf.min(), abs=2e-6)
            assert data[2][i] == pytest.approx(conf.mean(), abs=2e-6)
        assert data[0] == list(range(1, len(timeline["passes"]) + 1))
        assert set(data[3]) == {0.6}
        # the scrubber moves the chart's cursor and shows that pass's row
        page.eval_on_selector(
            "#conf-scrub", "n => { n.value = '1'; n.dispatchEvent(new Event('input')); }"
        )
        assert page.evaluate("() => pytoy.sections.strategies.shown.cursor") == 0
        assert page.text_content("#conf-frame") == timeline["passes"][0]["tokens"]


def test_early_stop_reports_the_passes_cpython_saves(app: Recorded, cpython: dict) -> None:
    page = app.page
    page.select_option("#conf-pick", "confidence")
    page.check("#conf-early")
    page.wait_for_selector("#strategies[data-saved]")
    decode = {"strategy": "confidence", "steps": 3, "tau": 0.6, "temperature": 0.8, "seed": 3}
    [plain] = api.sample(cpython["shipped"], 1, decode)
    [early] = api.sample(cpython["shipped"], 1, {**decode, "early_stop": 0.6})
    assert page.get_attribute("#strategies", "data-saved") == str(plain["nfe"] - early["nfe"])
    assert page.evaluate("() => pytoy.sections.strategies.shown.charted.nfe") == early["nfe"]
    page.uncheck("#conf-early")
    page.wait_for_function("() => !document.querySelector('#strategies').dataset.saved")


def test_remask_revisions_are_struck_through_where_the_timeline_says(app: Recorded) -> None:
    page = app.page
    # find a seed whose remask decode takes a letter back (CPython), then show it
    for seed in range(200):  # revisions are rare with this model; steps 4 gives the most
        [t] = api.sample("py-shipped", 1, {"strategy": "remask", "steps": 4, "seed": seed})
        if any(s["remasked"] for s in t["passes"]):
            break
    else:
        pytest.fail("no remask revision in 200 seeds")
    page.fill("#lab-seed", str(seed))
    page.fill("#lab-steps", "4")
    page.click("#lab-run")
    page.wait_for_function(
        "s => pytoy.sections.strategies.shown.timelines.remask.passes && "
        "document.querySelector('#lab-seed').value === String(s)",
        arg=seed,
    )
    page.wait_for_function("t => pytoy.sections.strategies.shown.timelines.remask.tokens === t",
                           arg=t["tokens"])
    struck = page.eval_on_selector_all(
        ".lab-card[data-strategy=remask] li",
        "rows => rows.slice(1).map(r => [...r.querySelectorAll('.tok')]"
        ".flatMap((c, i) => c.classList.contains('remasked') ? [i] : []))",
    )
    assert struck == [s["remasked"] for s in t["passes"]]
    assert any(struck)


# --- X: the sweep -----------------------------------------------------------------------------


def test_the_sweep_shown_is_pytoys_and_recomputes_identically(app: Recorded, cpython: dict) -> None:
    page = app.page
    frames = page.evaluate("() => pytoy.sections.sweep.shown.sweep")
    n = frames["names"]["n"]
    for key in ("names", "translate", "shipped-ar"):
        model = {"names": "shipped", "translate": "translate"}.get(key, key)
        want = api.sweep(cpython[model], n)
        got = frames["ar" if key == "shipped-ar" else key]
        assert got["rows"] == want["rows"]
    page.click("#sweep-run")
    page.wait_for_selector("#sweep[data-source=live]", timeout=300_000)
    live = page.evaluate("() => pytoy.sections.sweep.shown.sweep")
    assert live["names"]["rows"] == frames["names"]["rows"]
    assert live["names"]["glued"] == frames["names"]["glued"]
    # The chart plots exactly those rows: quality at each pass count.
    series = page.evaluate("() => pytoy.sections.sweep.shown.chart")
    xs = series[0]
    for row in live["names"]["rows"]:
        if row["kind"] == "steps":
            assert series[1][xs.index(row["nfe"])] == row["quality"]
    one, last = live["names"]["rows"][0], live["names"]["rows"][6]
    assert one["quality"] < last["quality"] - 0.5
    assert live["translate"]["rows"][0]["quality"] > 0.9
    text = page.text_content("#sweep-glued")
    for g in live["names"]["glued"]["examples"]:
        assert g["text"] in text and g["head"] in text and g["tail"] in text


# --- XI: infilling ----------------------------------------------------------------------------


@pytest.mark.parametrize("template", ["?a?ul", "??h??"])
def test_infilling_matches_cpython_and_keeps_the_fixed_letters(
    app: Recorded, cpython: dict, template: str
) -> None:
    page = app.page
    page.fill("#infill-template", template)
    page.fill("#infill-seed", "2")
    page.click("#infill-run")
    page.wait_for_selector(f"#infill[data-template='{template}']")
    shown = page.evaluate("() => pytoy.sections.infill.shown.result")
    assert shown == api.infill(cpython["shipped"], cpython["shipped-ar"], template, 200, 2)
    for box in ("#infill-diffusion", "#infill-ar"):
        text = page.get_attribute(box, "data-text")
        assert all(text[i] == c for i, c in enumerate(template) if c != "?"), (box, text)


def test_a_bad_template_gets_pytoys_message(app: Recorded) -> None:
    page = app.page
    for bad, words in (("rahulrahul", "limit is 7"), ("R??ul", "unknown character")):
        page.fill("#infill-template", bad)
        page.click("#infill-run")
        page.wait_for_selector("#infill-message.error")
        assert words in page.text_content("#infill-message")
    page.fill("#infill-template", "r??ul")


# --- XII and XIII -----------------------------------------------------------------------------


def test_likelihood_and_t_panels_show_studies_json(app: Recorded) -> None:
    page = app.page
    studies = json.loads((REPO / "data" / "studies.json").read_text())
    table = page.text_content("#lik-table")
    lik = studies["likelihood"]
    for bits in (
        lik["ar"]["bits_per_char"],
        lik["diffusion"]["bits_per_char"],
        lik["unigram_bits_per_char"],
    ):
        assert f"{bits:.3f}" in table
    assert f"{lik['diffusion']['stderr_bits']:.3f}" in table
    rows = studies["time_input"]["rows"]
    gap = {
        flag: np.mean([r["gap"] for r in rows if r["time_input"] is flag]) for flag in (True, False)
    }
    shown = float(page.get_attribute("#likelihood", "data-t-difference"))
    assert shown == pytest.approx(gap[False] - gap[True], abs=1e-12)


def test_fixed_length_is_pytoys_answer(app: Recorded) -> None:
    page = app.page
    page.fill("#length-word", "venkataraman")
    page.click("#length-run")
    page.wait_for_selector("#length-message.error")
    assert "limit is 7" in page.text_content("#length-message")
    page.fill("#length-word", "ravi")
    page.click("#length-run")
    page.wait_for_function(
        "() => document.querySelector('#length-message').textContent.includes('ravi___')"
    )


def test_retraining_the_ar_baseline_lets_it_race(app: Recorded) -> None:
    page = app.page
    page.click("#race-train")
    page.wait_for_function(
        "() => /step \\d+/.test(document.querySelector('#race-train-step').textContent)"
    )
    page.click("#race-pause")
    page.wait_for_function("() => document.querySelector('#race-ar').value === 'names-ar'")
    step = call(page, "info", {"name": "names-ar"})["step"]
    assert 0 < step < default("train_steps", "names")
    page.click("#race-run")
    page.wait_for_function("() => pytoy.sections.race.shown.ar.arch === 'ar'")
    assert "trained here" in page.text_content("#race-ar option[value=names-ar]")


def test_the_whole_page_stayed_clean(app: Recorded, site_url: str) -> None:
    app.assert_clean(site_url)
