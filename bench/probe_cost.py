"""What the loss-by-t probe costs against a training chunk, in CPython and in Pyodide.

Section IV is to redraw its loss-by-noise-level chart between training chunks, so one call
of `api.loss_by_t` (one forward pass over the fixed 320-row probe) must cost at most a few
percent of one chunk (25 steps of batch 128 at the defaults). Prints the median seconds of
each, alternating chunk and probe so both see the same load, and their ratio; also the
one-time costs (the probe's first call, which draws it, and `api.loss_floor_by_t`).

Run by hand: python3 bench/probe_cost.py [--repeats 30] [--no-pyodide]
Pyodide runs under node with the asset cache's runtime and NumPy (`python3 build.py fetch`),
the worktree mounted read-only as its sys.path: the same pytoy, without a browser.
Nothing asserts these figures; they are measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # see bench/run.py


def measure(repeats: int) -> dict:
    """Median seconds of a default chunk and of one probe call, after warm-up."""
    from pytoy import api
    from pytoy.defaults import DEFAULTS

    chunk = DEFAULTS["chunk"]
    api.create("probe-bench", "names")
    api.train_chunk("probe-bench", 2 * chunk)  # warm-up
    t0 = time.perf_counter()
    first = api.loss_by_t("probe-bench")  # draws the probe (and its floor costs) once
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    api.loss_floor_by_t("probe-bench")
    floor_s = time.perf_counter() - t0
    chunks, probes = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        api.train_chunk("probe-bench", chunk)
        chunks.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        api.loss_by_t("probe-bench")
        probes.append(time.perf_counter() - t0)
    c, p = statistics.median(chunks), statistics.median(probes)
    return {"platform": sys.platform, "chunk_steps": chunk, "probe_rows": first["probe"]["rows"],
            "chunk_s": c, "probe_s": p, "ratio": p / c, "first_call_s": first_s,
            "floor_by_t_s": floor_s, "repeats": repeats}


NODE_SCRIPT = """
import { loadPyodide } from "%(index)s/pyodide.mjs";
const py = await loadPyodide({ indexURL: "%(index)s/" });
await py.loadPackage("%(numpy)s");
py.FS.mkdir("/src");
py.FS.mount(py.FS.filesystems.NODEFS, { root: "%(repo)s" }, "/src");
const out = py.runPython(`
import json, sys
sys.path.insert(0, "/src/bench")
import probe_cost
json.dumps(probe_cost.measure(%(repeats)d))
`);
console.log("RESULT " + out);
"""


def in_pyodide(repeats: int) -> dict | None:
    """The same measure() in Pyodide under node, or None (saying why) if it cannot run."""
    from buildtools import default_cache
    from buildtools.assets import PYODIDE_VERSION

    index = default_cache() / f"pyodide-{PYODIDE_VERSION}"
    wheels = sorted(index.glob("numpy-*.whl"))
    if shutil.which("node") is None or not (index / "pyodide.mjs").exists() or not wheels:
        print("pyodide: skipped (needs node and the asset cache: python3 build.py fetch)")
        return None
    with tempfile.TemporaryDirectory(prefix="probe-cost-") as tmp:
        script = Path(tmp) / "probe.mjs"
        script.write_text(NODE_SCRIPT % {"index": index, "numpy": wheels[0], "repo": REPO,
                                         "repeats": repeats})
        proc = subprocess.run(["node", str(script)], capture_output=True, text=True,
                              timeout=1800, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    print(f"pyodide: failed\n{proc.stderr[-2000:]}")
    return None


def show(r: dict) -> None:
    print(f"{r['platform']}: a chunk ({r['chunk_steps']} steps) {r['chunk_s'] * 1e3:.1f} ms, "
          f"the probe ({r['probe_rows']} rows) {r['probe_s'] * 1e3:.2f} ms: "
          f"{r['ratio']:.1%} of a chunk (medians of {r['repeats']}); once: first call "
          f"{r['first_call_s'] * 1e3:.1f} ms, floor by t {r['floor_by_t_s'] * 1e3:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--no-pyodide", action="store_true")
    args = ap.parse_args()
    load = os.getloadavg()
    show(measure(args.repeats))
    if not args.no_pyodide:
        r = in_pyodide(args.repeats)
        if r is not None:
            show(r)
    print(f"load average before / after: {load[0]:.2f} / {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
