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
from pytoy.defaults import default

# Each batch size at the learning rate that suits it (the defaults' 0.5 makes batch 1 diverge):
# the same table as bench/run.py's BATCH_LR, which says how it was measured.
BATCH_LR = {1: 0.005, 8: 0.05, 32: 0.2, 128: 0.5}


def throughput(batch: int, steps: int, repeats: int = 5) -> tuple[float, float]:
    rates = []
    for r in range(repeats):
        api.create("bench", "names", train={"batch": batch, "lr": BATCH_LR[batch], "seed": r})
        api.train_chunk("bench", 20)  # warm-up
        t0 = time.perf_counter()
        api.train_chunk("bench", steps)
        rates.append(steps / (time.perf_counter() - t0))
    sps = statistics.median(rates)
    return sps, sps * batch


def loss_after(batch: int, examples: int) -> float:
    api.create("bench", "names", train={"batch": batch, "lr": BATCH_LR[batch]})
    api.train_chunk("bench", examples // batch)
    s = api._session("bench")
    m = s.bundle.layout.maskable()
    return evaluate.all_loss(s.bundle.params, s.bundle.cfg, s.dataset.tokens, m).mean


def main() -> None:
    print(f"python {sys.version.split()[0]}")
    print("| batch | lr | steps/s | examples/s | all loss after 64k examples |")
    print("|---|---|---|---|---|")
    for batch, lr in BATCH_LR.items():
        sps, eps = throughput(batch, max(200, 4000 // batch))
        print(f"| {batch} | {lr:g} | {sps:,.0f} | {eps:,.0f} | {loss_after(batch, 64_000):.3f} |")
    api.create("bench", "names")
    t0 = time.perf_counter()
    api.train_chunk("bench", 3000)
    print(f"default names training (3000 steps × {default('train', 'batch')}): "
          f"{time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
