"""Iterative denoising: start from `?`s, predict every hidden position, commit some, repeat.

Every strategy runs the same loop; they differ only in *which* hidden positions they
commit at a step (and `remask` may hide committed ones again):

* `random`     — a random subset, sized by the schedule (the original explainer's sampler)
* `confidence` — the k most confident (LLaDA's low-confidence remasking, MaskGIT)
* `threshold`  — every position whose confidence ≥ τ, at least one (Fast-dLLM)
* `blocks`     — `confidence` inside left-to-right blocks (semi-autoregressive, LLaDA)
* `remask`     — `confidence`, but committed tokens that lose confidence are hidden again
                 and re-predicted later (ReMDM): the one strategy that can revise
* `ar`         — one position per step, strictly left to right, with the diffusion model

Confidence is the probability the model gives the token it proposes (from the untempered
softmax, as LLaDA does); the temperature only shapes which token is proposed (Gumbel-max,
float64; temperature 0 means argmax). The model is told t = the fraction of answer positions
still hidden. Adaptive early stop: when the least confident hidden position (the *gate*)
reaches the early-stop level, everything left is committed at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from .diffusion import log_softmax

STRATEGIES = ("random", "confidence", "threshold", "blocks", "remask", "ar")
MAX_STEPS = 1024

# (B, L) ids, (B,) noise levels -> (B, L, V) logits
Predictor = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class DecodeSettings:
    strategy: str = "confidence"
    steps: int = 0  # K denoising steps; 0 means one per hidden position
    temperature: float = 0.8
    tau: float = 0.9  # `threshold`: commit positions at least this confident
    block_size: int = 4  # `blocks`
    early_stop: float | None = None  # gate level that ends decoding early; None = off
    seed: int = 0

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {self.strategy!r}; choose one of "
                             f"{', '.join(STRATEGIES)}")
        if not 0 <= self.steps <= MAX_STEPS:
            raise ValueError(f"steps must be between 1 and {MAX_STEPS} (0 = automatic), "
                             f"got {self.steps}")
        if not (0.0 <= self.temperature <= 10.0):
            raise ValueError(f"temperature must be between 0 and 10, got {self.temperature}")
        if not 0.0 <= self.tau <= 1.0:
            raise ValueError(f"tau must be between 0 and 1, got {self.tau}")
        if not 1 <= self.block_size <= 64:
            raise ValueError(f"block size must be between 1 and 64, got {self.block_size}")
        if self.early_stop is not None and not 0.0 <= self.early_stop <= 1.0:
            raise ValueError(f"early stop must be between 0 and 1, got {self.early_stop}")

    def to_json(self) -> dict:
        return asdict(self)


def schedule(masked: int, steps: int) -> list[int]:
    """How many positions to commit at each step (LLaDA): masked // K each, and one more
    for the first masked % K steps. Sums to `masked`; steps with nothing left get 0."""
    base, extra = divmod(masked, steps)
    return [base + (1 if s < extra else 0) for s in range(steps)]


def propose(logits: np.ndarray, temperature: float, rng: np.random.Generator
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Proposed token per position, its confidence, and the full probabilities.

    logits (B, L, V) -> tokens (B, L), confidence (B, L), probs (B, L, V).
    """
    probs = np.exp(log_softmax(logits))
    if temperature == 0.0:
        tokens = logits.argmax(axis=-1)
    else:
        u = rng.random(logits.shape)
        gumbel = -np.log(-np.log(np.clip(u, 1e-300, 1.0 - 1e-16)))
        tokens = (logits / temperature + gumbel).argmax(axis=-1)
    conf = np.take_along_axis(probs, tokens[..., None], axis=-1)[..., 0]
    return tokens, conf, probs


def _top(score: np.ndarray, allowed: np.ndarray, k: np.ndarray) -> np.ndarray:
    """(B, L) bool: the k[b] highest-scoring allowed positions of each row b."""
    keyed = np.where(allowed, score, -np.inf)
    order = np.argsort(-keyed, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(score.shape[1])[None, :], axis=1)
    return allowed & (ranks < k[:, None])


def _round(values: np.ndarray, mask: np.ndarray) -> list[float | None]:
    return [round(float(v), 6) if m else None for v, m in zip(values, mask, strict=True)]


class Decoder:
    """Runs one strategy over a batch of sequences and records every step."""

    def __init__(self, predict: Predictor, symbols: str, mask_id: int, maskable: np.ndarray,
                 settings: DecodeSettings, banned: tuple[int, ...] = ()) -> None:
        self.predict, self.symbols, self.mask_id = predict, symbols, mask_id
        self.maskable, self.s = maskable, settings
        self.banned = (mask_id, *banned)  # never proposed: `?` (and `>` inside an answer)
        self.rng = np.random.default_rng(settings.seed)

    def run(self, x: np.ndarray, record: bool = True, target: np.ndarray | None = None
            ) -> dict:
        """x (B, L): `?` at editable positions, fixed characters elsewhere.

        With `target` (B, L), the proposed token is always the target's and its confidence
        is the probability the model gives it: the strategy then shows the order in which
        this model would reveal that particular word (the explainer's section I).

        Returns {"tokens": (B, L) final ids, "nfe": (B,) forward passes, "steps": per-row
        lists of step records (empty when record is False), "early": (B,) bool}.
        """
        s, rng = self.s, self.rng
        x = x.copy()
        B, L = x.shape
        M = int(self.maskable.sum())
        editable = (x == self.mask_id) & self.maskable[None, :]  # (B, L) never changes
        m0 = editable.sum(axis=1)  # (B,) hidden at the start
        # more steps than hidden positions would only add passes that commit nothing
        K = int(m0.max()) if s.strategy == "ar" or not s.steps else min(s.steps, int(m0.max()))
        plans = np.array([schedule(int(m), K) for m in m0]) if K else np.zeros((B, 0), int)
        blocks = self._blocks(L)
        self._block_state = {"block": np.full(B, -1), "step": np.zeros(B, dtype=int),
                             "m0": np.zeros(B, dtype=int)}
        nfe = np.zeros(B, dtype=int)
        early = np.zeros(B, dtype=bool)
        steps: list[list[dict]] = [[] for _ in range(B)]
        step = 0
        while True:
            hidden = (x == self.mask_id) & editable  # (B, L)
            active = hidden.any(axis=1)
            if s.strategy == "remask":
                active &= step < K
            if not active.any() or step >= MAX_STEPS:
                break
            t = hidden.sum(axis=1) / max(M, 1)  # (B,) fraction of answer still hidden
            logits = self.predict(x, t).copy()  # (B, L, V)
            logits[..., list(self.banned)] = -np.inf
            cand, conf, probs = propose(logits, s.temperature, rng)
            if target is not None:
                cand = target
                conf = np.take_along_axis(probs, target[..., None], axis=-1)[..., 0]
            current = np.take_along_axis(probs, x[..., None], axis=-1)[..., 0]
            score = np.where(hidden, conf, current)  # (B, L) confidence of what's shown
            gate = np.where(hidden, conf, np.inf).min(axis=1)
            commit, remask = self._choose(step, K, hidden, editable, score, conf, plans, blocks)
            if s.early_stop is not None:
                stop = active & (gate >= s.early_stop)
                commit[stop] = hidden[stop]
                remask[stop] = False
                early |= stop
            commit &= active[:, None]
            remask &= active[:, None]
            x = np.where(commit, cand, x)
            x = np.where(remask, self.mask_id, x)
            nfe += active
            if record:
                for b in np.flatnonzero(active):
                    h = hidden[b]
                    steps[b].append({
                        "tokens": "".join(self.symbols[i] for i in x[b]),
                        "committed": np.flatnonzero(commit[b]).tolist(),
                        "remasked": np.flatnonzero(remask[b]).tolist(),
                        "confidence": _round(score[b], editable[b]),
                        "candidates": "".join(self.symbols[c] if hh else self.symbols[xx]
                                              for c, hh, xx in zip(cand[b], h, x[b],
                                                                   strict=True)),
                        "gate": round(float(gate[b]), 6),
                        "mean": round(float(conf[b][h].mean()), 6),
                        "hidden_before": int(h.sum()),
                        "nfe": int(nfe[b]),
                    })
            step += 1
        return {"tokens": x, "nfe": nfe, "steps": steps, "early": early, "K": K}

    def _blocks(self, L: int) -> np.ndarray:
        """(L,) block index of each position: answer positions in runs of block_size."""
        pos = np.cumsum(self.maskable) - 1
        return np.where(self.maskable, pos // self.s.block_size, -1)

    def _choose(self, step: int, K: int, hidden: np.ndarray, editable: np.ndarray,
                score: np.ndarray, conf: np.ndarray, plans: np.ndarray, blocks: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """Which hidden positions to commit, and which committed ones to hide again."""
        s = self.s
        B, L = hidden.shape
        none = np.zeros((B, L), dtype=bool)
        n_hidden = hidden.sum(axis=1)
        if s.strategy == "ar":
            first = np.argmax(hidden, axis=1)
            commit = np.zeros((B, L), dtype=bool)
            commit[np.arange(B), first] = True
            return commit & hidden, none
        if s.strategy == "threshold":
            best = _top(conf, hidden, np.ones(B, dtype=int))
            return hidden & ((conf >= s.tau) | best), none
        if s.strategy == "remask":
            # keep the most confident U_s positions (committed or proposed), hide the rest
            fixed = ~editable
            shown = plans[:, : step + 1].sum(axis=1)  # (B,) to be unmasked after this step
            keep = _top(score, editable, shown) | fixed
            return hidden & keep, editable & ~hidden & ~keep
        k = plans[:, step] if step < K else n_hidden
        if s.strategy == "random":
            return _top(self.rng.random((B, L)), hidden, k), none
        if s.strategy == "confidence":
            return _top(conf, hidden, k), none
        # blocks: only the leftmost unfinished block may receive commits
        current = np.where(hidden, blocks[None, :], L).min(axis=1)  # L: past every block
        in_block = hidden & (blocks[None, :] == current[:, None])
        st = self._block_state
        moved = current != st["block"]  # rows that just entered a new block
        st["block"] = np.where(moved, current, st["block"])
        st["step"] = np.where(moved, 0, st["step"])
        st["m0"] = np.where(moved, in_block.sum(axis=1), st["m0"])
        n_blocks = int(blocks.max()) + 1
        k = np.empty(B, dtype=int)
        for b in range(B):
            j = int(min(current[b], n_blocks - 1))
            budget = max(K // n_blocks + (1 if j < K % n_blocks else 0), 1)
            plan = schedule(int(st["m0"][b]), budget)
            k[b] = plan[st["step"][b]] if st["step"][b] < budget - 1 else in_block[b].sum()
        st["step"] = st["step"] + 1
        return _top(conf, in_block, np.maximum(k, 1)), none
