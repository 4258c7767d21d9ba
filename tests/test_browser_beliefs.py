"""What the model believes, in the browser: the belief strips under each pass, the loss by
noise level, and section X's two one-pass marginals.

Oracles: the worker's own timeline for the cells drawn from it; CPython's pytoy on the same
checkpoint (the shipped one, or the page's trained model exported and loaded here) for the
numbers themselves.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from buildtools import REPO
from pytoy import api
from pytoy.defaults import default
from tests.conftest import Recorded, open_recorded

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

CKPT = REPO / "data" / "checkpoints"
JSON_STEP = 1e-4  # 4 decimals in JSON; Pyodide and CPython may round the last one apart


@pytest.fixture(scope="module")
def app(browser: Browser, site_url: str) -> Iterator[Recorded]:
    """The whole page, on a touch screen (taps are real taps), booted once for the module."""
    rec, ctx = open_recorded(browser, site_url, has_touch=True)
    rec.page.wait_for_selector("body[data-status=ready]")
    yield rec
    ctx.close()


@pytest.fixture(scope="module")
def shipped() -> str:
    api.load("beliefs-shipped", (CKPT / "names.json").read_text(encoding="utf-8"))
    return "beliefs-shipped"


def fresh_denoise(page: Page) -> dict:
    page.evaluate("() => { window.__before = pytoy.sections.denoise.shown; }")
    page.click("#denoise-run")
    page.wait_for_function("() => pytoy.sections.denoise.shown !== window.__before")
    return page.evaluate("() => pytoy.sections.denoise.shown")


def drawn(page: Page, box: str) -> dict[int, dict[int, dict[str, float]]]:
    """pass -> position -> {symbol: p} as the strips in `box` carry them."""
    cells = page.eval_on_selector_all(
        f"{box} .belief-strip .slice[data-symbol]",
        "ns => ns.map(n => [Number(n.closest('.belief-strip').dataset.pass),"
        " Number(n.closest('.belief').dataset.position), n.dataset.symbol, Number(n.dataset.p)])")
    out: dict[int, dict[int, dict[str, float]]] = {}
    for k, i, s, p in cells:
        out.setdefault(k, {}).setdefault(i, {})[s] = p
    return out


def test_the_strips_carry_the_workers_probabilities_and_cpythons(app: Recorded, shipped: str):
    page = app.page
    timeline = fresh_denoise(page)  # decode seed 1, the table's defaults
    symbols = timeline["symbols"]
    cells = drawn(page, "#denoise-timeline")
    assert sorted(cells) == list(range(1, len(timeline["passes"]) + 1))
    decode = {k: default("decode", k) for k in ("strategy", "steps", "temperature")}
    want = api.sample(shipped, 1, {**decode, "seed": 1})[0]
    assert want["text"] == timeline["text"]
    for k, step in enumerate(timeline["passes"], start=1):
        for i, probs in enumerate(step["probs"]):
            if probs is None:
                assert i not in cells[k]
                continue
            top = sorted(range(len(probs)), key=lambda j: -probs[j])[:3]
            shown = cells[k][i]
            assert set(shown) <= {symbols[j] for j in top}  # the likeliest, zeros left out
            for s, p in shown.items():
                assert p == probs[symbols.index(s)]  # the worker's number, as it came
                assert p == pytest.approx(want["passes"][k - 1]["probs"][i][symbols.index(s)],
                                          abs=JSON_STEP)
        # the committed letters are marked, and only those
        rings = page.eval_on_selector_all(
            f"#denoise-timeline .belief-strip[data-pass='{k}'] .belief.committed",
            "ns => ns.map(n => Number(n.dataset.position))")
        assert rings == step["committed"]


def test_a_scrubbed_step_keeps_its_strips_and_hides_the_later_ones(app: Recorded) -> None:
    page = app.page
    timeline = page.evaluate("() => pytoy.sections.denoise.shown")
    page.eval_on_selector("#denoise-scrub", "n => { n.value = '2';"
                          " n.dispatchEvent(new Event('input')); }")
    visible = page.eval_on_selector_all(
        "#denoise-timeline li:not(.future) .belief-strip", "ns => ns.map(n => n.dataset.pass)")
    assert visible == ["1", "2"]
    cells = drawn(page, "#denoise-timeline li:not(.future)")
    for k in (1, 2):
        for i, probs in enumerate(timeline["passes"][k - 1]["probs"]):
            for s, p in cells[k].get(i, {}).items():
                assert p == probs[timeline["symbols"].index(s)]
    page.eval_on_selector("#denoise-scrub", "n => { n.value = n.max;"
                          " n.dispatchEvent(new Event('input')); }")


def detail_values(text: str) -> dict[str, float]:
    """'Step 2, position 2, before the pass: a 62.13% · e 20.31% · 4 others 1.20%. It committed
    a.' -> {'a': 0.6213, 'e': 0.2031}: the symbols the detail line lists, with their values."""
    body = text.split("before the pass: ", 1)[1].split(". It committed")[0].rstrip(".")
    out = {}
    for part in body.split(" · "):
        head, _, value = part.rpartition(" ")
        if "other" not in head:
            out[head] = float(value.rstrip("%")) / 100
    return out


def test_keyboard_and_tap_reach_a_columns_exact_values(app: Recorded) -> None:
    page = app.page
    timeline = page.evaluate("() => pytoy.sections.denoise.shown")
    symbols = timeline["symbols"]
    page.focus("#denoise-scrub")
    page.keyboard.press("Tab")  # the first strip: one Tab stop
    focused = page.evaluate("() => [document.activeElement.className,"
                            " document.activeElement.closest('.belief-strip')?.dataset.pass]")
    assert focused == ["belief", "1"]
    step_before = page.get_attribute("#denoise", "data-step")
    page.keyboard.press("ArrowRight")  # inside the strip: the next column, not the presenter
    assert page.get_attribute("#denoise", "data-step") == step_before
    page.keyboard.press("ArrowDown")  # the same column, one pass later
    where = page.evaluate("() => [document.activeElement.dataset.position,"
                          " document.activeElement.closest('.belief-strip').dataset.pass]")
    assert where == ["1", "2"]
    detail = page.text_content("#denoise-timeline .belief-detail")
    probs = timeline["passes"][1]["probs"][1]
    for s, p in detail_values(detail).items():
        assert p == pytest.approx(probs[symbols.index(s)], abs=0.5e-4)  # 2 decimals of a %
    page.keyboard.press("Tab")  # one Tab leaves the strip: the next strip
    strip = "() => document.activeElement.closest('.belief-strip')?.dataset.pass"
    assert page.evaluate(strip) == "3"

    # a tap on a column of pass 3 shows that column
    page.locator("#denoise-timeline .belief-strip[data-pass='3'] .belief").nth(0).tap()
    assert page.get_attribute("#denoise-timeline .belief-detail", "data-pass") == "3"
    assert page.get_attribute("#denoise-timeline .belief-detail", "data-position") == "0"
    probs = timeline["passes"][2]["probs"][0]
    detail = page.text_content("#denoise-timeline .belief-detail")
    values = detail_values(detail)
    assert values and all(
        p == pytest.approx(probs[symbols.index(s)], abs=0.5e-4) for s, p in values.items())


def test_the_loss_by_noise_level_is_cpythons_for_the_pages_model(
    app: Recorded, tmp_path: Path
) -> None:
    page = app.page
    page.click("#train-start")
    page.wait_for_function("() => Number(document.querySelector('#train').dataset.step) >= 75")
    page.click("#train-pause")
    page.wait_for_selector("#train[data-training=false]")
    step = int(page.get_attribute("#train", "data-step"))
    page.wait_for_function("s => pytoy.sections.train.shown.noise?.step === s", arg=step)
    shown = page.evaluate("() => pytoy.sections.train.shown")
    ckpt = page.evaluate("() => pytoy.client.call('export', {name: 'names'})")
    api.load("beliefs-page", json.dumps(ckpt))
    want = api.loss_by_t("beliefs-page")
    assert want["step"] == step
    for key in ("hidden", "visible", "all", "floor_hidden"):
        assert shown["noise"][key] == pytest.approx(want[key], abs=1e-9), key
    assert shown["noise"]["hidden_positions"] == want["hidden_positions"]
    floor = api.loss_floor_by_t("beliefs-page")
    assert shown["floorByT"]["hidden"] == pytest.approx(floor["hidden"], abs=1e-12)
    x, hidden, fl, visible = shown["noiseChart"]
    edges = want["edges"]
    assert x == pytest.approx([(a + b) / 2 for a, b in itertools.pairwise(edges)])
    assert hidden == shown["noise"]["hidden"] and visible == shown["noise"]["visible"]
    assert fl == shown["floorByT"]["hidden"]
    rows = page.eval_on_selector_all("#noise-table tbody tr", "rs => rs.length")
    assert rows == len(edges) - 1


def test_section_x_shows_two_one_pass_marginals_as_cpython_computes_them(
    app: Recorded, shipped: str
) -> None:
    page = app.page
    shown = page.evaluate("() => pytoy.sections.sweep.shown")
    examples = shown["sweep"]["names"]["glued"]["examples"]
    want = api.one_pass_marginals(shipped, examples)
    m = shown["marginals"]
    assert (m["text"], m["split"], m["names_with_pair"]) == (
        want["text"], want["split"], want["names_with_pair"])
    bars = page.eval_on_selector_all(
        "#sweep-marginals .marginal li",
        "ls => ls.map(l => [Number(l.closest('.marginal').dataset.position), l.dataset.symbol,"
        " Number(l.dataset.p)])")
    for pos in want["positions"]:
        got = [(s, p) for i, s, p in bars if i == pos["position"]]
        assert [s for s, _ in got] == [s for s, _ in pos["top"]]
        assert [p for _, p in got] == pytest.approx([p for _, p in pos["top"]], abs=1e-12)
    note = page.text_content("#sweep-marginals-note")
    assert f"{100 * want['independent']:.1f}%" in note and want["head"] in note


def test_the_strips_fit_a_phone(app: Recorded) -> None:
    page = app.page
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        page.evaluate("() => document.querySelector('#denoise').scrollIntoView()")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        # a strip's columns sit under the letters they describe
        offsets = page.evaluate("""() => {
          const li = document.querySelector('#denoise-timeline li:nth-child(2)');
          const toks = [...li.querySelectorAll('.tok')].map(n => n.getBoundingClientRect().left);
          const cols = [...li.querySelectorAll('.belief')].map(n => n.getBoundingClientRect().left);
          return toks.map((x, i) => Math.abs(x - cols[i]));
        }""")
        assert offsets and max(offsets) < 1.5
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
