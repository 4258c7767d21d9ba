"""The JavaScript stays eslint-clean, as the Python stays ruff-clean (tests/test_lint.py).

The linter is the exact eslint that ``tests/lint/package-lock.json`` pins, installed by
``bash scripts/setup.sh``; its rules and each folder's globals are in
``tests/lint/eslint.config.mjs``. It lints every JavaScript file of the repository: the page
(``site/``), the benchmarks (``bench/``), the Firefox drivers (``tests/firefox/``) and the
build's scripts (``buildtools/``); the test also checks that each of those was linted.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, SETUP

pytestmark = pytest.mark.lint

LINT_DIR = REPO / "tests" / "lint"
ESLINT = LINT_DIR / "node_modules" / "eslint"
CONFIG = LINT_DIR / "eslint.config.mjs"
# what must be linted (a new file there is linted without touching this list)
LINTED = ["site/**/*.js", "bench/*.js", "bench/*.mjs", "tests/firefox/*.mjs",
          "buildtools/**/*.js", "buildtools/**/*.mjs"]


def _pinned() -> str:
    return json.loads((LINT_DIR / "package.json").read_text())["devDependencies"]["eslint"]


def _installed() -> str | None:
    meta = ESLINT / "package.json"
    return json.loads(meta.read_text())["version"] if meta.exists() else None


def _eslint(*args: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, f"node is not on PATH: run `{SETUP}`"
    return subprocess.run(
        [node, str(ESLINT / "bin" / "eslint.js"), "--config", str(CONFIG), *args],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )


def test_eslint_is_the_pinned_version() -> None:
    assert _installed() == _pinned(), (
        f"tests/lint has eslint {_installed()}, the lockfile pins {_pinned()}: run `{SETUP}`"
    )


def test_eslint_clean() -> None:
    assert _installed(), f"eslint is not installed in tests/lint: run `{SETUP}`"
    p = _eslint("--format", "json", "--max-warnings", "0", ".")
    assert p.stdout.startswith("["), p.stdout + p.stderr  # a crash or a bad config, not a report
    report = json.loads(p.stdout)
    problems = [
        f"{Path(f['filePath']).relative_to(REPO)}:{m.get('line', 0)}:{m.get('column', 0)}"
        f" {m.get('ruleId') or 'parse'}: {m['message']}"
        for f in report for m in f["messages"]
    ]
    assert problems == [], "eslint:\n" + "\n".join(problems)
    assert p.returncode == 0, p.stderr
    linted = {Path(f["filePath"]).relative_to(REPO).as_posix() for f in report}
    expected = {p.relative_to(REPO).as_posix() for g in LINTED for p in REPO.glob(g)}
    expected = {p for p in expected if "node_modules" not in p}
    assert "site/js/main.js" in expected and "tests/firefox/site_check.mjs" in expected
    assert expected - linted == set(), "not linted (see the config's ignores)"
