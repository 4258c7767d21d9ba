"""pytoy by micropip (as the page boots) or by loadPackage: python3 bench/install.py

Serves the built site (--site DIR, or built into a temp directory) with bench/boot_probe.html
beside it and opens the probe in fresh Chromium contexts, alternating the two ways
(`?install=loadPackage` leaves micropip out: NumPy and the wheel's URL in one loadPackage
call), --repeats times each. Prints the median time to `import pytoy.api` from the worker's
start, and each stage's median, with the load average before and after. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from buildtools.serve import start_server, stop_server  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

WAYS = {"micropip": "", "loadPackage": "?install=loadPackage"}


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--site", type=Path, default=None, help="a built site (default: build one)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        if args.site:
            shutil.copytree(args.site, site)
        else:
            subprocess.run([sys.executable, "build.py", "build", "--out", str(site)], cwd=REPO,
                           check=True, capture_output=True, text=True, timeout=900)
        (site / "bench").mkdir()
        for f in ("boot_probe.html", "boot_probe_worker.js"):
            shutil.copy(REPO / "bench" / f, site / "bench" / f)
        server, url = start_server(site)
        l0 = load()
        runs: dict[str, list[dict]] = {w: [] for w in WAYS}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for _ in range(args.repeats):
                    for way, query in WAYS.items():
                        ctx = browser.new_context()
                        page = ctx.new_page()
                        page.goto(url + "bench/boot_probe.html" + query)
                        page.wait_for_function("() => window.__probe", timeout=300_000)
                        probe = page.evaluate("window.__probe")
                        if "error" in probe:
                            sys.exit(f"{way}: {probe['error']}")
                        runs[way].append(probe)
                        ctx.close()
                browser.close()
        finally:
            stop_server(server)
    print(f"median of {args.repeats} fresh contexts each, alternating; "
          f"load average before / after: {l0} / {load()}")
    for way, probes in runs.items():
        upto = []
        for probe in probes:  # ms from the worker's start to `import pytoy.api` done
            total = 0.0
            for name, ms in probe["stages"]:
                total += ms
                if name == "import pytoy.api":
                    break
            upto.append(total)
        print(f"{way}: pytoy.api imported after {statistics.median(upto) / 1000:.2f} s "
              f"(runs: {', '.join(f'{x / 1000:.2f}' for x in upto)})")
        names = [n for n, _ in probes[0]["stages"]]
        for i, name in enumerate(names):
            if name.startswith("steady"):
                continue
            ms = statistics.median(p["stages"][i][1] for p in probes)
            print(f"    {name:66} {ms:7.0f} ms")


if __name__ == "__main__":
    main()
