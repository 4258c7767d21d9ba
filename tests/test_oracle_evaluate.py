"""Oracles for the likelihood figures (pytoy/evaluate.py): closed forms for models whose
logits are uniform, the ELBO bound against an exact enumeration of every mask with its
M/k weight, the AR likelihood against a plain-loop model, the unigram baseline and the
shared denominator counted by hand."""

from collections import Counter
from itertools import combinations
from math import comb, exp, log, log2, tanh
from pathlib import Path

import numpy as np
import pytest

from pytoy import api, checkpoint, data, evaluate
from pytoy.diffusion import log_softmax
from pytoy.model import ModelConfig, forward, init_params

ROOT = Path(__file__).resolve().parent.parent
NAMES = [("", "ab"), ("", "abcd"), ("", "c"), ("", "dab")]  # L = 4, V = 4 + 2
PAIRS = [("hello", "namaste"), ("water", "paani"), ("hi", "ji")]  # M = 7 of L = 13


def uniform(cfg: ModelConfig) -> dict:
    """Weights whose logits are exactly 0 everywhere: every symbol has probability 1/V."""
    params = init_params(cfg)
    params["w2"][...] = 0.0
    params["b2"][...] = 0.0
    return params


def config(ds: data.Dataset, arch: str = "diffusion", **kw) -> ModelConfig:
    return ModelConfig(arch=arch, vocab_size=ds.vocab.size, length=ds.layout.length, **kw)


def randomised(cfg: ModelConfig, seed: int, t_scale: float = 0.0) -> dict:
    """Weights far from initialisation, so every input (and t, if t_scale) matters."""
    rng = np.random.default_rng(seed)
    params = {k: rng.standard_normal(v.shape) for k, v in init_params(cfg).items()}
    params["w2"] *= 2.0
    if t_scale:
        params["w1"][-1] *= t_scale  # the row that multiplies t
    return params


# ── plain-loop models, written without pytoy.model ───────────────────────────────────


def loop_logits(params: dict, ids: list[int], t: float | None) -> list[float]:
    """One MLP row: embeddings of `ids` (then t), tanh hidden layer, linear output."""
    emb, w1, b1, w2, b2 = (params[k].tolist() for k in ("emb", "w1", "b1", "w2", "b2"))
    inp = [x for i in ids for x in emb[i]] + ([] if t is None else [t])
    h = [tanh(b1[j] + sum(inp[i] * w1[i][j] for i in range(len(inp))))
         for j in range(len(b1))]
    return [b2[o] + sum(h[j] * w2[j][o] for j in range(len(h))) for o in range(len(b2))]


def log_prob(logits: list[float], target: int) -> float:
    top = max(logits)
    return logits[target] - top - log(sum(exp(z - top) for z in logits))


def scored(word_ids: list[int], maskable: list[bool], pad: int) -> list[int]:
    """Answer positions up to and including the first `_` (the end symbol)."""
    out = []
    for i, (c, m) in enumerate(zip(word_ids, maskable, strict=True)):
        if m:
            out.append(i)
            if c == pad:
                break
    return out


def exact_bound(params: dict, cfg: ModelConfig, ids: list[int], maskable: list[bool]
                ) -> float:
    """E_k E_S [(M/k) Σ_{i∈S} −log p(x_i | x with S hidden, t = k/M)], k ~ U{1..M}, S a
    uniform k-subset of the maskable positions — every (k, S) enumerated."""
    V = cfg.vocab_size
    pos = [i for i, m in enumerate(maskable) if m]
    M = len(pos)
    total = 0.0
    for k in range(1, M + 1):
        for S in combinations(pos, k):
            xt = [V - 1 if i in S else c for i, c in enumerate(ids)]
            out = loop_logits(params, xt, k / M if cfg.time_input else None)
            nll = -sum(log_prob(out[i * V:(i + 1) * V], ids[i]) for i in S)
            total += (M / k) * nll / comb(M, k) / M
    return total


def exact_ar_nll(params: dict, cfg: ModelConfig, ids: list[int], maskable: list[bool]
                 ) -> float:
    C, pad = cfg.context or cfg.length, cfg.vocab_size - 2
    padded = [pad] * C + ids
    return -sum(log_prob(loop_logits(params, padded[i:i + C], None), ids[i])
                for i in scored(ids, maskable, pad))


# ── the shared denominator and bits per character ────────────────────────────────────


def test_word_lengths_are_letters_plus_one_end_symbol_capped_at_the_field():
    ds = data.build(NAMES, "names")
    # ab_ _ → 2 + end; abcd fills the field (no end symbol fits); c → 1 + end; dab → 3 + end
    got = evaluate.word_lengths(ds.tokens, ds.layout.maskable(), ds.vocab.pad_id)
    assert got.tolist() == [3, 4, 2, 4]
    tr = data.build(PAIRS, "translate")  # the question never counts
    got = evaluate.word_lengths(tr.tokens, tr.layout.maskable(), tr.vocab.pad_id)
    assert got.tolist() == [7, 6, 3]


def test_bits_per_char_is_total_nats_over_total_characters_in_base_2():
    nats, lengths = np.array([3.0, 5.0]), np.array([2, 6])
    assert evaluate.bits_per_char(nats, lengths) == pytest.approx(8 / 8 / log(2), rel=1e-15)
    assert evaluate.bits_per_char(np.array([log(2) * 9]), np.array([3])) == pytest.approx(3.0)


# ── closed forms: a model with uniform logits ────────────────────────────────────────


@pytest.mark.parametrize("items,task", [(NAMES, "names"), (PAIRS, "translate")])
def test_uniform_ar_model_costs_ln_v_per_scored_symbol(items, task):
    ds = data.build(items, task)
    cfg = config(ds, "ar", emb=3, hidden=5)
    V = ds.vocab.size
    nll = evaluate.ar_nll(uniform(cfg), cfg, ds.tokens, ds.layout.maskable())
    want = [min(len(a) + 1, ds.layout.a_len) * log(V) for _, a in items]
    assert nll == pytest.approx(want, rel=1e-12)
    lengths = evaluate.word_lengths(ds.tokens, ds.layout.maskable(), ds.vocab.pad_id)
    assert evaluate.bits_per_char(nll, lengths) == pytest.approx(log2(V), rel=1e-12)


@pytest.mark.parametrize("items,task", [(NAMES, "names"), (PAIRS, "translate")])
def test_uniform_diffusion_bound_is_exactly_m_ln_v_per_word(items, task):
    """Whatever k and mask are drawn, (M/k)·k·ln V = M ln V — padding positions are part of
    the M answer positions (the model must also say where the word ends)."""
    ds = data.build(items, task)
    cfg = config(ds, emb=3, hidden=5)
    M, V = ds.layout.a_len, ds.vocab.size
    assert int(ds.layout.maskable().sum()) == M
    bound, se = evaluate.diffusion_nll_bound(uniform(cfg), cfg, ds.tokens,
                                             ds.layout.maskable(), samples=16)
    assert bound == pytest.approx([M * log(V)] * len(items), rel=1e-12)
    assert np.all(se < 1e-12)


@pytest.mark.parametrize("items,task", [(NAMES, "names"), (PAIRS, "translate")])
def test_uniform_all_loss_is_exactly_ln_v(items, task):
    ds = data.build(items, task)
    cfg = config(ds, emb=3, hidden=5)
    est = evaluate.all_loss(uniform(cfg), cfg, ds.tokens, ds.layout.maskable(), repeats=5)
    assert est.mean == pytest.approx(log(ds.vocab.size), rel=1e-12) and est.stderr < 1e-12


# ── against exact enumeration and plain loops ────────────────────────────────────────


@pytest.mark.parametrize("items,task", [
    ([("", "ab"), ("", "ba"), ("", "b")], "names"),
    ([("a", "ab"), ("b", "ba"), ("ab", "b")], "translate"),
])
def test_elbo_bound_equals_the_exact_expectation_over_every_mask(items, task):
    """A model whose logits depend strongly on t and on every input; M/k weights, k ~
    U{1..M} and t = k/M each change the exact value by far more than 4 standard errors."""
    ds = data.build(items, task)
    cfg = config(ds, emb=2, hidden=4)
    params = randomised(cfg, seed=7, t_scale=4.0)
    m = ds.layout.maskable()
    bound, se = evaluate.diffusion_nll_bound(params, cfg, ds.tokens, m, samples=3000)
    for b in range(len(items)):
        want = exact_bound(params, cfg, ds.tokens[b].tolist(), m.tolist())
        assert 0 < se[b] < 0.05 * want
        assert abs(bound[b] - want) < 4 * se[b], (b, bound[b], want, se[b])


def test_elbo_bound_without_time_input_equals_the_exact_expectation():
    ds = data.build([("", "abc"), ("", "cab"), ("", "a")], "names")
    cfg = config(ds, emb=2, hidden=4, time_input=False)
    params = randomised(cfg, seed=3)
    m = ds.layout.maskable()
    bound, se = evaluate.diffusion_nll_bound(params, cfg, ds.tokens, m, samples=3000)
    for b in range(3):
        want = exact_bound(params, cfg, ds.tokens[b].tolist(), m.tolist())
        assert abs(bound[b] - want) < 4 * se[b], (b, bound[b], want, se[b])


@pytest.mark.parametrize("context", [0, 2])
@pytest.mark.parametrize("items,task", [(NAMES, "names"), (PAIRS, "translate")])
def test_ar_nll_equals_a_plain_loop_left_to_right_model(items, task, context):
    ds = data.build(items, task)
    cfg = config(ds, "ar", emb=2, hidden=3, context=context)
    params = randomised(cfg, seed=11)
    m = ds.layout.maskable()
    got = evaluate.ar_nll(params, cfg, ds.tokens, m)
    want = [exact_ar_nll(params, cfg, row.tolist(), m.tolist()) for row in ds.tokens]
    assert got == pytest.approx(want, rel=1e-12)


def test_the_shipped_models_bound_is_an_estimate_of_the_enumerated_expectation():
    """The page's 0.967 bits/char: 64 draws per name of (k, mask). Every one of the 127
    masks of the 7 positions, weighted (1/M)·(1/C(M, k))·(M/k), gives its exact value."""
    b = checkpoint.load(ROOT / "data" / "checkpoints" / "names.json")
    ds = data.build(data.parse_lines("\n".join(b.train_items), "names"), "names", b.vocab,
                    b.layout)
    m = b.layout.maskable()
    M, N = int(m.sum()), len(ds.tokens)
    masks = [S for k in range(1, M + 1) for S in combinations(range(M), k)]
    hidden = np.zeros((len(masks), M), dtype=bool)
    for j, S in enumerate(masks):
        hidden[j, list(S)] = True
    k = hidden.sum(axis=1)
    weight = (M / k) / np.array([comb(M, kk) for kk in k]) / M  # (127,)
    x = np.repeat(ds.tokens, len(masks), axis=0)  # (N·127, M): every name under every mask
    h = np.tile(hidden, (N, 1))
    logits, _ = forward(b.params, b.cfg, np.where(h, b.vocab.mask_id, x), np.tile(k / M, N))
    nll = -np.take_along_axis(log_softmax(logits), x[..., None], axis=-1)[..., 0]
    exact = ((nll * h).sum(axis=1) * np.tile(weight, N)).reshape(N, len(masks)).sum(axis=1)
    bound, se = evaluate.diffusion_nll_bound(b.params, b.cfg, ds.tokens, m)
    total_se = np.sqrt((se**2).sum())
    assert abs(bound.sum() - exact.sum()) < 4 * total_se, (bound.sum(), exact.sum(), total_se)
    chars = evaluate.word_lengths(ds.tokens, m, b.vocab.pad_id).sum()
    assert 0.85 < exact.sum() / chars / log(2) < 1.1  # bits/char, the page's figure


# ── the unigram baseline, counted by hand ────────────────────────────────────────────


def test_unigram_by_hand_on_names():
    """Train abb, b__: scored a b b | b _ → a 1, b 3, _ 1; add one to every symbol but
    `?`: a 2, b 4, _ 2 of 8. Test ba_ costs ln 2 + 2 ln 4, a__ costs 2 ln 4."""
    train = data.build([("", "abb"), ("", "b")], "names")
    test = data.build([("", "ba"), ("", "a")], "names", train.vocab, train.layout)
    V, pad = train.vocab.size, train.vocab.pad_id
    assert train.vocab.symbols == "ab_?"
    m = train.layout.maskable()
    got = evaluate.unigram_nll(train.tokens, test.tokens, m, V, pad)
    assert got == pytest.approx([5 * log(2), 4 * log(2)], rel=1e-12)
    lengths = evaluate.word_lengths(test.tokens, m, pad)
    assert lengths.tolist() == [3, 2]
    assert evaluate.bits_per_char(got, lengths) == pytest.approx(9 / 5, rel=1e-12)


def test_unigram_by_hand_on_a_translator_ignores_the_question():
    """Train zzz>ab, zy_>b_: answers score a b | b _ → a 1, b 2, _ 1; add one to the
    seven symbols but `?`: a 2, b 3, y 1, z 1, > 1, _ 2 of 10. Test y>b_: ln(10/3) + ln 5."""
    train = data.build([("zzz", "ab"), ("zy", "b")], "translate")
    test = data.build([("y", "b")], "translate", train.vocab, train.layout)
    assert train.vocab.symbols == "abyz>_?"
    got = evaluate.unigram_nll(train.tokens, test.tokens, train.layout.maskable(),
                               train.vocab.size, train.vocab.pad_id)
    assert got == pytest.approx([log(10 / 3) + log(5)], rel=1e-12)


def hand_unigram_bits(train_words: list[str], test_words: list[str], chars: str, a_len: int
                      ) -> float:
    """Add-one unigram over the characters and `_`, end symbol only where it fits."""
    def symbols(w):
        return list(w) + (["_"] if len(w) < a_len else [])

    counts = Counter({c: 1 for c in chars + "_"})
    for w in train_words:
        counts.update(symbols(w))
    total = sum(counts.values())
    nats = sum(-log(counts[c] / total) for w in test_words for c in symbols(w))
    chars_scored = sum(len(symbols(w)) for w in test_words)
    return nats / chars_scored / log(2)


# ── the report the CLI and the page show ─────────────────────────────────────────────

TEN = "rahul\npriya\nom\nravi\namit\nzoya\nkavya\nanu\nrohan\nisha\n"


def test_report_on_a_held_out_split_with_a_uniform_ar_model():
    api.create("oracle-ev-ar", "names", "ar", text=TEN, model={"emb": 3, "hidden": 5},
               val_frac=0.3, split_seed=0)
    b = api._session("oracle-ev-ar").bundle
    b.params["w2"][...] = 0.0
    b.params["b2"][...] = 0.0
    r = api.evaluate_model("oracle-ev-ar")
    val, train = b.val_items, b.train_items
    assert len(val) == 3 and len(train) == 7 and not set(val) & set(train)
    assert sorted(val + train) == sorted(TEN.split())
    assert (r["split"], r["words"], r["arch"]) == ("held-out", 3, "ar")
    V, a_len = b.vocab.size, b.layout.a_len
    assert a_len == 5
    lengths = [min(len(w) + 1, a_len) for w in val]
    assert r["nll"]["kind"] == "exact" and r["nll"]["stderr_bits"] == 0.0
    assert r["nll"]["bits_per_char"] == pytest.approx(log2(V), rel=1e-12)
    assert r["nll"]["nats_per_word"] == pytest.approx(np.mean(lengths) * log(V), rel=1e-12)
    # the unigram model is fitted on the training words and scored on the held-out ones
    want = hand_unigram_bits(train, val, b.vocab.chars, a_len)
    assert r["unigram_bits_per_char"] == pytest.approx(want, rel=1e-12)


def test_report_with_a_uniform_diffusion_model():
    api.create("oracle-ev-diff", "names", text=TEN, model={"emb": 3, "hidden": 5})
    b = api._session("oracle-ev-diff").bundle
    b.params["w2"][...] = 0.0
    b.params["b2"][...] = 0.0
    r = api.evaluate_model("oracle-ev-diff")
    words = TEN.split()
    assert (r["split"], r["words"]) == ("training", 10)
    V, M = b.vocab.size, b.layout.a_len
    chars = sum(min(len(w) + 1, M) for w in words)
    assert r["nll"]["kind"] == "elbo upper bound"
    assert r["nll"]["nats_per_word"] == pytest.approx(M * log(V), rel=1e-12)
    assert r["nll"]["bits_per_char"] == pytest.approx(10 * M * log2(V) / chars, rel=1e-12)
    assert r["nll"]["stderr_bits"] < 1e-12
    a = r["all_loss"]
    assert a["mean"] == pytest.approx(log(V), rel=1e-12)
    assert a["floor"]["exact"] and 0 < a["floor"]["value"] < log(V)
    assert a["gap"] == pytest.approx(log(V) - a["floor"]["value"], rel=1e-12)
    assert r["unigram_bits_per_char"] == pytest.approx(
        hand_unigram_bits(words, words, b.vocab.chars, M), rel=1e-12)
