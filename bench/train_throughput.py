"""Training throughput of the default names model in CPython, by batch size.

Prints steps/s and examples/s (median of several runs) and the loss each batch size
reaches after the same number of examples. Run: python3 bench/train_throughput.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pytoy import api, evaluate


def throughput(batch: int, steps: int, repeats: int = 5) -> tuple[float, float]:
    rates = []
    for r in range(repeats):
        api.create("bench", "names", train={"batch": batch, "seed": r})
        api.train_chunk("bench", 20)  # warm-up
        t0 = time.perf_counter()
        api.train_chunk("bench", steps)
        rates.append(steps / (time.perf_counter() - t0))
    sps = statistics.median(rates)
    return sps, sps * batch


def loss_after(batch: int, examples: int) -> float:
    api.create("bench", "names", train={"batch": batch})
    api.train_chunk("bench", examples // batch)
    s = api._session("bench")
    m = s.bundle.layout.maskable()
    return evaluate.all_loss(s.bundle.params, s.bundle.cfg, s.dataset.tokens, m).mean


def main() -> None:
    print(f"python {sys.version.split()[0]}")
    print("| batch | steps/s | examples/s | all loss after 64k examples |")
    print("|---|---|---|---|")
    for batch in (1, 8, 32, 128):
        sps, eps = throughput(batch, max(200, 4000 // batch))
        print(f"| {batch} | {sps:,.0f} | {eps:,.0f} | {loss_after(batch, 64_000):.3f} |")
    api.create("bench", "names")
    t0 = time.perf_counter()
    api.train_chunk("bench", 3000)
    print(f"default names training (3000 steps × 32): {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
