"""Oracles for the loss floor (pytoy/floor.py): closed forms, hand-worked toys, and a
brute-force enumeration written independently (exact fractions, dicts, plain loops).

The floor's definition (floor.py's docstring): the expected `all` loss of the Bayes-optimal
predictor for the uniform distribution over the dataset's rows, per maskable position:
t ~ U(eps, 1], each maskable position hidden with probability t, a hidden position costs
−log P(x_i | visible) under the posterior over rows agreeing with everything visible, and
a visible one costs nothing.
"""

from fractions import Fraction
from itertools import product
from math import comb, factorial, log

import numpy as np
import pytest

from pytoy import data, floor
from pytoy.diffusion import T_EPS


def pattern_prob(M: int, k: int, eps: float) -> float:
    """∫_eps^1 t^k (1−t)^(M−k) dt / (1 − eps), exactly: (1−t)^m expanded binomially."""
    e = Fraction(eps)
    total = Fraction(0)
    for j in range(M - k + 1):
        n = k + j + 1
        total += comb(M - k, j) * (-1) ** j * (1 - e**n) / n
    return float(total / (1 - e))


def brute_force_floor(rows: list[str], maskable: list[bool], eps: float) -> float:
    """The floor by its definition: every hide/show pattern, posterior by counting."""
    pos = [i for i, m in enumerate(maskable) if m]
    M, N = len(pos), len(rows)
    total = 0.0
    for pattern in product((False, True), repeat=M):
        hidden = {p for p, h in zip(pos, pattern, strict=True) if h}
        k = len(hidden)
        if k == 0:
            continue  # nothing hidden costs nothing
        weight = pattern_prob(M, k, eps)
        for row in rows:
            seen = tuple(c for i, c in enumerate(row) if i not in hidden)
            agree = [r for r in rows if tuple(c for i, c in enumerate(r) if i not in hidden)
                     == seen]
            for i in hidden:
                p = sum(r[i] == row[i] for r in agree) / len(agree)
                total += weight * -log(p)
    return total / (N * M)


@pytest.mark.parametrize("M", range(1, 11))
@pytest.mark.parametrize("eps", [0.0, T_EPS, 0.25])
def test_pattern_probabilities_are_the_exact_integrals(M, eps):
    probs = floor.pattern_probs(M, eps)
    want = [pattern_prob(M, k, eps) for k in range(M + 1)]
    assert probs == pytest.approx(want, rel=1e-12, abs=1e-15)
    # every pattern has some probability, and the 2^M of them sum to one
    assert sum(comb(M, k) * p for k, p in enumerate(probs)) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("M", range(1, 11))
def test_pattern_probabilities_at_eps_0_are_beta_functions(M):
    """∫_0^1 t^k (1−t)^(M−k) dt = k! (M−k)! / (M+1)!."""
    want = [factorial(k) * factorial(M - k) / factorial(M + 1) for k in range(M + 1)]
    assert floor.pattern_probs(M, 0.0) == pytest.approx(want, rel=1e-12)


def test_two_words_that_share_their_first_letter():
    """ab, ac: position 0 is always 'a' (free); position 1 is a coin flip whenever hidden,
    whatever is visible. Hidden with probability E[t] = (1 + eps)/2; M = 2."""
    ds = data.build([("", "ab"), ("", "ac")], "names")
    want = log(2) * (1 + T_EPS) / 2 / 2
    got = floor.loss_floor(ds.tokens, ds.layout.maskable())
    assert got.exact and got.stderr == 0.0
    assert got.value == pytest.approx(want, rel=1e-12)


def test_three_words_worked_by_hand():
    """ab, ac, bc (N = 3, M = 2), per pattern, summed over the three words:
    hide 0 only: ab → 0 (only ab ends in b); ac, bc → ln 2 each.        2 ln 2
    hide 1 only: ab, ac → ln 2 each; bc → 0 (only bc starts with b).     2 ln 2
    hide both:   position 0: a 2/3, b 1/3; position 1: b 1/3, c 2/3.    4 ln 3/2 + 2 ln 3
    weighted by P(one given pattern) = E[t(1−t)] or E[t²], over N·M = 6."""
    e = T_EPS
    p1 = (1 / 6 - e**2 / 2 + e**3 / 3) / (1 - e)  # ∫ t(1−t) dt / (1−eps)
    p2 = (1 - e**3) / (3 * (1 - e))  # ∫ t² dt / (1−eps)
    want = (p1 * 4 * log(2) + p2 * (4 * log(1.5) + 2 * log(3))) / 6
    ds = data.build([("", "ab"), ("", "ac"), ("", "bc")], "names")
    m = ds.layout.maskable()
    assert floor.loss_floor(ds.tokens, m).value == pytest.approx(want, rel=1e-12)
    assert floor.exact_floor(ds.tokens, m, eps=0.0) == pytest.approx(
        (4 * log(2) / 6 + (4 * log(1.5) + 2 * log(3)) / 3) / 6, rel=1e-12)


def test_translator_floor_counts_only_the_answer():
    """a>x, a>y: the question says nothing, the answer (one position, M = 1) is a coin
    flip when hidden: ln 2 · E[t]. The question and `>` are never hidden nor counted."""
    ds = data.build([("a", "x"), ("a", "y")], "translate")
    assert ds.layout.maskable().tolist() == [False, False, True]
    got = floor.loss_floor(ds.tokens, ds.layout.maskable()).value
    assert got == pytest.approx(log(2) * (1 + T_EPS) / 2, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_floor_equals_brute_force_enumeration(seed):
    """Random small datasets, repeated rows included (the distribution is over rows)."""
    rng = np.random.default_rng(seed)
    rows = ["".join(rng.choice(list("abc"), 4)) for _ in range(6)]
    rows.append(rows[0])  # a duplicate weighs twice
    ds = data.build([("", r) for r in rows], "names")
    m = ds.layout.maskable()
    want = brute_force_floor(rows, m.tolist(), T_EPS)
    assert floor.loss_floor(ds.tokens, m).value == pytest.approx(want, rel=1e-12)


def test_exact_floor_with_a_question_equals_brute_force():
    pairs = [("ab", "xy"), ("ab", "xz"), ("ba", "xy"), ("b", "zz"), ("b", "zy")]
    ds = data.build(pairs, "translate")
    rows = [data.compose(ds.layout, a, q) for q, a in pairs]
    m = ds.layout.maskable()
    assert floor.exact_floor(ds.tokens, m) == pytest.approx(
        brute_force_floor(rows, m.tolist(), T_EPS), rel=1e-12)


@pytest.mark.parametrize("words", [["ab", "ac", "bc"], ["abc", "abd", "bcd", "bbb", "ca"]])
def test_monte_carlo_floor_agrees_with_the_exact_one(words):
    ds = data.build([("", w) for w in words], "names")
    m = ds.layout.maskable()
    exact = floor.exact_floor(ds.tokens, m)
    mc, se = floor.monte_carlo_floor(ds.tokens, m, samples=20_000, seed=3)
    assert 0 < se < 0.02 * exact
    assert abs(mc - exact) < 4 * se, (mc, exact, se)


def test_above_the_limit_monte_carlo_matches_a_closed_form():
    """N rows, each one symbol repeated over M = 22 positions, every row a different
    symbol: one visible position names the row, so only the all-hidden pattern costs —
    ln N at each of its M positions. Floor = E[t^M] ln N = (1 − eps^(M+1)) ln N /
    ((M + 1)(1 − eps)). Too many patterns to enumerate (2^22 · 4), so Monte Carlo."""
    N, M = 4, 22
    tokens = np.repeat(np.arange(N)[:, None], M, axis=1)
    m = np.ones(M, dtype=bool)
    want = (1 - T_EPS ** (M + 1)) * log(N) / ((M + 1) * (1 - T_EPS))
    got = floor.loss_floor(tokens, m, samples=20_000, seed=0)
    assert not got.exact and got.samples == 20_000 and got.stderr > 0
    assert abs(got.value - want) < 4 * got.stderr, (got, want)
    # the same tokens under the limit (M = 8): enumeration gives the closed form exactly
    small = tokens[:, :8]
    want8 = (1 - T_EPS**9) * log(N) / (9 * (1 - T_EPS))
    assert floor.loss_floor(small, m[:8]).value == pytest.approx(want8, rel=1e-12)
