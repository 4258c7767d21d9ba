"""Stochastic gradient descent with optional momentum and gradient-norm clipping."""

from __future__ import annotations

import numpy as np


class SGD:
    """p ← p − lr · v,  v ← μ·v + g  (plain SGD when μ = 0), on one flat weight vector.

    Clipping rescales the whole gradient when its norm exceeds `clip`, so one unlucky batch
    at a high learning rate cannot throw the weights far away. Weight decay (L2) adds
    wd · p to the gradient, pulling unused weights to zero: it fights memorising a small
    dataset when held-out likelihood is what matters.
    """

    def __init__(self, flat: np.ndarray, lr: float, momentum: float = 0.0,
                 clip: float | None = None, weight_decay: float = 0.0) -> None:
        self.flat, self.lr, self.momentum, self.clip = flat, lr, momentum, clip
        self.weight_decay = weight_decay
        self.velocity = np.zeros_like(flat)

    def step(self, grad: np.ndarray, norm: float) -> None:
        """grad: flat gradient (overwritten: it is scratch space); norm: its Euclidean norm.

        In place throughout — no temporaries the size of the model (each costs an allocation
        and a pass over memory in Pyodide).
        """
        if self.clip and norm > self.clip:
            grad *= self.clip / norm
        if self.weight_decay:
            grad += self.weight_decay * self.flat
        if self.momentum:
            self.velocity *= self.momentum
            self.velocity += grad
            step = np.multiply(self.velocity, self.lr, out=grad)  # grad is scratch now
        else:
            step = np.multiply(grad, self.lr, out=grad)
        self.flat -= step
