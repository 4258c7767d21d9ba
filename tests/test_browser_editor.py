"""Section XIV in a real browser: an edited function changes what the page shows, a broken
edit shows its traceback and leaves the page working, restore brings the shipped output back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytoy import api
from tests.conftest import REPO, ready_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


def run(page: Page, source: str) -> str:
    page.eval_on_selector("#edit", "n => { delete n.dataset.result; }")
    page.fill("#edit-code", source)
    page.click("#edit-run")
    page.wait_for_selector("#edit[data-result]")
    return page.get_attribute("#edit", "data-result")


def test_edit_run_break_and_restore(browser: Browser, site_url: str) -> None:
    api.load("ed", (REPO / "data" / "checkpoints" / "names.json").read_text())
    shipped = " ".join(api.corrupt_word("ed", "rahul", 0.3, s)["noisy"] for s in range(6))
    with ready_page(browser, site_url + "#edit") as rec:
        page = rec.page
        assert page.get_attribute("#edit-result", "data-text") == shipped
        source = page.input_value("#edit-code")
        assert source.startswith("def corrupt(")

        # hide every letter whatever t says: the section shows it, and so does section II's call
        edited = source.replace("rng.random(x.shape) < t[:, None]", "rng.random(x.shape) < 2")
        assert edited != source
        assert run(page, edited) == "ok"
        page.wait_for_function(
            "() => document.querySelector('#edit-result').dataset.text === "
            "Array(6).fill('???????').join(' ')"
        )
        noisy = page.evaluate(
            "() => pytoy.client.call('corrupt_word', {name: 'shipped', word: 'rahul', t: 0.1})"
        )["noisy"]
        assert noisy == "???????"
        # section IV's floors assumed the shipped masking: they say so and are not drawn
        assert "no longer applies" in page.text_content("#floor-note")
        assert page.text_content("#stat-floor") == "–"
        assert page.evaluate("() => pytoy.sections.train.shown.floorByT") is None
        assert "no longer applies" in page.text_content("#noise-note")

        # a syntax error: traceback shown, previous (edited) version still in place
        assert run(page, "def corrupt(x, t:\n    pass") == "error"
        assert "SyntaxError" in page.text_content("#edit-traceback")
        assert page.is_visible("#edit-traceback")
        # a runtime error: the traceback points at the reader's line only
        broken = "def corrupt(x, t, maskable, mask_id, rng):\n    return missing_name\n"
        assert run(page, broken) == "error"
        tb = page.text_content("#edit-traceback")
        assert "NameError" in tb and "line 2" in tb and "patching.py" not in tb
        noisy = page.evaluate(
            "() => pytoy.client.call('corrupt_word', {name: 'shipped', word: 'rahul', t: 0.1})"
        )["noisy"]
        assert noisy == "???????"  # still the edited version, still working

        # restore: the shipped output again, and the box holds the shipped source
        page.click("#edit-restore")
        page.wait_for_function(
            "s => document.querySelector('#edit-result').dataset.text === s", arg=shipped
        )
        assert page.input_value("#edit-code") == source
        # ... and section IV's floor comes back
        floor = f"{api.loss_floor('ed')['value']:.3f}"
        page.wait_for_function("f => document.querySelector('#stat-floor').textContent === f",
                               arg=floor)
        page.wait_for_function("() => pytoy.sections.train.shown.floorByT !== null")

        # the schedule: everything in the first pass
        page.select_option("#edit-pick", "sampling.schedule")
        page.wait_for_function(
            "() => document.querySelector('#edit-code').value.startsWith('def schedule')"
        )
        assert (
            run(page, "def schedule(masked, steps):\n    return [masked] + [0] * (steps - 1)\n")
            == "ok"
        )
        page.wait_for_function(
            "() => document.querySelector('#edit-result').dataset.text.startsWith('7')"
        )
        page.click("#edit-restore")
        page.wait_for_function(
            "() => document.querySelector('#edit-result').dataset.text === '3 2 2'"
        )
        rec.assert_clean(site_url)
