"""The forward (masking) process and the losses that train a denoiser to undo it.

Forward process: pick a noise level t, then hide each maskable position independently
with probability t by replacing it with `?`. At t → 0 nothing is hidden; at t = 1
everything is. This is the discrete analogue of adding Gaussian noise to an image.
"""

from __future__ import annotations

import numpy as np

from .defaults import choices

T_EPS = 1e-3  # t ~ U(T_EPS, 1]: never exactly 0, where 1/t (the ELBO weight) blows up
LOSSES = tuple(choices("train", "loss"))


def sample_t(rng: np.random.Generator, n: int, eps: float = T_EPS) -> np.ndarray:
    """(n,) noise levels, uniform on (eps, 1]."""
    return 1.0 - (1.0 - eps) * rng.random(n)


def t_edges(bins: int) -> np.ndarray:
    """(bins + 1,) edges of equal bins of t over (0, 1]: bin j is (edges[j], edges[j + 1]]."""
    return np.arange(bins + 1) / bins  # 3 / 10 is the double nearest 0.3: edges print clean


def bin_probs(edges: np.ndarray, eps: float = T_EPS) -> np.ndarray:
    """(bins,) probability of each bin under the training draw t ~ U(eps, 1]."""
    lo, hi = np.maximum(edges[:-1], eps), np.minimum(edges[1:], 1.0)
    return np.maximum(hi - lo, 0.0) / (1.0 - eps)


def corrupt(x: np.ndarray, t: np.ndarray, maskable: np.ndarray, mask_id: int,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Mask each maskable position of x (B, L) with probability t (B,).

    Returns the corrupted ids (B, L) and the boolean mask of hidden positions (B, L).
    Positions outside `maskable` (the question and `>`) are never hidden.
    """
    masked = (rng.random(x.shape) < t[:, None]) & maskable[None, :]  # (B, L)
    return np.where(masked, mask_id, x), masked


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable along the last axis: finite for any finite logits."""
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def cross_entropy(logits: np.ndarray, targets: np.ndarray, weights: np.ndarray
                  ) -> tuple[float, np.ndarray]:
    """Weighted sum of per-position cross-entropies and its gradient.

    logits (B, L, V), targets (B, L) ids, weights (B, L) -> (loss, dlogits (B, L, V)).
    The weights carry the averaging, so the gradient is simply w · (softmax − onehot).
    """
    V = logits.shape[-1]
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    total = e.sum(axis=-1)  # (B, L)
    at = np.arange(targets.size) * V + targets.ravel()  # flat index of each target logit
    nll = np.log(total).ravel() - z.ravel()[at]  # (B·L,)
    loss = float(nll @ weights.ravel())
    dlogits = e  # reuse the buffer: e is not needed any more
    dlogits *= (weights / total)[..., None]  # w · softmax
    dlogits.ravel()[at] -= weights.ravel()  # − w · onehot
    return loss, dlogits


def loss_weights(kind: str, maskable: np.ndarray, masked: np.ndarray, t: np.ndarray
                 ) -> np.ndarray:
    """Per-position loss weights (B, L), normalised per maskable position and sequence.

    `all`: the original explainer's loss — every maskable position, hidden or not, counts
    the same. Visible positions are easy (copy the input); hidden ones need real learning.
    `elbo`: only hidden positions, each weighted 1/t (MDLM, LLaDA). Its expectation is an
    upper bound on the negative log-likelihood, so it reports honest nats per character.
    """
    B = masked.shape[0]
    norm = B * int(maskable.sum())
    if kind == "all":
        return np.broadcast_to(maskable[None, :], masked.shape) / norm
    if kind == "elbo":
        return masked / t[:, None] / norm
    raise ValueError(f"unknown loss {kind!r}; choose one of {', '.join(LOSSES)}")


def mask_exactly(rng: np.random.Generator, n: int, maskable: np.ndarray, k: np.ndarray
                 ) -> np.ndarray:
    """(n, L) masks hiding exactly k[b] uniformly chosen maskable positions in row b."""
    L = maskable.shape[0]
    keys = np.where(maskable[None, :], rng.random((n, L)), np.inf)  # (n, L)
    ranks = keys.argsort(axis=1).argsort(axis=1)
    return (ranks < k[:, None]) & maskable[None, :]
