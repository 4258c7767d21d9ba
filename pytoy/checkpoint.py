"""Checkpoints: one JSON file holding a whole `Bundle`.

Weights are base64 of little-endian float64 bytes: exact (bit-for-bit round trip), about a
third the size of decimal text, and readable in a browser. The format has a version, and
loading checks every shape against the config, so a damaged or mismatched file is refused
with a message instead of producing nonsense.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np

from .bundle import Bundle
from .data import Layout
from .model import ModelConfig, param_shapes
from .vocab import Vocab

FORMAT = "pytoy-checkpoint"
VERSION = 1


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


def to_dict(b: Bundle) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "task": b.task,
        "config": b.cfg.to_json(),
        "vocab": b.vocab.to_json(),
        "layout": b.layout.to_json(),
        "params": {k: {"shape": list(v.shape), "data": encode_array(v)}
                   for k, v in b.params.items()},
        "history": {"loss": [round(x, 6) for x in b.history]},
        "train": b.train,
        "data": {"sha256": b.data_sha256, "train": b.train_items, "val": b.val_items},
    }


def from_dict(d: object) -> Bundle:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise CheckpointError("not a pytoy checkpoint (missing format marker)")
    if d.get("version") != VERSION:
        raise CheckpointError(f"checkpoint version {d.get('version')!r} is not supported "
                              f"(this pytoy reads version {VERSION})")
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
        return Bundle(cfg, params, vocab, layout, history, dict(d.get("train", {})),
                      str(data.get("sha256", "")), list(data.get("train", [])),
                      list(data.get("val", [])))
    except CheckpointError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise CheckpointError(f"malformed checkpoint: {type(e).__name__}: {e}") from None


def save(b: Bundle, path: str | Path) -> None:
    Path(path).write_text(json.dumps(to_dict(b), separators=(",", ":")) + "\n")


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
