"""Presenter mode: the shortcut list (?), the projector toggle (p, remembered), Space to
train and pause, arrows stepping the timeline on screen, and keys left alone while typing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.conftest import ready_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def test_shortcuts_projector_space_and_arrows(browser: Browser, site_url: str) -> None:
    with ready_page(browser, site_url) as rec:
        page = rec.page
        page.locator("body").focus()

        # ? opens the list; Esc closes it and focus goes back
        page.keyboard.press("?")
        assert page.evaluate("() => document.querySelector('#help').open")
        keys = page.eval_on_selector_all("#help-keys th", "ns => ns.map(n => n.textContent)")
        assert "Space" in keys and "p" in keys
        page.keyboard.press("Escape")
        assert not page.evaluate("() => document.querySelector('#help').open")

        # p: projector on, larger type, remembered after a reload
        size = page.evaluate(
            "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
        )
        page.keyboard.press("p")
        bigger = page.evaluate(
            "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
        )
        assert bigger > size * 1.3
        assert page.get_attribute("#projector-toggle", "aria-pressed") == "true"
        page.reload()
        page.wait_for_selector("body[data-status=ready]")
        assert page.evaluate("() => document.documentElement.classList.contains('projector')")
        page.click("#projector-toggle")
        assert not page.evaluate("() => document.documentElement.classList.contains('projector')")

        # arrows step the timeline of the section on screen (V here)
        page.evaluate("() => document.querySelector('#denoise').scrollIntoView({block: 'center'})")
        page.locator("body").focus()
        last = page.evaluate("() => pytoy.sections.denoise.shown.passes.length")
        page.keyboard.press("Home")
        assert page.get_attribute("#denoise", "data-step") == "0"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert page.get_attribute("#denoise", "data-step") == "2"
        page.keyboard.press("ArrowLeft")
        assert page.get_attribute("#denoise", "data-step") == "1"
        page.keyboard.press("End")
        assert page.get_attribute("#denoise", "data-step") == str(last)
        tokens = page.evaluate("() => pytoy.sections.denoise.shown.passes.at(-1).tokens")
        assert page.text_content("#denoise-frame") == tokens

        # ... and section I's animation when it is on screen
        page.evaluate("() => document.querySelector('#reveal').scrollIntoView({block: 'center'})")
        page.keyboard.press("Home")
        assert page.get_attribute("#reveal", "data-frame") == "0"
        page.keyboard.press("ArrowRight")
        assert page.get_attribute("#reveal", "data-frame") == "1"

        # typing in a field is left alone: "p" and "?" go into the box
        page.fill("#corrupt-word", "")
        page.type("#corrupt-word", "p?")
        assert page.input_value("#corrupt-word") == "p?"
        assert not page.evaluate("() => document.querySelector('#help').open")
        assert not page.evaluate("() => document.documentElement.classList.contains('projector')")

        # Space trains, Space again pauses
        page.evaluate("() => document.querySelector('#train').scrollIntoView()")
        page.evaluate("() => document.activeElement.blur()")
        page.keyboard.press(" ")
        page.wait_for_selector("#train[data-training=true]")
        page.keyboard.press(" ")
        page.wait_for_selector("#train[data-training=false]")
        assert "Paused" in page.text_content("#train-message")

        # with the ablation on screen, Space starts its pair instead, and the model above stays
        page.evaluate("() => document.querySelector('#ablation').scrollIntoView({block: 'center'})")
        page.evaluate("() => document.activeElement.blur()")
        page.keyboard.press(" ")
        page.wait_for_function("() => pytoy.sections.likelihood.shown.ablation.arms?.length === 2")
        assert page.get_attribute("#train", "data-training") == "false"
        rec.assert_clean(site_url)
