"""Slow devices and long classes: python3 bench/slow.py [--throttle 4] [--soak-minutes 10]

Serves the built site (built into a temp directory, or --site DIR) and drives the project's
headless Chromium through the page as a reader does:

  1. **Throttled.** The same visit unthrottled and with the page's CPU slowed --throttle
     times by the DevTools protocol (`Emulation.setCPUThrottlingRate`), each in a fresh
     context: when the Train button is live (main.js's `pytoy:train` mark) and every section
     is (body[data-status=ready]); one press of Train (its steps: the time to its first
     progress and its examples/s); sampling (section V's Run, timed to its timeline); and
     scrubbing (section II's noise slider and section V's frame scrubber, one frame each).
     Main-thread long tasks (PerformanceObserver 'longtask', > 50 ms) are split by phase:
     start, training, sampling, scrubbing — how many and the longest. Whether the throttling
     reaches the worker that runs Python shows in the examples/s measured (not assumed).
  2. **Soak.** Train presses back to back for --soak-minutes (10 by default), the page saving
     the model after each run as it does for a reader: the page's JS heap (DevTools
     `Runtime.getHeapUsage`, after a collection), what localStorage holds (UTF-16 bytes of
     every key and value), `navigator.storage.estimate()`, the loss chart's drawn points,
     the steps trained and the longest long task of the last runs, before and after.

Nothing here is asserted: it prints figures. --smoke runs everything once with a few steps and
a soak of one press (its figures mean nothing), so a test can prove the script still runs
(tests/test_bench_smoke.py). The load average is printed before and after each part: the
machine is shared.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# installed before the page's own scripts: every long task, and when every section is live
# (the cold-start bench's own observers)
from bench.run import INIT_JS  # noqa: E402
from buildtools.serve import start_server, stop_server  # noqa: E402
from pytoy.defaults import default  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

WAIT = 600_000  # ms: a throttled start on a loaded machine is slow; nothing here is a test

READY_JS = """() => {
  const m = performance.getEntriesByName("pytoy:train")[0];
  return {train: m ? m.startTime : null, ready: window.__readyAt, now: performance.now()};
}"""

# One press of `button` (#train-start or #train-more): ms to the first step shown, to the
# run's end, and the steps it trained. Resolves when #train[data-training] is false again.
PRESS_JS = """(button) => new Promise((resolve) => {
  const train = document.querySelector("#train");
  const before = Number(train.dataset.step);
  const t0 = performance.now();
  let first = null, started = false;
  const obs = new MutationObserver(() => {
    if (first === null && Number(train.dataset.step) > before) first = performance.now() - t0;
    if (train.dataset.training === "true") started = true;
    if (started && train.dataset.training === "false") {
      obs.disconnect();
      resolve({t0, first, total: performance.now() - t0,
               steps: Number(train.dataset.step) - before});
    }
  });
  obs.observe(train, {attributes: true, attributeFilter: ["data-step", "data-training"]});
  document.querySelector(button).click();
})"""

# Section V's Run, n times: ms from each click to its new timeline.
SAMPLE_JS = """async (n) => {
  document.querySelector("#denoise").scrollIntoView();
  const out = [], t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const before = window.pytoy.sections.denoise.shown;
    const t = performance.now();
    document.querySelector("#denoise-run").click();
    while (window.pytoy.sections.denoise.shown === before)
      await new Promise((r) => setTimeout(r, 5));
    out.push(performance.now() - t);
  }
  return {t0, t1: performance.now(), times: out};
}"""

# Section II's noise slider through `n` values and section V's scrubber through its frames, a
# frame apart (the page draws each value before the next arrives, as a hand on a slider). The
# scroll to each slider, and the half second after it, are timed apart ("arriving"): a section
# is drawn when the reader first comes near it (content-visibility), which is not a move.
SCRUB_JS = """async (n) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const moving = [], arriving = [];
  let moves = 0;
  for (const [sel, values] of [
    ["#corrupt-t", Array.from({length: n + 1}, (_, i) => i / n)],
    ["#denoise-scrub", null],
  ]) {
    const el = document.querySelector(sel);
    const a0 = performance.now();
    el.scrollIntoView();
    await frame();
    await new Promise((r) => setTimeout(r, 500));
    arriving.push([a0, performance.now()]);
    const t0 = performance.now();
    const vs = values ?? Array.from({length: Number(el.max) + 1}, (_, i) => i);
    for (const v of [...vs, ...vs.slice().reverse()]) {
      el.value = String(v);
      el.dispatchEvent(new Event("input", {bubbles: true}));
      moves++;
      await frame();
    }
    moving.push([t0, performance.now()]);
  }
  return {moving, arriving, moves};
}"""

STORAGE_JS = """async () => {
  let bytes = 0, keys = 0, biggest = ["", 0];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i), v = localStorage.getItem(k) ?? "";
    const b = 2 * (k.length + v.length);  // UTF-16
    bytes += b; keys++;
    if (b > biggest[1]) biggest = [k, b];
  }
  const est = navigator.storage && navigator.storage.estimate
    ? await navigator.storage.estimate() : {};
  const shown = window.pytoy.sections.train.shown;
  return {bytes, keys, biggest, usage: est.usage ?? null, quota: est.quota ?? null,
          drawn: shown.drawn, step: shown.step};
}"""

HISTORY_LEN_JS = """async () =>
  (await window.pytoy.client.call("history", {name: "names"})).length"""


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def tasks_between(lt: list, t0: float, t1: float) -> list[float]:
    return [d for s, d in lt if t0 <= s <= t1]


def summary(ds: list[float]) -> str:
    return f"{len(ds)} (longest {max(ds):.0f} ms)" if ds else "0"


def open_ready(browser, url: str, throttle: float):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_default_timeout(WAIT)
    cdp = ctx.new_cdp_session(page)
    if throttle != 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.add_init_script(INIT_JS)
    page.goto(url)
    page.wait_for_function("() => window.__readyAt", timeout=WAIT, polling=100)
    return ctx, page, cdp


def visit(browser, url: str, throttle: float, smoke: bool) -> dict:
    """One reader's visit at this CPU throttling: start, one press of Train, sampling, scrubbing."""
    ctx, page, _ = open_ready(browser, url, throttle)
    r = page.evaluate(READY_JS)
    out = {"train_live": r["train"] / 1000, "all_live": r["ready"] / 1000}
    lt = page.evaluate("window.__longtasks")
    out["start"] = tasks_between(lt, 0, r["now"])
    page.wait_for_selector("#train-start:not([disabled])")
    # smoke: "+… more" (fewer steps); otherwise one press of Train, the reader's default
    press = page.evaluate(PRESS_JS, "#train-more" if smoke else "#train-start")
    batch = default("train", "batch")  # the page trains at the defaults
    out["first_progress"] = (press["first"] or float("nan")) / 1000
    out["steps"] = press["steps"]
    out["eps"] = press["steps"] * batch / (press["total"] / 1000)
    lt = page.evaluate("window.__longtasks")
    out["training"] = tasks_between(lt, press["t0"], press["t0"] + press["total"])
    samp = page.evaluate(SAMPLE_JS, 2 if smoke else 10)
    out["sample_ms"] = sorted(samp["times"])[len(samp["times"]) // 2]
    lt = page.evaluate("window.__longtasks")
    out["sampling"] = tasks_between(lt, samp["t0"], samp["t1"])
    scrub = page.evaluate(SCRUB_JS, 5 if smoke else 50)
    out["moves"] = scrub["moves"]
    lt = page.evaluate("window.__longtasks")
    out["scrubbing"] = [d for a, b in scrub["moving"] for d in tasks_between(lt, a, b)]
    out["arriving"] = [d for a, b in scrub["arriving"] for d in tasks_between(lt, a, b)]
    ctx.close()
    return out


def heap(cdp) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"]


def soak(browser, url: str, minutes: float, smoke: bool) -> dict:
    ctx, page, cdp = open_ready(browser, url, 1)
    page.wait_for_selector("#train-start:not([disabled])")
    page.evaluate("() => localStorage.clear()")  # a fresh context holds nothing anyway
    before = {**page.evaluate(STORAGE_JS), "heap": heap(cdp)}
    t_end = time.monotonic() + minutes * 60
    presses, steps, last_tasks = 0, 0, []
    while True:
        press = page.evaluate(PRESS_JS, "#train-more" if smoke else "#train-start")
        # the save runs when the run ends: wait for its line before the next press
        page.wait_for_function("() => /^(Saved|Not saved)/.test("
                               "document.querySelector('#train-saved').textContent)")
        presses += 1
        steps += press["steps"]
        lt = page.evaluate("window.__longtasks")
        last_tasks = tasks_between(lt, press["t0"], page.evaluate("performance.now()"))
        if time.monotonic() >= t_end or smoke:
            break
    after = {**page.evaluate(STORAGE_JS), "heap": heap(cdp)}
    after["history"] = page.evaluate(HISTORY_LEN_JS)
    after["saved_line"] = page.inner_text("#train-saved")
    ctx.close()
    return {"before": before, "after": after, "presses": presses, "steps": steps,
            "last_tasks": last_tasks, "minutes": minutes}


def kb(b: float | None) -> str:
    return "—" if b is None else f"{b / 1024:,.0f} KB"


def report_visits(runs: dict[float, dict], throttle: float) -> list[str]:
    un, th = runs[1], runs[throttle]
    rows = [
        ("Train live (`pytoy:train`)", f"{un['train_live']:.2f} s", f"{th['train_live']:.2f} s"),
        ("every section live (body[data-status=ready])", f"{un['all_live']:.2f} s",
         f"{th['all_live']:.2f} s"),
        ("first training progress after the press", f"{un['first_progress']:.2f} s",
         f"{th['first_progress']:.2f} s"),
        (f"examples/s over the press ({un['steps']} steps)", f"{un['eps']:,.0f}",
         f"{th['eps']:,.0f}"),
        ("sampling, median of section V's Run", f"{un['sample_ms']:.0f} ms",
         f"{th['sample_ms']:.0f} ms"),
    ]
    for phase in ("start", "training", "sampling", "scrubbing"):
        rows.append((f"long tasks during {phase}", summary(un[phase]), summary(th[phase])))
    rows.append(("long tasks arriving at a slider's section (its first drawing)",
                 summary(un["arriving"]), summary(th["arriving"])))
    return [
        f"## Throttled: the page's CPU {throttle:g}× slower (DevTools protocol)",
        "",
        f"| what | unthrottled | throttled {throttle:g}× |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
        f"Scrubbing: {un['moves']} slider moves, a frame apart. Examples/s shows how much of the "
        "throttling reaches the worker that runs Python.",
        "",
    ]


def report_soak(s: dict) -> list[str]:
    b, a = s["before"], s["after"]
    rows = [
        ("JS heap of the page (after a collection)", kb(b["heap"]), kb(a["heap"])),
        ("localStorage (UTF-16 bytes, every key)", kb(b["bytes"]), kb(a["bytes"])),
        ("navigator.storage.estimate() usage", kb(b["usage"]), kb(a["usage"])),
        ("loss chart: points drawn", f"{b['drawn']:,}", f"{a['drawn']:,}"),
        ("steps trained", f"{b['step']:,}", f"{a['step']:,}"),
    ]
    return [
        f"## Soak: {s['minutes']:g} minutes of Train presses ({s['presses']} presses, the model "
        "saved after each)",
        "",
        "| what | before | after |",
        "|---|---|---|",
        *[f"| {x} | {y} | {z} |" for x, y, z in rows],
        "",
        f"The trainer's own loss history holds {a['history']:,} steps (exact); the largest "
        f"stored key is `{a['biggest'][0]}` ({kb(a['biggest'][1])}); the saved line reads: "
        f"“{a['saved_line']}”. Long tasks during the last press and its save: "
        f"{summary(s['last_tasks'])}.",
        "",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--throttle", type=float, default=4.0, help="CPU slowdown (default 4)")
    ap.add_argument("--soak-minutes", type=float, default=10.0)
    ap.add_argument("--site", type=Path, default=None, help="a built site (default: build one)")
    ap.add_argument("--smoke", action="store_true",
                    help="everything once with a few steps and a one-press soak: shows the "
                         "script runs; its figures mean nothing")
    ap.add_argument("--no-soak", action="store_true")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    lines = ["# Slow devices and long classes (bench/slow.py)", ""]
    if args.smoke:
        lines += ["**Smoke run (`--smoke`): a few steps of each part, to show the script runs."
                  " These figures mean nothing.**", ""]
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            print("building the site …", flush=True)
            site = Path(tmp) / "site"
            subprocess.run([sys.executable, "build.py", "build", "--out", str(site)], cwd=REPO,
                           check=True, capture_output=True, text=True, timeout=900)
        server, url = start_server(site)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                lines += [f"Chromium {browser.version}.", ""]
                l0 = load()
                runs = {}
                for rate in (1, args.throttle):
                    print(f"visit, CPU throttle {rate:g}× …", flush=True)
                    runs[rate] = visit(browser, url, rate, args.smoke)
                lines += report_visits(runs, args.throttle)
                lines += [f"Load average before / after: {l0} / {load()}.", ""]
                if not args.no_soak:
                    minutes = 0 if args.smoke else args.soak_minutes
                    print(f"soak, {minutes:g} minutes …", flush=True)
                    l0 = load()
                    lines += report_soak(soak(browser, url, minutes, args.smoke))
                    lines += [f"Load average before / after: {l0} / {load()}.", ""]
                browser.close()
        finally:
            stop_server(server)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
