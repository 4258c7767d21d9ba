"""Faults: a download that fails midway names the file instead of hanging the page.

Pyodide does not reject its loader when the wasm or the standard library fails to download;
boot.js turns that stray failure into the stage's error (see strayFailure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.conftest import open_recorded

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("pattern", "name", "stage"),
    [
        ("**/pyodide.asm.wasm", "pyodide/pyodide.asm.wasm", "Python runtime"),
        ("**/python_stdlib.zip", "pyodide/python_stdlib.zip", "Python runtime"),
        ("**/numpy-*.whl", "numpy-2.0.2", "NumPy"),
        ("**/pytoy-*.whl", "py/pytoy-", "pytoy"),
    ],
)
def test_a_download_cut_off_names_the_file(
    browser: Browser, site_url: str, pattern: str, name: str, stage: str
) -> None:
    rec, context = open_recorded(browser, "about:blank")
    try:
        context.route(pattern, lambda route: route.abort())
        rec.page.goto(site_url)
        rec.page.wait_for_selector("body[data-status=error]")
        status = rec.page.text_content("#status")
        assert f"Could not load {stage}" in status
        assert name in status
        assert rec.page_errors == []
        # the build's frames are still on the page
        assert rec.page.get_attribute("#reveal-diffusion .timeline-box", "data-text") == "rahul"
    finally:
        context.close()
