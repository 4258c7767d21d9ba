"""Stochastic gradient descent with optional momentum and gradient-norm clipping."""

from __future__ import annotations

import numpy as np


class SGD:
    """p ← p − lr · v,  v ← μ·v + g  (plain SGD when μ = 0), on one flat weight vector.

    Clipping rescales the whole gradient when its norm exceeds `clip`, so one unlucky batch
    at a high learning rate cannot throw the weights far away.
    """

    def __init__(self, flat: np.ndarray, lr: float, momentum: float = 0.0,
                 clip: float | None = None) -> None:
        self.flat, self.lr, self.momentum, self.clip = flat, lr, momentum, clip
        self.velocity = np.zeros_like(flat)

    def step(self, grad: np.ndarray, norm: float) -> None:
        """grad: flat gradient (modified in place); norm: its Euclidean norm."""
        if self.clip and norm > self.clip:
            grad *= self.clip / norm
        if self.momentum:
            self.velocity *= self.momentum
            self.velocity += grad
            grad = self.velocity
        self.flat -= self.lr * grad
