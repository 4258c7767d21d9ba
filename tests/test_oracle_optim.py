"""The optimiser against steps worked by hand; the trainer's rollback against a fresh copy."""

from __future__ import annotations

import numpy as np
import pytest

from pytoy import api
from pytoy.optim import SGD
from pytoy.train import DivergenceError, Trainer


def test_one_step_with_clipping_weight_decay_and_momentum_by_hand():
    w = np.array([1.0, -2.0])
    opt = SGD(w, lr=0.1, momentum=0.9, clip=2.5, weight_decay=0.1)
    opt.velocity[...] = [0.5, -0.5]
    # g = (3, 4), |g| = 5 > 2.5: scaled by 1/2 → (1.5, 2); + wd·w = (0.1, −0.2) → (1.6, 1.8)
    # v = 0.9·(0.5, −0.5) + (1.6, 1.8) = (2.05, 1.35); w −= 0.1·v → (0.795, −2.135)
    opt.step(np.array([3.0, 4.0]), 5.0)
    np.testing.assert_allclose(opt.velocity, [2.05, 1.35], atol=1e-15)
    np.testing.assert_allclose(w, [0.795, -2.135], atol=1e-15)
    # a second step, gradient (0.3, 0.4), |g| = 0.5 under the clip: not rescaled
    # g + wd·w = (0.3795, 0.1865); v = 0.9·(2.05, 1.35) + that = (2.2245, 1.4015)
    opt.step(np.array([0.3, 0.4]), 0.5)
    np.testing.assert_allclose(opt.velocity, [2.2245, 1.4015], atol=1e-14)
    np.testing.assert_allclose(w, [0.795 - 0.22245, -2.135 - 0.14015], atol=1e-14)


def test_plain_sgd_without_momentum_clip_or_decay_is_w_minus_lr_g():
    w = np.array([0.5, 0.25, -1.0])
    SGD(w, lr=0.5).step(np.array([100.0, -2.0, 0.0]), 100.02)
    np.testing.assert_array_equal(w, [0.5 - 50.0, 0.25 + 1.0, -1.0])


def test_weight_decay_alone_shrinks_weights_towards_zero():
    w = np.array([2.0, -4.0])
    SGD(w, lr=0.5, weight_decay=0.1).step(np.zeros(2), 0.0)
    np.testing.assert_allclose(w, [2.0 * 0.95, -4.0 * 0.95], atol=1e-15)


def state(tr: Trainer) -> tuple:
    return (tr.opt.flat.copy(), tr.opt.velocity.copy(), tr.step, list(tr.history),
            tr.rng.bit_generator.state)


def assert_same(a: tuple, b: tuple) -> None:
    np.testing.assert_array_equal(a[0], b[0])  # weights, bit for bit
    np.testing.assert_array_equal(a[1], b[1])  # velocity
    assert a[2:] == b[2:]  # step, history, random state


def test_a_caught_divergence_then_training_equals_training_a_copy_of_the_last_good_state():
    api.create("good", "names")
    api.train_chunk("good", 200)
    tr = api._session("good").trainer
    before = state(tr)
    # a copy built by hand from that state, sharing nothing with the original
    copy = Trainer({k: v.copy() for k, v in api._session("good").bundle.params.items()},
                   tr.cfg, tr.tokens, tr.maskable, tr.settings, step=tr.step)
    copy.opt.velocity[...] = before[1]
    copy.history = list(before[3])
    copy.rng.bit_generator.state = before[4]
    assert_same(state(copy), before)

    api.set_lr("good", 10.0)
    with pytest.raises(DivergenceError, match=r"averaged .* nats over steps 201–225"):
        api.train_chunk("good", 25)
    assert_same(state(tr), before)  # the chunk is undone as a whole
    api.set_lr("good", tr.settings.lr if tr.settings.lr != 10.0 else 0.5)
    api.train_chunk("good", 60)
    for _ in copy.run(60, chunk=60):
        pass
    assert_same(state(tr), state(copy))


def test_a_nan_mid_chunk_rolls_back_to_the_chunk_start_not_to_the_step_before():
    api.create("nan", "names", model={"activation": "relu"},
               train={"lr": 100.0, "clip": None, "momentum": 0.9})
    tr = api._session("nan").trainer
    snaps = [state(tr)]
    with pytest.raises(DivergenceError) as err:
        for _ in range(100):
            api.train_chunk("nan", 10)
            snaps.append(state(tr))
    assert err.value.restored == snaps[-1][2] and err.value.step > err.value.restored
    assert_same(state(tr), snaps[-1])
