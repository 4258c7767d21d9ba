"""Shared fixtures for the browser tests: one build of the site, a server, one Chromium.

What a test needs from the machine is said by its markers, and REQUIREMENTS says what each
marker needs: ``browser`` (Playwright + the system Chromium + the asset cache + node, which
the build needs), ``firefox`` and ``webkit`` (a browser test that also drives that engine),
``assets`` (a build test that reads the asset cache; node too), ``lint`` (node and the pinned
eslint in tests/lint). ``bash scripts/setup.sh`` installs all of it; ``playwright install`` is
never needed. A missing piece is an error naming that command, never a silent skip.
Outside CI, ``PYTOY_SKIP_BROWSER=1`` opts out: browser tests (and any whose needs are
missing) are skipped and the summary says how many were not run. In CI the opt-out is
refused, so CI runs every test or fails.

Every page is opened through ``open_page``, which records what a reader's browser would
complain about: console errors, page errors, unhandled rejections, Content-Security-Policy
violations, and every request (to prove the page talks to its own origin only).
"""

from __future__ import annotations

import importlib
import json
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
from pytoy.defaults import DEFAULTS

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
MORE = DEFAULTS["page"]["more"]  # the steps of section IV's "+… more" (pytoy's table)

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


SETUP = "bash scripts/setup.sh"
OPT_OUT = "PYTOY_SKIP_BROWSER"
FIREFOX = Path(os.environ.get("PYTOY_FIREFOX", "/usr/bin/firefox-esr"))
FIREFOX_DIR = REPO / "tests" / "firefox"  # puppeteer-core: npm ci --prefix tests/firefox
LINT_DIR = REPO / "tests" / "lint"  # eslint: npm ci --prefix tests/lint
# the same overrides as tests/webkit.py
WEBKIT_DRIVER = os.environ.get("PYTOY_WEBKIT_DRIVER") or shutil.which("WebKitWebDriver")
MINIBROWSER = Path(
    os.environ.get("PYTOY_MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
)


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Need:
    """One thing a marker's tests need from the machine, and how to tell it is there."""

    what: str
    present: Callable[[], bool]


ASSET_CACHE = Need(
    f"the asset cache at {default_cache()}", lambda: not missing_files(default_cache())
)
# the build bundles the single file's scripts with esbuild (from the cache) under node
NODE = Need("node on PATH", lambda: shutil.which("node") is not None)

# marker -> what its tests need. A firefox or webkit test is a browser test too (it carries
# both markers), so it needs the browser row as well.
REQUIREMENTS: dict[str, tuple[Need, ...]] = {
    "assets": (ASSET_CACHE, NODE),
    "browser": (
        Need(f"Chromium at {CHROMIUM} (PYTOY_CHROMIUM)", CHROMIUM.exists),
        ASSET_CACHE,
        NODE,
        Need("the playwright Python package", lambda: _importable("playwright.sync_api")),
    ),
    "firefox": (
        Need(f"Firefox ESR at {FIREFOX} (PYTOY_FIREFOX)", FIREFOX.exists),
        NODE,
        Need(
            "tests/firefox/node_modules/puppeteer-core",
            (FIREFOX_DIR / "node_modules" / "puppeteer-core").is_dir,
        ),
    ),
    "lint": (
        Need("node on PATH", lambda: shutil.which("node") is not None),
        Need("tests/lint/node_modules/eslint", (LINT_DIR / "node_modules" / "eslint").is_dir),
    ),
    "webkit": (
        Need(
            "WebKitWebDriver on PATH (PYTOY_WEBKIT_DRIVER)",
            lambda: WEBKIT_DRIVER is not None and Path(WEBKIT_DRIVER).exists(),
        ),
        Need("Xvfb on PATH", lambda: shutil.which("Xvfb") is not None),
        Need(f"MiniBrowser at {MINIBROWSER} (PYTOY_MINIBROWSER)", MINIBROWSER.exists),
    ),
}
IMPLY_BROWSER = {"firefox", "webkit"}
NOT_RUN = pytest.StashKey[str]()


def _markers(item: pytest.Item) -> set[str]:
    return {m.name for m in item.iter_markers()} & set(REQUIREMENTS)


def _missing(markers: set[str]) -> dict[str, list[str]]:
    """marker -> what its tests need that this machine lacks, for the markers given."""
    out = {m: [n.what for n in REQUIREMENTS[m] if not n.present()] for m in sorted(markers)}
    return {m: lacks for m, lacks in out.items() if lacks}


@pytest.hookimpl(trylast=True)  # after -m and -k: only the tests that will run count
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Check what the collected tests' markers need; refuse to run without it, or opt out."""
    marked = {item: _markers(item) for item in items}
    unmarked = [i.nodeid for i, ms in marked.items() if ms & IMPLY_BROWSER and "browser" not in ms]
    if unmarked:
        raise pytest.UsageError(f"mark these firefox or webkit tests browser too: {unmarked}")
    missing = _missing(set().union(*marked.values()))
    in_ci = bool(os.environ.get("CI"))
    opted_out = os.environ.get(OPT_OUT) == "1"
    if in_ci and opted_out:
        raise pytest.UsageError(f"{OPT_OUT}=1 is set in CI, where every test must run: unset it")
    if missing and not opted_out:
        counts = {m: sum(m in ms for ms in marked.values()) for m in missing}
        lines = [f"  {m} ({counts[m]} tests): {'; '.join(ws)}" for m, ws in missing.items()]
        hint = "" if in_ci else f", or set {OPT_OUT}=1 to run the other tests without them"
        raise pytest.UsageError(
            "this machine lacks what some collected tests need:\n"
            + "\n".join(lines)
            + f"\nRun `{SETUP}` to install it{hint}."
        )
    if opted_out:
        _opt_out(config, marked, missing)


def _opt_out(
    config: pytest.Config, marked: dict[pytest.Item, set[str]], missing: dict[str, list[str]]
) -> None:
    """Skip every browser test, and any other whose needs are missing; say so in the summary."""
    not_run = [i for i, ms in marked.items() if ms & ({"browser"} | set(missing))]
    if not not_run:
        return
    lacks = sorted({w for ws in missing.values() for w in ws})
    reason = f"opted out by {OPT_OUT}=1"
    if lacks:
        reason += f"; this machine lacks {'; '.join(lacks)}"
    for item in not_run:
        item.add_marker(pytest.mark.skip(reason=f"not run: {reason}"))
    n_browser = sum("browser" in marked[i] for i in not_run)
    what = f"{n_browser} browser test" + ("s" if n_browser != 1 else "")
    if len(not_run) > n_browser:
        what += f" and {len(not_run) - n_browser} other"
    were = "was" if len(not_run) == 1 else "were"
    config.stash[NOT_RUN] = (
        f"{what} {were} NOT run ({reason}). Unset {OPT_OUT} to run them"
        f" (`{SETUP}` installs what they need)."
    )


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """The opt-out's one line: how many tests were not run, and why."""
    line = config.stash.get(NOT_RUN, None)
    if line:
        terminalreporter.write_line(line, yellow=True, bold=True)


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
    browser: Browser, url: str, width: int = 1280, init_script: str | None = None,
    has_touch: bool = False,
) -> tuple[Recorded, BrowserContext]:
    """Open ``url`` in a fresh context with every complaint recorded; close the context later."""
    context = browser.new_context(viewport={"width": width, "height": 900}, has_touch=has_touch)
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



def page_words(page: Page) -> str:
    """The words the page shows, every section's, whether on screen or not: the body's text
    without code listings and edit boxes (Python's own source may say NaN). Not innerText:
    a section far from the screen is not rendered (content-visibility), and innerText skips it."""
    return page.evaluate("""() => {
      const copy = document.body.cloneNode(true);
      copy.querySelectorAll("pre, textarea, script, noscript").forEach((n) => n.remove());
      return copy.textContent;
    }""")

def train_more(page: Page) -> None:
    """Press section IV's "+… more" (MORE steps) and wait until that run has ended."""
    page.click("#train-more")
    page.wait_for_selector("#train[data-training=true]")
    page.wait_for_selector("#train[data-training=false]")


def run_page_module(script: str, module: Path, *args: str) -> dict:
    """Run `script` (an ES module's text) under node on a page module (`module`, then
    `args`, as its process.argv), with pytoy's settings table last; what it prints, as JSON.
    For tests of page code that needs no browser (the chart's and the store's bounds)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (bash scripts/setup.sh)")
    from pytoy import api

    table = json.dumps(api.defaults())
    cmd = [node, "--input-type=module", "-e", script, module.as_uri(), *args, table]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(proc.stdout)
