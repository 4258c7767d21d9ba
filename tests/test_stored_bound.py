"""What this browser stores for the reader's model stays bounded over a long class.

site/js/checkpoints.js's `bounded` under node (no browser, nothing timed): a checkpoint with an
hour's loss history is kept with the latest STORED_STEPS losses and its real step count, and
pytoy loads that copy at its real step (tests/test_oracle_checkpoint.py checks the loading).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_page_module

REPO = Path(__file__).resolve().parent.parent
MODULE = REPO / "site" / "js" / "checkpoints.js"

SCRIPT = """
// the page's modules read pytoy's settings table from the page as they load
globalThis.document = { getElementById: () => ({ textContent: process.argv[3] }) };
const { bounded, STORED_STEPS } = await import(process.argv[1]);
const n = Number(process.argv[2]);
const loss = Array.from({ length: n }, (_, i) => 3 * Math.exp(-i / 5000));
const ckpt = { format: "pytoy-checkpoint", version: 2, history: { loss, steps: n } };
const kept = bounded(ckpt);
process.stdout.write(JSON.stringify({
  max: STORED_STEPS, same: kept === ckpt, steps: kept.history.steps,
  n: kept.history.loss.length,
  latest: kept.history.loss.every((x, i) => x === loss[n - kept.history.loss.length + i]),
  intact: ckpt.history.loss.length === n, chars: JSON.stringify(kept).length,
}));
"""


def kept(n: int) -> dict:
    return run_page_module(SCRIPT, MODULE, str(n))


def test_a_short_history_is_stored_whole() -> None:
    k = kept(1000)
    assert k["same"] and k["n"] == k["steps"] == 1000


def test_an_hours_history_is_stored_as_its_latest_steps() -> None:
    n = 720_000  # ~200 steps/s at the defaults for an hour
    k = kept(n)
    assert not k["same"] and k["n"] == k["max"] < n and k["steps"] == n
    assert k["latest"] and k["intact"]  # the latest losses, exact; the worker's copy untouched
    assert k["chars"] < 30 * k["max"]  # ~19 characters a loss, whatever the hour
