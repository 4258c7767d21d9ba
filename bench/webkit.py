"""WebKit against Chromium in one run: time to ready, examples/s, and where the boot goes.

Run by hand: python3 bench/webkit.py [--repeats 3] [--webkit-env JSC_useOMGJIT=0 ...]

Builds the site into a temp directory, serves it, and for each repeat, alternating engines —
a fresh headless Chromium context, a fresh MiniBrowser (WebKitGTK, under Xvfb, over W3C
WebDriver: tests/webkit.py) — opens:
  1. our page: ready to train (main.js marks `pytoy:train`) and the stage timings its boot
     posts (the status list: Python runtime, NumPy, pytoy);
  2. the bare Pyodide + NumPy page (bench/bare.html): ready;
  3. the boot probe (bench/boot_probe.html): Pyodide's boot cut into its stages (wasm
     compile, CPython start-up, NumPy load, import numpy, the pytoy wheel), then
     two steady-state loops.
In each engine's last booted page it then measures training at the defaults (batch 128):
Python's own time in `train_chunk`, and wall time through the worker protocol as the page
trains (a progress event every 25 steps). Prints medians; nothing is asserted. `--webkit-env`
passes environment variables to WebKit (JSC_<option>=… sets a JavaScriptCore option), to
test where its time goes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from buildtools.serve import start_server, stop_server  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.webkit import WebKit, missing  # noqa: E402

WAIT_S = 300
BATCH = 128
STEPS = 200  # 25,600 examples per measurement
PROBE_FILES = ("bare.html", "bare_worker.js", "boot_probe.html", "boot_probe_worker.js")

# Expressions (each a promise or a value), so both drivers can evaluate the same text.
TRAIN_MARK = ("(() => { const m = performance.getEntriesByName('pytoy:train')[0];"
              " return m ? m.startTime : null; })()")
STAGES = """[...document.querySelectorAll("#status li.done")].map((li) => li.textContent)"""
THROUGHPUT = f"""(async () => {{
  const c = window.pytoy.client;
  const text = await (await fetch("data/names.txt")).text();
  await c.call("create", {{name: "bench", task: "names", text, train: {{batch: {BATCH}}}}});
  await c.call("train_chunk", {{name: "bench", steps: 10}});  // warm-up
  const python = (await c.call("train_chunk", {{name: "bench", steps: {STEPS}}})).elapsed;
  const t0 = performance.now();
  await c.request("train", {{name: "bench", steps: {STEPS}, chunk: 25}},
                  {{onProgress: () => {{}}}});
  return {{python, wall: (performance.now() - t0) / 1000}};
}})()"""


TICK = os.sysconf("SC_CLK_TCK")
GROUPS = ("page main thread", "worker (Python)", "JIT / wasm compiler threads", "other")


def _descendants(root: int) -> list[int]:
    kids: dict[int, list[int]] = defaultdict(list)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            kids[int(stat.rsplit(")", 1)[1].split()[1])].append(int(d))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += kids.get(pid, [])
    return out


def _group(process: str, cmdline: str, thread: str) -> str:
    """Which part of the work a thread does, by its name (Linux thread names, 15 chars)."""
    if process == "WebKitWebProces" or "--type=renderer" in cmdline:
        if thread in ("WebKitWebProces", "chromium"):
            return GROUPS[0]
        if thread.startswith(("WebCore: Worker", "DedicatedWorker")):
            return GROUPS[1]
        # JSC: "JIT Worklist Helper Thread", "Wasm Worklist Helper Thread", "JITWorker";
        # V8 compiles wasm and JS on its thread pool ("ThreadPoolForegroundWorker")
        if thread.endswith("Helper Thread") or thread.startswith(("JITWorker", "ThreadPoolForeg")):
            return GROUPS[2]
    return GROUPS[3]


def cpu_seconds(root: int, skip: int | None = None) -> dict[str, float]:
    """CPU seconds used so far by the processes under ``root``, by GROUPS.

    CPU time, not wall time: on a shared machine it says where an engine's work goes even
    when other work slows everything down."""
    out: dict[str, float] = defaultdict(float)
    for pid in _descendants(root):
        if pid == skip:
            continue
        try:
            process = Path(f"/proc/{pid}/comm").read_text().strip()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            for tid in os.listdir(f"/proc/{pid}/task"):
                stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                thread = stat[stat.index("(") + 1:stat.rindex(")")]
                fields = stat.rsplit(")", 1)[1].split()
                out[_group(process, cmdline, thread)] += (int(fields[11]) + int(fields[12])) / TICK
        except (OSError, ValueError):
            continue  # a process or thread that ended meanwhile
    return out


class Engine:
    """One page at a time in one engine: open(url), value(expression), wait(expression)."""

    name = ""

    def cpu(self) -> dict[str, float]:
        raise NotImplementedError

    def open(self, url: str) -> None:
        raise NotImplementedError

    def value(self, expression: str) -> object:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def wait(self, expression: str) -> object:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            v = self.value(expression)
            if v:
                return v
            time.sleep(0.05)
        raise TimeoutError(f"{self.name}: waited {WAIT_S} s for {expression}")


class Chromium(Engine):
    name = "Chromium"

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_S * 1000)

    def open(self, url: str) -> None:
        self.page.goto(url)

    def value(self, expression: str) -> object:
        return self.page.evaluate(expression)

    def cpu(self) -> dict[str, float]:
        return cpu_seconds(os.getpid(), skip=os.getpid())  # Playwright's driver and Chromium

    def close(self) -> None:
        self.context.close()


class MiniBrowser(Engine):
    name = "WebKit"

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.wk = WebKit(env=env, log_dir=log_dir).start()

    def open(self, url: str) -> None:
        self.wk.open(url)

    def value(self, expression: str) -> object:
        return self.wk.run_async(expression)

    def cpu(self) -> dict[str, float]:
        return cpu_seconds(self.wk.driver_pid)  # WebKitWebDriver, MiniBrowser, its processes

    def close(self) -> None:
        self.wk.close()


def stage_seconds(lines: list[str]) -> dict[str, float]:
    """'✓ Python runtime 10.2 s, 13.8 MB' -> {'Python runtime': 10.2}."""
    out = {}
    for line in lines:
        m = re.match(r"✓ (.+?) ([\d.]+) s,", line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out


def measure(make: Callable[[], Engine], url: str, runs: dict, last: bool) -> None:
    """One repeat in one engine: our page, the bare page, the probe (and throughput if last)."""
    for kind in ("bare", "probe", "ours"):  # ours last: its booted page measures training
        engine = make()
        try:
            before = engine.cpu()
            if kind == "ours":
                engine.open(url + "#train")
                runs["ready"].append(engine.wait(TRAIN_MARK) / 1000)
                add_cpu(runs["cpu_ours"], before, engine.cpu())
                engine.wait("document.body.dataset.status === 'ready'")
                for k, v in stage_seconds(engine.value(STAGES)).items():
                    runs["stages"].setdefault(k, []).append(v)
                if last:
                    for _ in range(3):
                        t = engine.value(THROUGHPUT)
                        runs["python_eps"].append(STEPS * BATCH / t["python"])
                        runs["wall_eps"].append(STEPS * BATCH / t["wall"])
                    runs["version"] = engine.value("navigator.userAgent")
            elif kind == "bare":
                engine.open(url + "bench/bare.html")
                runs["bare"].append(engine.wait("window.__readyAt") / 1000)
                add_cpu(runs["cpu_bare"], before, engine.cpu())
            else:
                engine.open(url + "bench/boot_probe.html")
                probe = engine.wait("window.__probe")
                if probe.get("error"):
                    raise RuntimeError(f"{engine.name} probe: {probe['error']}")
                runs["probe_boot"].append(probe["boot"] / 1000)
                for name, ms in probe["stages"]:
                    runs["probe"].setdefault(name, []).append(ms / 1000)
        finally:
            engine.close()


def add_cpu(into: dict[str, list[float]], before: dict[str, float], after: dict[str, float]
            ) -> None:
    for g in GROUPS:
        into.setdefault(g, []).append(after.get(g, 0.0) - before.get(g, 0.0))


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def report(results: dict[str, dict], repeats: int, load: tuple[str, str], wall: float,
           webkit_env: dict[str, str]) -> str:
    c, w = results["Chromium"], results["WebKit"]

    def row(label: str, a: float, b: float, unit: str = "s", digits: int = 2) -> str:
        return (f"| {label} | {a:,.{digits}f} {unit} | {b:,.{digits}f} {unit} | "
                f"{b / a if a else float('nan'):.2f}× |")

    lines = [
        f"# WebKit and Chromium, one run (medians of {repeats}, alternating engines)",
        "",
        f"- Chromium: {c['version']}",
        f"- WebKit: {w['version']}" + (f" (env {webkit_env})" if webkit_env else ""),
        f"- {os.cpu_count()} cores; load average before / after: {load[0]} / {load[1]}; "
        f"whole run {wall:.0f} s",
        "",
        "| | Chromium | WebKit | WebKit / Chromium |",
        "|---|---|---|---|",
        row("our page: ready to train", med(c["ready"]), med(w["ready"])),
        row("bare Pyodide + NumPy page: ready", med(c["bare"]), med(w["bare"])),
        f"| our page ÷ bare page | {med(c['ready']) / med(c['bare']):.2f} | "
        f"{med(w['ready']) / med(w['bare']):.2f} | |",
        row("training, Python time in train_chunk (batch 128)", med(c["python_eps"]),
            med(w["python_eps"]), "examples/s", 0),
        row("training as the page does it (worker protocol, wall)", med(c["wall_eps"]),
            med(w["wall_eps"]), "examples/s", 0),
        "",
        "CPU seconds until ready, by thread (summed over the engine's processes; CPU time,",
        "so other work on the machine changes it little):",
        "",
        "| thread | Chromium: bare page | WebKit: bare page | Chromium: our page | "
        "WebKit: our page |",
        "|---|---|---|---|---|",
        *[f"| {g} | {med(c['cpu_bare'][g]):.2f} | {med(w['cpu_bare'][g]):.2f} | "
          f"{med(c['cpu_ours'][g]):.2f} | {med(w['cpu_ours'][g]):.2f} |" for g in GROUPS],
        f"| **all** | {sum(med(c['cpu_bare'][g]) for g in GROUPS):.2f} | "
        f"{sum(med(w['cpu_bare'][g]) for g in GROUPS):.2f} | "
        f"{sum(med(c['cpu_ours'][g]) for g in GROUPS):.2f} | "
        f"{sum(med(w['cpu_ours'][g]) for g in GROUPS):.2f} |",
        "",
        "Our page's boot stages (what its status list shows):",
        "",
        "| stage | Chromium | WebKit | WebKit / Chromium |",
        "|---|---|---|---|",
        *[row(k, med(c["stages"].get(k, [])), med(v)) for k, v in w["stages"].items()],
        "",
        "The boot probe (bench/boot_probe.html), stage by stage:",
        "",
        "| stage | Chromium | WebKit | WebKit / Chromium |",
        "|---|---|---|---|",
        *[row(k, med(c["probe"].get(k, [])), med(v), digits=3) for k, v in w["probe"].items()],
        row("**the probe's boot, in all**", med(c["probe_boot"]), med(w["probe_boot"])),
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--webkit-env", nargs="*", default=[], metavar="KEY=VALUE")
    args = ap.parse_args()
    if missing():
        sys.exit(f"WebKit needs {', '.join(missing())}: run `bash scripts/setup.sh`")
    webkit_env = dict(kv.split("=", 1) for kv in args.webkit_env)
    from playwright.sync_api import sync_playwright

    from bench.run import build_site

    t0 = time.time()
    load0 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results = {name: {"ready": [], "bare": [], "stages": {}, "probe": {}, "probe_boot": [],
                      "python_eps": [], "wall_eps": [], "cpu_ours": {}, "cpu_bare": {}}
               for name in ("Chromium", "WebKit")}
    with tempfile.TemporaryDirectory() as tmp:
        print("building the site …", flush=True)
        site = build_site(Path(tmp))
        for f in PROBE_FILES:
            shutil.copy(REPO / "bench" / f, site / "bench" / f)
        server, url = start_server(site)
        logs = Path(tmp)
        try:
            with sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for r in range(args.repeats):
                    last = r == args.repeats - 1
                    print(f"repeat {r + 1} of {args.repeats} …", flush=True)
                    engines = [("Chromium", lambda: Chromium(chromium)),
                               ("WebKit", lambda: MiniBrowser(webkit_env, logs))]
                    for name, make in engines if r % 2 == 0 else engines[::-1]:
                        measure(make, url, results[name], last)
                chromium.close()
        finally:
            stop_server(server)
    load1 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(report(results, args.repeats, (load0, load1), time.time() - t0, webkit_env))


if __name__ == "__main__":
    main()
