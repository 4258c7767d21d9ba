"""The loss chart's drawn copy stays bounded over a long run; the trainer's history stays exact.

site/js/views/chart.js's DrawnHistory under node (no browser, nothing timed): after many
synthetic steps it holds at most MAX_DRAWN points, every stride-th step, with the running
average taken over every step; pytoy's own history, which the chart is fed from, keeps all.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_page_module

REPO = Path(__file__).resolve().parent.parent
CHART = REPO / "site" / "js" / "views" / "chart.js"

SCRIPT = """
// the page's modules read pytoy's settings table from the page as they load
globalThis.document = { getElementById: () => ({ textContent: process.argv[3] }) };
const { DrawnHistory, MAX_DRAWN } = await import(process.argv[1]);
const n = Number(process.argv[2]);
const losses = Array.from({ length: n }, (_, i) => 3 * Math.exp(-i / 5000) + 0.1 * Math.sin(i));
const fed = losses.slice();
const d = new DrawnHistory();
let avg = null;
const avgAt = new Map();
for (let i = 0; i < n; i += 25) {  // chunks of 25 steps, as the page trains
  const chunk = fed.slice(i, i + 25);
  chunk.forEach((loss, k) => {
    d.push(i + k + 1, loss);
    avg = avg === null ? loss : avg + 0.1 * (loss - avg);
    avgAt.set(i + k + 1, avg);
  });
}
process.stdout.write(JSON.stringify({
  max: MAX_DRAWN, stride: d.stride, steps: d.steps, losses: d.losses,
  smoothOk: d.steps.every((s, j) => d.smooth[j] === avgAt.get(s)),
  lossOk: d.steps.every((s, j) => d.losses[j] === losses[s - 1]),
  fedIntact: fed.length === n && fed.every((x, i) => x === losses[i]),
}));
"""


def drawn(n: int) -> dict:
    return run_page_module(SCRIPT, CHART, str(n))


def test_a_short_run_is_drawn_whole() -> None:
    d = drawn(1000)
    assert d["stride"] == 1 and d["steps"] == list(range(1, 1001))
    assert d["smoothOk"] and d["lossOk"] and d["fedIntact"]


def test_an_hour_of_training_stays_under_the_bound() -> None:
    n = 720_000  # ~200 steps/s at the defaults for an hour
    d = drawn(n)
    assert len(d["steps"]) <= d["max"] and len(d["steps"]) >= d["max"] // 2
    assert all(s % d["stride"] == 0 for s in d["steps"])
    assert d["steps"] == sorted(d["steps"]) and d["steps"][-1] > n - d["stride"]
    assert d["smoothOk"] and d["lossOk"] and d["fedIntact"]


def test_the_trainers_history_stays_exact() -> None:
    """pytoy keeps every step's loss, however long it trains (what the .csv and checkpoint get)."""
    from pytoy import api

    api.create("bound-check", "names")
    api.train_chunk("bound-check", 60)
    assert len(api.history("bound-check")) == 60
    assert api.info("bound-check")["step"] == 60
