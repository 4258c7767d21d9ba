"""The thin facade that the browser worker and the CLI call: plain data in, plain data out.

Models live in named sessions (e.g. "names", "translate", "names-ar") so the page can keep
a diffusion model and its autoregressive baseline side by side. Training advances in
chunks (`train_chunk`), so the worker can report progress and answer other requests
between chunks. Nothing here computes model math itself; it routes to the modules.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass

import numpy as np

from . import checkpoint, data, evaluate, floor, generate
from .bundle import Bundle, Resume, item_text, new
from .defaults import DEFAULTS, default, values
from .diffusion import corrupt
from .model import n_params, param_shapes
from .sampling import DecodeSettings
from .train import Trainer, TrainSettings


@dataclass
class Session:
    bundle: Bundle
    dataset: data.Dataset  # the training items, encoded
    trainer: Trainer
    probe: evaluate.Probe | None = None  # loss_by_t's fixed draws, made at its first call
    held_out: data.Dataset | None = None  # the held-out split, encoded (None if there is none)
    held_out_probe: evaluate.Probe | None = None  # its fixed draws, made at the first call


_sessions: dict[str, Session] = {}


def defaults() -> dict:
    """The settings table (defaults.py), strategies included: what the page is built from."""
    return json.loads(json.dumps(DEFAULTS))


def _settings(overrides: dict | None, table: str) -> dict:
    merged = {**values(table), **(overrides or {})}
    unknown = sorted(set(merged) - set(DEFAULTS[table]))
    if unknown:
        raise ValueError(f"unknown {table} setting {unknown[0]!r}")
    return merged


def decode_settings(overrides: dict | None = None) -> DecodeSettings:
    return DecodeSettings(**_settings(overrides, "decode"))


def _session(name: str) -> Session:
    try:
        return _sessions[name]
    except KeyError:
        raise KeyError(f"no model named {name!r}; create or load one first") from None


def _attach(name: str, b: Bundle, ds: data.Dataset, settings: TrainSettings,
            held_out: data.Dataset | None = None) -> dict:
    trainer = Trainer(b.params, b.cfg, ds.tokens, b.layout.maskable(), settings,
                      step=b.steps)
    trainer.history = b.history  # one list: the bundle's history grows as it trains
    if b.resume is not None:  # a version-2 checkpoint: continue exactly where it stopped
        trainer.opt.velocity[...] = b.resume.velocity
        trainer.rng.bit_generator.state = b.resume.rng
    _sessions[name] = Session(b, ds, trainer, held_out=held_out)
    return info(name)


def create(name: str, task: str = "names", arch: str = "diffusion", text: str | None = None,
           model: dict | None = None, train: dict | None = None, val_frac: float | None = None,
           split_seed: int = 0, dataset: str | None = None) -> dict:
    """A fresh model for a dataset (the shipped one, or `text` in the same format).

    `dataset` names one of the names model's datasets (defaults DATASETS): its held-out
    share and split seed come from the table, and the model is labelled with it. The page
    passes the file's `text` (Python in the browser has no data files); CPython reads it.
    """
    if dataset is not None:
        if task != "names" or val_frac is not None:
            raise ValueError("a named dataset is for the names model and sets its own split")
        d = data.dataset(dataset)
        val_frac, split_seed = d["val_frac"], d["split_seed"]
        if text is None:
            text = data.dataset_path(dataset).read_text(encoding="utf-8")
    items = data.parse_lines(text if text is not None else data.default_path(task).read_text(),
                             task)
    full = data.build(items, task)
    tr_idx, val_idx = data.split(len(items), default("data", "val_frac") if val_frac is None
                                 else val_frac, split_seed)
    ds = full.subset(tr_idx)
    b = new(full, **{**_settings(model, "model"), "arch": arch})
    b.train_items = [item_text(q, a) for q, a in ds.items]
    b.val_items = [item_text(*items[i]) for i in val_idx]
    b.dataset = dataset or ""
    settings = TrainSettings(**_settings(train, "train"))
    b.train = settings.to_json()
    return _attach(name, b, ds, settings, full.subset(val_idx) if len(val_idx) else None)


def load(name: str, ckpt: dict | str, task: str | None = None, arch: str | None = None,
         dataset: str | None = None) -> dict:
    """Load a checkpoint (a dict or JSON text); on any error the current model is kept.

    `task`, `arch` and `dataset`, when given, are what the caller expects: a translator
    imported where a names model belongs, or a model of the large list where the small one's
    belongs, is refused with a message, not loaded (see `slot`).
    """
    try:
        d = json.loads(ckpt) if isinstance(ckpt, str) else ckpt
    except json.JSONDecodeError as e:
        # e.msg may end in "at" itself ("Unterminated string starting at"): no second "at"
        where = f"line {e.lineno}, column {e.colno}"
        what = f"{e.msg} {where}" if e.msg.endswith(" at") else f"{e.msg} at {where}"
        raise checkpoint.CheckpointError(f"not a checkpoint: the file is not JSON ({what})"
                                         ) from None
    b = checkpoint.from_dict(d)
    for what, want, got in (("task", task, b.task), ("kind of model", arch, b.cfg.arch),
                            ("data", dataset, slot(b))):
        if want is not None and got != want:
            raise checkpoint.CheckpointError(f"this checkpoint's {what} is {got}; this section "
                                             f"needs {want}")
    items = data.parse_lines("\n".join(b.train_items), b.task) if b.train_items else []
    if not items:
        raise checkpoint.CheckpointError("checkpoint lists no training items")
    ds = data.build(items, b.task, b.vocab, b.layout)
    val = data.parse_lines("\n".join(b.val_items), b.task) if b.val_items else []
    settings = TrainSettings(**_settings(b.train, "train"))
    return _attach(name, b, ds, settings,
                   data.build(val, b.task, b.vocab, b.layout) if val else None)


def slot(b: Bundle) -> str:
    """Which of the names model's datasets a model belongs with: the one it is labelled with,
    else the default (the small list's place is also that of a reader's own list)."""
    if b.task != "names":
        return ""
    return b.dataset or default("data", "names")


def export(name: str) -> dict:
    """The model as a checkpoint, with what continuing its training exactly needs."""
    s = _session(name)
    s.bundle.train = s.trainer.settings.to_json()  # a learning rate changed since creation
    s.bundle.resume = Resume(s.trainer.opt.velocity.copy(), s.trainer.rng.bit_generator.state)
    return checkpoint.to_dict(s.bundle)


def info(name: str) -> dict:
    s = _session(name)
    b = s.bundle
    return {"name": name, "task": b.task, "arch": b.cfg.arch, "config": b.cfg.to_json(),
            "params": n_params(b.cfg),
            "shapes": {k: list(v) for k, v in param_shapes(b.cfg).items()},
            "vocab": b.vocab.to_json(), "layout": b.layout.to_json(),
            "step": s.trainer.step, "train": s.trainer.settings.to_json(),
            "train_items": b.train_items, "val_items": b.val_items, "dataset": slot(b),
            "last_loss": b.history[-1] if b.history else None}


def train_chunk(name: str, steps: int) -> dict:
    """Run up to `steps` training steps now and report them (one progress event)."""
    s = _session(name)
    progress = next(s.trainer.run(steps, chunk=max(steps, 1)), None)
    if progress is None:
        return {"step": s.trainer.step, "losses": [], "elapsed": 0.0, "examples_per_s": 0.0}
    return {"step": progress.step, "losses": progress.losses, "elapsed": progress.elapsed,
            "examples_per_s": progress.examples_per_s, "loss": progress.loss}


def set_lr(name: str, lr: float) -> dict:
    _session(name).trainer.set_lr(float(lr))
    return info(name)


def history(name: str) -> list[float]:
    return list(_session(name).bundle.history)


def sample(name: str, n: int = 1, decode: dict | None = None, template: str | None = None,
           record: bool = True) -> list[dict]:
    """n names (see generate.sample), each marked against the data: `mark` is "training",
    "held-out" or "new" (data.mark), `in_training_set` whether it is a training name."""
    s = _session(name)
    out = generate.sample(s.bundle, n, decode_settings(decode), template, record)
    train, held_out = set(s.bundle.train_items), set(s.bundle.val_items)
    for tl in out:
        tl["in_training_set"] = tl["text"] in train
        tl["mark"] = data.mark(tl["text"], train, held_out)
    return out


def shares(name: str, n: int | None = None, decode: dict | None = None) -> dict:
    """How many of n sampled names are training names, held-out names or new (the denoise section's
    count: does the model copy its list?). n defaults to the page's `shares_n`; the names
    are sampled as `sample` does, without timelines."""
    n = DEFAULTS["page"]["shares_n"] if n is None else int(n)
    if not 1 <= n <= generate.MAX_SAMPLES:
        raise ValueError(f"n must be between 1 and {generate.MAX_SAMPLES}, got {n}")
    marks = [tl["mark"] for tl in sample(name, n, decode, record=False)]
    counts = {k: marks.count(k) for k in ("training", "held-out", "new")}
    return {"n": n, "counts": counts, "shares": {k: c / n for k, c in counts.items()},
            "held_out_items": len(_session(name).bundle.val_items)}


def held_out_loss(name: str) -> dict:
    """The `all` loss on a fixed probe of the held-out names (evaluate.probe_set, the same
    draws at every call), beside the same on the training names' probe: the gap between the
    two is what learning the list by heart, rather than names in general, costs. None for
    `held_out` when nothing is held out. One forward pass each; diffusion models only."""
    s = _session(name)
    b = s.bundle
    if b.cfg.arch != "diffusion":
        raise ValueError(f"the held-out loss needs a diffusion model; {name!r} is {b.cfg.arch}")
    if s.probe is None:
        s.probe = evaluate.probe_set(s.dataset.tokens, b.layout.maskable(), b.vocab.mask_id)
    if s.held_out is not None and s.held_out_probe is None:
        s.held_out_probe = evaluate.probe_set(s.held_out.tokens, b.layout.maskable(),
                                              b.vocab.mask_id)
    train = evaluate.loss_by_t(b.params, b.cfg, s.probe)["loss"]
    held = (None if s.held_out_probe is None
            else evaluate.loss_by_t(b.params, b.cfg, s.held_out_probe)["loss"])
    return {"step": s.trainer.step, "training": train, "held_out": held}


def translate(name: str, words: list[str], decode: dict | None = None) -> list[dict]:
    return generate.translate(_session(name).bundle, words, decode_settings(decode))


def reveal(name: str, word: str, decode: dict | None = None, question: str = "") -> dict:
    """The Timeline of this model producing `word` (the reveal section: AR and diffusion
    on `rahul`)."""
    d = {"temperature": 0.0, **(decode or {})}
    return generate.reveal(_session(name).bundle, word, decode_settings(d), question)


def corrupt_word(name: str, word: str, t: float, seed: int = 0) -> dict:
    """One draw of the forward process on a word (the corrupt section's slider)."""
    s = _session(name)
    b = s.bundle
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"t must be between 0 and 1, got {t}")
    b.vocab.check_word(word)
    x = b.vocab.encode(data.compose(b.layout, word))[None, :]
    xt, masked = corrupt(x, np.array([t]), b.layout.maskable(), b.vocab.mask_id,
                         np.random.default_rng(seed))
    return {"clean": b.vocab.decode(x[0]), "noisy": b.vocab.decode(xt[0]),
            "masked": np.flatnonzero(masked[0]).tolist(),
            "expected_masked": t * int(b.layout.maskable().sum())}


def loss_floor(name: str) -> dict:
    s = _session(name)
    return floor.loss_floor(s.dataset.tokens, s.bundle.layout.maskable()).to_json()


def loss_floor_by_t(name: str) -> dict:
    """The floor per bin of t, hidden and visible (see floor.floor_by_t): for the chart of
    the loss by noise level. Exact for the shipped data (milliseconds); Monte Carlo with its
    errors for a large dataset (seconds: call it once per dataset, not per chunk)."""
    s = _session(name)
    return floor.floor_by_t(s.dataset.tokens, s.bundle.layout.maskable()).to_json()


def loss_by_t(name: str) -> dict:
    """The model's loss on its fixed probe set, per bin of t, hidden and visible (see
    evaluate.loss_by_t): one forward pass, cheap enough to call after every training chunk
    (bench/probe_cost.py). Diffusion models only."""
    s = _session(name)
    b = s.bundle
    if b.cfg.arch != "diffusion":
        raise ValueError(f"the loss by noise level needs a diffusion model; {name!r} is "
                         f"{b.cfg.arch}")
    if s.probe is None:
        s.probe = evaluate.probe_set(s.dataset.tokens, b.layout.maskable(), b.vocab.mask_id)
    return {**evaluate.loss_by_t(b.params, b.cfg, s.probe), "step": s.trainer.step}


def probe_gap(name: str) -> dict:
    """The loss per hidden letter on the fixed probe (loss_by_t), what the best possible
    model pays on the very same draws, and the gap between them: one yardstick for a model
    trained on the `all` loss and one trained on the `elbo` (both share that floor, floor.py),
    free of the probe's own sampling noise. The likelihood section's live ablation."""
    r = loss_by_t(name)
    return {"step": r["step"], "loss": r["hidden_loss"], "floor": r["floor_hidden_loss"],
            "gap": r["hidden_loss"] - r["floor_hidden_loss"]}


def evaluate_model(name: str, by_t: bool = False) -> dict:
    b = _session(name).bundle
    which = b.val_items or b.train_items
    items = data.parse_lines("\n".join(which), b.task)
    return evaluate.report(b, items, "held-out" if b.val_items else "training", by_t=by_t)


def source(qualname: str) -> str:
    """The source of a pytoy function, e.g. "diffusion.corrupt" — the code that runs."""
    import importlib

    module, _, attr = qualname.partition(".")
    if not module.isidentifier():
        raise ValueError(f"bad name {qualname!r}")
    from . import patching

    if qualname in patching.EDITABLE:  # the shipped source, even while a reader's edit runs
        return inspect.getsource(patching.original(qualname))
    obj = importlib.import_module(f"pytoy.{module}")
    for part in attr.split(".") if attr else []:
        obj = getattr(obj, part)
    return inspect.getsource(obj)


def sweep(name: str, n: int = 300, temperature: float = 1.0, seed: int = 0,
          strategy: str = "confidence", taus: list[float] | None = None) -> dict:
    """Quality against forward passes (K = 1…L, then τ for `threshold`): see pytoy.sweep."""
    from . import sweep as sweep_module

    t = sweep_module.TAUS if taus is None else tuple(taus)
    return sweep_module.sweep(_session(name).bundle, n, temperature, seed, strategy, t)


def race(diffusion: str, ar: str, steps: int, seed: int = 0, temperature: float = 0.8) -> dict:
    """The race section: one name from each model, with passes, wall time and readable prefix."""
    from . import compare

    d, a = _session(diffusion).bundle, _session(ar).bundle
    if d.cfg.arch != "diffusion" or a.cfg.arch != "ar":
        raise ValueError("race needs a diffusion model and an autoregressive one")
    return compare.streaming(d, a, int(steps), int(seed), float(temperature))


def infill(diffusion: str, ar: str, template: str, n: int = 200, seed: int = 0,
           temperature: float = 0.8) -> dict:
    """The infill section: n completions of a template by each model (see pytoy.compare.infill)."""
    from . import compare

    if not 1 <= n <= 2000:
        raise ValueError(f"n must be between 1 and 2000, got {n}")
    return compare.infill(_session(diffusion).bundle, _session(ar).bundle, template, int(n),
                          int(seed), float(temperature))


def one_pass_marginals(name: str, examples: list[dict]) -> dict | None:
    """The sweep section: the belief at the two positions where a glued name is cut (see
    compare.one_pass_marginals), for the first of `examples` (api.sweep's glued ones) whose
    two letters there no training name has together; else the first; None if none."""
    from . import compare

    b = _session(name).bundle
    found = [compare.one_pass_marginals(b, ex) for ex in examples]
    return next((m for m in found if not m["names_with_pair"]), found[0] if found else None)


def pass_cost(name: str) -> dict:
    """The limits section: multiply-adds of one forward pass of this model
    (see compare.pass_cost)."""
    from . import compare

    return compare.pass_cost(_session(name).bundle.cfg)


def check_data(text: str, task: str = "names") -> dict:
    """A reader's own data, checked against the page's limits (see data.check_own)."""
    return data.check_own(text, task)


def edit_function(qualname: str, source: str) -> dict:
    """The edit section: run the reader's version of a small pytoy function (see pytoy.patching)."""
    from . import patching

    return patching.edit(qualname, source)


def restore_function(qualname: str) -> dict:
    from . import patching

    return patching.restore(qualname)
