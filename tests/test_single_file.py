"""The single-file page (dist/pytoy-explainer.html) opened by double-click: ``file://``, no
network at all. Every request that is not ``file:``, ``blob:`` or ``data:`` is aborted and
recorded; the page must boot Python in its worker, train, sample and translate like CPython,
with no console error, page error or CSP violation, and the file must fit its size budget.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from buildtools import default_cache
from buildtools.assets import PYODIDE_DIR, PYODIDE_WHEELS
from buildtools.single_file import BUDGETS, FILE_NAME, LIMIT, STDLIB_DROP, keep_stdlib
from pytoy import api
from tests.conftest import FIREFOX_DIR, REPO, WAIT_MS, Recorded

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route


NAMES_TEXT = (REPO / "data" / "names.txt").read_text(encoding="utf-8")
PAIRS_TEXT = (REPO / "data" / "en-hi.txt").read_text(encoding="utf-8")
STEPS = 300

# Through the worker protocol only (no buttons): own model names, CPython-comparable.
RUN_JS = """async ({names, pairs, steps}) => {
  const c = window.pytoy.client;
  await c.request("reset", {name: "bundle-names", task: "names", text: names});
  const losses = [];
  await c.request("train", {name: "bundle-names", steps, chunk: 100},
                  {onProgress: (p) => losses.push(...p.losses)});
  const sample = await c.call("sample", {name: "bundle-names", n: 1, decode: {seed: 0}});
  await c.request("reset", {name: "bundle-tr", task: "translate", text: pairs});
  await c.request("train", {name: "bundle-tr", steps: 50, chunk: 50});
  const translated = await c.call("translate", {name: "bundle-tr", words: ["hello"],
                                                decode: {temperature: 0}});
  return {losses, sample: sample[0].text, translated: translated[0].text};
}"""


@pytest.fixture(scope="module")
def bundle_file(site_dir: Path) -> Path:
    """The single file the session's build wrote next to its site directory."""
    path = site_dir.parent / FILE_NAME
    assert path.is_file(), "the build did not write the single-file page"
    return path


@pytest.fixture(scope="module")
def offline_page(browser: Browser, bundle_file: Path) -> Iterator[dict[str, Any]]:
    """The single file opened from file:// with the network cut off; booted once."""
    from tests.conftest import RECORDER_SCRIPT

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    aborted: list[str] = []

    def route(r: Route) -> None:
        url = r.request.url
        if url.startswith(("file:", "blob:", "data:")):
            r.continue_()
        else:
            aborted.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    rec = Recorded(page)
    page.add_init_script(RECORDER_SCRIPT)
    page.on("request", lambda r: rec.requests.append(r.url))
    page.on("console", lambda m: rec.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: rec.page_errors.append(str(e)))
    t0 = time.monotonic()
    page.goto(bundle_file.as_uri())
    page.wait_for_selector("body[data-status=ready], body[data-status=error]")
    ready_s = time.monotonic() - t0
    print(f"\nsingle file: ready {ready_s:.1f}s after opening it from file://")
    yield {"rec": rec, "aborted": aborted, "ready_s": ready_s}
    context.close()


@pytest.mark.browser
def test_the_file_fits_its_budget(bundle_file: Path) -> None:
    size = bundle_file.stat().st_size
    assert sum(BUDGETS.values()) <= LIMIT
    assert size <= LIMIT, f"{size:,} bytes, {size - LIMIT:,} over the {LIMIT:,}-byte limit"


@pytest.mark.browser
def test_the_file_carries_everything_and_its_own_policy(bundle_file: Path) -> None:
    html = bundle_file.read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    policy = csp.group(1)
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy and "'self'" not in policy
    assert "http:" not in policy and "https:" not in policy
    assert not re.search(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="(?!data:|#)', html)
    assert 'rel="preload"' not in html  # the site's font preloads: the file's fonts are inline


@pytest.mark.browser
def test_boots_offline_from_file_url(offline_page: dict[str, Any]) -> None:
    page = offline_page["rec"].page
    assert page.get_attribute("body", "data-status") == "ready", page.text_content("#status")
    assert page.url.startswith("file://")


@pytest.mark.browser
def test_trains_samples_and_translates_like_cpython(
    offline_page: dict[str, Any], reference: dict[str, Any]
) -> None:
    page = offline_page["rec"].page
    got = page.evaluate(RUN_JS, {"names": NAMES_TEXT, "pairs": PAIRS_TEXT, "steps": STEPS})

    want = reference["losses"]
    assert len(got["losses"]) == STEPS
    assert max(abs(a - b) for a, b in zip(got["losses"], want, strict=True)) <= 1e-9
    assert got["sample"] == reference["sample"]
    assert got["translated"] == reference["translated"]


@pytest.mark.browser
def test_no_network_no_errors(offline_page: dict[str, Any]) -> None:
    rec: Recorded = offline_page["rec"]
    seen = rec.in_page()
    assert offline_page["aborted"] == []
    assert all(u.startswith(("file:", "blob:", "data:")) for u in rec.requests)
    assert rec.console_errors == []
    assert rec.page_errors == []
    assert seen["rejections"] == []
    assert seen["csp"] == []


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    """CPython: the same runs the pages make through the worker protocol."""
    api.create("bundle-ref", "names", text=NAMES_TEXT)
    losses = api.train_chunk("bundle-ref", STEPS)["losses"]
    sample = api.sample("bundle-ref", 1, decode={"seed": 0})[0]["text"]
    api.create("bundle-tr-ref", "translate", text=PAIRS_TEXT)
    api.train_chunk("bundle-tr-ref", 50)
    translated = api.translate("bundle-tr-ref", ["hello"], {"temperature": 0})[0]["text"]
    return {"losses": losses, "sample": sample, "translated": translated}


@pytest.mark.browser
@pytest.mark.firefox
def test_firefox_runs_the_single_file_offline(
    bundle_file: Path, reference: dict[str, Any], tmp_path: Path
) -> None:
    """The same file in Firefox (Debian's firefox-esr over WebDriver BiDi, puppeteer-core)."""
    shot = tmp_path / "firefox.png"
    proc = subprocess.run(
        ["node", str(FIREFOX_DIR / "bundle_check.mjs"), bundle_file.as_uri(),
         str(REPO / "data" / "names.txt"), str(REPO / "data" / "en-hi.txt"), str(shot)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\nfirefox: ready {report['ready']:.1f}s after opening it from file://")
    assert report["status"] == "ready", report["statusText"]
    assert report["errors"] == [] and report["aborted"] == []
    run = report["run"]
    got, want = run["losses"], reference["losses"]
    assert len(got) == len(want) == STEPS
    assert max(abs(a - b) for a, b in zip(got, want, strict=True)) <= 1e-9
    assert run["sample"] == reference["sample"]
    assert run["translated"] == reference["translated"]
    assert shot.stat().st_size > 0


def _imports(source: str) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


@pytest.mark.assets
def test_pruned_stdlib_keeps_what_pytoy_micropip_and_pyodide_import() -> None:
    """Static check of the stdlib lever: nothing that runs in the page imports a dropped module.

    (NumPy's own np.info, numpy.ma.testutils and an example script do import pydoc,
    unittest and timeit, which the single file leaves out; pytoy uses none of them.)
    """
    cache = default_cache()
    sources = [(str(p), p.read_text(encoding="utf-8")) for p in (REPO / "pytoy").glob("*.py")]
    pyodide = cache / PYODIDE_DIR
    for pkg in ("micropip", "packaging"):
        with zipfile.ZipFile(pyodide / PYODIDE_WHEELS[pkg]) as zf:
            sources += [(n, zf.read(n).decode()) for n in zf.namelist() if n.endswith(".py")]
    with zipfile.ZipFile(pyodide / "python_stdlib.zip") as zf:
        sources += [(n, zf.read(n).decode()) for n in zf.namelist()
                    if n.startswith(("pyodide/", "_pyodide/")) and n.endswith(".py")]
    dropped = [d.removesuffix(".py").rstrip("/") for d in STDLIB_DROP]
    bad = []
    for name, source in sources:
        for module in _imports(source):
            path = module.replace(".", "/")
            if any(path == d or path.startswith(d + "/") for d in dropped):
                bad.append(f"{name}: {module}")
            if path.startswith("encodings/") and not keep_stdlib(path + ".py"):
                bad.append(f"{name}: {module}")
    assert bad == []
