"""The networks: one small MLP, used two ways, with hand-written backprop.

    tokens ──embed──▶ (N, C, E) ──flatten──▶ (N, C·E) ─[+ t]─▶ hidden (N, H) ──▶ logits

* `diffusion` (the denoiser): one row per sequence, C = L positions, the noise level t
  appended, and L·V outputs reshaped to per-position logits (B, L, V). It sees the whole
  corrupted sequence at once, both directions.
* `ar` (the autoregressive baseline, makemore-style): one row per position, C = the
  `context` characters to its left (start-padded with `_`), V outputs: the next character.
  It never looks right.

Both take `forward(params, cfg, x, t)` with x (B, L) and return logits (B, L, V), so the
losses, the trainer and the checkpoint treat them alike. Each op's forward and backward
sit side by side. Everything is float64 so gradients check to 1e-6 against finite
differences and the browser reproduces CPython's numbers.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, fields

import numpy as np

from .defaults import DEFAULTS, check, default
from .vocab import pad_id

ARCHS = tuple(DEFAULTS["model"]["arch"]["choices"])
ACTIVATIONS = tuple(DEFAULTS["model"]["activation"]["choices"])
Params = dict[str, np.ndarray]

# Pyodide's NumPy has no BLAS: there `@` is a naive triple loop and einsum is ~1.8× faster on
# these small matrices. Each contraction names its own subscripts, so no operand needs a
# `.T` view and weight gradients can be written straight into the optimiser's buffer; the
# alternative subscript forms measured within noise of each other (bench/NOTES.md).
# CPython has BLAS, where `@`/np.dot win by far.
_EINSUM = sys.platform == "emscripten"


def mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a (N, K) @ b (K, M) -> (N, M)."""
    return np.einsum("nk,km->nm", a, b) if _EINSUM else a @ b


def mm_tn(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """a.T @ b: a (N, K), b (N, M) -> out (K, M), written in place (a weight gradient)."""
    if _EINSUM:
        return np.einsum("nk,nm->km", a, b, out=out)
    return np.dot(a.T, b, out=out)


def mm_nt(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b.T: a (N, M), b (K, M) -> (N, K) (an input gradient through a weight)."""
    return np.einsum("nm,km->nk", a, b) if _EINSUM else a @ b.T


@dataclass(frozen=True)
class ModelConfig:
    """Defaults and bounds from the settings table (defaults.py), except the data's sizes."""

    arch: str = default("model", "arch")
    vocab_size: int = 22  # V, including `_` pad and `?` mask (and `>` for translation)
    length: int = 7  # L, characters per sequence
    emb: int = default("model", "emb")  # E, embedding size per character
    hidden: int = default("model", "hidden")  # H
    activation: str = default("model", "activation")
    time_input: bool = default("model", "time_input")  # diffusion only: t is an input
    context: int = default("model", "context")  # ar only: characters of left context (0 = L)
    seed: int = default("model", "seed")  # initialisation seed

    def __post_init__(self) -> None:
        check("model", "arch", self.arch, "architecture")
        check("model", "activation", self.activation, "activation")
        for name in ("vocab_size", "length"):
            value = getattr(self, name)
            if not 1 <= value <= 4096:
                raise ValueError(f"{name} must be between 1 and 4096, got {value}")
        for name in ("emb", "hidden", "context", "seed"):
            check("model", name, getattr(self, name), name)

    @property
    def n_ctx(self) -> int:
        """Characters per MLP row: the whole sequence (diffusion) or the left context (ar)."""
        if self.arch == "diffusion":
            return self.length
        return self.context or self.length

    @property
    def n_in(self) -> int:
        return self.n_ctx * self.emb + (1 if self.arch == "diffusion" and self.time_input else 0)

    @property
    def n_out(self) -> int:
        return self.length * self.vocab_size if self.arch == "diffusion" else self.vocab_size

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown config field {unknown[0]!r}")
        return cls(**d)


def param_shapes(cfg: ModelConfig) -> dict[str, tuple[int, ...]]:
    return {
        "emb": (cfg.vocab_size, cfg.emb),
        "w1": (cfg.n_in, cfg.hidden),
        "b1": (cfg.hidden,),
        "w2": (cfg.hidden, cfg.n_out),
        "b2": (cfg.n_out,),
    }


def n_params(cfg: ModelConfig) -> int:
    return sum(int(np.prod(s)) for s in param_shapes(cfg).values())


def init_params(cfg: ModelConfig) -> Params:
    """Kaiming-style hidden layer, a small output layer so the first loss is ≈ log V."""
    rng = np.random.default_rng(cfg.seed)
    gain = 5 / 3 if cfg.activation == "tanh" else 2**0.5
    return {
        "emb": rng.standard_normal((cfg.vocab_size, cfg.emb)),
        "w1": rng.standard_normal((cfg.n_in, cfg.hidden)) * gain / np.sqrt(cfg.n_in),
        "b1": np.zeros(cfg.hidden),
        "w2": rng.standard_normal((cfg.hidden, cfg.n_out)) * 0.01,
        "b2": np.zeros(cfg.n_out),
    }


def pack(params: Params) -> np.ndarray:
    """Move all weights into one flat vector and make `params` views into it, in place.

    The optimiser then updates every weight with a couple of NumPy calls instead of a
    few per tensor — in Pyodide each call costs microseconds, so this matters.
    """
    flat = np.concatenate([p.ravel() for p in params.values()])
    start = 0
    for k, p in params.items():
        params[k] = flat[start : start + p.size].reshape(p.shape)
        start += p.size
    return flat


def views(flat: np.ndarray, params: Params) -> Params:
    """Views into `flat`, shaped and ordered like `params` (the layout `pack` uses)."""
    out, start = {}, 0
    for k, p in params.items():
        out[k] = flat[start : start + p.size].reshape(p.shape)
        start += p.size
    return out


# ── ops: forward and backward together ────────────────────────────────────────────────


def embed_forward(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """(N, C) ids -> (N, C·E) flattened embeddings."""
    return table[idx].reshape(idx.shape[0], -1)


def embed_backward(table: np.ndarray, idx: np.ndarray, dflat: np.ndarray,
                   out: np.ndarray | None = None) -> np.ndarray:
    """Scatter-add row gradients back into the table's rows: (V, E).

    np.bincount over flat (row, column) slots does the scatter-add in one pass; it is ~2×
    faster than np.add.at here and sums each slot in the same order.
    """
    V, E = table.shape
    slots = (idx.reshape(-1, 1) * E + np.arange(E)).ravel().astype(np.intp)  # (N·C·E,)
    dtable = np.bincount(slots, dflat.ravel(), minlength=V * E).reshape(V, E)
    if out is None:
        return dtable
    out[...] = dtable
    return out


def act_forward(pre: np.ndarray, kind: str) -> np.ndarray:
    """In place on `pre` (a fresh temporary): saves an allocation per step."""
    return np.tanh(pre, out=pre) if kind == "tanh" else np.maximum(pre, 0.0, out=pre)


def act_backward(h: np.ndarray, dh: np.ndarray, kind: str) -> np.ndarray:
    """Uses the activation's output h: tanh' = 1 - h², relu' = [h > 0]. In place on dh."""
    if kind == "tanh":
        dh *= 1.0 - h * h
    else:
        dh *= h > 0
    return dh


# ── the model ────────────────────────────────────────────────────────────────────────


def rows(cfg: ModelConfig, x: np.ndarray) -> np.ndarray:
    """MLP input ids: (B, L) itself for diffusion; (B·L, C) left windows for ar."""
    if cfg.arch == "diffusion":
        return x
    B, L = x.shape
    C = cfg.n_ctx
    pad = pad_id(cfg.vocab_size)  # `_` is the start symbol
    padded = np.concatenate([np.full((B, C), pad, dtype=x.dtype), x], axis=1)  # (B, C+L)
    cols = np.arange(L)[:, None] + np.arange(C)[None, :]  # (L, C): window of position i
    return padded[:, cols].reshape(B * L, C)


def forward(params: Params, cfg: ModelConfig, x: np.ndarray, t: np.ndarray | None = None
            ) -> tuple[np.ndarray, dict]:
    """x (B, L) int ids, t (B,) noise levels -> logits (B, L, V) and a cache for backward."""
    B, L = x.shape
    idx = rows(cfg, x)  # (N, C)
    inp = embed_forward(params["emb"], idx)  # (N, C·E)
    if cfg.arch == "diffusion" and cfg.time_input:
        tt = np.zeros(B) if t is None else np.asarray(t, dtype=np.float64)
        inp = np.concatenate([inp, tt[:, None]], axis=1)  # (B, L·E + 1)
    pre = mm(inp, params["w1"])  # (N, H)
    pre += params["b1"]
    h = act_forward(pre, cfg.activation)  # (N, H)
    out = mm(h, params["w2"])  # (N, n_out)
    out += params["b2"]
    logits = out.reshape(B, L, cfg.vocab_size)  # (B, L, V)
    return logits, {"idx": idx, "inp": inp, "h": h}


def backward(params: Params, cfg: ModelConfig, cache: dict, dlogits: np.ndarray,
             flat: np.ndarray | None = None) -> Params:
    """dlogits (B, L, V) -> gradients for every parameter, same shapes as params.

    With `flat` (a vector laid out like `pack(params)`), the gradients are written straight
    into it and returned as views of it — the optimiser then needs no concatenation.
    """
    h, inp, idx = cache["h"], cache["inp"], cache["idx"]
    grads = views(np.empty(sum(p.size for p in params.values())) if flat is None else flat,
                  params)
    dout = dlogits.reshape(h.shape[0], cfg.n_out)  # (N, n_out)
    mm_tn(h, dout, out=grads["w2"])  # (H, n_out) = h.T @ dout
    np.sum(dout, axis=0, out=grads["b2"])
    dpre = act_backward(h, mm_nt(dout, params["w2"]), cfg.activation)  # (N, H)
    mm_tn(inp, dpre, out=grads["w1"])  # (n_in, H) = inp.T @ dpre
    np.sum(dpre, axis=0, out=grads["b1"])
    n_emb = cfg.n_ctx * cfg.emb  # only the embedding rows of w1: the t column has no input
    demb = mm_nt(dpre, params["w1"][:n_emb])  # (N, C·E)
    embed_backward(params["emb"], idx, demb, out=grads["emb"])
    return grads
