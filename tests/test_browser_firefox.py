"""The served site in Firefox (Debian's firefox-esr over WebDriver BiDi, puppeteer-core).

``tests/firefox/site_check.mjs`` opens the site from the session's server (requests that
leave its origin are aborted and recorded), waits until it is ready, then trains a fresh
model through the worker protocol, samples it and asks the shipped translator: every number
must be CPython's. One boot; the single file's Firefox run is in tests/test_single_file.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pytoy import api
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.firefox]

FIREFOX = Path(os.environ.get("PYTOY_FIREFOX", "/usr/bin/firefox-esr"))
FIREFOX_DIR = REPO / "tests" / "firefox"  # puppeteer-core: npm install --prefix tests/firefox
NAMES = REPO / "data" / "names.txt"
STEPS = 100
WORDS = ["hello", "water", "moon", "ravi"]


def test_firefox_runs_the_served_site_like_cpython(site_url: str) -> None:
    node = shutil.which("node")
    driver = FIREFOX_DIR / "node_modules" / "puppeteer-core"
    lacking = [what for what, ok in (("firefox-esr", FIREFOX.exists()), ("node", node),
                                     ("puppeteer-core", driver.is_dir())) if not ok]
    if lacking:
        pytest.fail(f"needs {', '.join(lacking)}: run `bash scripts/setup.sh`")
    proc = subprocess.run(
        [str(node), str(FIREFOX_DIR / "site_check.mjs"), site_url + "#train", str(NAMES),
         str(STEPS), ",".join(WORDS)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\nfirefox: the served site ready after {report['ready']:.1f}s")
    assert report["status"] == "ready", report["statusText"]
    assert "Firefox" in report["userAgent"]
    assert report["failed"] is None and "Ready in" in report["statusText"]
    assert "Python 3." in report["versions"]
    assert all(n >= 1 for n in report["charts"]), report["charts"]
    assert report["errors"] == [] and report["foreign"] == []

    api.create("ff-site-ref", "names", text=NAMES.read_text(encoding="utf-8"))
    want = api.train_chunk("ff-site-ref", STEPS)["losses"]
    run = report["run"]
    assert len(run["losses"]) == len(want) == STEPS
    assert max(abs(a - b) for a, b in zip(run["losses"], want, strict=True)) <= 1e-9
    assert run["seen"] == [25, 50, 75, 100]
    assert run["result"] == {"step": STEPS, "done": STEPS, "paused": False}
    assert run["sample"] == api.sample("ff-site-ref", 1, decode={"seed": 0})
    api.load("ff-translate", (REPO / "data" / "checkpoints" / "translate.json").read_text())
    assert run["translated"] == api.translate("ff-translate", WORDS, {"temperature": 0.0})
