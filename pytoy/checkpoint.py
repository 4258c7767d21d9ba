"""Checkpoints: one JSON file holding a whole `Bundle`.

Weights are base64 of little-endian float64 bytes: exact (bit-for-bit round trip), about a
third the size of decimal text, and readable in a browser. The format has a version, and
loading checks every shape against the config, so a damaged or mismatched file is refused
with a message instead of producing nonsense.

Version 2 adds what continuing training needs to be exact: the optimiser's velocity, the
trainer's random state (PCG64's 128-bit integers as decimal strings, since a browser's
JSON numbers would round them) and the loss history unrounded. Version-1 files (the
format before it, still in readers' browsers and downloads) load as before: their model
continues from its weights with fresh momentum and random draws.

`history.steps`, when present, is the number of steps trained: a copy kept in a browser keeps
the loss of the latest steps only (site/js/checkpoints.js), so the steps are not always the
history's length (files without it: the steps are the history's length).

`data.name`, when present, names the page's dataset the model was made for (`small`,
`large`: defaults.DATASETS), so the page never applies a model to the other list.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np

from .bundle import Bundle, Resume
from .data import Layout
from .model import ModelConfig, param_shapes
from .vocab import Vocab

FORMAT = "pytoy-checkpoint"
VERSION = 2
READS = (1, 2)


class CheckpointError(ValueError):
    """A checkpoint that cannot be used; the message says why."""


def encode_array(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f8").tobytes()).decode("ascii")


def decode_array(s: str, shape: tuple[int, ...]) -> np.ndarray:
    raw = base64.b64decode(s.encode("ascii"), validate=True)
    n = int(np.prod(shape))
    if len(raw) != 8 * n:
        raise CheckpointError(f"weights hold {len(raw) // 8} numbers, the config needs {n}")
    return np.frombuffer(raw, dtype="<f8").reshape(shape).astype(np.float64)


def encode_rng(state: dict) -> dict:
    """numpy's PCG64 state with its integers as strings (exact through any JSON parser)."""
    inner = state["state"]
    return {"bit_generator": state["bit_generator"], "state": str(inner["state"]),
            "inc": str(inner["inc"]), "has_uint32": int(state["has_uint32"]),
            "uinteger": str(state["uinteger"])}


def decode_rng(d: dict) -> dict:
    if d["bit_generator"] != "PCG64":
        raise CheckpointError(f"random state of {d['bit_generator']!r}; expected PCG64")
    state = {"bit_generator": "PCG64",
             "state": {"state": int(d["state"]), "inc": int(d["inc"])},
             "has_uint32": int(d["has_uint32"]), "uinteger": int(d["uinteger"])}
    np.random.default_rng().bit_generator.state = state  # numpy checks ranges here
    return state


def to_dict(b: Bundle) -> dict:
    out = {
        "format": FORMAT,
        "version": VERSION,
        "task": b.task,
        "config": b.cfg.to_json(),
        "vocab": b.vocab.to_json(),
        "layout": b.layout.to_json(),
        "params": {k: {"shape": list(v.shape), "data": encode_array(v)}
                   for k, v in b.params.items()},
        "history": {"loss": [float(x) for x in b.history], "steps": b.steps},
        "train": b.train,
        "data": {"sha256": b.data_sha256, "train": b.train_items, "val": b.val_items},
    }
    if b.dataset:  # which of the page's datasets: it keeps a model of each apart
        out["data"]["name"] = b.dataset
    if b.resume is not None:
        out["resume"] = {"velocity": encode_array(b.resume.velocity),
                         "rng": encode_rng(b.resume.rng)}
    return out


def from_dict(d: object) -> Bundle:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise CheckpointError("not a pytoy checkpoint (missing format marker)")
    version = d.get("version")
    if type(version) is not int or version not in READS:
        raise CheckpointError(f"checkpoint version {version!r} is not supported "
                              f"(this pytoy reads versions {', '.join(map(str, READS))})")
    try:
        cfg = ModelConfig.from_json(d["config"])
        vocab = Vocab.from_json(d["vocab"])
        layout = Layout.from_json(d["layout"])
        if vocab.size != cfg.vocab_size or layout.length != cfg.length:
            raise CheckpointError("vocabulary or length does not match the model config")
        shapes = param_shapes(cfg)
        raw = d["params"]
        if set(raw) != set(shapes):
            raise CheckpointError(f"weights {sorted(raw)} do not match {sorted(shapes)}")
        params = {}
        for k, shape in shapes.items():
            if tuple(raw[k]["shape"]) != shape:
                raise CheckpointError(f"weight {k} has shape {raw[k]['shape']}, "
                                      f"the config needs {list(shape)}")
            params[k] = decode_array(raw[k]["data"], shape)
            if not np.isfinite(params[k]).all():
                raise CheckpointError(f"weight {k} contains non-finite numbers")
        data = d.get("data", {})
        history = [float(x) for x in d.get("history", {}).get("loss", [])]
        if not all(np.isfinite(history)):
            raise CheckpointError("the loss history contains non-finite numbers")
        steps = d.get("history", {}).get("steps", len(history))
        if type(steps) is not int or steps < len(history):
            raise CheckpointError(f"the history's step count {steps!r} is not a whole number "
                                  f"at least its {len(history)} losses")
        resume = None
        if version >= 2 and "resume" in d:
            n = sum(int(np.prod(s)) for s in shapes.values())
            velocity = decode_array(d["resume"]["velocity"], (n,))
            if not np.isfinite(velocity).all():
                raise CheckpointError("the optimiser's velocity contains non-finite numbers")
            resume = Resume(velocity, decode_rng(d["resume"]["rng"]))
        return Bundle(cfg, params, vocab, layout, history, dict(d.get("train", {})),
                      str(data.get("sha256", "")), list(data.get("train", [])),
                      list(data.get("val", [])), resume, str(data.get("name", "")),
                      history_from=steps - len(history))
    except CheckpointError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise CheckpointError(f"malformed checkpoint: {type(e).__name__}: {e}") from None


def load(path: str | Path) -> Bundle:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CheckpointError(f"no such checkpoint: {p}") from None
    except (UnicodeDecodeError, IsADirectoryError):
        raise CheckpointError(f"{p} is not a checkpoint file") from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise CheckpointError(f"{p} is not valid JSON ({e.msg}, line {e.lineno})") from None
    return from_dict(d)
