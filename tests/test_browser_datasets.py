"""Section IV's data menu in Chromium: the large list trains with CPython's losses, shows its
held-out loss, marks what it samples, and the choice survives the URL and a reload.

Oracles: CPython's pytoy on the same settings (losses to 1e-9), the data files read here for
the marks, and the stored checkpoints' own labels. One page boot for the module (and one
reload); each run is at most STEPS training steps.
"""

from __future__ import annotations

import json

import pytest

from buildtools import REPO
from pytoy import api
from pytoy.defaults import DEFAULTS, default

pytestmark = pytest.mark.browser

STEPS = 100
LARGE = (REPO / "data" / "names-large.txt").read_text(encoding="utf-8").split()
SMALL = (REPO / "data" / "names.txt").read_text(encoding="utf-8").split()


def idle(page) -> None:
    page.wait_for_function("() => window.pytoy?.sections?.train && "
                           "document.querySelector('#train-start') && "
                           "!document.querySelector('#train-start').disabled")


def cpython_large(steps: int) -> tuple[list[float], dict]:
    """A fresh model of the large list with the page's settings, trained `steps` steps."""
    seed = default("train", "seed")
    api.create("page-large", dataset="large", model={"seed": seed},
               train={"lr": default("train", "lr"), "batch": default("train", "batch"),
                      "seed": seed})
    api.train_chunk("page-large", steps)
    return api.history("page-large"), api.held_out_loss("page-large")


def marks_of(word: str, held: set[str]) -> str:
    train = set(LARGE) - held
    return "training" if word in train else "held-out" if word in held else "new"


def test_the_large_list_loads_its_shipped_model_then_trains_like_cpython(app) -> None:
    page = app.page
    idle(page)
    assert page.eval_on_selector("#train-data", "n => [...n.options].map(o => o.value)") == list(
        DEFAULTS["datasets"])
    assert page.is_hidden("#stat-heldout-box")  # the small list holds nothing out
    page.select_option("#train-data", "large")
    page.wait_for_function("() => window.pytoy.sections.train.shown.heldOut?.step === 1000")
    idle(page)
    shipped = json.loads((REPO / DEFAULTS["datasets"]["large"]["checkpoint"]).read_text())
    api.load("page-shipped", shipped)
    want = api.held_out_loss("page-shipped")
    shown = page.evaluate("() => window.pytoy.sections.train.shown")
    assert shown["data"] == "large" and shown["heldOut"]["held_out"] == pytest.approx(
        want["held_out"], abs=1e-9)
    assert page.is_visible("#stat-heldout-box")
    assert page.text_content("#n-names") == f"{len(shipped['data']['train']):,}"
    assert "data=large" in page.url

    page.click("#train-reset")
    idle(page)
    page.evaluate(f"() => {{ window.pytoy.sections.train.train({STEPS}); }}")
    page.wait_for_selector(f"#train[data-training=false][data-step='{STEPS}']")
    page.wait_for_function(f"() => window.pytoy.sections.train.shown.heldOut?.step === {STEPS}")
    idle(page)
    history = page.evaluate("() => window.pytoy.client.call('history', { name: 'names' })")
    losses, held = cpython_large(STEPS)
    assert len(history) == STEPS
    assert max(abs(a - b) for a, b in zip(history, losses, strict=True)) < 1e-9
    shown = page.evaluate("() => window.pytoy.sections.train.shown")
    assert shown["heldOut"]["held_out"] == pytest.approx(held["held_out"], abs=1e-9)
    assert shown["heldOut"]["training"] == pytest.approx(held["training"], abs=1e-9)
    assert [STEPS, pytest.approx(held["held_out"], abs=1e-9)] in shown["heldOutChart"]
    assert page.text_content("#stat-heldout") == f"{held['held_out']:.3f}"
    assert "held-out loss" in page.text_content("#heldout-note")


def test_sampled_names_are_marked_against_the_files(app) -> None:
    page = app.page
    info = page.evaluate("() => window.pytoy.client.call('info', { name: 'names' })")
    held = set(info["val_items"])
    assert held and not held & set(info["train_items"])
    page.click("#sample")
    page.wait_for_selector("#timeline .verdict")
    text = page.get_attribute("#timeline", "data-text")
    badge = page.text_content("#timeline .verdict .badge")
    words = {"training": "training name", "held-out": "held-out name", "new": "new"}
    assert badge.startswith(words[marks_of(text, held)])
    # section V's grid and count, on the reader's model of the large list
    page.select_option("#denoise-model", "names")
    first = "document.querySelector('#denoise-grid').firstChild"
    page.evaluate(f"() => {{ window.gridBefore = {first}; }}")
    page.click("#denoise-grid-run")
    page.wait_for_function(f"() => {first} !== window.gridBefore")
    got = page.eval_on_selector_all(
        "#denoise-grid li", "ls => ls.map(l => [l.querySelector('.sampled-name').textContent, "
        "l.dataset.mark])")
    assert len(got) == DEFAULTS["page"]["grid"]
    assert all(mark == marks_of(name, held) for name, mark in got)
    page.click("#denoise-count")
    page.wait_for_function("() => window.pytoy.sections.denoise.counted")
    counted = page.evaluate("() => window.pytoy.sections.denoise.counted")
    assert counted["n"] == DEFAULTS["page"]["shares_n"]
    assert sum(counted["counts"].values()) == counted["n"]
    assert counted["held_out_items"] == len(held)
    assert "held-out names" in page.text_content("#denoise-shares")


def test_the_url_and_a_reload_keep_the_choice_and_each_lists_model(app) -> None:
    page = app.page
    page.reload()
    page.wait_for_selector("body[data-status=ready]")
    idle(page)
    assert page.eval_on_selector("#train-data", "n => n.value") == "large"
    assert page.get_attribute("#train", "data-step") == str(STEPS)  # the reader's, not the shipped
    assert "your model of the large list" in page.text_content("#train-message")
    # back to the small list: a fresh model there, the large one kept and labelled
    page.select_option("#train-data", "small")
    page.wait_for_function("() => document.querySelector('#train').dataset.step === '0'")
    idle(page)
    assert "data=large" not in page.url
    assert "large list is kept" in page.text_content("#train-saved")
    info = page.evaluate("() => window.pytoy.client.call('info', { name: 'names' })")
    assert info["dataset"] == "small" and sorted(info["train_items"]) == sorted(SMALL)
    # a model of the large list put where the small one's belongs is refused, and stays stored
    page.evaluate("() => localStorage.setItem('pytoy:model:names', "
                  "localStorage.getItem('pytoy:model:names-large'))")
    page.reload()
    page.wait_for_selector("body[data-status=ready]")
    idle(page)
    assert "data is large" in page.text_content("#train-saved")
    assert page.get_attribute("#train", "data-step") == "0"
    info = page.evaluate("() => window.pytoy.client.call('info', { name: 'names' })")
    assert info["dataset"] == "small"
