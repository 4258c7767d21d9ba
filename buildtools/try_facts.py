"""What each "Try this" prompt states and promises, computed by pytoy under CPython.

One function per prompt of ``site/tries.toml``, registered under its id: it takes the
prompt's ``given`` settings, runs pytoy on the shipped checkpoints exactly as the page's
controls make the worker run it, and returns the facts its text, its answer and its
expectations name (figures as plain values, markup as ``Html``). It also checks the
prompt's promise and raises ``BrokenPromiseError`` when the shipped model no longer keeps
it, so the build stops instead of a class finding out. Nothing pytoy can say is typed by hand
here: the constants below are the page's own (a view's fixed word, seed or count), each named
where it lives, and the browser test checks the page shows what these functions computed.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from buildtools import BuildError
from buildtools.facts import percent
from buildtools.frames import REVEAL_STEPS, SWEEP_N, WORD
from buildtools.tries import Html, Scenario
from pytoy.defaults import DEFAULTS

Facts = dict[str, Any]
FACTS: dict[str, Callable[[Shipped, dict[str, Any]], Facts]] = {}

# The page's own constants, which these facts must follow (the browser test checks they do):
PAGE = DEFAULTS["page"]  # the page's own fixed sizes, which its views read too
GRID = PAGE["grid"]  # section V's "Sample 12" draws this many names
PRESSES = 25  # how many presses of Sample 12 an answer speaks for (seeds 1…25, as pressed)
INFILL_N = PAGE["infill_n"]  # section XI: completions per template
EDIT_DRAWS = PAGE["edit_draws"]  # section XIV: draws of rahul at EDIT_T, seeds 0, 1, …
EDIT_T = PAGE["edit_t"]
EDIT_SCHEDULE = {"steps": PAGE["edit_steps"], "seed": 0}  # section XIV: the schedule's decode
SEEDS = 100  # how many seeds "rarely" is counted over
DRAWS = 20  # how many draws of section II's New noise an answer speaks for


class BrokenPromiseError(Exception):
    """A prompt's promise does not hold with the shipped checkpoints."""


def promise(holds: bool, detail: str) -> None:
    """Stop the build when what a prompt promises is not what pytoy does."""
    if not holds:
        raise BrokenPromiseError(detail)


def prompt(tid: str) -> Callable:
    """Register the facts of the prompt with this id."""
    def register(fn: Callable[[Shipped, dict[str, Any]], Facts]) -> Callable:
        FACTS[tid] = fn
        return fn

    return register


class Shipped:
    """pytoy under CPython with the shipped checkpoints loaded under the page's names."""

    def __init__(self, models: Mapping[str, str], repo: Path) -> None:
        from pytoy import api

        self.api = api
        for name, file in models.items():
            api.load(self[name], (repo / file).read_text(encoding="utf-8"))
        self.info = api.info(self["shipped"])
        self.names = list(self.info["train_items"])
        self.length = int(self.info["layout"]["a_len"])
        self._sweep: dict | None = None

    def __getitem__(self, model: str) -> str:
        return f"try-{model}"

    def sweep(self) -> dict:
        """The names sweep section X shows (frames.json's, computed the same way)."""
        if self._sweep is None:
            self._sweep = self.api.sweep(self["shipped"], SWEEP_N)
        return self._sweep


def compute_all(scenarios: list[Scenario], models: Mapping[str, str], repo: Path
                ) -> dict[str, Facts]:
    """id -> facts for every prompt; a broken promise or a missing function is a BuildError."""
    ids = [s.id for s in scenarios]
    if missing := [i for i in ids if i not in FACTS]:
        raise BuildError(f"site/tries.toml: no facts for {', '.join(missing)} "
                         "(buildtools/try_facts.py)")
    if stale := [i for i in FACTS if i not in ids]:
        raise BuildError(f"buildtools/try_facts.py: facts for {', '.join(stale)}, which "
                         "site/tries.toml does not list")
    py = Shipped(models, repo)
    out: dict[str, Facts] = {}
    for s in scenarios:
        try:
            facts = FACTS[s.id](py, dict(s.given))
        except BrokenPromiseError as e:
            raise BuildError(f"{s.where}: its promise no longer holds with the shipped "
                             f"checkpoints ({s.promise}): {e}") from None
        json.dumps(facts)  # plain data only: the test compares them with what the page shows
        out[s.id] = facts
    return out


# --- small helpers ---------------------------------------------------------------------------


def code(text: str) -> Html:
    return Html(f"<code>{_escape(text)}</code>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def listed(items: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c" (items already prose)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def js_number(x: float) -> str:
    """How JavaScript writes a number back into a box: 100.0 -> "100", 0.5 -> "0.5"."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def message(e: BaseException) -> str:
    """The one line the page shows for a pytoy error (site/js/dispatch.py's _message)."""
    text = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__


def without_times(race: dict) -> dict:
    return {k: v for k, v in race.items() if not k.endswith("_seconds")}


def diverged(text: str) -> dict:
    """What a divergence message says, and a pattern that accepts it with any average loss.

    The average a diverging chunk reached is chaos: the page's last-bit differences from
    CPython grow a thousandfold within those steps. The steps, the rate and the rule do not.
    """
    from pytoy.train import BLOWUP

    m = re.fullmatch(r"training diverged at step (\d+) \(learning rate ([^)]+)\): the loss "
                     r"averaged [\d.]+ nats over steps (\d+)–(\d+), over (\S+)× a uniform "
                     r"guess's ([\d.]+)\. The model is restored to step (\d+); try a smaller "
                     r"learning rate\.", text)
    if not m:
        raise BrokenPromiseError(f"the divergence message has changed: {text}")
    average = re.search(r"averaged ([\d.]+) nats", text).group(1)
    head, tail = text.split(average, 1)
    return {"message": re.escape(head) + r"[\d.]+" + re.escape(tail),
            "diverged_at": m.group(1), "restored": m.group(7), "blowup": BLOWUP,
            "guess": m.group(6)}


def train_like_the_page(py: Shipped, name: str, steps: int) -> str | None:
    """One press of Train: chunks of the defaults' size until done; the error, if it diverged."""
    from pytoy.defaults import DEFAULTS
    from pytoy.train import DivergenceError

    chunk = DEFAULTS["chunk"]
    done = 0
    try:
        while done < steps:
            n = min(chunk, steps - done)
            py.api.train_chunk(name, n)
            done += n
    except DivergenceError as e:
        return message(e)
    return None


def fresh_model(py: Shipped, name: str, lr: float, batch: int, seed: int) -> None:
    """The model section IV makes on Reset (or a changed batch): its settings, its names."""
    py.api.create(name, "names", model={"seed": seed},
                  train={"lr": lr, "batch": batch, "seed": seed})


# --- the prompts, in the table's order -------------------------------------------------------


@prompt("reveal-first-pass")
def _reveal(py: Shipped, given: dict) -> Facts:
    from pytoy.defaults import DEFAULTS

    pad = DEFAULTS["symbols"]["pad"]
    timeline = py.api.reveal(py["shipped"], WORD, {"steps": REVEAL_STEPS})
    first = timeline["passes"][0]
    committed = [[i, first["tokens"][i]] for i in first["committed"]]
    last = py.length - 1
    promise(last in first["committed"] and first["tokens"][last] == pad,
            f"the first pass commits {committed}, not the padding at the last position")
    # the strip under the pass: the model's belief at every position before it
    surest = [max(row) for row in first["probs"]]
    pad_p = first["probs"][last][timeline["symbols"].index(pad)]
    promise(pad_p == max(surest), f"its surest guess is at position {surest.index(max(surest))}"
            ", not the padding at the last")
    by_letter: dict[str, list[int]] = {}
    for i, ch in committed:
        by_letter.setdefault(ch, []).append(i + 1)
    parts = [f"<code>{_escape(ch)}</code> at position{'s' if len(at) > 1 else ''} "
             f"{listed([str(p) for p in at])}" for ch, at in by_letter.items()]
    return {"committed": committed, "first_pass": Html(listed(parts)),
            "pad_sure": percent(pad_p), "names": len(py.names), "length": py.length,
            "shorter": sum(len(n) < py.length for n in py.names)}


@prompt("corrupt-which-name")
def _corrupt(py: Shipped, given: dict) -> Facts:
    from pytoy.defaults import DEFAULTS

    mask = DEFAULTS["symbols"]["mask"]
    clean = [py.api.corrupt_word(py["shipped"], n, 0.0)["clean"] for n in py.names]

    def row(t: float, seed: int) -> str:
        return py.api.corrupt_word(py["shipped"], given["word"], t, seed)["noisy"]

    def fits(noisy: str) -> list[str]:
        return [n for n, c in zip(py.names, clean, strict=True)
                if all(a in (mask, b) for a, b in zip(noisy, c, strict=True))]

    k = given["presses"]  # a fresh page's New noise draws with seeds 1, 2, …
    low = [row(given["t_low"], s) for s in range(1, k + 1)]
    high = [row(given["t_high"], s) for s in range(k + 1, 2 * k + 1)]
    promise(all(fits(r) == [given["word"]] for r in low),
            f"at t = {given['t_low']} the rows {low} do not each fit only {given['word']}")
    promise(all(len(fits(r)) >= 2 for r in high),
            f"at t = {given['t_high']} a row of {high} fits a single name")
    low_many = [row(given["t_low"], s) for s in range(1, DRAWS + 1)]
    high_many = [len(fits(row(given["t_high"], s))) for s in range(1, DRAWS + 1)]
    return {"low_last": low[-1], "high_last": high[-1], "names": len(py.names),
            "low_rows": Html(listed([code(r) for r in low])),
            "high_rows": Html(listed([code(r) for r in high])),
            "high_fits": listed([str(len(fits(r))) for r in high]), "draws": DRAWS,
            "low_unique": sum(fits(r) == [given["word"]] for r in low_many),
            "high_mean": f"{sum(high_many) / DRAWS:.1f}"}


@prompt("model-count-weights")
def _model(py: Shipped, given: dict) -> Facts:
    shapes, cfg = py.info["shapes"], py.info["config"]
    sizes = [math.prod(shape) for shape in shapes.values()]
    promise(sum(sizes) == py.info["params"], f"{sizes} do not add up to {py.info['params']}")
    inputs_are = f"{cfg['length']} positions × {cfg['emb']} numbers each"
    if cfg["time_input"]:
        inputs_are += ", plus one for t"
    promise(shapes["w1"][0] == cfg["length"] * cfg["emb"] + int(cfg["time_input"]),
            f"w1 has {shapes['w1'][0]} rows, not the embedded positions (and t)")
    return {"arrays": list(shapes), "params": py.info["params"],
            "sum": " + ".join(f"{n:,}" for n in sizes), "inputs": shapes["w1"][0],
            "inputs_are": inputs_are}


@prompt("train-diverge")
def _train_diverge(py: Shipped, given: dict) -> Facts:
    from pytoy.defaults import DEFAULTS, default

    lr_max = DEFAULTS["train"]["lr"]["max"]  # the slider's right end (buildtools/controls.py)
    name = py["train"]
    fresh_model(py, name, default("train", "lr"), default("train", "batch"),
                default("train", "seed"))
    py.api.set_lr(name, lr_max)
    error = train_like_the_page(py, name, default("train_steps", "names"))
    restored = py.api.info(name)["step"]
    promise(error is not None, f"training at learning rate {lr_max} did not diverge")
    promise(restored == 0, f"the model was restored to step {restored}, not to its start")
    said = diverged(error)  # steps as the page writes them: "step 1050"
    promise(said["diverged_at"] == str(DEFAULTS["chunk"]), f"it diverged at {said['diverged_at']}")
    return {**said, "lr_max": lr_max, "lr_max_text": js_number(lr_max),
            "restored_text": str(restored), "chunk": DEFAULTS["chunk"],
            "lr_default": default("train", "lr"),
            "lr_default_text": js_number(default("train", "lr"))}


@prompt("train-batch-one")
def _train_batch(py: Shipped, given: dict) -> Facts:
    from pytoy.defaults import DEFAULTS, default

    name = py["train"]
    lr, batch0 = default("train", "lr"), default("train", "batch")
    steps, chunk = default("train_steps", "names"), DEFAULTS["chunk"]
    fresh_model(py, name, given["lr_small"], given["batch"], default("train", "seed"))
    error = train_like_the_page(py, name, steps)
    promise(error is None, f"batch {given['batch']} at {given['lr_small']} diverged: {error}")
    small = py.api.history(name)
    py.api.set_lr(name, lr)
    error = train_like_the_page(py, name, steps)
    promise(error is not None, f"batch {given['batch']} at learning rate {lr} did not diverge")
    history = py.api.history(name)
    climbed = history[len(small):]
    before = sum(small[-chunk:]) / chunk
    climb = sum(climbed) / len(climbed) if climbed else before
    promise(climb > before, f"at {lr} the loss averaged {climb:.2f}, not above the "
            f"{before:.2f} of the last {chunk} steps at {given['lr_small']}")
    trained = py.info["train"]
    promise(trained["batch"] == batch0,
            f"the shipped model was trained at batch {trained['batch']}, not the default")

    def jitter(losses: list[float]) -> float:
        return sum(abs(b - a) for a, b in itertools.pairwise(losses)) / (len(losses) - 1)

    one, base = jitter(small), jitter(py.api.history(py["shipped"]))
    promise(one > base, f"the batch-{given['batch']} loss moved {one:.3f} a step, the "
            f"shipped model's {base:.3f}: not noisier")
    return {**diverged(error), "history_small": small, "history": history, "lr_default": lr,
            "batch_default": batch0, "chunk": chunk, "jitter_one": f"{one:.2f}",
            "jitter_default": f"{base:.2f}", "ratio": f"{one / base:.0f}",
            "climb": f"{climb:.1f}", "before": f"{before:.1f}"}


@prompt("denoise-one-pass")
def _denoise(py: Shipped, given: dict) -> Facts:
    from pytoy.defaults import default

    strategy0 = default("decode", "strategy")
    temperature = default("decode", "temperature")

    def grid(strategy: str, steps: int, seed: int) -> list[dict]:
        return py.api.sample(py["shipped"], GRID, {"strategy": strategy, "steps": steps,
                                                   "temperature": temperature, "seed": seed})

    def seen(ts: list[dict]) -> int:
        return sum(t["in_training_set"] for t in ts)

    def names(ts: list[dict]) -> list[str]:
        return [t["text"] or "(empty)" for t in ts]  # the grid's word for an empty name

    # a fresh page: the first press draws with seed 1, the next with seed 2 (denoise.js)
    first, second = grid(strategy0, given["steps"], 1), grid(given["strategy"], py.length, 2)
    one = [seen(grid(strategy0, given["steps"], s)) for s in range(1, PRESSES + 1)]
    rand = [seen(grid(given["strategy"], py.length, s)) for s in range(1, PRESSES + 1)]
    promise(max(one) < min(rand), f"one pass gave up to {max(one)} training names of {GRID}, "
            f"{given['strategy']} at {py.length} steps as few as {min(rand)}")
    return {"default_strategy": strategy0, "length": py.length, "temperature": temperature,
            "grid": GRID, "grid_size": GRID, "presses": PRESSES, "n": PRESSES * GRID,
            "first_names": names(first), "first_seen": seen(first),
            "second_names": names(second), "second_seen": seen(second),
            "most_one": max(one), "total_one": sum(one),
            "least_random": min(rand), "total_random": sum(rand)}


@prompt("built-comparison")
def _built(py: Shipped, given: dict) -> Facts:
    source = py.api.source("diffusion.corrupt")
    found = [(line, m) for line in source.splitlines()
             for m in re.finditer(r"rng\.random\([^)]*\)\s*<\s*[^)&]+?(?=\)|\s*&|$)", line)]
    promise(len(found) == 1, f"diffusion.corrupt has {len(found)} comparisons of a random "
            "number with t, not one")
    line, m = found[0]
    return {"line": line.split("#")[0].strip(), "comparison": m.group(0).strip()}


@prompt("translate-unseen")
def _translate(py: Shipped, given: dict) -> Facts:
    from pytoy.defaults import DEFAULTS

    sep = DEFAULTS["symbols"]["sep"]
    tr = py["translate"]
    pairs = [item.split(sep) for item in py.api.info(tr)["train_items"]]
    [t] = py.api.translate(tr, [given["word"]], {"temperature": 0})  # as translate.js asks
    promise(not t["seen"], f"{given['word']} is in the translator's training pairs")
    answers = {a: q for q, a in pairs}
    promise(t["text"] in answers, f"{given['word']} -> {t['text']}, not a training answer")
    least = min(p["confidence"][i] for p in t["passes"] for i in p["committed"])
    promise(least > 0.5, f"a letter of {t['text']} was committed at {least:.3f}")
    try:
        py.api.translate(tr, [given["bad"]], {"temperature": 0})
    except ValueError as e:
        error = message(e)
    else:
        raise BrokenPromiseError(f"{given['bad']!r} was translated, not refused")
    return {"answer": t["text"], "answer_of": answers[t["text"]], "pairs": len(pairs),
            "least_sure": least, "least": percent(least), "error": error}


@prompt("race-passes")
def _race(py: Shipped, given: dict) -> Facts:
    few = py.api.race(py["shipped"], py["shipped-ar"], given["few"], given["seed"])
    many = py.api.race(py["shipped"], py["shipped-ar"], py.length, given["seed"])
    promise(few["diffusion_passes"] < few["ar_passes"], "diffusion did not finish first")
    promise(few["diffusion"]["text"] not in py.names,
            f"with {given['few']} pass diffusion wrote {few['diffusion']['text']}, a training name")
    promise(many["diffusion"]["text"] in py.names,
            f"with {py.length} passes diffusion wrote {many['diffusion']['text']}, not a name")
    promise(many["ar_passes"] < many["diffusion_passes"], "the AR model did not finish first")
    return {"race_few": without_times(few), "race_many": without_times(many),
            "length": py.length, "few_text": few["diffusion"]["text"],
            "many_text": many["diffusion"]["text"], "ar_text": few["ar"]["text"],
            "ar_passes": few["ar_passes"]}


@prompt("remask-takes-back")
def _remask(py: Shipped, given: dict) -> Facts:
    from pytoy.defaults import default

    decode = {"strategy": "remask", "steps": given["steps"], "tau": default("decode", "tau"),
              "temperature": given["temperature"]}  # the lab's settings; remask ignores τ

    def decoded(seed: int) -> dict:
        return py.api.sample(py["shipped"], 1, {**decode, "seed": seed})[0]

    revising = sum(any(p["remasked"] for p in decoded(s)["passes"]) for s in range(SEEDS))
    t = decoded(given["seed"])
    rows = [t["start"]] + [p["tokens"] for p in t["passes"]]
    taken = [(k, j) for k, p in enumerate(t["passes"], 1) for j in p["remasked"]]
    promise(bool(taken), f"seed {given['seed']} takes nothing back")
    taken_in, j = taken[0]
    committed_in = max(k for k, p in enumerate(t["passes"][: taken_in - 1], 1)
                       if j in p["committed"])
    written_in = next(k for k, p in enumerate(t["passes"], 1)
                      if k > taken_in and j in p["committed"])
    promise(rows[written_in][j] != rows[taken_in - 1][j],
            f"it writes {rows[written_in][j]} back where it took it")
    return {"tokens": t["tokens"], "struck": [p["remasked"] for p in t["passes"]],
            "revising": revising, "seeds": SEEDS, "taken_in": taken_in, "position": j + 1,
            "taken": rows[taken_in - 1][j], "committed_in": committed_in,
            "written_in": written_in, "written": rows[written_in][j], "text": t["text"],
            "verdict": "a training name" if t["in_training_set"] else "not a training name"}


@prompt("early-stop")
def _early_stop(py: Shipped, given: dict) -> Facts:
    decode = {k: given[k] for k in ("steps", "tau", "temperature", "strategy")}

    def both(seed: int) -> tuple[dict, dict]:
        plain = py.api.sample(py["shipped"], 1, {**decode, "seed": seed})[0]
        early = py.api.sample(py["shipped"], 1, {**decode, "seed": seed,
                                                 "early_stop": given["tau"]})[0]
        return plain, early

    (p1, e1), (p2, e2) = both(given["seed"]), both(given["seed_again"])
    promise(p1["nfe"] > e1["nfe"] and p2["nfe"] > e2["nfe"], "early stop saved no pass")
    promise(p1["text"] == e1["text"], f"seed {given['seed']}: {p1['text']} -> {e1['text']}")
    promise(p2["text"] != e2["text"], f"seed {given['seed_again']}: the name did not change")
    return {"text_one": p1["text"], "early_tokens_one": e1["tokens"],
            "saved_one": p1["nfe"] - e1["nfe"], "early_one": e1["nfe"], "full_one": p1["nfe"],
            "text_again": p2["text"], "early_tokens_again": e2["tokens"],
            "early_text_again": e2["text"], "saved_again": p2["nfe"] - e2["nfe"],
            "left_again": len(e2["passes"][-1]["committed"])}


def _pct(q: float) -> str:
    return f"{100 * q:.1f}%"  # site/js/views/sweep.js: (100 * q).toFixed(1)


@prompt("sweep-threshold")
def _sweep(py: Shipped, given: dict) -> Facts:
    rows = py.sweep()["rows"]
    tau = next(r for r in rows if r["kind"] == "tau" and r["value"] == given["tau"])
    k = round(tau["nfe"])
    fixed = next(r for r in rows if r["kind"] == "steps" and r["value"] == k)
    promise(tau["quality"] > fixed["quality"] and tau["nfe"] <= fixed["nfe"],
            f"τ = {given['tau']}: {tau['quality']:.3f} in {tau['nfe']:.2f} passes; K = {k}: "
            f"{fixed['quality']:.3f}")

    def cells(r: dict) -> list[list[str]]:
        return [[f"{r['nfe']:.2f}", f"{_pct(r['quality'])} ± {_pct(r['stderr'])}"]]

    return {"tau_row": tau, "k": k, "tau_cells": cells(tau), "k_cells": cells(fixed),
            "tau_passes": f"{tau['nfe']:.2f}", "tau_quality": _pct(tau["quality"]),
            "k_quality": _pct(fixed["quality"])}


@prompt("infill-both-sides")
def _infill(py: Shipped, given: dict) -> Facts:
    def run(template: str) -> dict:
        return py.api.infill(py["shipped"], py["shipped-ar"], template, INFILL_N,
                             given["seed"])

    first, second, third = (run(given[k]) for k in ("first", "second", "third"))
    promise(second["ar"]["real_names"] > first["ar"]["real_names"],
            f"AR: {second['ar']['real_names']} real names for {given['second']}, "
            f"{first['ar']['real_names']} for {given['first']}")
    for r in (first, second, third):
        promise(r["diffusion"]["real_names"] >= r["ar"]["real_names"],
                f"{r['template']}: AR wrote more real names than diffusion")
    cut = [(text, next(n for n in py.names if len(n) > len(text) and n.startswith(text)))
           for text, _count, known in third["ar"]["top"] if not known
           and any(len(n) > len(text) and n.startswith(text) for n in py.names)]
    promise(bool(cut), f"no commonest AR output for {given['third']} starts a longer name")
    return {"first_result": first, "second_result": second, "third_result": third,
            "ar_first": percent(first["ar"]["real_names"]),
            "ar_second": percent(second["ar"]["real_names"]),
            "ar_third": percent(third["ar"]["real_names"]),
            "d_first": percent(first["diffusion"]["real_names"]),
            "d_second": percent(second["diffusion"]["real_names"]),
            "d_third": percent(third["diffusion"]["real_names"]),
            "cut": Html(listed([code(c) for c, _ in cut])),
            "longer": listed([n for _, n in cut]), "room": given["third"].count("?")}


def _edited(py: Shipped, qualname: str, find: str, replace: str, run: Callable[[], Any]) -> Any:
    """What ``run`` returns with a reader's edit of a pytoy function installed (then undone)."""
    source = py.api.source(qualname)
    promise(source.count(find) == 1, f"{qualname} holds {find!r} {source.count(find)} times")
    result = py.api.edit_function(qualname, source.replace(find, replace))
    promise(result["ok"], f"the edit of {qualname} does not run: {result}")
    try:
        return run()
    finally:
        py.api.restore_function(qualname)


@prompt("edit-corrupt-fixed-rate")
def _edit_corrupt(py: Shipped, given: dict) -> Facts:
    from pytoy.defaults import DEFAULTS

    mask = DEFAULTS["symbols"]["mask"]

    def draws() -> list[str]:
        return [py.api.corrupt_word(py["shipped"], WORD, EDIT_T, s)["noisy"]
                for s in range(EDIT_DRAWS)]

    def same_at_every_t() -> bool:
        return all(py.api.corrupt_word(py["shipped"], WORD, given["t_low"], s)["noisy"]
                   == py.api.corrupt_word(py["shipped"], WORD, given["t_high"], s)["noisy"]
                   for s in range(DRAWS))

    edited, same = _edited(py, "diffusion.corrupt", given["find"], given["replace"],
                           lambda: (draws(), same_at_every_t()))
    promise(same, f"with the edit a draw still differs between t = {given['t_low']} and "
            f"t = {given['t_high']}")
    return {"edited_draws": " ".join(edited), "shipped_draws": " ".join(draws()),
            "hidden": sum(r.count(mask) for r in edited), "total": sum(map(len, edited))}


@prompt("edit-schedule-one-pass")
def _edit_schedule(py: Shipped, given: dict) -> Facts:
    source = py.api.source("sampling.schedule")
    returns = [line.strip() for line in source.splitlines() if line.strip().startswith("return")]
    promise(len(returns) == 1, f"sampling.schedule has {len(returns)} return statements")

    def decoded() -> dict:
        return py.api.sample(py["shipped"], 1, EDIT_SCHEDULE)[0]

    t = _edited(py, "sampling.schedule", returns[0], f"return {given['replace']}", decoded)
    shipped = decoded()
    [one] = py.api.sample(py["shipped"], 1, {**EDIT_SCHEDULE, "steps": 1})
    counts = [len(p["committed"]) for p in t["passes"]]
    promise(counts == [py.length], f"the edited schedule committed {counts} per pass")
    promise(t["text"] == one["text"], f"it wrote {t['text']}, a one-pass decode {one['text']}")
    first = next(r for r in py.sweep()["rows"] if r["kind"] == "steps" and r["value"] == 1)
    return {"shipped_return": returns[0], "counts_text": " ".join(map(str, counts)),
            "counts": ", ".join(map(str, counts)), "text": t["text"],
            "verdict": "a training name" if t["in_training_set"] else "not a training name",
            "shipped_counts_text": " ".join(str(len(p["committed"])) for p in shipped["passes"]),
            "q_one": _pct(first["quality"]), "n": SWEEP_N}
