"""Iterative denoising: start from `?`s, predict every hidden position, commit some, repeat.

Every strategy runs the same loop (`Decoder.run`); they differ only in *which* hidden
positions they commit at a step (and `remask` may hide committed ones again). Each is one
small function registered with `register` below, with a one-line description: that is all
it takes for a strategy to exist in the CLI, the API, the page's menus and its URL.

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

Every step also records the model's belief: at each position the decoder may write, the
untempered softmax over the vocabulary at that step's input, with the symbols that can never
be proposed (`?`, and `>` inside an answer) set to 0 and the rest renormalised — exactly the
probabilities `propose` drew from, so recording costs no forward pass. In memory it is
float64 (`step_record`); a Timeline rounds it to PROB_DECIMALS (`step_json`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from .defaults import DEFAULTS, bounds, check, default
from .diffusion import log_softmax

MAX_STEPS = int(bounds("decode", "steps")[1])
# decimals of a recorded probability in a Timeline (JSON): each within 5e-5 of the float64,
# finer than a heat strip or a printed percentage shows, and ~6 characters a number
PROB_DECIMALS = 4

# (B, L) ids, (B,) noise levels -> (B, L, V) logits
Predictor = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class DecodeSettings:
    """Defaults and bounds from the settings table (defaults.py)."""

    strategy: str = default("decode", "strategy")
    steps: int = default("decode", "steps")  # K denoising steps; 0 = one per hidden position
    temperature: float = default("decode", "temperature")
    tau: float = default("decode", "tau")  # `threshold`: commit positions this confident
    block_size: int = default("decode", "block_size")  # `blocks`
    early_stop: float | None = default("decode", "early_stop")  # gate level; None = off
    seed: int = default("decode", "seed")

    def __post_init__(self) -> None:
        check("decode", "strategy", self.strategy, "strategy")
        if isinstance(self.steps, bool) or not isinstance(self.steps, int) \
                or not 0 <= self.steps <= MAX_STEPS:
            raise ValueError(f"steps must be between 1 and {MAX_STEPS} (0 = automatic), "
                             f"got {self.steps}")
        check("decode", "temperature", self.temperature, "temperature")
        check("decode", "tau", self.tau, "tau")
        check("decode", "block_size", self.block_size, "block size")
        check("decode", "early_stop", self.early_stop, "early stop")
        check("decode", "seed", self.seed, "seed")

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


def step_record(symbols: str, tokens: np.ndarray, committed: np.ndarray,
                remasked: np.ndarray, confidence: list[float | None], candidates: str,
                gate: float, mean: float, hidden_before: int, nfe: int, probs: np.ndarray
                ) -> dict:
    """One pass of a timeline (one row of ids), as the decoders record it in memory.

    `tokens` is the row after the pass; the pass's input is the previous pass's `tokens`
    (the Timeline's `start` for the first). `probs` (L, V) float64 is the model's belief at
    that input: the untempered softmax with the never-proposed symbols at 0, renormalised,
    at the positions the decoder may write (diffusion) or the one it writes (AR); NaN rows
    elsewhere (a question, `>`, a template's letters). `step_json` makes it JSON.
    """
    return {
        "tokens": "".join(symbols[i] for i in tokens),
        "committed": np.flatnonzero(committed).tolist(),
        "remasked": np.flatnonzero(remasked).tolist(),
        "confidence": confidence,
        "candidates": candidates,
        "gate": round(float(gate), 6),
        "mean": round(float(mean), 6),
        "hidden_before": int(hidden_before),
        "nfe": int(nfe),
        "probs": probs,
    }


def probs_json(probs: np.ndarray) -> list[list[float | int] | None]:
    """(L, V) float64 -> per position a list of V probabilities (vocabulary order) rounded
    to PROB_DECIMALS, or None where nothing was recorded (a NaN row).

    0 and 1 are written as integers: most entries round to 0, and `0` is a third of `0.0`.
    """
    rounded = np.round(probs, PROB_DECIMALS).tolist()  # k / 10^4: the shortest JSON text
    return [None if math.isnan(row[0]) else [int(v) if v in (0.0, 1.0) else v for v in row]
            for row in rounded]


def step_json(step: dict) -> dict:
    """A step record as the CLI's --json, the API and the page read it: `probs` rounded."""
    return {**step, "probs": probs_json(step["probs"])}


# ── strategies: which hidden positions to commit at a pass ───────────────────────────


@dataclass
class Step:
    """What a strategy sees at one pass. Arrays are (B, L) unless noted."""

    index: int  # passes done before this one
    K: int  # the step budget
    hidden: np.ndarray  # positions still `?`
    editable: np.ndarray  # positions the decoder may write (fixed for the run)
    conf: np.ndarray  # confidence of each position's proposal
    score: np.ndarray  # confidence of what each position shows (its proposal where hidden)
    plans: np.ndarray  # (B, K) the schedule: how many positions each pass commits
    blocks: np.ndarray  # (L,) block index of each answer position (-1 outside the answer)
    settings: DecodeSettings
    rng: np.random.Generator
    memory: dict = field(default_factory=dict)  # a strategy's own state across passes

    @property
    def budget(self) -> np.ndarray:
        """(B,) how many to commit now: the schedule's count, or all that is left after K."""
        if self.index < self.K:
            return self.plans[:, self.index]
        return self.hidden.sum(axis=1)


# (Step) -> (commit, remask): (B, L) bool each; remask None when the strategy never revises
Strategy = Callable[[Step], tuple[np.ndarray, np.ndarray | None]]


@dataclass(frozen=True)
class Registered:
    choose: Strategy
    description: str
    one_per_position: bool = False  # its budget is one pass per hidden position, whatever K
    stops_at_budget: bool = False  # it ends after K passes (it may hide letters again)


STRATEGIES: dict[str, Registered] = {}


def register(name: str, description: str, **how: bool) -> Callable[[Strategy], Strategy]:
    """Add a strategy: to the decoder, and with its description to the settings table."""
    def add(choose: Strategy) -> Strategy:
        STRATEGIES[name] = Registered(choose, description, **how)
        DEFAULTS["decode"]["strategy"]["choices"][name] = description
        return choose
    return add


@register("random", "a random subset of the hidden letters each pass (the original sampler)")
def _random(st: Step) -> tuple[np.ndarray, None]:
    return _top(st.rng.random(st.hidden.shape), st.hidden, st.budget), None


@register("confidence", "the letters the model is most sure of first (LLaDA, MaskGIT)")
def _confidence(st: Step) -> tuple[np.ndarray, None]:
    return _top(st.conf, st.hidden, st.budget), None


@register("threshold", "every letter at least τ sure, and always the surest one (Fast-dLLM)")
def _threshold(st: Step) -> tuple[np.ndarray, None]:
    best = _top(st.conf, st.hidden, np.ones(st.hidden.shape[0], dtype=int))
    return st.hidden & ((st.conf >= st.settings.tau) | best), None


@register("blocks", "confidence inside left-to-right blocks (semi-autoregressive, LLaDA)")
def _blocks(st: Step) -> tuple[np.ndarray, None]:
    B, L = st.hidden.shape
    blocks, K = st.blocks, st.K
    mem = st.memory
    if not mem:
        mem.update(block=np.full(B, -1), step=np.zeros(B, dtype=int), m0=np.zeros(B, dtype=int))
    current = np.where(st.hidden, blocks[None, :], L).min(axis=1)  # L: past every block
    in_block = st.hidden & (blocks[None, :] == current[:, None])
    moved = current != mem["block"]  # rows that just entered a new block
    mem["block"] = np.where(moved, current, mem["block"])
    mem["step"] = np.where(moved, 0, mem["step"])
    mem["m0"] = np.where(moved, in_block.sum(axis=1), mem["m0"])
    n_blocks = int(blocks.max()) + 1
    k = np.empty(B, dtype=int)
    for b in range(B):
        j = int(min(current[b], n_blocks - 1))
        budget = max(K // n_blocks + (1 if j < K % n_blocks else 0), 1)
        plan = schedule(int(mem["m0"][b]), budget)
        k[b] = plan[mem["step"][b]] if mem["step"][b] < budget - 1 else in_block[b].sum()
    mem["step"] = mem["step"] + 1
    return _top(st.conf, in_block, np.maximum(k, 1)), None


@register("remask", "confidence, but committed letters that lose it are hidden again (ReMDM)",
          stops_at_budget=True)
def _remask(st: Step) -> tuple[np.ndarray, np.ndarray]:
    # keep the most confident U_s positions (committed or proposed), hide the rest
    fixed = ~st.editable
    shown = st.plans[:, : st.index + 1].sum(axis=1)  # (B,) to be unmasked after this step
    keep = _top(st.score, st.editable, shown) | fixed
    return st.hidden & keep, st.editable & ~st.hidden & ~keep


@register("ar", "one letter per pass, strictly left to right, with the diffusion model",
          one_per_position=True)
def _left_to_right(st: Step) -> tuple[np.ndarray, None]:
    B, L = st.hidden.shape
    commit = np.zeros((B, L), dtype=bool)
    commit[np.arange(B), np.argmax(st.hidden, axis=1)] = True
    return commit & st.hidden, None


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
        this model would reveal that particular word (the explainer's reveal section).

        Returns {"tokens": (B, L) final ids, "nfe": (B,) forward passes, "passes": per-row
        lists of step records (empty when record is False), "early": (B,) bool}.
        """
        s, rng = self.s, self.rng
        strategy = STRATEGIES[s.strategy]
        x = x.copy()
        B, L = x.shape
        M = int(self.maskable.sum())
        editable = (x == self.mask_id) & self.maskable[None, :]  # (B, L) never changes
        m0 = editable.sum(axis=1)  # (B,) hidden at the start
        # more steps than hidden positions would only add passes that commit nothing
        K = (int(m0.max()) if strategy.one_per_position or not s.steps
             else min(s.steps, int(m0.max())))
        plans = np.array([schedule(int(m), K) for m in m0]) if K else np.zeros((B, 0), int)
        blocks = self._blocks(L)
        memory: dict = {}
        nfe = np.zeros(B, dtype=int)
        early = np.zeros(B, dtype=bool)
        steps: list[list[dict]] = [[] for _ in range(B)]
        step = 0
        while True:
            hidden = (x == self.mask_id) & editable  # (B, L)
            active = hidden.any(axis=1)
            if strategy.stops_at_budget:
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
            now = Step(step, K, hidden, editable, conf, score, plans, blocks, s, rng, memory)
            commit, remask = strategy.choose(now)
            remask = np.zeros((B, L), dtype=bool) if remask is None else remask
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
                    shown = "".join(self.symbols[c] if hh else self.symbols[xx]
                                    for c, hh, xx in zip(cand[b], h, x[b], strict=True))
                    belief = np.where(editable[b][:, None], probs[b], np.nan)  # (L, V)
                    steps[b].append(step_record(
                        self.symbols, x[b], commit[b], remask[b], _round(score[b], editable[b]),
                        shown, gate[b], conf[b][h].mean(), h.sum(), nfe[b], belief))
            step += 1
        return {"tokens": x, "nfe": nfe, "passes": steps, "early": early, "K": K}

    def _blocks(self, L: int) -> np.ndarray:
        """(L,) block index of each position: answer positions in runs of block_size."""
        pos = np.cumsum(self.maskable) - 1
        return np.where(self.maskable, pos // self.s.block_size, -1)
