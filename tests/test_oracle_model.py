"""The networks and the losses against oracles that share no code with pytoy.

* Causality: the AR baseline's logits at position i cannot depend on x[i:]; the denoiser's
  must depend on both sides.
* Closed forms: a model whose logits are all equal scores exactly ln V per position.
* Hand-worked loss weights for `all` and `elbo` on a 2×3 example.
* An independent reimplementation in plain Python loops (no NumPy algebra, no pytoy
  helper) of the forward pass, the corruption draws and both losses, to 1e-12.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pytoy import diffusion
from pytoy.model import ModelConfig, forward, init_params
from pytoy.train import batch_loss

V = 6  # a tiny vocabulary: ids 0..3 letters, 4 = `_` (pad), 5 = `?` (mask)
PAD, MASK = V - 2, V - 1


def tiny(arch: str, **kw) -> tuple[ModelConfig, dict]:
    cfg = ModelConfig(arch=arch, vocab_size=V, length=5, emb=3, hidden=4, seed=3, **kw)
    params = init_params(cfg)
    params["w2"] *= 100  # the init's small output layer would make every logit nearly equal
    params["b2"] = np.random.default_rng(9).standard_normal(params["b2"].shape)
    return cfg, params


def random_rows(rng: np.random.Generator, B: int, L: int, high: int = V) -> np.ndarray:
    return rng.integers(0, high, (B, L))


# ── causality ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("context", [0, 2])
def test_ar_logits_at_i_ignore_position_i_and_everything_after(context):
    cfg, params = tiny("ar", context=context)
    rng = np.random.default_rng(0)
    x = random_rows(rng, 4, cfg.length, PAD + 1)
    base = forward(params, cfg, x)[0]  # (B, L, V)
    for i in range(cfg.length):
        y = x.copy()
        y[:, i:] = random_rows(rng, 4, cfg.length - i, PAD + 1)
        y[:, i:] = np.where(y[:, i:] == x[:, i:], (x[:, i:] + 1) % (PAD + 1), y[:, i:])
        got = forward(params, cfg, y)[0]
        np.testing.assert_array_equal(got[:, i], base[:, i])  # exactly: it never saw them
        if i > 0:  # ...but it does read the letter just before i
            z = x.copy()
            z[:, i - 1] = (x[:, i - 1] + 1) % (PAD + 1)
            assert np.abs(forward(params, cfg, z)[0][:, i] - base[:, i]).max() > 1e-6


def test_ar_with_short_context_reads_only_its_window():
    cfg, params = tiny("ar", context=2)
    x = np.array([[0, 1, 2, 3, 0]])
    base = forward(params, cfg, x)[0]
    y = x.copy()
    y[0, 0] = 3  # three positions to the left of position 3: outside its window of 2
    np.testing.assert_array_equal(forward(params, cfg, y)[0][0, 3:], base[0, 3:])


def test_the_denoiser_reads_both_sides_of_every_position():
    cfg, params = tiny("diffusion")
    x = np.array([[0, 1, 2, 3, 0]])
    base = forward(params, cfg, x, np.array([0.5]))[0]
    for i in range(cfg.length):
        for j in range(cfg.length):
            if i == j:
                continue
            y = x.copy()
            y[0, j] = MASK
            moved = np.abs(forward(params, cfg, y, np.array([0.5]))[0][0, i] - base[0, i])
            assert moved.max() > 1e-6, (i, j)


def test_the_denoiser_reads_t_and_without_time_input_it_cannot():
    cfg, params = tiny("diffusion")
    x = np.array([[0, MASK, 2, MASK, 0]])
    a, b = (forward(params, cfg, x, np.array([t]))[0] for t in (0.2, 0.9))
    assert np.abs(a - b).max() > 1e-6
    cfg0, params0 = tiny("diffusion", time_input=False)
    a, b = (forward(params0, cfg0, x, np.array([t]))[0] for t in (0.2, 0.9))
    np.testing.assert_array_equal(a, b)


# ── closed forms ─────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("arch,loss", [("diffusion", "all"), ("ar", "all")])
def test_uniform_logits_cost_exactly_ln_v_per_scored_position(arch, loss):
    cfg, params = tiny(arch)
    params["w2"][...] = 0.0
    params["b2"][...] = 0.0  # every logit 0: the model guesses uniformly
    rng = np.random.default_rng(1)
    x = random_rows(rng, 8, cfg.length, PAD)  # letters only: every AR position is scored
    value, _ = batch_loss(params, cfg, x, np.ones(cfg.length, bool), loss, rng)
    assert value == pytest.approx(math.log(V), abs=1e-12)


def test_uniform_logits_elbo_loss_is_ln_v_times_the_mean_of_hidden_over_t():
    """E over masks of Σ_hidden (1/t)/(B·M) · ln V; per draw it is exactly that sum."""
    cfg, params = tiny("diffusion")
    params["w2"][...] = 0.0
    params["b2"][...] = 0.0
    x = random_rows(np.random.default_rng(2), 8, cfg.length, PAD)
    maskable = np.ones(cfg.length, bool)
    t = np.array([0.25, 0.5, 1.0, 0.8, 0.1, 0.3, 0.6, 0.9])
    masked = np.zeros_like(x, dtype=bool)
    masked[np.arange(8), np.arange(8) % 5] = True
    masked[0, 4] = True
    w = diffusion.loss_weights("elbo", maskable, masked, t)
    logits = forward(params, cfg, np.where(masked, MASK, x), t)[0]
    value, _ = diffusion.cross_entropy(logits, x, w)
    hand = math.log(V) * (2 / 0.25 + 1 / 0.5 + 1 / 1.0 + 1 / 0.8 + 1 / 0.1 + 1 / 0.3 + 1 / 0.6
                          + 1 / 0.9) / (8 * 5)
    assert value == pytest.approx(hand, abs=1e-12)


def test_loss_weights_worked_by_hand_on_a_2x3_example():
    maskable = np.array([False, True, True])  # position 0 is a question letter: never scored
    masked = np.array([[False, True, False], [False, True, True]])
    t = np.array([0.5, 0.25])
    # `all`: every maskable position of every row, 1 / (B · M) = 1 / (2 · 2)
    np.testing.assert_array_equal(diffusion.loss_weights("all", maskable, masked, t),
                                  [[0, 0.25, 0.25], [0, 0.25, 0.25]])
    # `elbo`: hidden positions only, each (1 / t) / (B · M)
    np.testing.assert_array_equal(diffusion.loss_weights("elbo", maskable, masked, t),
                                  [[0, 0.5, 0], [0, 1.0, 1.0]])


def test_cross_entropy_and_its_gradient_worked_by_hand():
    logits = np.array([[[0.0, math.log(3.0)], [2.0, 2.0]]])  # (1, 2, 2)
    targets = np.array([[1, 0]])
    w = np.array([[0.5, 2.0]])
    value, grad = diffusion.cross_entropy(logits.copy(), targets, w)
    # position 0: p = (1/4, 3/4), target 1 → −log 3/4; position 1: p = (1/2, 1/2) → log 2
    assert value == pytest.approx(0.5 * -math.log(0.75) + 2.0 * math.log(2.0), abs=1e-15)
    np.testing.assert_allclose(grad, [[[0.5 * 0.25, 0.5 * (0.75 - 1)],
                                       [2.0 * (0.5 - 1), 2.0 * 0.5]]], atol=1e-15)


def test_sample_t_is_uniform_on_eps_to_one_by_its_own_formula():
    """t = 1 − (1 − ε)·u for u ~ U[0, 1): never below ε, exactly the generator's draws."""
    u = np.random.default_rng(4).random(1000)
    t = diffusion.sample_t(np.random.default_rng(4), 1000)
    np.testing.assert_array_equal(t, 1.0 - (1.0 - diffusion.T_EPS) * u)
    assert t.min() > diffusion.T_EPS and t.max() <= 1.0


# ── an independent reimplementation in plain loops ──────────────────────────────────


def loop_forward(params: dict, cfg: ModelConfig, x: list[list[int]], t: list[float]
                 ) -> list[list[list[float]]]:
    """logits[b][i][v], computed one multiply-add at a time."""
    emb, w1, b1, w2, b2 = (params[k].tolist() for k in ("emb", "w1", "b1", "w2", "b2"))
    L, E, H = cfg.length, cfg.emb, cfg.hidden
    out = []
    for b, row in enumerate(x):
        if cfg.arch == "diffusion":
            windows = [row]
        else:  # position i sees the C characters before it, `_` before the start
            C = cfg.context or L
            padded = [PAD] * C + row
            windows = [padded[i : i + C] for i in range(L)]
        per_window = []
        for win in windows:
            inp = [emb[c][e] for c in win for e in range(E)]
            if cfg.arch == "diffusion" and cfg.time_input:
                inp.append(t[b])
            h = []
            for j in range(H):
                s = b1[j]
                for k, v in enumerate(inp):
                    s += v * w1[k][j]
                h.append(math.tanh(s))
            o = []
            for m in range(len(b2)):
                s = b2[m]
                for j in range(H):
                    s += h[j] * w2[j][m]
                o.append(s)
            per_window.append(o)
        if cfg.arch == "diffusion":  # L·V outputs, position-major
            o = per_window[0]
            out.append([o[i * V : (i + 1) * V] for i in range(L)])
        else:
            out.append(per_window)
    return out


def loop_nll(logits: list[float], target: int) -> float:
    top = max(logits)
    return math.log(sum(math.exp(v - top) for v in logits)) - (logits[target] - top)


@pytest.mark.parametrize("arch,context", [("diffusion", 0), ("ar", 0), ("ar", 2)])
def test_forward_equals_a_plain_loop_reimplementation(arch, context):
    cfg, params = tiny(arch, context=context)
    rng = np.random.default_rng(5)
    x = random_rows(rng, 3, cfg.length)
    t = [0.3, 0.7, 1.0]
    got = forward(params, cfg, x, np.array(t))[0]
    want = np.array(loop_forward(params, cfg, x.tolist(), t))
    assert got.shape == want.shape == (3, cfg.length, V)
    assert np.abs(got - want).max() < 1e-12


@pytest.mark.parametrize("loss", ["all", "elbo"])
def test_batch_loss_equals_the_loop_version_with_the_same_random_draws(loss):
    """Draws redone by hand: t = 1 − (1 − ε)u per row, then position i hidden when its own
    uniform is below t (maskable ones only); loss = Σ weight · NLL, weights as documented."""
    cfg, params = tiny("diffusion")
    maskable = [False, True, True, True, True]  # position 0 stays visible, as a question
    x = random_rows(np.random.default_rng(6), 4, cfg.length, PAD + 1)
    value, _ = batch_loss(params, cfg, x, np.array(maskable), loss, np.random.default_rng(11))

    rng = np.random.default_rng(11)
    B, L = x.shape
    u = rng.random(B).tolist()
    t = [1.0 - (1.0 - 1e-3) * ui for ui in u]
    draws = rng.random((B, L)).tolist()
    hidden = [[maskable[i] and draws[b][i] < t[b] for i in range(L)] for b in range(B)]
    xt = [[MASK if hidden[b][i] else int(x[b, i]) for i in range(L)] for b in range(B)]
    logits = loop_forward(params, cfg, xt, t)
    M = sum(maskable)
    total = 0.0
    for b in range(B):
        for i in range(L):
            if loss == "all":
                w = 1.0 if maskable[i] else 0.0
            else:
                w = 1.0 / t[b] if hidden[b][i] else 0.0
            total += w * loop_nll(logits[b][i], int(x[b, i])) / (B * M)
    assert any(any(r) for r in hidden) and not all(all(r[1:]) for r in hidden)
    assert value == pytest.approx(total, abs=1e-12)


def test_ar_batch_loss_scores_each_letter_and_one_end_symbol():
    """Words `ab___` and `abcd_`: 3 and 5 scored positions (letters + the first `_`)."""
    cfg, params = tiny("ar")
    x = np.array([[0, 1, PAD, PAD, PAD], [0, 1, 2, 3, PAD]])
    value, _ = batch_loss(params, cfg, x, np.ones(5, bool), "all", np.random.default_rng(0))
    logits = loop_forward(params, cfg, x.tolist(), [0.0, 0.0])
    scored = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (1, 3), (1, 4)]
    want = sum(loop_nll(logits[b][i], int(x[b, i])) for b, i in scored) / len(scored)
    assert value == pytest.approx(want, abs=1e-12)
