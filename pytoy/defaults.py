"""The one table of settings: every default and bound the CLI, the checkpoints and the page use.

Each setting is a spec: its `default`, and `min`/`max`/`step` for numbers or `choices` (name →
one-line description) for menus. The dataclasses (`ModelConfig`, `TrainSettings`,
`DecodeSettings`) and the CLI read their defaults and bounds here; `api.defaults()` serves
the table, and the site build writes it into the page, which builds its menus, its controls'
bounds, its URL parsing and clamping from it. Python → page, one direction only.

Decoding strategies are not listed here by hand: `sampling.register` adds each one to
`DEFAULTS["decode"]["strategy"]["choices"]` when `pytoy.sampling` is imported (the package
imports it first), so registering a strategy is all it takes for it to exist everywhere.

Settings with a `url` name travel in the page's address and the reader's stored settings;
`was` lists older names of the same setting that are still read (and rewritten).

The values were chosen by measurement (bench/NOTES.md): the original explainer's model size
(embedding 8, hidden 128); minibatches of 128 at learning rate 0.5 with momentum 0.9. In
Pyodide (no BLAS) batch 128 processes ~10× the examples/s of batch 1 and ~1.2× those of batch
32, and at lr 0.5 it reaches a training loss of 0.5 after ~12k examples (batch 32 at lr 0.1:
~16k). 1,000 steps of it train as well as 3,000 of batch 32 did (same loss gap to the
floor). Progress every 25 steps (~0.15 s in Pyodide), so the chart moves and Pause answers
fast.
"""

from __future__ import annotations

from typing import Any

SEED_MAX = 2**32 - 1


def _number(default: float | None, lo: float, hi: float, step: float | str, **extra: Any
            ) -> dict:
    integer = isinstance(step, int) and isinstance(lo, int) and isinstance(hi, int)
    return {"default": default, "min": lo, "max": hi, "step": step, "integer": integer,
            **extra}


def _choice(default: str, choices: dict[str, str], **extra: Any) -> dict:
    return {"default": default, "choices": choices, **extra}


DEFAULTS: dict[str, Any] = {
    "model": {
        "arch": _choice("diffusion", {
            "diffusion": "the denoiser: sees the whole row, fills any hidden position",
            "ar": "the autoregressive baseline: predicts the next letter from those before it",
        }),
        "emb": _number(8, 1, 512, 1, about="embedding size per character"),
        "hidden": _number(128, 1, 4096, 1, about="hidden units"),
        "activation": _choice("tanh", {"tanh": "smooth, bounded: the default",
                                       "relu": "max(0, x): can blow up at a high learning rate"}),
        "time_input": {"default": True,
                       "about": "diffusion only: give the model the noise level t"},
        "context": _number(0, 0, 64, 1, about="AR only: letters of left context (0 = the length)"),
        "seed": _number(0, 0, SEED_MAX, 1, about="initialisation seed"),
    },
    "train": {
        "lr": _number(0.5, 0.0001, 100.0, "any", scale="log", url="lr",
                      about="learning rate"),
        "batch": _number(128, 1, 4096, 1, url="batch", about="examples per step"),
        "momentum": _number(0.9, 0.0, 0.999, 0.01, about="SGD momentum"),
        "clip": _number(5.0, 0.001, 1000.0, "any", nullable=True,
                        about="largest gradient norm (none: no clipping)"),
        "weight_decay": _number(0.0, 0.0, 1.0, "any", about="L2 pull towards zero"),
        "loss": _choice("all", {
            "all": "every maskable position, hidden or not, counts the same (the original's)",
            "elbo": "hidden positions only, each weighted 1/t: a bound on the likelihood",
        }),
        "seed": _number(0, 0, SEED_MAX, 1, url="seed", about="batches, masks and noise levels"),
    },
    "decode": {
        "strategy": _choice("confidence", {}, url="strategy"),  # filled by sampling.register
        "steps": _number(0, 0, 1024, 1, url="steps",
                         about="denoising steps K (0 = one per hidden position)"),
        "temperature": _number(0.8, 0.0, 10.0, 0.1, url="temperature", was=["temp"],
                               about="0 = always the most likely character"),
        "tau": _number(0.9, 0.0, 1.0, 0.05, about="threshold: commit at least this confident"),
        "block_size": _number(4, 1, 64, 1, about="blocks: positions per block"),
        "early_stop": _number(None, 0.0, 1.0, 0.05, nullable=True,
                              about="stop when every hidden position is this confident"),
        "seed": _number(0, 0, SEED_MAX, 1, about="proposals and random choices"),
    },
    "train_steps": {  # one Train press (and the CLI's default) per task
        "names": _number(1000, 0, 10_000_000, 1),
        "translate": _number(1000, 0, 10_000_000, 1),
    },
    "data": {
        "val_frac": _number(0.0, 0.0, 0.99, 0.01, about="fraction of the data held out"),
        # the train section's menu: which of DATASETS below the names model trains on
        "names": _choice("small", {
            "small": "the names the article is built on: few enough to learn by heart",
            "large": "a long list of Indian first names, a fixed share held out to test on",
        }, url="data", about="the names model's data"),
    },
    # the names model's datasets: the file (also the site's asset), the share held out (drawn
    # by data.split with split_seed, so every run holds out the same names), the shipped
    # checkpoint (scripts/make_checkpoints.sh) and where the page keeps a reader's model of it
    "datasets": {
        "small": {"file": "data/names.txt", "val_frac": 0.0, "split_seed": 0,
                  "checkpoint": "data/checkpoints/names.json", "store": "model:names"},
        "large": {"file": "data/names-large.txt", "val_frac": 0.1, "split_seed": 0,
                  "checkpoint": "data/checkpoints/names-large.json",
                  "store": "model:names-large"},
    },
    "chunk": 25,  # training steps per progress report
    # the likelihood section's live ablation: two names models trained side by side on the same data
    # with the same seed, differing in the one setting the switch names (pytoy/ablation.py);
    # a few hundred steps, so both run in seconds in the browser
    "ablation": {
        "steps": _number(300, 1, 5000, 1, about="training steps of each model"),
        "seed": _number(0, 0, SEED_MAX, 1,
                        about="both models' initialisation, batches, masks and sample"),
        "switch": _choice("time_input", {
            "time_input": "with or without the noise level t as an input (model.time_input)",
            "loss": "trained on the all loss or on the elbo loss (train.loss)",
        }, about="what the two models differ in",
            labels={"time_input": "with t or without", "loss": "all loss or elbo"}),
        # per switch, the two arms: a label and the settings that differ from the defaults
        "arms": {
            "time_input": [{"label": "with t", "model": {"time_input": True}, "train": {}},
                           {"label": "without t", "model": {"time_input": False}, "train": {}}],
            "loss": [{"label": "all loss", "model": {}, "train": {"loss": "all"}},
                     {"label": "elbo loss", "model": {}, "train": {"loss": "elbo"}}],
        },
    },
    # the loss by noise level (floor.floor_by_t, evaluate.loss_by_t; the train section's 2nd chart)
    "loss_by_t": {
        "bins": 10,  # equal bins of t: (0, 0.1], (0.1, 0.2], …, (0.9, 1] (the first from T_EPS)
        "probe_per_bin": 32,  # probe rows per bin: 320 rows, one forward pass (bench/probe_cost.py)
        "probe_seed": 0,  # the probe's examples and masks: the same draws at every call
        "floor_samples_per_bin": 2_000,  # Monte Carlo floor, where it cannot be exact
    },
    # the page's own fixed sizes: its views use them, and so do the figures its prose and its
    # "Try this" answers state about them (buildtools/facts.py, buildtools/try_facts.py)
    "page": {
        "grid": 12,  # the denoise section's "Sample 12": names in one grid
        "more": 500,  # the train section's "+500 more": steps one press adds to a run
        "infill_n": 200,  # the infill section: completions per template, for each model
        "edit_draws": 6,  # the edit section's corrupt: draws of the word, seeds 0, 1, …
        "edit_t": 0.3,  # … at this noise level
        "edit_steps": 3,  # the edit section's schedule: the passes its sample decodes in (seed 0)
        "shares_n": 1000,  # the denoise section's count of training/held-out/new: names sampled
    },
    # the reserved symbols (vocab.py): every vocabulary ends [letters…, (sep,) pad, mask]
    "symbols": {"pad": "_", "mask": "?", "sep": ">"},
}


def check(group: str, name: str, value: Any, label: str | None = None) -> None:
    """Refuse a value outside the table's bounds (None only where the setting allows it)."""
    s = DEFAULTS[group][name]
    label = label or s.get("about", name)
    if value is None and s.get("nullable"):
        return
    if "choices" in s:
        if value not in s["choices"]:
            raise ValueError(f"unknown {label} {value!r}; choose one of "
                             f"{', '.join(s['choices'])}")
        return
    lo, hi = s["min"], s["max"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise ValueError(f"{label} must be between {lo:g} and {hi:g}, got {value}")


def spec(group: str, name: str) -> dict:
    return DEFAULTS[group][name]


def default(group: str, name: str) -> Any:
    return DEFAULTS[group][name]["default"]


def values(group: str) -> dict[str, Any]:
    """{name: default} for one group of settings (what a dataclass starts from)."""
    return {name: s["default"] for name, s in DEFAULTS[group].items()}


def bounds(group: str, name: str) -> tuple[float, float]:
    s = DEFAULTS[group][name]
    return s["min"], s["max"]


def choices(group: str, name: str) -> dict[str, str]:
    return DEFAULTS[group][name]["choices"]
