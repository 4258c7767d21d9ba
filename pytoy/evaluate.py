"""Honest numbers about a trained model: losses, likelihood bounds and accuracy.

All estimates use their own seeded generator, so the same model always gets the same figure.
Likelihoods are per word in nats and per character in bits, counting one end symbol per
word, so the diffusion model's bound and the AR model's exact value share a denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ar
from .diffusion import corrupt, cross_entropy, log_softmax, mask_exactly, sample_t
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


def word_lengths(tokens: np.ndarray, maskable: np.ndarray, pad_id: int) -> np.ndarray:
    """(N,) characters per word plus one end symbol: the shared denominator."""
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


def report(b, items: list[tuple[str, str]], split_name: str, floor_samples: int = 20_000
           ) -> dict:
    """Everything `python -m pytoy evaluate` prints, as a dict.

    Likelihoods on `items` (held-out split or a given file); the `all` loss beside its
    floor on the training items (the distribution the model was fit to).
    """
    from .data import build, parse_lines
    from .floor import loss_floor
    from .generate import translate
    from .sampling import DecodeSettings

    task = b.task
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
    if task == "translate":
        tls = translate(b, [q for q, _ in items], DecodeSettings(temperature=0.0),
                        record=False)
        right = sum(tl["text"] == a for tl, (_, a) in zip(tls, items, strict=True))
        out["exact_match"] = {"correct": right, "total": len(items),
                              "accuracy": right / len(items)}
    return out
