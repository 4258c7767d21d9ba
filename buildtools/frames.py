"""Precompute the page's first frames under CPython, so it is useful before Python loads.

The site build runs pytoy here on the shipped checkpoints and writes ``frames.json``: the
same numbers the worker will return later (the reveal section's AR and diffusion timelines for
``rahul``, the corrupt section's corruption of a name, the model section's facts, a few sampled
names and translations, and the Python source the sections link to). The page draws these
at once and swaps in live results when its own Python is ready.
"""

from __future__ import annotations

import json
from pathlib import Path

WORD = "rahul"
REVEAL_STEPS = 3  # diffusion reveals rahul in three passes; AR needs one per letter
LINKED_FUNCTIONS = ("generate.reveal", "diffusion.corrupt", "model.forward", "train.batch_loss",
           "sampling.Decoder.run", "train.Trainer.run", "generate.translate", "compare.race",
           "sampling.Decoder._choose", "sweep.sweep", "compare.infill",
           "evaluate.diffusion_nll_bound", "compare.pass_cost", "sampling.schedule")
# the denoise section's count of training / held-out / new names: the page's default
# temperature, which the measurement used
SHARES_TEMPERATURE = 0.8
SWEEP_N = 300  # decodes per point at build time (a few tenths of a second per model)
INFILL = "r??ul"
TRANSLATE_WORDS = ("hello", "water", "moon")


def _sources(api) -> dict[str, str]:
    out = {}
    for name in LINKED_FUNCTIONS:
        try:
            out[name] = api.source(name)
        except (AttributeError, ImportError, ValueError):
            continue
    return out


def compute(repo: Path) -> dict:
    """Every precomputed frame, as plain JSON-ready data."""
    from pytoy import api, studies

    ckpt = repo / "data" / "checkpoints"
    api.load("frames-names", (ckpt / "names.json").read_text())
    api.load("frames-ar", (ckpt / "names-ar.json").read_text())
    api.load("frames-translate", (ckpt / "translate.json").read_text())
    info = api.info("frames-names")
    tr_info = api.info("frames-translate")
    out = {
        "word": WORD,
        "reveal": {
            "diffusion": api.reveal("frames-names", WORD, {"steps": REVEAL_STEPS}),
            "ar": api.reveal("frames-ar", WORD),
            "steps": REVEAL_STEPS,
        },
        "corrupt": [api.corrupt_word("frames-names", WORD, t / 10, 0) for t in range(11)],
        "info": {k: info[k] for k in ("config", "params", "shapes", "vocab", "layout",
                                      "step", "train_items")},
        "floor": api.loss_floor("frames-names"),
        "samples": [api.sample("frames-names", 1, {"seed": s})[0] for s in range(12)],
        "translate": {
            "items": tr_info["train_items"],
            "layout": tr_info["layout"],
            "vocab": tr_info["vocab"],
            "timelines": api.translate("frames-translate", list(TRANSLATE_WORDS),
                                       {"temperature": 0.0}),
        },
        "sources": _sources(api),
        "lab": {s: api.sample("frames-names", 1, {"strategy": s, "seed": 0})[0]
                for s in api.defaults()["decode"]["strategy"]["choices"]},
        "race": api.race("frames-names", "frames-ar", REVEAL_STEPS, 0),
        "sweep": {key: api.sweep(name, SWEEP_N) for key, name in
                  (("names", "frames-names"), ("translate", "frames-translate"),
                   ("ar", "frames-ar"))},
        "floor_by_t": api.loss_floor_by_t("frames-names"),
        "loss_by_t": api.loss_by_t("frames-names"),
        "infill": api.infill("frames-names", "frames-ar", INFILL),
        "infill_timelines": {"diffusion": api.sample("frames-names", 1, {"seed": 0}, INFILL)[0],
                             "ar": api.sample("frames-ar", 1, {"seed": 0}, INFILL)[0]},
        "pass_cost": {"diffusion": api.pass_cost("frames-names"),
                      "ar": api.pass_cost("frames-ar")},
        "studies": json.loads((repo / "data" / "studies.json").read_text()),
    }
    # what the page says of the t study, decided here, not in the page's JS
    study_t = out["studies"]["time_input"]
    study_t["verdict"] = studies.time_verdict(study_t)
    out["marginals"] = api.one_pass_marginals("frames-names",
                                              out["sweep"]["names"]["glued"]["examples"])
    out["large"] = _large(api, ckpt)
    out["shares"] = {"small": api.shares("frames-names", None,
                                         {"temperature": SHARES_TEMPERATURE}),
                     "large": api.shares("frames-large", None,
                                         {"temperature": SHARES_TEMPERATURE}),
                     "temperature": SHARES_TEMPERATURE}
    return out


def _large(api, ckpt: Path) -> dict:
    """Section IV's large list: the shipped model of it, its two losses and its floors (the
    floors are Monte Carlo, seconds of Python: the page takes them from here)."""
    api.load("frames-large", (ckpt / "names-large.json").read_text(), dataset="large")
    info = api.info("frames-large")
    return {"info": {k: info[k] for k in ("params", "layout", "step", "dataset")},
            "train_n": len(info["train_items"]), "held_out_n": len(info["val_items"]),
            "losses": api.held_out_loss("frames-large"),
            "floor": api.loss_floor("frames-large"),
            "floor_by_t": api.loss_floor_by_t("frames-large")}


def write(path: Path, repo: Path) -> dict:
    """Write frames.json and return what it holds (the build checks the sections' keys)."""
    computed = compute(repo)
    path.write_text(json.dumps(computed, separators=(",", ":")) + "\n", encoding="utf-8")
    return computed
