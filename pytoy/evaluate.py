"""Honest numbers about a trained model: losses, likelihood bounds and accuracy.

All estimates use their own seeded generator, so the same model always gets the same figure.
Likelihoods are per word in nats and per character in bits, counting the first pad after a
word as its end symbol (a word that fills the row has none), so the diffusion model's bound
and the AR model's exact value share a denominator.

`loss_by_t` is where the loss comes from: the model's cross-entropy on a fixed probe set
(`probe_set`: the same examples, t and masks at every call, so a chart of it moves only
because the model does), binned by t and split into hidden and visible positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ar
from .defaults import DEFAULTS
from .diffusion import T_EPS, corrupt, cross_entropy, log_softmax, mask_exactly, sample_t, t_edges
from .floor import bayes_costs
from .model import ModelConfig, Params, forward
from .vocab import mask_id, pad_id


@dataclass(frozen=True)
class Estimate:
    mean: float
    stderr: float
    samples: int

    def to_json(self) -> dict:
        return {"mean": self.mean, "stderr": self.stderr, "samples": self.samples}


def _estimate(values: np.ndarray) -> Estimate:
    se = float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
    return Estimate(float(values.mean()), se, len(values))


def all_loss(params: Params, cfg: ModelConfig, tokens: np.ndarray, maskable: np.ndarray,
             repeats: int = 200, seed: int = 1234) -> Estimate:
    """Expected `all` loss (the training objective) over t, masks and every example.

    Each example is corrupted `repeats` times; the spread across those draws gives the
    standard error. Compare it with `floor.loss_floor` on the same tokens.
    """
    rng = np.random.default_rng(seed)
    N = tokens.shape[0]
    M = int(maskable.sum())
    per = []
    for _ in range(repeats):
        t = sample_t(rng, N)
        xt, _ = corrupt(tokens, t, maskable, mask_id(cfg.vocab_size), rng)
        logits, _ = forward(params, cfg, xt, t)
        nll = -np.take_along_axis(log_softmax(logits), tokens[..., None], axis=-1)[..., 0]
        per.append((nll * maskable).sum() / (N * M))
    return _estimate(np.array(per))


@dataclass(frozen=True)
class Probe:
    """Fixed draws of the forward process: P = bins · per_bin rows."""

    x: np.ndarray  # (P, L) clean rows
    xt: np.ndarray  # (P, L) the same rows with `?` where hidden
    t: np.ndarray  # (P,) noise level of each row (what the model is told)
    hidden: np.ndarray  # (P, L) bool
    bins: np.ndarray  # (P,) the bin of t of each row
    edges: np.ndarray  # (bins + 1,) bin j is t in (edges[j], edges[j+1]]
    maskable: np.ndarray  # (L,)
    seed: int
    floor_costs: np.ndarray  # (P, L) what the best possible model pays here (floor.bayes_costs)


def probe_set(tokens: np.ndarray, maskable: np.ndarray, mask_id: int,
              per_bin: int | None = None, seed: int | None = None, bins: int | None = None,
              eps: float = T_EPS) -> Probe:
    """`per_bin` rows in each bin of t (defaults: the table's `loss_by_t`), t evenly spread
    across the bin (midpoints of equal slices of (lo, hi] ∩ (eps, 1]) rather than drawn, so
    no bin is left thin; the examples in a seeded shuffled cycle, the masks drawn with the
    seed. The same arguments give the same draws whatever the model."""
    table = DEFAULTS["loss_by_t"]
    per_bin = table["probe_per_bin"] if per_bin is None else per_bin
    seed = table["probe_seed"] if seed is None else seed
    edges = t_edges(table["bins"] if bins is None else bins)
    rng = np.random.default_rng(seed)
    lo, hi = np.maximum(edges[:-1], eps), np.minimum(edges[1:], 1.0)
    reached = np.flatnonzero(hi > lo)  # bins the training draw can reach
    slices = (np.arange(per_bin) + 0.5) / per_bin  # (per_bin,)
    t = (lo[reached, None] + (hi - lo)[reached, None] * slices[None, :]).ravel()  # (P,)
    which = np.repeat(reached, per_bin)  # (P,)
    idx = rng.permutation(np.resize(np.arange(len(tokens)), len(t)))  # every example alike
    x = tokens[idx]  # (P, L)
    xt, hidden = corrupt(x, t, maskable, mask_id, rng)
    return Probe(x, xt, t, hidden, which, edges, maskable, seed,
                 bayes_costs(tokens, x, hidden))


def _or_none(num: np.ndarray, den: np.ndarray) -> list[float | None]:
    return [float(n / d) if d else None for n, d in zip(num, den, strict=True)]


def loss_by_t(params: Params, cfg: ModelConfig, probe: Probe) -> dict:
    """The model's cross-entropy on the probe, per bin of t, JSON-ready (lists by bin).

    `hidden` / `visible`: mean nats per hidden / visible maskable position of the bin's rows
    (None if it has none); `all`: per maskable position, what the `all` loss averages there
    (the rows' shares of hidden and visible positions weigh the two); `loss`: the `all` loss
    on the whole probe (= Σ rows · all / Σ rows), `hidden_loss` per hidden position and
    `floor_hidden_loss` the best possible model's per hidden position on the whole probe.
    `floor_hidden` / `floor_all`: the same for the best possible model on these very draws
    (its visible cost is 0). With 320 rows a bin holds a few dozen hidden letters, so the
    model may land under `floor.floor_by_t`'s expectation; model − floor_* is the paired
    gap, free of the probe's sampling noise in the floor.
    """
    if cfg.arch != "diffusion":
        raise ValueError("the loss by noise level needs a diffusion model; this one is "
                         f"{cfg.arch}")
    logits, _ = forward(params, cfg, probe.xt, probe.t)  # (P, L, V)
    nll = -np.take_along_axis(log_softmax(logits), probe.x[..., None], axis=-1)[..., 0]
    visible = probe.maskable[None, :] & ~probe.hidden  # (P, L)
    J, M = len(probe.edges) - 1, int(probe.maskable.sum())

    def per_bin(values: np.ndarray) -> np.ndarray:  # (P,) -> (J,) summed by bin
        return np.bincount(probe.bins, weights=values, minlength=J)

    h_sum, h_n = per_bin((nll * probe.hidden).sum(1)), per_bin(probe.hidden.sum(1))
    v_sum, v_n = per_bin((nll * visible).sum(1)), per_bin(visible.sum(1))
    f_sum = per_bin(probe.floor_costs.sum(1))
    rows = np.bincount(probe.bins, minlength=J)
    return {
        "edges": probe.edges.tolist(),
        "rows": rows.tolist(),
        "hidden_positions": h_n.astype(int).tolist(),
        "visible_positions": v_n.astype(int).tolist(),
        "hidden": _or_none(h_sum, h_n),
        "visible": _or_none(v_sum, v_n),
        "all": _or_none(h_sum + v_sum, rows * M),
        "floor_hidden": _or_none(f_sum, h_n),
        "floor_all": _or_none(f_sum, rows * M),
        "loss": float((h_sum.sum() + v_sum.sum()) / (rows.sum() * M)),
        "hidden_loss": float(h_sum.sum() / max(h_n.sum(), 1)),
        "floor_hidden_loss": float(f_sum.sum() / max(h_n.sum(), 1)),
        "probe": {"rows": int(rows.sum()), "per_bin": int(rows.max()), "seed": probe.seed},
    }


def word_lengths(tokens: np.ndarray, maskable: np.ndarray, pad_id: int) -> np.ndarray:
    """(N,) characters per word plus its end symbol (the first pad; none if the word fills the
    row): the shared denominator."""
    return ar.score_mask(tokens, maskable, pad_id).sum(axis=1)


def ar_nll(params: Params, cfg: ModelConfig, tokens: np.ndarray, maskable: np.ndarray
           ) -> np.ndarray:
    """(N,) exact negative log-likelihood of each word (with its end symbol), in nats."""
    logits, _ = forward(params, cfg, tokens)  # (N, L, V)
    nll = -np.take_along_axis(log_softmax(logits), tokens[..., None], axis=-1)[..., 0]
    return (nll * ar.score_mask(tokens, maskable, pad_id(cfg.vocab_size))).sum(axis=1)


def diffusion_nll_bound(params: Params, cfg: ModelConfig, tokens: np.ndarray,
                        maskable: np.ndarray, samples: int = 64, seed: int = 1234
                        ) -> tuple[np.ndarray, np.ndarray]:
    """(N,) upper bounds on each word's NLL in nats, and their standard errors.

    The ELBO of masked diffusion equals E_k[(M/k) Σ_{hidden} −log p(x_i | visible)] with
    k ~ U{1..M} positions hidden uniformly (LLaDA's low-variance form). It is the exact
    expected NLL of decoding one random position at a time, so it bounds the model's NLL.
    The model is told t = k/M, as the samplers do.
    """
    rng = np.random.default_rng(seed)
    N = tokens.shape[0]
    M = int(maskable.sum())
    draws = np.empty((samples, N))
    for s in range(samples):
        k = rng.integers(1, M + 1, N)  # (N,)
        hidden = mask_exactly(rng, N, maskable, k)  # (N, L)
        xt = np.where(hidden, mask_id(cfg.vocab_size), tokens)
        logits, _ = forward(params, cfg, xt, k / M)
        w = hidden * (M / k)[:, None]
        nll = -np.take_along_axis(log_softmax(logits), tokens[..., None], axis=-1)[..., 0]
        draws[s] = (w * nll).sum(axis=1)
    return draws.mean(axis=0), draws.std(axis=0, ddof=1) / np.sqrt(samples)


def bits_per_char(nll_nats: np.ndarray, lengths: np.ndarray) -> float:
    return float(nll_nats.sum() / lengths.sum() / np.log(2))


def unigram_nll(train: np.ndarray, test: np.ndarray, maskable: np.ndarray, V: int,
                pad_id: int) -> np.ndarray:
    """(N,) NLL under a unigram model of characters + end symbol (add-one smoothing)."""
    counts = np.bincount(train[ar.score_mask(train, maskable, pad_id)], minlength=V) + 1.0
    counts[V - 1] = 0.0  # the mask symbol is never a character
    logp = np.log(np.maximum(counts, 1e-300) / counts.sum())
    scored = ar.score_mask(test, maskable, pad_id)
    return np.where(scored, -logp[test], 0.0).sum(axis=1)


def loss_on(params: Params, cfg: ModelConfig, tokens: np.ndarray, weights: np.ndarray,
            xt: np.ndarray, t: np.ndarray | None) -> float:
    """The weighted cross-entropy for given inputs (used by tests and the page)."""
    logits, _ = forward(params, cfg, xt, t)
    return cross_entropy(logits, tokens, weights)[0]


def report(b, items: list[tuple[str, str]], split_name: str, floor_samples: int = 20_000,
           by_t: bool = False) -> dict:
    """Everything `python -m pytoy evaluate` prints, as a dict.

    Likelihoods on `items` (held-out split or a given file); the `all` loss beside its
    floor on the training items (the distribution the model was fit to). With `by_t`, also
    the loss by noise level on the training items' probe set beside the floor per bin.
    """
    from .data import build, parse_lines
    from .floor import floor_by_t, loss_floor
    from .generate import translate
    from .sampling import DecodeSettings

    task = b.task
    if by_t and b.cfg.arch != "diffusion":
        raise ValueError(f"the loss by noise level needs a diffusion model; this one is "
                         f"{b.cfg.arch}")
    ds = build(items, task, b.vocab, b.layout)
    maskable = b.layout.maskable()
    pad = b.vocab.pad_id
    lengths = word_lengths(ds.tokens, maskable, pad)
    out: dict = {"task": task, "arch": b.cfg.arch, "split": split_name, "words": len(items),
                 "steps_trained": b.steps}
    train_items = parse_lines("\n".join(b.train_items), task) if b.train_items else items
    train_ds = build(train_items, task, b.vocab, b.layout)
    uni = unigram_nll(train_ds.tokens, ds.tokens, maskable, b.vocab.size, pad)
    out["unigram_bits_per_char"] = bits_per_char(uni, lengths)
    if b.cfg.arch == "ar":
        nll = ar_nll(b.params, b.cfg, ds.tokens, maskable)
        out["nll"] = {"kind": "exact", "nats_per_word": float(nll.mean()),
                      "bits_per_char": bits_per_char(nll, lengths), "stderr_bits": 0.0}
    else:
        nll, se = diffusion_nll_bound(b.params, b.cfg, ds.tokens, maskable)
        se_total = float(np.sqrt((se**2).sum()) / lengths.sum() / np.log(2))
        out["nll"] = {"kind": "elbo upper bound", "nats_per_word": float(nll.mean()),
                      "bits_per_char": bits_per_char(nll, lengths), "stderr_bits": se_total,
                      "samples_per_word": 64, "seed": 1234}
        est = all_loss(b.params, b.cfg, train_ds.tokens, maskable)
        fl = loss_floor(train_ds.tokens, maskable, samples=floor_samples)
        out["all_loss"] = {**est.to_json(), "floor": fl.to_json(), "gap": est.mean - fl.value}
        if by_t:
            probe = probe_set(train_ds.tokens, maskable, b.vocab.mask_id)
            out["loss_by_t"] = {"model": loss_by_t(b.params, b.cfg, probe),
                                "floor": floor_by_t(train_ds.tokens, maskable).to_json()}
    if task == "translate":
        tls = translate(b, [q for q, _ in items], DecodeSettings(temperature=0.0),
                        record=False)
        right = sum(tl["text"] == a for tl, (_, a) in zip(tls, items, strict=True))
        out["exact_match"] = {"correct": right, "total": len(items),
                              "accuracy": right / len(items)}
    return out
