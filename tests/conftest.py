"""Shared fixtures for the browser tests: one build of the site, a server, one Chromium.

Browser tests are marked ``@pytest.mark.browser`` and skipped (not failed) on a machine
without the asset cache (``python build.py fetch``) or without Chromium at CHROMIUM. They
use the system Chromium through Playwright; ``playwright install`` is never needed.

Every page is opened through ``open_page``, which records what a reader's browser would
complain about: console errors, page errors, unhandled rejections, Content-Security-Policy
violations, and every request (to prove the page talks to its own origin only).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from buildtools import default_cache
from buildtools.assets import missing_files
from buildtools.serve import start_server, stop_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("PYTOY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous ceilings for waits, so a slow machine is not a failure; tests never assert time.
WAIT_MS = 180_000

# Runs in every page before its own scripts: collect CSP violations and unhandled
# rejections where the test can read them (window.__pytoyRecorder).
RECORDER_SCRIPT = """
(() => {
  const rec = { csp: [], rejections: [] };
  Object.defineProperty(window, "__pytoyRecorder", { value: rec });
  document.addEventListener("securitypolicyviolation", (e) => {
    const where = `${e.sourceFile}:${e.lineNumber}`;
    rec.csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${where})`);
  });
  window.addEventListener("unhandledrejection", (e) => {
    rec.rejections.push(String(e.reason && e.reason.stack || e.reason));
  });
})();
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip browser tests, with the reason, where the browser or the assets are missing."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (set PYTOY_CHROMIUM)"
    elif missing_files(default_cache()):
        reason = "asset cache incomplete: run `python build.py fetch` first"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed"
    if reason and os.environ.get("CI"):
        # CI installs everything first (scripts/setup.sh): a missing piece there is a failure
        raise pytest.UsageError(f"browser tests cannot run in CI: {reason}")
    if reason:
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once per session (``python build.py build``) into a temp directory.

    Not dist/site itself: a developer may be serving that, or building it at the same time.
    """
    out = tmp_path_factory.mktemp("browser") / "site"
    env = {**os.environ, "PIP_NO_INDEX": "1", "npm_config_offline": "true"}
    proc = subprocess.run(
        [sys.executable, "build.py", "build", "--out", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return out


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[..., str]]:
    """``serve(root, prefix="/") -> url``: a static server that lives for the session."""
    servers = []

    def start(root: Path, prefix: str = "/") -> str:
        server, url = start_server(root, prefix=prefix)
        servers.append(server)
        return url

    yield start
    for server in servers:
        stop_server(server)


@pytest.fixture(scope="session")
def site_url(site_dir: Path, serve: Callable[..., str]) -> str:
    """The built site served at the root of a local server."""
    return serve(site_dir)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Recorded:
    """What one page did and complained about."""

    page: Page
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def in_page(self) -> dict[str, list[str]]:
        """CSP violations and unhandled rejections the init script collected."""
        return self.page.evaluate(
            "() => ({csp: [...window.__pytoyRecorder.csp],"
            " rejections: [...window.__pytoyRecorder.rejections]})"
        )

    def foreign_requests(self, site_origin: str) -> list[str]:
        """Requests that did not go to ``site_origin`` (scheme://host:port)."""
        return [u for u in self.requests if origin(u) != site_origin]

    def assert_clean(self, base_url: str) -> None:
        """No console error, page error, rejection or CSP violation; every request local."""
        seen = self.in_page()
        assert self.console_errors == []
        assert self.page_errors == []
        assert seen["rejections"] == []
        assert seen["csp"] == []
        assert self.requests, "no request was recorded"
        assert self.foreign_requests(origin(base_url)) == []
        assert all(u.startswith(base_url) for u in self.requests), "a request left the site"


def origin(url: str) -> str:
    """scheme://host:port of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def open_recorded(
    browser: Browser, url: str, width: int = 1280, init_script: str | None = None
) -> tuple[Recorded, BrowserContext]:
    """Open ``url`` in a fresh context with every complaint recorded; close the context later."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    rec = Recorded(page)
    page.add_init_script(RECORDER_SCRIPT)
    if init_script:
        page.add_init_script(init_script)
    page.on("request", lambda r: rec.requests.append(r.url))
    page.on("console", lambda m: rec.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: rec.page_errors.append(str(e)))
    page.goto(url)
    return rec, context


@contextmanager
def ready_page(
    browser: Browser, url: str, width: int = 1280, init_script: str | None = None
) -> Iterator[Recorded]:
    """``open_recorded`` once the page says it is ready; its context is closed afterwards."""
    rec, context = open_recorded(browser, url, width, init_script)
    try:
        rec.page.wait_for_selector("body[data-status=ready]")
        yield rec
    finally:
        context.close()


@pytest.fixture(scope="module")
def app(browser: Browser, site_url: str) -> Iterator[Recorded]:
    """The page at the site's root, booted once per test module (a module may override it)."""
    with ready_page(browser, site_url) as rec:
        yield rec


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Recorded]]:
    """``open_page(url, width=1280, init_script=None) -> Recorded``; closed after the test."""
    contexts: list[BrowserContext] = []

    def open_(url: str, width: int = 1280, init_script: str | None = None) -> Recorded:
        rec, context = open_recorded(browser, url, width, init_script)
        contexts.append(context)
        return rec

    yield open_
    for context in contexts:
        context.close()


def copy_site(site_dir: Path, dest: Path, remove: list[str]) -> Path:
    """A copy of the built site with some files (site-relative paths) deleted."""
    shutil.copytree(site_dir, dest)
    for rel in remove:
        (dest / rel).unlink()
    return dest


def train_more(page: Page) -> None:
    """Press section IV's "+500 more" and wait until that run has ended."""
    page.click("#train-more")
    page.wait_for_selector("#train[data-training=true]")
    page.wait_for_selector("#train[data-training=false]")
