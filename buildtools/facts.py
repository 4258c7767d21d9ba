"""Every figure the article's prose states about a model or a dataset, computed by pytoy.

The prose never types a number about the shipped models or data: it writes ``{fact:<name>}``
and the build replaces it with the figure below, computed from what pytoy computed for the
page (``frames.json``: the shipped checkpoints under CPython), its settings table and its
data limits. So retraining a checkpoint, changing a default or the data changes the text with
it. The same table goes into the page (``<script type="application/json" id="pytoy-facts">``)
for the prose a view writes (``facts.js``). ``tests/test_facts.py`` checks each figure against
pytoy directly and that the prose types no other number (its short allow-list says why).
"""

from __future__ import annotations

import math

from buildtools import fill_in

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve")


def word(n: int) -> str:
    """7 -> "seven": small counts read as words in prose; larger ones as digits."""
    return WORDS[n] if 0 <= n < len(WORDS) else f"{n:,}"


def _time_study(frames: dict) -> dict[str, str]:
    """The 'does the model need t?' study: per arm (with t, without), the mean gap to the
    floor ± its standard error over the seeds, and the mean bits per letter (pytoy's
    studies.time_input summaries)."""
    t = frames["studies"]["time_input"]
    out = {"studies.t.seeds": word(len(t["seeds"]))}
    for summary, arm in ((t["with_t"], "with"), (t["without_t"], "without")):
        out[f"studies.t.gap.{arm}"] = f"{summary['gap_mean']:.3f} ± {summary['gap_se']:.3f}"
        out[f"studies.t.bits.{arm}"] = f"{summary['bits_mean']:.2f}"
    return out


def compute(frames: dict, defaults: dict) -> dict[str, str]:
    """name -> the figure as the prose shows it."""
    from pytoy import data, patching

    info = frames["info"]
    vocab = len(info["vocab"]["symbols"])
    length = info["layout"]["a_len"]
    lik = frames["studies"]["likelihood"]
    d = defaults
    out = {
        # the shipped names model and its data
        "names.count": str(len(info["train_items"])),
        "names.length": str(length),
        "names.length.word": word(length),
        # the reveal section's two models writing rahul: how many passes each took
        "reveal.ar.passes": str(len(frames["reveal"]["ar"]["passes"])),
        "reveal.ar.passes.word": word(len(frames["reveal"]["ar"]["passes"])),
        "reveal.diffusion.passes": str(len(frames["reveal"]["diffusion"]["passes"])),
        "reveal.diffusion.passes.word": word(len(frames["reveal"]["diffusion"]["passes"])),
        "model.params": f"{info['params']:,}",
        "model.vocab": str(vocab),
        "model.uniform": f"{math.log(vocab):.2f}",
        "floor.nats": f"{frames['floor']['value']:.3f}",
        "floor.hidden": f"{frames['floor_by_t']['hidden_value']:.3f}",
        "loss_by_t.bins": word(len(frames["floor_by_t"]["edges"]) - 1),
        # the translator and its pairs
        "translate.pairs": str(len(frames["translate"]["items"])),
        # settings (pytoy's table)
        "train.steps": f"{d['train_steps']['names']['default']:,}",
        "train.lr": f"{d['train']['lr']['default']:g}",
        "train.lr.max": f"{d['train']['lr']['max']:g}",
        "decode.tau.percent": f"{100 * d['decode']['tau']['default']:g}%",
        "decode.block.word": word(int(d["decode"]["block_size"]["default"])),
        "edit.functions": word(len(patching.EDITABLE)),
        # the page's own sizes (pytoy's table, DEFAULTS["page"]), which its buttons name
        "page.grid": str(d["page"]["grid"]),
        "page.more": f"{d['page']['more']:,}",
        # the likelihood section's live pair
        "ablation.steps": f"{d['ablation']['steps']['default']:,}",
        # a reader's own data: what data.check_own accepts
        "own.min": str(data.OWN_MIN_ITEMS),
        "own.max": f"{data.OWN_MAX_ITEMS:,}",
        "own.letters": str(data.OWN_MAX_LENGTH),
        # the sweep and the studies (data/studies.json, made by scripts/run_studies.py)
        "sweep.n": f"{frames['sweep']['names']['n']:,}",
        "sweep.temperature": f"{frames['sweep']['names']['temperature']:g}",
        "studies.ar.bits.heldout": f"{lik['ar']['bits_per_char']:.2f}",
        "studies.diffusion.bits.heldout": f"{lik['diffusion']['bits_per_char']:.2f}",
        **_time_study(frames),
        **_large(frames, d),
    }
    return out


def percent(x: float) -> str:
    """0.214 -> "21%", 0.003 -> "0.3%", 0.998 -> "99.8%": a share as the prose states it,
    with a decimal where whole percents would say none or all when it is not."""
    p = 100 * x
    whole = f"{p:.0f}"
    if (whole in ("0", "100") and p not in (0, 100)) or (p < 10 and whole != "0" and p != round(p)):
        return f"{p:.1f}%"
    return f"{whole}%"


def _large(frames: dict, d: dict) -> dict[str, str]:
    """The large list (the train section's data menu) and the count of copied names (the
    denoise section)."""
    big = frames["large"]
    sh = frames["shares"]
    out = {
        "large.count": f"{big['train_n'] + big['held_out_n']:,}",
        "large.train": f"{big['train_n']:,}",
        "large.held_out": f"{big['held_out_n']:,}",
        "large.held_out.percent": percent(d["datasets"]["large"]["val_frac"]),
        "large.length": str(big["info"]["layout"]["a_len"]),
        "large.steps": f"{big['info']['step']:,}",
        "large.loss.training": f"{big['losses']['training']:.3f}",
        "large.loss.held_out": f"{big['losses']['held_out']:.3f}",
        "large.floor": f"{big['floor']['value']:.3f}",
        "shares.n": f"{d['page']['shares_n']:,}",
        "shares.temperature": f"{sh['temperature']:g}",
    }
    for which in ("small", "large"):
        for k in ("training", "held-out", "new"):
            out[f"shares.{which}.{k}"] = percent(sh[which]["shares"][k])
    return out


def fill(text: str, facts: dict[str, str], where: str) -> str:
    """`text` with every {fact:name} replaced; an unknown name is a build error."""
    return fill_in(text, "fact", facts, where, "is not a fact buildtools/facts.py computes")

