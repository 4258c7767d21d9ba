"""The one table of defaults: the CLI, the shipped checkpoints and the page all read it.

Chosen by measurement (see bench/NOTES.md): the original explainer's model size (embedding
8, hidden 128); minibatches of 128 at learning rate 0.5 with momentum 0.9. In Pyodide (no
BLAS) batch 128 processes ~10× the examples/s of batch 1 and ~1.2× those of batch 32, and at
lr 0.5 it reaches a training loss of 0.5 after ~12k examples (batch 32 at lr 0.1: ~16k).
1,000 steps of it train as well as 3,000 of batch 32 did (same loss gap to the floor).
Progress every 25 steps (~0.15 s in Pyodide), so the chart moves and Pause answers fast.
"""

from __future__ import annotations

DEFAULTS: dict[str, dict] = {
    "model": {"emb": 8, "hidden": 128, "activation": "tanh", "time_input": True, "context": 0,
              "seed": 0},
    "train": {"lr": 0.5, "batch": 128, "momentum": 0.9, "clip": 5.0,
              "weight_decay": 0.0, "loss": "all", "seed": 0},
    "steps": {"names": 1000, "translate": 1000},
    "val_frac": 0.0,
    "decode": {"strategy": "confidence", "steps": 0, "temperature": 0.8, "tau": 0.9,
               "block_size": 4, "early_stop": None, "seed": 0},
    "chunk": 25,  # training steps per progress report
}
