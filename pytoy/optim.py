"""Stochastic gradient descent with optional momentum and gradient-norm clipping."""

from __future__ import annotations

import numpy as np

from .model import Params


def grad_norm(grads: Params) -> float:
    return float(np.sqrt(sum(float((g * g).sum()) for g in grads.values())))


class SGD:
    """p ← p − lr · v,  v ← μ·v + g  (plain SGD when μ = 0).

    Clipping rescales the whole gradient when its norm exceeds `clip`, so one unlucky batch
    at a high learning rate cannot throw the weights far away.
    """

    def __init__(self, params: Params, lr: float, momentum: float = 0.0,
                 clip: float | None = None) -> None:
        self.params, self.lr, self.momentum, self.clip = params, lr, momentum, clip
        self.velocity = {k: np.zeros_like(v) for k, v in params.items()} if momentum else {}

    def step(self, grads: Params, norm: float) -> None:
        scale = self.clip / norm if self.clip and norm > self.clip else 1.0
        for k, p in self.params.items():
            g = grads[k] * scale if scale != 1.0 else grads[k]
            if self.momentum:
                v = self.velocity[k]
                v *= self.momentum
                v += g
                g = v
            p -= self.lr * g
