"""`python -m pytoy`: train, sample, translate and evaluate from a terminal.

Every command goes through `pytoy.api`, like the page does. Progress goes to stderr,
results to stdout (text, or one JSON document with --json). Bad input ends with a one-line
`error: …` and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from . import api, checkpoint, data, evaluate
from .checkpoint import CheckpointError
from .defaults import DEFAULTS, default
from .sampling import DecodeSettings
from .sweep import sweep
from .train import DivergenceError
from .vocab import VocabError


def _number(kind, lo: float, hi: float, name: str):
    """An argparse type that accepts only finite numbers in [lo, hi]."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if (isinstance(value, float) and not math.isfinite(value)) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{name} must be between {lo:g} and {hi:g}, "
                                             f"got {text}")
        return value
    return parse


def _flag(p: argparse.ArgumentParser, flag: str, group: str, name: str, **kw) -> None:
    """A flag whose default, bounds (or choices) and help come from the settings table."""
    spec = DEFAULTS[group][name]
    if "choices" in spec:
        def choice(text: str) -> str:
            if text not in spec["choices"]:
                raise argparse.ArgumentTypeError(f"unknown {name} {text!r}; choose one of "
                                                 f"{', '.join(spec['choices'])}")
            return text
        p.add_argument(flag, type=choice, default=spec["default"],
                       help=kw.pop("help", " | ".join(spec["choices"])), **kw)
        return
    kind = int if spec["integer"] else float
    p.add_argument(flag, type=_number(kind, spec["min"], spec["max"], flag),
                   default=kw.pop("default", spec["default"]),
                   help=kw.pop("help", spec.get("about")), **kw)


def _decode_flags(p: argparse.ArgumentParser) -> None:
    for name in ("steps", "strategy", "temperature", "tau", "block_size", "early_stop", "seed"):
        _flag(p, "--" + name.replace("_", "-"), "decode", name)
    p.add_argument("--timeline", action="store_true", help="print every denoising step")
    p.add_argument("--json", action="store_true", help="print JSON")


def _decode(args) -> dict:
    return {"strategy": args.strategy, "steps": args.steps, "temperature": args.temperature,
            "tau": args.tau, "block_size": args.block_size, "early_stop": args.early_stop,
            "seed": args.seed}


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, like every other error."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m pytoy", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    t = sub.add_parser("train", help="train a model and save it as a JSON checkpoint")
    t.add_argument("task", choices=data.TASKS)
    t.add_argument("--data", help="newline-separated file (default: the shipped dataset)")
    t.add_argument("--dataset", choices=list(DEFAULTS["datasets"]),
                   help="one of the page's names datasets, with its own held-out split "
                        "(instead of --data and --val-frac)")
    _flag(t, "--arch", "model", "arch")
    _flag(t, "--loss", "train", "loss")
    _flag(t, "--steps", "train_steps", "names", default=None,
          help="training steps (default: the task's, from the settings table)")
    for name in ("batch", "lr", "momentum"):
        _flag(t, "--" + name, "train", name)
    for name in ("emb", "hidden"):
        _flag(t, "--" + name, "model", name)
    t.add_argument("--no-time", action="store_true", help="do not give the model t")
    _flag(t, "--seed", "train", "seed", help="seeds the weights, the batches and the split")
    _flag(t, "--val-frac", "data", "val_frac")
    t.add_argument("--out", required=True, help="checkpoint path to write")
    t.add_argument("--weights-only", action="store_true",
                   help="leave out the optimiser's state: half the size, but training it "
                        "further starts with fresh momentum and random draws")
    t.add_argument("--json", action="store_true")

    s = sub.add_parser("sample", help="generate names, printing each (or its timeline)")
    s.add_argument("model")
    s.add_argument("-n", type=_number(int, 1, 10_000, "-n"), default=10)
    s.add_argument("--template", help="fixed letters and ? gaps, e.g. r??ul")
    _decode_flags(s)

    tr = sub.add_parser("translate", help="translate English words with a translator model")
    tr.add_argument("model")
    tr.add_argument("words", nargs="+")
    _decode_flags(tr)

    w = sub.add_parser("sweep", help="quality against forward passes, K = 1…L and τ")
    w.add_argument("model")
    w.add_argument("-n", type=_number(int, 10, 10_000, "-n"), default=500,
                   help="decodes per point")
    _flag(w, "--temperature", "decode", "temperature", default=1.0,
          help="1 = the model's own distribution (the sweep's default)")
    _flag(w, "--strategy", "decode", "strategy", help="strategy for the K sweep")
    w.add_argument("--seed", type=_number(int, 0, 2**32 - 1, "--seed"), default=0)
    w.add_argument("--json", action="store_true")

    e = sub.add_parser("evaluate", help="likelihood, loss vs floor, accuracy")
    e.add_argument("model")
    e.add_argument("--data", help="evaluate on this file instead of the held-out split")
    e.add_argument("--by-t", action="store_true",
                   help="also the loss by noise level t, hidden and visible, beside its floor")
    e.add_argument("--json", action="store_true")
    return p


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_train(args) -> dict:
    text = None
    if args.data:
        try:
            text = Path(args.data).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise data.DataError(f"cannot read {args.data}: {e}") from None
    model = {"emb": args.emb, "hidden": args.hidden, "seed": args.seed,
             "time_input": not args.no_time}
    train = {"lr": args.lr, "batch": args.batch, "momentum": args.momentum, "loss": args.loss,
             "seed": args.seed}
    if args.dataset is not None:
        if args.data or args.val_frac != default("data", "val_frac"):
            raise data.DataError("--dataset brings its own file and split: drop --data and "
                                 "--val-frac")
        api.create("cli", args.task, args.arch, None, model, train, dataset=args.dataset)
    else:
        api.create("cli", args.task, args.arch, text, model, train, args.val_frac, args.seed)
    steps = default("train_steps", args.task) if args.steps is None else args.steps
    every = max(steps // 20, DEFAULTS["chunk"])
    done = 0
    while done < steps:
        r = api.train_chunk("cli", min(every, steps - done))
        done = r["step"]
        _progress(f"step {done:>7}/{steps}  loss {r['loss']:.4f}  "
                  f"{r['examples_per_s']:,.0f} examples/s")
    out = api.export("cli")
    if args.weights_only:
        out.pop("resume", None)
    Path(args.out).write_text(json.dumps(out, separators=(",", ":")) + "\n")
    info = api.info("cli")
    return {"out": args.out, "steps": info["step"], "params": info["params"],
            "final_loss": info["last_loss"], "config": info["config"], "train": info["train"]}


def _load(path: str) -> None:
    b = checkpoint.load(path)
    api.load("cli", checkpoint.to_dict(b))


def _show(tls: list[dict], args) -> str:
    lines = []
    for tl in tls:
        if args.timeline:
            lines.append(f"{tl['start']}  (start)")
            for st in tl["passes"]:
                extra = f"  remasked {st['remasked']}" if st["remasked"] else ""
                lines.append(f"{st['tokens']}  step {st['nfe']:>2}  committed "
                             f"{st['committed']}  gate {st['gate']:.3f}{extra}")
        label = tl["text"] or "(empty)"
        if "question" in tl:
            mark = "" if tl["seen"] else "  (unseen word)"
            if tl["seen"] and not tl["correct"]:
                mark = f"  (expected {tl['expected']})"
            lines.append(f"{tl['question']} > {label}{mark}")
        else:
            mark = "" if tl.get("in_training_set") else "  (new)"
            lines.append(f"{label}{mark}")
        if args.timeline:
            lines.append("")
    return "\n".join(lines)


def cmd_sample(args) -> dict:
    _load(args.model)
    return {"timelines": api.sample("cli", args.n, _decode(args), args.template)}


def cmd_translate(args) -> dict:
    _load(args.model)
    return {"timelines": api.translate("cli", args.words, _decode(args))}


def cmd_evaluate(args) -> dict:
    b = checkpoint.load(args.model)
    if args.data:
        items = data.load(args.data, b.task).items
        return evaluate.report(b, items, args.data, by_t=args.by_t)
    api.load("cli", checkpoint.to_dict(b))
    return api.evaluate_model("cli", by_t=args.by_t)


def cmd_sweep(args) -> dict:
    b = checkpoint.load(args.model)
    DecodeSettings(args.strategy)  # validate before the long run
    return sweep(b, args.n, args.temperature, args.seed, args.strategy,
                 progress=lambda i, n: _progress(f"point {i}/{n}"))


def _sweep_table(r: dict) -> str:
    what = "training names" if r["task"] == "names" else "exact translations"
    lines = [f"{r['arch']} {r['task']} model, {r['n']} decodes per point, temperature "
             f"{r['temperature']:g}, seed {r['seed']}; quality = fraction of {what}",
             f"{'setting':<14}{'passes':>8}{'quality':>10}{'± se':>8}{'distinct':>10}"]
    for row in r["rows"]:
        label = {"steps": f"K = {row['value']}", "tau": f"τ = {row['value']:g}",
                 "ar": "left to right"}[row["kind"]]
        lines.append(f"{label:<14}{row['nfe']:>8.2f}{row['quality']:>10.3f}"
                     f"{row['stderr']:>8.3f}{row['distinct']:>10}")
    return "\n".join(lines)


def _text_report(r: dict) -> str:
    lines = [f"{r['arch']} {r['task']} model, {r['steps_trained']} steps; "
             f"{r['words']} words ({r['split']})"]
    n = r["nll"]
    err = f" ± {n['stderr_bits']:.3f}" if n["stderr_bits"] else ""
    lines.append(f"NLL ({n['kind']}): {n['nats_per_word']:.3f} nats/word, "
                 f"{n['bits_per_char']:.3f}{err} bits/char "
                 f"(unigram: {r['unigram_bits_per_char']:.3f})")
    if "all_loss" in r:
        a = r["all_loss"]
        f = a["floor"]
        how = "exact" if f["exact"] else f"Monte Carlo ± {f['stderr']:.4f}"
        lines.append(f"all loss: {a['mean']:.4f} ± {a['stderr']:.4f} nats; floor "
                     f"{f['value']:.4f} ({how}); gap {a['gap']:.4f}")
    if "exact_match" in r:
        m = r["exact_match"]
        lines.append(f"exact match: {m['correct']}/{m['total']} ({m['accuracy']:.0%})")
    if "loss_by_t" in r:
        lines += _by_t_table(r["loss_by_t"]["model"], r["loss_by_t"]["floor"])
    return "\n".join(lines)


def _by_t_table(model: dict, fl: dict) -> list[str]:
    """Nats per hidden / visible / maskable position in each bin of t, beside the floor
    (expected, from pytoy.floor) and the best model's cost on the probe's own draws."""
    def cell(x: float | None, width: int = 8) -> str:
        return f"{'-' if x is None else f'{x:.3f}':>{width}}"

    probe = model["probe"]
    how = "exact" if fl["exact"] else f"Monte Carlo, {fl['samples_per_bin']} draws a bin"
    lines = [f"loss by noise level t on the training items, nats per position (probe: "
             f"{probe['rows']} rows, seed {probe['seed']}; floor {how}; the floor of a "
             f"visible position is 0):",
             f"{'t':<12}{'hidden':>8}{'floor':>8}{'on probe':>9}{'visible':>8}{'all':>8}"
             f"{'floor':>8}{'on probe':>9}"]
    edges = model["edges"]
    for j in range(len(edges) - 1):
        lines.append(f"{f'({edges[j]:g}, {edges[j + 1]:g}]':<12}"
                     f"{cell(model['hidden'][j])}{cell(fl['hidden'][j])}"
                     f"{cell(model['floor_hidden'][j], 9)}{cell(model['visible'][j])}"
                     f"{cell(model['all'][j])}{cell(fl['all'][j])}"
                     f"{cell(model['floor_all'][j], 9)}")
    lines.append(f"{'all t':<12}{cell(model['hidden_loss'])}{cell(fl['hidden_value'])}"
                 f"{'':>17}{cell(model['loss'])}{cell(fl['value'])}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handlers = {"train": cmd_train, "sample": cmd_sample, "translate": cmd_translate,
                "evaluate": cmd_evaluate, "sweep": cmd_sweep}
    try:
        result = handlers[args.command](args)
    except (VocabError, data.DataError, CheckpointError, DivergenceError, ValueError,
            KeyError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        print(f"error: {msg}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    elif args.command == "train":
        loss = result["final_loss"]
        print(f"saved {result['out']}: {result['steps']} steps, final loss "
              + ("none (no step trained)" if loss is None else f"{loss:.4f}"))
    elif args.command == "evaluate":
        print(_text_report(result))
    elif args.command == "sweep":
        print(_sweep_table(result))
    else:
        print(_show(result["timelines"], args))
    return 0
