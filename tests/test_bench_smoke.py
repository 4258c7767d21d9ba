"""bench/run.py, bench/slow.py and bench/start_trace.py still run: their smoke modes (one
repeat, a few steps per section) complete and print every table, run.py's with a row for every
batch size at its own learning rate, slow.py's with every phase of the throttled visit and every
soak figure. start_trace.py's split of a task into kinds of work is checked on a hand-made trace.

Nothing here reads a figure as a speed: the smoke run's numbers mean nothing, and a benchmark
that prints figures is run by hand (python3 bench/run.py). The smoke run writes no file.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "bench" / "run.py"
SLOW = REPO / "bench" / "slow.py"
TRACE = REPO / "bench" / "start_trace.py"


def _batch_lr() -> dict[int, float]:
    spec = importlib.util.spec_from_file_location("bench_run", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod.BATCH_LR


# Each section's heading, and the header row of each of its tables.
CPYTHON_TABLES = {
    "## 2. Training throughput": [
        "| batch | lr | Pyodide steps/s | Pyodide examples/s | CPython steps/s |"
        " CPython examples/s | CPython / Pyodide |",
    ],
    "## 6. Scale in CPython": [
        "| sequence length (V=22) | 8 | 16 | 32 | 64 |",
        "| vocabulary (L=7) | 22 | 64 | 128 | 256 |",
    ],
}
BROWSER_TABLES = {
    "## 1. Cold start": ["| | our page | bare Pyodide + NumPy page | ratio | goal |"],
    "## 3. Against the original explainer's trainer": [
        "| | original (JS) | ours (Pyodide) | ratio | goal |",
    ],
    "## 4. Responsiveness": ["| what | figure | goal |"],
    "## 5. Size of `dist/site/`": [
        "| part | raw | gzip |",
        "| part | raw | embedded | budget |",
    ],
}


def run_smoke(*args: str, timeout: int, script: Path = SCRIPT) -> str:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, str(script), "--smoke", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:] + proc.stdout[-4000:]
    return proc.stdout


def tables(text: str) -> list[list[list[str]]]:
    """Every markdown table in text: its rows, each a list of cells."""
    out: list[list[list[str]]] = []
    prev = ""
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if prev.startswith("|"):
                out[-1].append(cells)
            else:
                out.append([cells])
        prev = line
    return out


def check_report(text: str, sections: dict[str, list[str]]) -> None:
    assert "Smoke run" in text
    lines = text.splitlines()
    for heading, headers in sections.items():
        assert any(line.startswith(heading) for line in lines), f"no section {heading!r}"
        for header in headers:
            assert header in lines, f"no table {header!r} in {heading!r}"
    found = tables(text)
    assert found
    for table in found:
        head, sep, *rows = table
        assert all(set(c) <= set("-") and c for c in sep), f"bad separator under {head}"
        assert rows, f"table {head} has no rows"
        for row in rows:
            assert len(row) == len(head), f"row {row} does not fit {head}"


def check_throughput(text: str, browser: bool) -> None:
    """One row per batch size, with that batch size's learning rate and figures."""
    want = _batch_lr()
    (table,) = [t for t in tables(text) if t[0][:2] == ["batch", "lr"]]
    rows = table[2:]
    assert [(int(r[0]), float(r[1])) for r in rows] == list(want.items())
    number = re.compile(r"^[\d,.]+×?$")
    for r in rows:
        figures = r[2:] if browser else r[4:6]
        assert all(number.match(c) for c in figures), r


def test_bench_smoke_without_browser() -> None:
    out = run_smoke("--no-browser", timeout=300)
    check_report(out, CPYTHON_TABLES)
    assert not any(line.startswith(h) for h in BROWSER_TABLES for line in out.splitlines())
    check_throughput(out, browser=False)


@pytest.mark.browser
def test_bench_smoke_with_browser(site_dir: Path) -> None:
    """Every section, the browser's included, on a copy of the session's built site."""
    out = run_smoke("--site", str(site_dir), timeout=900)
    check_report(out, {**BROWSER_TABLES, **CPYTHON_TABLES})
    check_throughput(out, browser=True)


SLOW_TABLES = {
    "## Throttled: the page's CPU 4× slower": ["| what | unthrottled | throttled 4× |"],
    "## Soak:": ["| what | before | after |"],
}
SLOW_ROWS = [
    "Train live", "every section live", "first training progress", "examples/s",
    "sampling", "long tasks during start", "long tasks during training",
    "long tasks during sampling", "long tasks during scrubbing", "long tasks arriving",
    "JS heap", "localStorage", "navigator.storage.estimate()", "loss chart: points drawn",
    "steps trained",
]


@pytest.mark.browser
def test_slow_smoke(site_dir: Path) -> None:
    """bench/slow.py's throttled visit and soak, once each with a few steps."""
    out = run_smoke("--site", str(site_dir), timeout=900, script=SLOW)
    check_report(out, SLOW_TABLES)
    first_cells = [row[0] for table in tables(out) for row in table[2:]]
    for want in SLOW_ROWS:
        assert any(c.startswith(want) for c in first_cells), f"no row {want!r}"
    assert out.count("Load average before / after") == 2


TRACE_TABLES = {
    "## run 1": ["| long task at (s) | ms | what it did (self ms) |",
                 "| the whole start: kind of work | ms |"],
}


@pytest.mark.browser
def test_start_trace_smoke(site_dir: Path) -> None:
    """bench/start_trace.py's traced start, once, with its two tables."""
    out = run_smoke("--site", str(site_dir), timeout=900, script=TRACE)
    check_report(out, TRACE_TABLES)
    assert re.search(r"^ready [\d.]+ s · [\d,]+ elements", out, re.M), out


def test_start_trace_charges_each_event_its_self_time() -> None:
    """A hand-worked trace: a 100 ms task running a.js for 60 ms, of which a forced layout took
    20, then a 10 ms style recalculation; the rest of the task is its own. In µs, as traces are."""
    from bench import start_trace as st

    def x(name: str, ts: int, dur: int, **data: str) -> dict:
        return {"ph": "X", "name": name, "ts": ts, "dur": dur, "pid": 1, "tid": 2,
                "args": {"data": data}}

    events = [
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 2, "args": {"name": "CrRendererMain"}},
        x("RunTask", 1_000, 100_000),
        x("FunctionCall", 5_000, 60_000, url="http://host/js/a.js"),
        x("Layout", 30_000, 20_000),
        x("UpdateLayoutTree", 70_000, 10_000),
        x("RunTask", 200_000, 5_000),  # a short task after it: its own entry
        {"ph": "B", "name": "ParseHTML", "ts": 201_000, "pid": 1, "tid": 2},
        {"ph": "E", "name": "ParseHTML", "ts": 203_000, "pid": 1, "tid": 2},
        x("Layout", 1_000, 99_000) | {"tid": 3},  # another thread: not the page's
    ]
    where = st.main_thread(events)
    assert where == (1, 2)
    tasks = st.split(st.complete_events(events, where))
    assert [t["dur"] for t, _ in tasks] == [100_000, 5_000]
    first = {k: round(v, 6) for k, v in tasks[0][1].items() if v}
    assert first == {"script a.js": 40, "layout": 20, "style": 10, "other": 30}
    second = {k: round(v, 6) for k, v in tasks[1][1].items() if v}
    assert second == {"parse HTML": 2, "other": 3}
