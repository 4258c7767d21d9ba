"""The forward (masking) process, the floor, data parsing and the vocabulary."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pytoy import data, floor
from pytoy.diffusion import T_EPS, corrupt, mask_exactly, sample_t
from pytoy.vocab import Vocab, VocabError


def test_masked_fraction_and_variance_at_t_0_3():
    rng = np.random.default_rng(0)
    B, L, t = 20_000, 10, 0.3
    x = np.zeros((B, L), dtype=int)
    _, masked = corrupt(x, np.full(B, t), np.ones(L, bool), 9, rng)
    frac = masked.mean()
    se = np.sqrt(t * (1 - t) / (B * L))
    assert abs(frac - t) < 4 * se
    counts = masked.sum(axis=1)
    # per-sequence count is Binomial(L, t): variance L·t(1−t) = 2.1; its sampling sd is ≈ 0.02
    assert abs(counts.var(ddof=1) - L * t * (1 - t)) < 0.15


def test_t_is_uniform_on_eps_1():
    t = sample_t(np.random.default_rng(1), 50_000)
    assert t.min() > T_EPS and t.max() <= 1.0
    assert stats.kstest(t, stats.uniform(loc=T_EPS, scale=1 - T_EPS).cdf).pvalue > 1e-3


def test_corrupt_replaces_with_mask_only_where_masked():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 5, (100, 6))
    xt, masked = corrupt(x, np.full(100, 0.5), np.ones(6, bool), 7, rng)
    assert (xt[masked] == 7).all() and (xt[~masked] == x[~masked]).all()


@settings(max_examples=60, deadline=None)
@given(q=st.text("abcdefgh", min_size=1, max_size=6), a=st.text("abcdefgh", min_size=1,
       max_size=6), t=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_question_and_separator_never_masked(q, a, t, seed):
    ds = data.build([(q, a), ("ab", "c")], "translate")
    x = np.repeat(ds.tokens, 50, axis=0)
    xt, masked = corrupt(x, np.full(len(x), t), ds.layout.maskable(), ds.vocab.mask_id,
                         np.random.default_rng(seed))
    start = ds.layout.answer_start
    assert not masked[:, :start].any()
    assert (xt[:, :start] == x[:, :start]).all()
    assert (xt[:, start - 1] == ds.vocab.sep_id).all()


def test_mask_exactly_hides_k_maskable_positions():
    rng = np.random.default_rng(3)
    maskable = np.array([False, False, True, True, True, True])
    k = rng.integers(1, 5, 200)
    m = mask_exactly(rng, 200, maskable, k)
    assert (m.sum(axis=1) == k).all() and not m[:, :2].any()


def test_floor_exact_matches_monte_carlo_and_is_positive():
    ds = data.load(data.default_path("names"), "names")
    exact = floor.loss_floor(ds.tokens, ds.layout.maskable())
    mc, se = floor.monte_carlo_floor(ds.tokens, ds.layout.maskable(), 20_000, seed=5)
    assert exact.exact and 0.3 < exact.value < 0.6
    assert abs(exact.value - mc) < 4 * se


def test_floor_is_zero_when_the_question_decides_the_answer():
    ds = data.load(data.default_path("translate"), "translate")
    assert floor.loss_floor(ds.tokens, ds.layout.maskable()).value == 0.0


def test_floor_of_a_single_word_is_zero_and_of_two_words_is_known():
    one = data.build([("", "ab")], "names")
    assert floor.loss_floor(one.tokens, one.layout.maskable()).value == 0.0
    # "ab" vs "ba": a hidden position is a coin flip unless the other one is visible.
    two = data.build([("", "ab"), ("", "ba")], "names")
    # P(both hidden) = E[t²] ≈ 1/3; then each of the 2 positions costs ln 2, averaged over M=2.
    expected = np.log(2) * (1 - T_EPS**3) / (3 * (1 - T_EPS))
    assert floor.loss_floor(two.tokens, two.layout.maskable()).value == pytest.approx(expected)


def test_vocab_ids_and_errors():
    v = Vocab.from_words(["rahul", "priya"])
    assert v.symbols == "ahilpruy_?" and v.size == 10
    assert v.decode(v.encode("rahul_?")) == "rahul_?"
    with pytest.raises(VocabError, match="unknown character 'z'; allowed: ahilpruy"):
        v.check_word("zoya")
    with pytest.raises(VocabError, match="empty"):
        v.check_word("")
    with pytest.raises(VocabError, match="reserved character '_'"):
        v.check_word("ra_ul")
    with pytest.raises(VocabError, match="reserved"):
        Vocab.from_words(["a?b"])


def test_original_vocabulary_has_22_symbols():
    ds = data.load(data.default_path("names"), "names")
    assert ds.vocab.size == 22 and ds.layout.length == 7 and len(ds.items) == 40
    tr = data.load(data.default_path("translate"), "translate")
    assert len(tr.items) == 30 and tr.vocab.sep


@pytest.mark.parametrize("text,msg", [
    ("", "no words"), ("# only a comment\n\n", "no words"),
    ("hello>namaste\nbroken\n", "line 2: expected one 'english>hindi' pair"),
    ("a>b>c\n", "line 1"), (">x\n", "line 1"), ("ab_c>x\n", "character '_'"),
])
def test_translate_file_errors(text, msg):
    with pytest.raises(data.DataError, match=msg):
        data.build(data.parse_lines(text, "translate"), "translate")


def test_names_file_errors():
    with pytest.raises(data.DataError, match="line 2: character '\\?'"):
        data.parse_lines("ravi\nra?i\n", "names")
    with pytest.raises(data.DataError, match="exceed the limit"):
        data.build(data.parse_lines("a" * 65, "names"), "names")


def test_padding_is_trailing_and_a_pad_ends_the_word():
    lay = data.Layout("translate", 4, 5)
    assert data.compose(lay, "ab", "hi") == "hi__>ab___"
    assert data.answer_text(lay, "hi__>a_b__") == "a"
