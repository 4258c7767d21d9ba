"""Lighthouse against the served site, mobile profile: python3 bench/lighthouse.py

Runs the exact Lighthouse that bench/lighthouse/package.json pins (12.2.3, with its lockfile;
installed on first use with `npm ci --prefix bench/lighthouse`, never into the site) with the
project's Chromium (CHROME_PATH=/usr/bin/chromium, headless, no sandbox) against the site
served by buildtools.serve, --runs times (5 by default), each run a fresh Chrome profile.
Lighthouse's default profile is the mobile one: a Moto G Power sized screen, a slow 4G
network and a 4x slower CPU, both simulated from one unthrottled load (Lantern).

Prints the median of the runs, and every run: the four category scores, total blocking time,
max potential first input delay, first and largest contentful paint, main-thread work, the
longest long task and the script it is attributed to, the number of long tasks and the DOM
size. Nothing is asserted: it is measured (BENCHMARKS.md says what the goals are).

    python3 bench/lighthouse.py                      # build into a temp dir, serve, 5 runs
    python3 bench/lighthouse.py --site /tmp/site     # a site already built
    python3 bench/lighthouse.py --runs 1 --json out.json
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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from buildtools.serve import start_server, stop_server  # noqa: E402
from tests.conftest import CHROMIUM  # noqa: E402

TOOL = REPO / "bench" / "lighthouse"
CLI = TOOL / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TIMEOUT_S = 600


def pinned_version() -> str:
    spec = json.loads((TOOL / "package.json").read_text(encoding="utf-8"))
    return spec["devDependencies"]["lighthouse"]


def ensure_lighthouse() -> str:
    """Install the pinned Lighthouse (npm ci, from the lockfile) unless it is there already."""
    pin = pinned_version()
    installed = TOOL / "node_modules" / "lighthouse" / "package.json"
    if installed.is_file() and json.loads(installed.read_text())["version"] == pin:
        return pin
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is not installed (bash scripts/setup.sh installs Node and npm)")
    print(f"lighthouse: installing lighthouse@{pin} into {TOOL / 'node_modules'}", flush=True)
    subprocess.run([npm, "ci", "--prefix", str(TOOL), "--no-audit", "--no-fund",
                    "--loglevel=error"], check=True)
    return pin


def build_site(tmp: Path) -> Path:
    out = tmp / "site"
    subprocess.run([sys.executable, "build.py", "build", "--out", str(out)], cwd=REPO,
                   check=True, capture_output=True, text=True, timeout=900)
    return out


def run_once(url: str, out: Path) -> dict:
    """One Lighthouse run; its JSON report (lhr)."""
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    cmd = ["node", str(CLI), url, "--quiet", "--output=json", f"--output-path={out}",
           "--chrome-flags=--headless --no-sandbox",
           f"--only-categories={','.join(CATEGORIES)}"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S,
                          check=False)
    if proc.returncode != 0 or not out.is_file():
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        sys.exit(f"lighthouse failed (exit {proc.returncode}):\n{tail}")
    return json.loads(out.read_text(encoding="utf-8"))


def short(url: str, base: str) -> str:
    return url[len(base):] if url.startswith(base) else url or "(unattributed)"


def figures(lhr: dict, base: str) -> dict:
    """The figures one report gives."""
    audits = lhr["audits"]
    num = lambda k: audits[k].get("numericValue")  # noqa: E731
    tasks = (audits.get("long-tasks", {}).get("details") or {}).get("items", [])
    longest = max(tasks, key=lambda t: t["duration"], default=None)
    return {
        **{c: round(lhr["categories"][c]["score"] * 100) for c in CATEGORIES},
        "tbt_ms": num("total-blocking-time"),
        "max_fid_ms": num("max-potential-fid"),
        "fcp_ms": num("first-contentful-paint"),
        "lcp_ms": num("largest-contentful-paint"),
        "mainthread_ms": num("mainthread-work-breakdown"),
        "long_tasks": len(tasks),
        "longest_ms": longest["duration"] if longest else 0.0,
        "longest_where": short(longest["url"], base) if longest else "",
        "dom_size": num("dom-size"),
        "failed": sorted(k for k, a in audits.items()
                         if a.get("score") is not None and a.get("scoreDisplayMode") in
                         ("binary", "numeric", "metricSavings") and a["score"] < 0.9),
    }


def median_row(runs: list[dict]) -> dict:
    row = {k: statistics.median(r[k] for r in runs)
           for k, v in runs[0].items() if isinstance(v, (int, float))}
    # where the longest task was, in the run whose longest task is the median one
    by_longest = sorted(runs, key=lambda r: r["longest_ms"])
    row["longest_where"] = by_longest[len(by_longest) // 2]["longest_where"]
    return row


def show(label: str, r: dict) -> str:
    return (f"{label:>7}  perf {r['performance']:.0f}  a11y {r['accessibility']:.0f}  "
            f"best {r['best-practices']:.0f}  seo {r['seo']:.0f}  "
            f"TBT {r['tbt_ms']:.0f} ms  max FID {r['max_fid_ms']:.0f} ms  "
            f"FCP {r['fcp_ms'] / 1000:.2f} s  LCP {r['lcp_ms'] / 1000:.2f} s  "
            f"main thread {r['mainthread_ms'] / 1000:.1f} s  "
            f"long tasks {r['long_tasks']:.0f} (longest {r['longest_ms']:.0f} ms: "
            f"{r['longest_where']})  DOM {r['dom_size']:.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--site", type=Path, default=None, help="a built site (default: build one)")
    ap.add_argument("--json", type=Path, default=None, help="also write every run's figures here")
    ap.add_argument("--reports", type=Path, default=None,
                    help="keep Lighthouse's own JSON report of each run in this directory")
    args = ap.parse_args()
    version = ensure_lighthouse()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        reports = args.reports or tmp
        reports.mkdir(parents=True, exist_ok=True)
        site = args.site or build_site(tmp)
        server, url = start_server(site)
        try:
            runs = []
            for i in range(args.runs):
                runs.append(figures(run_once(url, reports / f"lhr-{i + 1}.json"), url))
                print(show(f"run {i + 1}", runs[-1]), flush=True)
        finally:
            stop_server(server)
    row = median_row(runs)
    print(f"lighthouse {version}, mobile profile, {CHROMIUM}; median of {len(runs)}:")
    print(show("median", row))
    failing = sorted({a for r in runs for a in r["failed"]})
    if failing:
        print("audits under 0.9 in some run: " + ", ".join(failing))
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "median": row}, indent=2) + "\n")


if __name__ == "__main__":
    main()
