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
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .diffusion import T_EPS, corrupt, sample_t

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


def pattern_probs(M: int, eps: float = T_EPS) -> np.ndarray:
    """(M+1,) probability of one particular pattern with k hidden, t ~ U(eps, 1].

    Gauss–Legendre with M//2 + 2 nodes integrates these degree-M polynomials exactly.
    """
    nodes, w = np.polynomial.legendre.leggauss(M // 2 + 2)
    t = eps + (1.0 - eps) * (nodes + 1.0) / 2.0  # map [-1, 1] -> [eps, 1]
    w = w / 2.0  # density 1/(1-eps) times Jacobian (1-eps)/2
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


def exact_floor(tokens: np.ndarray, maskable: np.ndarray, eps: float = T_EPS) -> float:
    pos = np.flatnonzero(maskable).tolist()
    M, N = len(pos), tokens.shape[0]
    probs = pattern_probs(M, eps)
    total = 0.0
    for k in range(1, M + 1):
        for hidden in combinations(pos, k):
            total += probs[k] * _pattern_loss(tokens, list(hidden))
    return total / (N * M)


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
        eq = tokens[None, :, :] == x[:, None, :]  # (n, N, L)
        agree = (eq | hid[:, None, :]).all(axis=2)  # (n, N) consistent with visible
        both = (agree[:, :, None] & eq).sum(axis=1)  # (n, L) consistent and same char
        p = both / agree.sum(axis=1, keepdims=True)
        out[done : done + n] = np.where(hid, -np.log(np.where(hid, p, 1.0)), 0.0).sum(1) / M
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
