"""Fuzzing the page: hundreds of bad inputs through every text box, number box and data box
of one page. Afterwards: no uncaught exception, no unhandled rejection, no NaN on screen, a
clear message where input was refused, and the page still samples."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest

from tests.conftest import open_recorded, page_words

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

TEXTS = [
    "",
    " ",
    "   \t ",
    "\n",
    "RAHUL",
    "Rahul!",
    "ra hul",
    "rahul123",
    "😀",
    "r😀l",
    "名前",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "\"'`;--",
    "a" * 200,
    "?" * 7,
    "_______",
    ">",
    "hello>namaste",
    "\u0000",
    "\u202eabc",
    "r??ul",
    "??????????",
    "NaN",
    "-1",
    "1e309",
    "%00",
    "../../etc/passwd",
]
# (text box, the button that acts on it; section II acts as you type)
TEXT_BOXES = [
    ("#corrupt-word", None),
    ("#translate-word", "#translate-run"),
    ("#infill-template", "#infill-run"),
    ("#length-word", "#length-run"),
]
NUMBERS = [
    "",
    "-1",
    "-0",
    "1e309",
    "-1e309",
    "NaN",
    "abc",
    "3.7",
    "99999999",
    "0.0000001",
    "1e-320",
]
NUMBER_BOXES = [
    "#train-lr",
    "#train-batch",
    "#train-seed",
    "#denoise-steps",
    "#denoise-temperature",
    "#lab-steps",
    "#lab-tau",
    "#lab-temperature",
    "#lab-seed",
    "#race-seed",
    "#infill-seed",
]
DATA = [
    "",
    "a",
    "a\nb\nc1",
    "x>y\n",
    "😀\n😀",
    "<b>bold</b>\nok",
    "a" * 40 + "\nb",
    "\n".join(["ab"] * 6000),
    "# only a comment",
    "sun>suraj\nmoon",
]


def settle(page: Page) -> None:
    """Wait until the worker has answered everything sent so far (it answers in order)."""
    page.evaluate("() => pytoy.client.call('defaults')")


def set_value(page: Page, selector: str, value: str) -> None:
    page.eval_on_selector(
        selector,
        "(n, v) => { n.value = v; n.dispatchEvent(new Event('input', {bubbles: true}));"
        " n.dispatchEvent(new Event('change', {bubbles: true})); }",
        value,
    )


def test_hundreds_of_bad_inputs_leave_the_page_working(browser: Browser, site_url: str) -> None:
    rec, context = open_recorded(browser, site_url)
    page = rec.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    count = 0
    try:
        page.wait_for_selector("body[data-status=ready]")
        for (box, button), text in itertools.product(TEXT_BOXES, TEXTS):
            set_value(page, box, text)
            if button:
                page.click(button)
            settle(page)
            count += 1
        # a refusal says so in words
        set_value(page, "#translate-word", "Hi!")
        page.click("#translate-run")
        page.wait_for_selector("#translate-message.error")
        assert page.text_content("#translate-message").strip()

        for box, value in itertools.product(NUMBER_BOXES, NUMBERS):
            set_value(page, box, value)
            count += 1
        page.click("#denoise-run")
        page.click("#lab-run")
        page.click("#race-run")
        settle(page)

        page.eval_on_selector_all("details.own-data", "ds => ds.forEach(d => { d.open = true; })")
        for text in DATA:
            for box, button in (
                ("#own-names-text", "#own-names-use"),
                ("#own-pairs-text", "#own-pairs-use"),
            ):
                set_value(page, box, text)
                page.click(button)
                settle(page)
                count += 1
        assert count >= 200

        # still working: a sample from the shipped model, and nothing broken on screen
        out = page.evaluate("() => pytoy.client.call('sample', {name: 'shipped', n: 2})")
        assert len(out) == 2 and all(t["text"] for t in out)
        assert "NaN" not in page_words(page)
        assert page.locator("img[src=x]").count() == 0
        assert dialogs == []
        rec.assert_clean(site_url)
    finally:
        context.close()
