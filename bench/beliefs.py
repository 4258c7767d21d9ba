"""What showing the model's beliefs costs the page: main-thread time and training speed.

Run by hand: python3 bench/beliefs.py [--repeats 3] [--site DIR]

Builds the site (or copies --site), serves it, and in headless Chromium:
  1. the longest main-thread task (PerformanceObserver "longtask", and the longest frame of
     work measured around each draw) while section I's timeline plays, while section V's
     scrubber is dragged through every step, and while the strategy lab decodes its six
     timelines: the belief strips are drawn in each of those;
  2. training speed with and without the loss-by-noise probe between chunks: the worker trains
     the same fresh model 200 steps (chunks of 25) twice, once with an api.loss_by_t call
     after every chunk's progress as section IV makes it, once without; the ratio is the
     probe's cost to training.
Prints medians; asserts nothing (speeds are not tests).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import build_site  # noqa: E402
from buildtools.serve import start_server, stop_server  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

WAIT_MS = 300_000
STEPS = 200

OBSERVE = """() => {
  window.__long = [];
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__long.push(e.duration);
  }).observe({ type: "longtask", buffered: false });
}"""
LONGEST = """() => {
  const l = window.__long;
  window.__long = [];
  return l.length ? Math.max(...l) : 0;
}"""
PLAY = """async () => {
  const v = pytoy.sections.reveal;
  const times = [];
  for (let i = 0; i <= v.position().last; i++) {
    const t0 = performance.now(); v.goTo(i); times.push(performance.now() - t0);
    await new Promise((r) => requestAnimationFrame(() => r()));
  }
  return Math.max(...times);
}"""
SCRUB = """async () => {
  const n = document.querySelector("#denoise-scrub");
  const times = [];
  for (let k = 0; k <= Number(n.max); k++) {
    const t0 = performance.now(); n.value = String(k); n.dispatchEvent(new Event("input"));
    times.push(performance.now() - t0);
    await new Promise((r) => requestAnimationFrame(() => r()));
  }
  return Math.max(...times);
}"""
LAB = """async () => {
  const v = pytoy.sections.strategies;
  const before = v.shown.timelines;
  const t0 = performance.now();
  document.querySelector("#lab-run").click();
  while (v.shown.timelines === before) await new Promise((r) => setTimeout(r, 20));
  return performance.now() - t0;
}"""
TRAIN = f"""async (probe) => {{
  const c = pytoy.client;
  const text = await (await fetch("data/names.txt")).text();
  await c.call("create", {{ name: "bench", task: "names", text }});
  await c.call("train_chunk", {{ name: "bench", steps: 10 }}); // warm-up
  await c.call("loss_by_t", {{ name: "bench" }}); // the probe set is drawn once
  let probes = 0;
  const t0 = performance.now();
  await c.request("train", {{ name: "bench", steps: {STEPS}, chunk: 25 }}, {{
    onProgress: () => {{ if (probe) {{ probes++; c.call("loss_by_t", {{ name: "bench" }}); }} }},
  }});
  await c.call("info", {{ name: "bench" }}); // the last probe, answered in order
  return {{ seconds: (performance.now() - t0) / 1000, probes }};
}}"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--site", type=Path, help="an already built site to copy instead of building")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(Path(tmp), args.site)
        server, url = start_server(site)
        rows: dict[str, list[float]] = {}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for _ in range(args.repeats):
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.set_default_timeout(WAIT_MS)
                    page.goto(url)
                    page.wait_for_selector("body[data-status=ready]")
                    page.evaluate(OBSERVE)
                    for name, js in (("section I: play the reveal", PLAY),
                                     ("section V: scrub every step", SCRUB),
                                     ("section IX: decode six strategies", LAB)):
                        page.evaluate(LONGEST)
                        draw = page.evaluate(js)
                        rows.setdefault(f"{name}: longest draw (ms)", []).append(draw)
                        rows.setdefault(f"{name}: longest task (ms)", []).append(
                            page.evaluate(LONGEST))
                    for probe in (False, True, False, True):
                        r = page.evaluate(TRAIN, probe)
                        key = "with the probe" if probe else "without the probe"
                        rows.setdefault(f"train {STEPS} steps {key} (s)", []).append(r["seconds"])
                    page.close()
                browser.close()
        finally:
            stop_server(server)
    print(f"median of {args.repeats} page loads (training: 2 runs each)")
    for name, xs in rows.items():
        print(f"  {name:58} {statistics.median(xs):8.2f}")
    without = statistics.median(rows[f"train {STEPS} steps without the probe (s)"])
    with_probe = statistics.median(rows[f"train {STEPS} steps with the probe (s)"])
    print(f"  the probe after every chunk costs training {100 * (with_probe / without - 1):+.1f}%")


if __name__ == "__main__":
    main()
