"""The likelihood section's live ablation: two names models that differ in one setting.

The switch (defaults `ablation`) names the setting: t as an input or not, the `all` loss or
the `elbo`. Both models start from the same seed on the same names, so the one setting is all
that differs. The page trains the two in the browser (two worker sessions, in chunks); `run`
does the same under CPython and is what the browser tests compare with.

Both are scored on one yardstick whatever they were trained on (`api.probe_gap`): the loss
per hidden letter on the fixed probe beside what the best possible model pays on the same
draws. The `all` loss also scores visible letters, which an `elbo` model never learns to
copy, so the `all` loss itself would not compare the two fairly.
"""

from __future__ import annotations

from . import api
from .defaults import DEFAULTS, check, default


def arms(switch: str) -> list[dict]:
    """The two arms of a switch, as the table gives them: [{label, model, train}, …]."""
    check("ablation", "switch", switch, "ablation switch")
    return DEFAULTS["ablation"]["arms"][switch]


def settings(arm: dict, seed: int) -> dict:
    """`api.create`'s model and train overrides for one arm: the arm's own, and the seed."""
    check("ablation", "seed", seed, "ablation seed")
    return {"model": {**arm["model"], "seed": seed}, "train": {**arm["train"], "seed": seed}}


def run(text: str, switch: str, steps: int | None = None, seed: int | None = None,
        prefix: str = "cpython-ablate") -> dict:
    """Both arms trained `steps` steps on `text` (the names file) with `seed`: each one's
    batch losses, its probe gap at the start and after every chunk of the table's `chunk`
    steps (the page's chart), at the end, and one sample (decode seed `seed`)."""
    steps = default("ablation", "steps") if steps is None else steps
    seed = default("ablation", "seed") if seed is None else seed
    check("ablation", "steps", steps, "ablation steps")
    out = []
    for i, arm in enumerate(arms(switch)):
        name = f"{prefix}-{i}"
        api.create(name, "names", text=text, **settings(arm, seed))
        probes = [api.probe_gap(name)]
        while probes[-1]["step"] < steps:
            api.train_chunk(name, min(DEFAULTS["chunk"], steps - probes[-1]["step"]))
            probes.append(api.probe_gap(name))
        out.append({"label": arm["label"], "losses": api.history(name),
                    "probe": probes[-1], "probes": probes,
                    "sample": api.sample(name, 1, decode={"seed": seed})[0]})
    return {"switch": switch, "steps": steps, "seed": seed, "arms": out}
