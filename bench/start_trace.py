"""What the page's start spends its main thread on: python3 bench/start_trace.py [--width 412]

Serves the built site (built into a temp directory, or --site DIR), opens it in the project's
headless Chromium with a DevTools trace running (Playwright's ``start_tracing``), waits until
every section is live (body[data-status=ready]) and a second more, and reads the trace back:

  - every main-thread task over 50 ms (a "long task", what blocks a tap), when it started
    and how long it ran;
  - what each one spent its time on: the self time of each kind of work inside it (style,
    layout, HTML parsing, paint, garbage collection, script by file), so a long task is
    blamed on what it did rather than on the callback it happened to end in;
  - the same split summed over the whole start, and the page's element count at the end.

--throttle N slows the page's CPU N times (DevTools ``Emulation.setCPUThrottlingRate``), as
bench/slow.py does; --route and --runs as named. Nothing is asserted: it prints figures, and
the machine's load average before and after (it is shared). --smoke runs once with a short
report, so tests/test_bench_smoke.py can prove the script still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from buildtools.serve import start_server, stop_server  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

LONG_MS = 50
CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "toplevel",
              "blink.user_timing"]
# trace event name -> the kind of work it is (anything else counts under its own name)
KINDS = {
    "UpdateLayoutTree": "style", "RecalculateStyles": "style", "ParseAuthorStyleSheet": "style",
    "Layout": "layout", "Layerize": "paint", "PrePaint": "paint", "Paint": "paint",
    "PaintImage": "paint", "UpdateLayer": "paint", "Commit": "paint", "UpdateLayerTree": "paint",
    "ParseHTML": "parse HTML", "MinorGC": "GC", "MajorGC": "GC", "V8.GC_SCAVENGER": "GC",
    "BlinkGC.AtomicPhase": "GC", "V8.GCScavenger": "GC", "V8.GCFinalizeMC": "GC",
    "v8.compile": "compile", "V8.CompileCode": "compile", "v8.compileModule": "compile",
    "HitTest": "hit test", "IntersectionObserverController::computeIntersections": "observers",
}
SCRIPT = {"FunctionCall", "EvaluateScript", "v8.evaluateModule", "TimerFire", "FireAnimationFrame",
          "EventDispatch", "v8.callFunction", "v8.run", "RunMicrotasks", "V8.Execute"}


def main_thread(events: list[dict]) -> tuple[int, int]:
    """(pid, tid) of the renderer's main thread with the most work: the page's."""
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"
             and e.get("args", {}).get("name") == "CrRendererMain"}
    busy: dict[tuple[int, int], float] = defaultdict(float)
    for e in events:
        if (e.get("pid"), e.get("tid")) in mains and e.get("ph") == "X":
            busy[(e["pid"], e["tid"])] += e.get("dur", 0)
    return max(busy, key=busy.get)


def script_url(e: dict) -> str:
    data = e.get("args", {}).get("data", {}) or {}
    url = data.get("url") or data.get("scriptName") or e.get("args", {}).get("fileName") or ""
    return url.rsplit("/", 1)[-1].split("?")[0] or "(inline)"


def complete_events(events: list[dict], where: tuple[int, int]) -> list[dict]:
    """The thread's work as complete events (ts, dur in µs), B/E pairs joined."""
    out, open_ = [], defaultdict(list)
    for e in events:
        if (e.get("pid"), e.get("tid")) != where:
            continue
        if e.get("ph") == "X" and "dur" in e:
            out.append(e)
        elif e.get("ph") == "B":
            open_[e["name"]].append(e)
        elif e.get("ph") == "E" and open_[e["name"]]:
            b = open_[e["name"]].pop()
            out.append({**b, "ph": "X", "dur": e["ts"] - b["ts"]})
    out.sort(key=lambda e: (e["ts"], -e["dur"]))
    return out


def kind_of(e: dict, script: str | None) -> str | None:
    name = e["name"]
    if name in KINDS:
        return KINDS[name]
    if name in SCRIPT:
        return f"script {script or script_url(e)}"
    return None


def split(events: list[dict]) -> list[tuple[dict, dict[str, float]]]:
    """Each top-level task (RunTask) with the self time (ms) of each kind of work inside it."""
    tasks: list[tuple[dict, dict[str, float]]] = []
    stack: list[tuple[dict, str | None, str | None]] = []  # (event, kind, script file)
    for e in events:
        end = e["ts"] + e["dur"]
        while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
            stack.pop()
        if e["name"] == "RunTask" and not any(s[0]["name"] == "RunTask" for s in stack):
            tasks.append((e, defaultdict(float)))
            stack.clear()
            stack.append((e, "other", None))
            continue
        if not tasks or end > tasks[-1][0]["ts"] + tasks[-1][0]["dur"] + 1:
            continue
        parent_script = next((s[2] for s in reversed(stack) if s[2]), None)
        kind = kind_of(e, parent_script)
        own = script_url(e) if e["name"] in SCRIPT else "(inline)"
        script = own if own != "(inline)" else parent_script
        # self time: charge the event to its kind, taking it from its nearest kinded parent
        if kind:
            parent = next((s for s in reversed(stack) if s[1]), None)
            split_ = tasks[-1][1]
            split_[kind] += e["dur"] / 1000
            if parent:
                split_[parent[1]] -= e["dur"] / 1000
        stack.append((e, kind, script))
    for task, parts in tasks:
        parts["other"] += task["dur"] / 1000
    return tasks


def run_once(url: str, width: int, throttle: float) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        if throttle != 1:
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        browser.start_tracing(page=page, categories=CATEGORIES)
        t0 = time.monotonic()
        page.goto(url)
        page.wait_for_function("() => document.body.dataset.status === 'ready'", timeout=600_000)
        ready = time.monotonic() - t0
        page.wait_for_timeout(1000)
        elements = page.evaluate("() => document.querySelectorAll('*').length")
        trace = json.loads(browser.stop_tracing())
        browser.close()
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    where = main_thread(events)
    tasks = split(complete_events(events, where))
    start = tasks[0][0]["ts"] if tasks else 0
    return {"ready": ready, "elements": elements, "tasks": tasks, "t0": start}


def report(run: dict, top: int) -> None:
    tasks = run["tasks"]
    long_ = [(t, parts) for t, parts in tasks if t["dur"] / 1000 > LONG_MS]
    total: dict[str, float] = defaultdict(float)
    for _, parts in tasks:
        for k, v in parts.items():
            total[k] += v
    busy = sum(t["dur"] for t, _ in tasks) / 1000
    print(f"ready {run['ready']:.2f} s · {run['elements']:,} elements · main thread busy "
          f"{busy:,.0f} ms in {len(tasks):,} tasks · {len(long_)} over {LONG_MS} ms, longest "
          f"{max((t['dur'] for t, _ in long_), default=0) / 1000:,.0f} ms, blocking "
          f"{sum(t['dur'] / 1000 - LONG_MS for t, _ in long_):,.0f} ms")
    print("\n| long task at (s) | ms | what it did (self ms) |\n|---|---|---|")
    if not long_:
        print(f"| – | – | none over {LONG_MS} ms |")
    for t, parts in long_:
        what = ", ".join(f"{k} {v:.0f}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1])
                         if v >= 1)[:220]
        print(f"| {(t['ts'] - run['t0']) / 1e6:.2f} | {t['dur'] / 1000:.0f} | {what} |")
    print("\n| the whole start: kind of work | ms |\n|---|---|")
    for k, v in sorted(total.items(), key=lambda kv: -kv[1])[:top]:
        print(f"| {k} | {v:,.0f} |")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, help="a built site (default: build one into a temp dir)")
    ap.add_argument("--width", type=int, default=412, help="viewport width in px (a phone: 412)")
    ap.add_argument("--throttle", type=float, default=1, help="CPU slowdown of the page")
    ap.add_argument("--route", default="", help="open the page on ?route=<id>")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--smoke", action="store_true", help="one run, a short report")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--out", str(site)],
                           check=True, capture_output=True)
        server, base = start_server(site, port=0)
        try:
            url = base + (f"?route={args.route}" if args.route else "")
            print(f"# start trace: {url} · width {args.width} px · CPU throttle {args.throttle:g}× "
                  f"· load average before {load()}")
            if args.smoke:
                print("Smoke run: one visit, a short report; its figures mean nothing.")
            for k in range(1 if args.smoke else args.runs):
                print(f"\n## run {k + 1}")
                report(run_once(url, args.width, args.throttle), 4 if args.smoke else 14)
        finally:
            stop_server(server)
        print(f"\nload average after {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
