"""The loss floor: the lowest expected `all` loss any model can reach on a dataset.

Why the loss never reaches zero: at t = 1 every character is hidden, and even a perfect
model can only say "one of these 40 names" — it must spread its bets. The best possible
prediction for a hidden position is the posterior over training sequences that agree with
everything visible (and visible positions cost nothing). Averaging that posterior's
cross-entropy over t, mask patterns and examples gives the floor. The mask pattern is
independent of the example, and t says nothing more once the pattern is seen.

Exact when 2^M · N is small (M maskable positions, N examples): every mask pattern is
enumerated and weighted by ∫ t^k (1−t)^(M−k) dt over U(eps, 1]. Otherwise Monte Carlo,
with its standard error.

By noise level (`floor_by_t`): the same floor restricted to each bin of t, because both the
loss and its floor depend on t (at t near 0 almost nothing is hidden, at t = 1 everything
is). Per bin it gives the `all` loss's floor (nats per maskable position, given t in the
bin) and its two parts: per hidden position (total hidden cost over the expected number
hidden) and per visible position (0: the best model copies what it sees). The `elbo` loss
has no visible part and weighs hidden positions by 1/t, but its best predictor is the same
posterior, so the per-hidden-position floor is the floor of both losses.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, pairwise

import numpy as np

from .defaults import DEFAULTS
from .diffusion import T_EPS, bin_probs, corrupt, sample_t, t_edges

EXACT_LIMIT = 2_000_000  # 2^M · N above this switches to Monte Carlo


@dataclass(frozen=True)
class Floor:
    value: float  # nats per maskable position
    stderr: float  # 0 when exact
    exact: bool
    samples: int  # Monte Carlo samples (0 when exact)

    def to_json(self) -> dict:
        return {"value": self.value, "stderr": self.stderr, "exact": self.exact,
                "samples": self.samples}


def pattern_probs(M: int, eps: float = T_EPS, lo: float = 0.0, hi: float = 1.0
                  ) -> np.ndarray:
    """(M+1,) probability of one particular pattern with k hidden and t in (lo, hi],
    t ~ U(eps, 1] (the whole draw by default).

    Gauss–Legendre with M//2 + 2 nodes integrates these degree-M polynomials exactly.
    """
    lo, hi = max(lo, eps), min(hi, 1.0)
    if hi <= lo:
        return np.zeros(M + 1)
    nodes, w = np.polynomial.legendre.leggauss(M // 2 + 2)
    t = lo + (hi - lo) * (nodes + 1.0) / 2.0  # map [-1, 1] -> [lo, hi]
    w = w * (hi - lo) / (2.0 * (1.0 - eps))  # density 1/(1-eps) times Jacobian (hi-lo)/2
    k = np.arange(M + 1)[:, None]
    return (t[None, :] ** k * (1.0 - t[None, :]) ** (M - k) * w[None, :]).sum(axis=1)


def _pattern_loss(tokens: np.ndarray, hidden: list[int]) -> float:
    """Σ over examples and hidden positions of −log P(x_i | visible), for one pattern."""
    L = tokens.shape[1]
    visible = [i for i in range(L) if i not in set(hidden)]
    _, group = np.unique(tokens[:, visible], axis=0, return_inverse=True)  # (N,)
    group = group.ravel()
    size = np.bincount(group)
    total = 0.0
    for i in hidden:
        key = group * (tokens.max() + 1) + tokens[:, i]
        _, inv, count = np.unique(key, return_inverse=True, return_counts=True)
        total += float(-np.log(count[inv.ravel()] / size[group]).sum())
    return total


def _pattern_totals(tokens: np.ndarray, maskable: np.ndarray, probs: np.ndarray
                    ) -> np.ndarray:
    """(J,) Σ over every mask pattern of probs[j, k] · its hidden cost, per example and
    maskable position: the expected `all` loss of the best model, restricted to event j."""
    pos = np.flatnonzero(maskable).tolist()
    M, N = len(pos), tokens.shape[0]
    total = np.zeros(probs.shape[0])
    for k in range(1, M + 1):
        for hidden in combinations(pos, k):
            total += probs[:, k] * _pattern_loss(tokens, list(hidden))
    return total / (N * M)


def exact_floor(tokens: np.ndarray, maskable: np.ndarray, eps: float = T_EPS) -> float:
    probs = pattern_probs(int(maskable.sum()), eps)[None, :]  # (1, M+1): all of t
    return float(_pattern_totals(tokens, maskable, probs)[0])


def bayes_costs(tokens: np.ndarray, x: np.ndarray, hid: np.ndarray) -> np.ndarray:
    """(n, L) −log posterior of each hidden letter of x (n, L) given its visible ones, under
    the uniform distribution over `tokens` (N, L); 0 where visible: what the best possible
    model pays on these very draws."""
    eq = tokens[None, :, :] == x[:, None, :]  # (n, N, L)
    agree = (eq | hid[:, None, :]).all(axis=2)  # (n, N) consistent with visible
    both = (agree[:, :, None] & eq).sum(axis=1)  # (n, L) consistent and same char
    p = both / agree.sum(axis=1, keepdims=True)
    return np.where(hid, -np.log(np.where(hid, p, 1.0)), 0.0)


def monte_carlo_floor(tokens: np.ndarray, maskable: np.ndarray, samples: int, seed: int,
                      eps: float = T_EPS, chunk: int = 256) -> tuple[float, float]:
    """Mean and standard error of the Bayes-optimal `all` loss over random draws."""
    rng = np.random.default_rng(seed)
    N = tokens.shape[0]
    M = int(maskable.sum())
    out = np.empty(samples)
    done = 0
    while done < samples:
        n = min(chunk, samples - done)
        x = tokens[rng.integers(0, N, n)]  # (n, L)
        _, hid = corrupt(x, sample_t(rng, n, eps), maskable, -1, rng)  # (n, L)
        out[done : done + n] = bayes_costs(tokens, x, hid).sum(1) / M
        done += n
    return float(out.mean()), float(out.std(ddof=1) / np.sqrt(samples))


def loss_floor(tokens: np.ndarray, maskable: np.ndarray, samples: int = 20_000, seed: int = 0,
               eps: float = T_EPS) -> Floor:
    """The floor of the `all` loss for the uniform distribution over `tokens` (N, L)."""
    M = int(maskable.sum())
    if 2**M * tokens.shape[0] <= EXACT_LIMIT:
        return Floor(float(exact_floor(tokens, maskable, eps)), 0.0, True, 0)
    mean, se = monte_carlo_floor(tokens, maskable, samples, seed, eps)
    return Floor(mean, se, False, samples)


@dataclass(frozen=True)
class FloorByT:
    """The floor in each bin of t; every array is (bins,) except `edges` (bins + 1,)."""

    edges: np.ndarray  # bin j is t in (edges[j], edges[j+1]]
    prob: np.ndarray  # P(t in bin) under the training draw U(eps, 1]
    hidden_frac: np.ndarray  # E[fraction of maskable positions hidden | bin] = E[t | bin]
    all: np.ndarray  # E[`all` loss | bin]: nats per maskable position
    hidden: np.ndarray  # E[hidden cost | bin] / E[hidden count | bin]: nats per hidden one
    visible: np.ndarray  # nats per visible position: 0 (copy what is seen)
    stderr_all: np.ndarray  # Monte Carlo standard errors (0 when exact)
    stderr_hidden: np.ndarray
    exact: bool
    samples_per_bin: int  # 0 when exact

    @property
    def value(self) -> float:
        """The overall floor: the bins weighted by their probability."""
        return float(self.prob @ self.all)

    @property
    def stderr(self) -> float:
        return float(np.sqrt((self.prob**2) @ (self.stderr_all**2)))

    @property
    def hidden_value(self) -> float:
        """The overall floor per hidden position: total hidden cost over E[hidden] = E[t]."""
        return self.value / float(self.prob @ self.hidden_frac)

    def to_json(self) -> dict:
        out = {k: getattr(self, k).tolist() for k in (
            "edges", "prob", "hidden_frac", "all", "hidden", "visible", "stderr_all",
            "stderr_hidden")}
        return {**out, "exact": self.exact, "samples_per_bin": self.samples_per_bin,
                "value": self.value, "stderr": self.stderr, "hidden_value": self.hidden_value}


def _t_mean(edges: np.ndarray, eps: float) -> np.ndarray:
    """(bins,) E[t | bin] under U(eps, 1] (0 for a bin the draw never reaches)."""
    lo, hi = np.maximum(edges[:-1], eps), np.minimum(edges[1:], 1.0)
    return np.where(hi > lo, (lo + hi) / 2.0, 0.0)


def exact_floor_by_t(tokens: np.ndarray, maskable: np.ndarray, edges: np.ndarray,
                     eps: float = T_EPS) -> FloorByT:
    M = int(maskable.sum())
    probs = np.stack([pattern_probs(M, eps, lo, hi)
                      for lo, hi in pairwise(edges)])  # (J, M+1)
    joint = _pattern_totals(tokens, maskable, probs)  # (J,) E[`all` loss; t in bin j]
    prob, frac = bin_probs(edges, eps), _t_mean(edges, eps)
    reached = prob > 0
    all_ = np.where(reached, joint / np.where(reached, prob, 1.0), 0.0)
    hidden = np.where(reached, all_ / np.where(reached, frac, 1.0), 0.0)
    zero = np.zeros_like(prob)
    return FloorByT(edges, prob, frac, all_, hidden, zero, zero, zero, True, 0)


def monte_carlo_floor_by_t(tokens: np.ndarray, maskable: np.ndarray, edges: np.ndarray,
                           samples_per_bin: int, seed: int, eps: float = T_EPS,
                           chunk: int = 256) -> FloorByT:
    """Stratified: `samples_per_bin` draws of t ~ U(bin ∩ (eps, 1]), an example and a mask
    each. The hidden part is a ratio of means, its error by the delta method."""
    rng = np.random.default_rng(seed)
    N, M, J = tokens.shape[0], int(maskable.sum()), len(edges) - 1
    prob, frac = bin_probs(edges, eps), _t_mean(edges, eps)
    all_, hidden, se_all, se_hidden = (np.zeros(J) for _ in range(4))
    for j in np.flatnonzero(prob > 0):
        lo, hi = max(edges[j], eps), min(edges[j + 1], 1.0)
        cost = np.empty(samples_per_bin)  # per draw: hidden cost per maskable position
        count = np.empty(samples_per_bin)  # per draw: fraction hidden
        for s in range(0, samples_per_bin, chunk):
            n = min(chunk, samples_per_bin - s)
            x = tokens[rng.integers(0, N, n)]  # (n, L)
            t = hi - (hi - lo) * rng.random(n)  # (n,) in (lo, hi]
            _, hid = corrupt(x, t, maskable, -1, rng)  # (n, L)
            cost[s : s + n] = bayes_costs(tokens, x, hid).sum(1) / M
            count[s : s + n] = hid.sum(1) / M
        root_n = np.sqrt(samples_per_bin)
        all_[j] = cost.mean()
        se_all[j] = cost.std(ddof=1) / root_n
        if count.sum() > 0:
            hidden[j] = cost.sum() / count.sum()
            se_hidden[j] = (cost - hidden[j] * count).std(ddof=1) / root_n / count.mean()
    return FloorByT(edges, prob, frac, all_, hidden, np.zeros(J), se_all, se_hidden, False,
                    samples_per_bin)


def floor_by_t(tokens: np.ndarray, maskable: np.ndarray, bins: int | None = None,
               samples_per_bin: int | None = None, seed: int = 0, eps: float = T_EPS
               ) -> FloorByT:
    """The floor per bin of t (the table's `loss_by_t` bins), exact where `loss_floor` is."""
    table = DEFAULTS["loss_by_t"]
    edges = t_edges(table["bins"] if bins is None else bins)
    M = int(maskable.sum())
    if 2**M * tokens.shape[0] <= EXACT_LIMIT:
        return exact_floor_by_t(tokens, maskable, edges, eps)
    n = table["floor_samples_per_bin"] if samples_per_bin is None else samples_per_bin
    return monte_carlo_floor_by_t(tokens, maskable, edges, n, seed, eps)
