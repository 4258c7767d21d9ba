"""Hand-written backprop must match central finite differences for every parameter."""

import numpy as np
import pytest

from pytoy.diffusion import corrupt, cross_entropy, loss_weights, sample_t
from pytoy.model import ModelConfig, backward, forward, init_params
from pytoy.train import batch_loss

V, L = 9, 5


def _objective(cfg, x, loss, seed):
    maskable = np.ones(L, dtype=bool)
    maskable[:1] = cfg.arch == "ar" or loss == "all"  # also exercise a never-masked position

    def f(params):
        return batch_loss(params, cfg, x, maskable, loss, np.random.default_rng(seed))

    return f


@pytest.mark.parametrize(
    "arch,activation,loss,time_input",
    [("diffusion", "tanh", "all", True), ("diffusion", "relu", "elbo", True),
     ("diffusion", "tanh", "elbo", False), ("ar", "tanh", "all", True),
     ("ar", "relu", "all", True)],
)
def test_gradients_match_finite_differences(arch, activation, loss, time_input):
    cfg = ModelConfig(arch=arch, vocab_size=V, length=L, emb=3, hidden=6, activation=activation,
                      time_input=time_input, context=3 if arch == "ar" else 0, seed=1)
    params = init_params(cfg)
    rng = np.random.default_rng(2)
    for k in params:  # move off the initial point so every weight matters
        params[k] += 0.3 * rng.standard_normal(params[k].shape)
    x = rng.integers(0, V - 2, (4, L))
    x[0, 3:] = V - 2  # padding, so the AR end symbol is exercised
    f = _objective(cfg, x, loss, seed=3)
    _, grads = f(params)
    h = 1e-4  # truncation error ~h² is far below roundoff ~1e-16·loss/h at this size
    worst = 0.0
    for name, p in params.items():
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            up, _ = f(params)
            p[i] = old - h
            down, _ = f(params)
            p[i] = old
            n = (up - down) / (2 * h)
            a = grads[name][i]
            if a == 0.0 and n == 0.0:
                continue
            worst = max(worst, abs(a - n) / max(abs(a) + abs(n), 1e-8))
    assert worst < 1e-6, worst


def test_gradient_is_not_trivially_zero():
    cfg = ModelConfig(vocab_size=V, length=L, emb=3, hidden=6)
    params = init_params(cfg)
    rng = np.random.default_rng(0)
    x = rng.integers(0, V - 2, (8, L))
    t = sample_t(rng, 8)
    xt, masked = corrupt(x, t, np.ones(L, bool), V - 1, rng)
    logits, cache = forward(params, cfg, xt, t)
    _, dl = cross_entropy(logits, x, loss_weights("all", np.ones(L, bool), masked, t))
    grads = backward(params, cfg, cache, dl)
    assert all(np.abs(g).max() > 0 for g in grads.values())
