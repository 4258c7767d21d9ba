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


# ── the floor by noise level (floor.floor_by_t) ──────────────────────────────────────────


def pattern_prob_in(M: int, k: int, eps: float, lo: float, hi: float) -> float:
    """∫ t^k (1−t)^(M−k) dt over (max(lo, eps), hi], / (1 − eps), exactly (binomially)."""
    a, b, e = Fraction(max(lo, eps)), Fraction(hi), Fraction(eps)
    if b <= a:
        return 0.0
    total = Fraction(0)
    for j in range(M - k + 1):
        n = k + j + 1
        total += comb(M - k, j) * (-1) ** j * (b**n - a**n) / n
    return float(total / (1 - e))


def brute_force_by_t(rows: list[str], maskable: list[bool], eps: float, bins: int
                     ) -> list[float]:
    """Per bin j: E[`all` loss; t in bin j] by the definition (patterns, counting)."""
    pos = [i for i, m in enumerate(maskable) if m]
    M, N = len(pos), len(rows)
    out = []
    for j in range(bins):
        lo, hi = Fraction(j, bins), Fraction(j + 1, bins)
        total = 0.0
        for pattern in product((False, True), repeat=M):
            hidden = {p for p, h in zip(pos, pattern, strict=True) if h}
            if not hidden:
                continue
            weight = pattern_prob_in(M, len(hidden), eps, lo, hi)
            for row in rows:
                seen = tuple(c for i, c in enumerate(row) if i not in hidden)
                agree = [r for r in rows
                         if tuple(c for i, c in enumerate(r) if i not in hidden) == seen]
                for i in hidden:
                    total += weight * -log(sum(r[i] == row[i] for r in agree) / len(agree))
        out.append(total / (N * M))
    return out


def bin_prob(j: int, bins: int, eps: float) -> float:
    return (min((j + 1) / bins, 1.0) - max(j / bins, eps)) / (1 - eps)


@pytest.mark.parametrize("bins", [10, 4, 1])
@pytest.mark.parametrize("seed", [0, 1])
def test_each_bins_floor_equals_brute_force_and_they_add_up_to_the_floor(seed, bins):
    """Catches a bin integrated over the wrong interval, divided by an equal share instead
    of its probability (the first bin starts at eps), or a hidden part not per hidden one."""
    rng = np.random.default_rng(seed)
    rows = ["".join(rng.choice(list("abc"), 3)) for _ in range(5)] + ["abc", "abc"]
    ds = data.build([("", r) for r in rows], "names")
    m = ds.layout.maskable()
    got = floor.floor_by_t(ds.tokens, m, bins=bins)
    assert got.exact and got.edges.tolist() == [j / bins for j in range(bins + 1)]
    want = brute_force_by_t(rows, m.tolist(), T_EPS, bins)
    probs = [bin_prob(j, bins, T_EPS) for j in range(bins)]
    assert got.prob == pytest.approx(probs, rel=1e-12)
    assert got.prob * got.all == pytest.approx(want, rel=1e-12, abs=1e-15)
    mid = [(max(j / bins, T_EPS) + (j + 1) / bins) / 2 for j in range(bins)]
    assert got.hidden_frac == pytest.approx(mid, rel=1e-12)
    assert got.hidden * got.hidden_frac == pytest.approx(got.all, rel=1e-12, abs=1e-15)
    assert got.visible.tolist() == [0.0] * bins
    whole = floor.loss_floor(ds.tokens, m)
    assert abs(got.value - whole.value) < 1e-9 and got.stderr == 0.0
    assert got.hidden_value == pytest.approx(whole.value / ((1 + T_EPS) / 2), rel=1e-12)


@pytest.mark.parametrize("task", ["names", "translate"])
def test_the_shipped_datas_bins_add_up_to_its_floor(task):
    """The page's own data: Σ P(bin) · floor(bin) is the floor section IV draws."""
    ds = data.load(data.default_path(task), task)
    m = ds.layout.maskable()
    got = floor.floor_by_t(ds.tokens, m)
    assert got.exact and len(got.all) == 10 and sum(got.prob) == pytest.approx(1.0, rel=1e-12)
    assert abs(got.value - floor.loss_floor(ds.tokens, m).value) < 1e-9
    assert list(got.all) == sorted(got.all)  # more hidden, more to guess


def test_two_words_sharing_a_letter_by_bin():
    """ab, ac: only position 1 ever costs (ln 2, when hidden). Given t in a bin, the `all`
    floor is ln 2 · E[t | bin] / M with M = 2, and every hidden letter costs ln 2 / 2 on
    average whatever the bin (half the hidden letters are the free `a`)."""
    ds = data.build([("", "ab"), ("", "ac")], "names")
    got = floor.floor_by_t(ds.tokens, ds.layout.maskable(), bins=5)
    mid = np.array([(max(j / 5, T_EPS) + (j + 1) / 5) / 2 for j in range(5)])
    assert got.all == pytest.approx(log(2) * mid / 2, rel=1e-12)
    assert got.hidden == pytest.approx([log(2) / 2] * 5, rel=1e-12)


def test_three_words_by_bin_worked_by_hand():
    """ab, ac, bc (see test_three_words_worked_by_hand): one hidden costs 4 ln 2 in all over
    the three words and two positions (either one), both hidden 4 ln 3/2 + 2 ln 3. In the
    bin (lo, hi]: ∫ t(1−t) = [t²/2 − t³/3], ∫ t² = [t³/3]; over N·M = 6 and P(bin)."""
    e = T_EPS
    ds = data.build([("", "ab"), ("", "ac"), ("", "bc")], "names")
    got = floor.floor_by_t(ds.tokens, ds.layout.maskable(), bins=2)
    for j, (lo, hi) in enumerate([(e, 0.5), (0.5, 1.0)]):
        one = (hi**2 / 2 - hi**3 / 3) - (lo**2 / 2 - lo**3 / 3)
        both = (hi**3 - lo**3) / 3
        p_bin = (hi - lo) / (1 - e)
        want = (one * 4 * log(2) + both * (4 * log(1.5) + 2 * log(3))) / (1 - e) / 6 / p_bin
        assert got.all[j] == pytest.approx(want, rel=1e-12)


def test_monte_carlo_bins_agree_with_the_exact_ones():
    """Forced Monte Carlo on a dataset small enough to enumerate: each bin within its error."""
    words = ["abc", "abd", "bcd", "bbb", "ca", "cab"]
    ds = data.build([("", w) for w in words], "names")
    m = ds.layout.maskable()
    edges = np.arange(11) / 10
    exact = floor.exact_floor_by_t(ds.tokens, m, edges)
    mc = floor.monte_carlo_floor_by_t(ds.tokens, m, edges, 4000, seed=5)
    assert not mc.exact and mc.samples_per_bin == 4000
    for j in range(10):
        assert abs(mc.all[j] - exact.all[j]) <= 4 * mc.stderr_all[j] + 1e-12, j
        assert abs(mc.hidden[j] - exact.hidden[j]) <= 4 * mc.stderr_hidden[j] + 1e-12, j
    assert abs(mc.value - exact.value) < 4 * mc.stderr
    assert mc.stderr_all[-1] > 0


def test_above_the_limit_each_bin_matches_a_closed_form():
    """The rows of test_above_the_limit_monte_carlo_matches_a_closed_form (M = 22, each row
    one symbol): only the all-hidden pattern costs, so the bin's `all` floor is
    ln N · ∫ t^M dt / (hi − lo) = ln N (hi^(M+1) − lo^(M+1)) / ((M + 1)(hi − lo)), and the
    bins, weighted, agree with the unbinned Monte Carlo floor within both errors. A draw
    costs ln N with probability q = floor / ln N, else 0: the error allowed is 4 standard
    errors of that, from q (a low bin may see no all-hidden draw, and report 0 ± 0)."""
    N, M = 4, 22
    tokens = np.repeat(np.arange(N)[:, None], M, axis=1)
    m = np.ones(M, dtype=bool)
    got = floor.floor_by_t(tokens, m, samples_per_bin=3000, seed=1)
    assert not got.exact and got.samples_per_bin == 3000
    for j in range(10):
        lo, hi = max(j / 10, T_EPS), (j + 1) / 10
        want = log(N) * (hi ** (M + 1) - lo ** (M + 1)) / ((M + 1) * (hi - lo))
        q = want / log(N)
        se = log(N) * np.sqrt(q * (1 - q) / 3000)
        assert abs(got.all[j] - want) <= 4 * se + 1e-12, (j, got.all[j], want)
    whole = floor.loss_floor(tokens, m, samples=20_000, seed=0)
    assert abs(got.value - whole.value) < 4 * np.hypot(got.stderr, whole.stderr)
