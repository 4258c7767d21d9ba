"""Samplers: schedules, strategy guarantees and honest timelines, on constructed models."""

import numpy as np
import pytest

from pytoy.sampling import Decoder, DecodeSettings, schedule

SYMBOLS = "abcdef_?"
V, MASK = len(SYMBOLS), len(SYMBOLS) - 1


def random_model(seed: int = 0):
    """A deterministic 'model' whose logits depend on the whole input, like the real one."""
    def predict(x, t):
        L = x.shape[1]
        h = (x * np.arange(1, L + 1)).sum(axis=1) % 9973  # (B,) a hash of the sequence
        return np.stack([np.random.default_rng(int(seed + hh * 31 + 7)).normal(0, 2, (L, V))
                         for hh in h])
    return predict


def decode(x, maskable=None, predict=None, record=True, **kw):
    L = x.shape[1]
    maskable = np.ones(L, bool) if maskable is None else maskable
    dec = Decoder(predict or random_model(), SYMBOLS, MASK, maskable, DecodeSettings(**kw))
    return dec.run(x, record)


def hidden_start(B, L, fixed=()):
    x = np.full((B, L), MASK)
    for i, c in fixed:
        x[:, i] = c
    return x


def check_replay(x0, res):
    """Each step's tokens differ from the previous exactly at committed ∪ remasked."""
    for b, steps in enumerate(res["passes"]):
        prev = "".join(SYMBOLS[i] for i in x0[b])
        for st in steps:
            cur = st["tokens"]
            changed = {i for i in range(len(cur)) if cur[i] != prev[i]}
            assert changed == set(st["committed"]) | set(st["remasked"])
            assert all(prev[i] == "?" and cur[i] != "?" for i in st["committed"])
            assert all(prev[i] != "?" and cur[i] == "?" for i in st["remasked"])
            prev = cur
        assert prev == "".join(SYMBOLS[i] for i in res["tokens"][b])
        assert "?" not in prev


@pytest.mark.parametrize("M", range(1, 9))
def test_schedule_commits_everything_in_k_steps_largest_first(M):
    """Properties; the values themselves are checked against a hand-written table in
    test_oracle_sampler.py::test_schedule_against_a_hand_written_table."""
    for K in range(1, M + 1):
        plan = schedule(M, K)
        assert sum(plan) == M and len(plan) == K
        assert plan == sorted(plan, reverse=True) and max(plan) - min(plan) <= 1


@pytest.mark.parametrize("strategy", ["confidence", "random"])
def test_commit_counts_cover_and_disjoint_for_every_m_and_k(strategy):
    L = 8
    for M in range(1, L + 1):
        fixed = [(i, 0) for i in range(M, L)]  # the first M positions are hidden
        for K in range(1, M + 1):
            x0 = hidden_start(3, L, fixed)
            res = decode(x0, strategy=strategy, steps=K, temperature=1.0, seed=M * 10 + K)
            for steps in res["passes"]:
                assert [len(s["committed"]) for s in steps] == schedule(M, K)
                seen = [i for s in steps for i in s["committed"]]
                assert len(seen) == len(set(seen)) and set(seen) == set(range(M))
                assert len(steps) == K and steps[-1]["nfe"] == K
            assert (res["nfe"] == K).all()
            check_replay(x0, res)


def test_more_steps_than_hidden_positions_stops_when_done():
    res = decode(hidden_start(2, 5), steps=9)
    assert (res["nfe"] == 5).all() and res["K"] == 5


def test_confidence_commits_the_most_confident_hidden_positions():
    x0 = hidden_start(4, 6)
    res = decode(x0, steps=3, temperature=0.0)
    for steps in res["passes"]:
        for st in steps:
            conf = st["confidence"]
            hidden_before = [i for i in range(6) if i in st["committed"]] + [
                i for i, c in enumerate(st["tokens"]) if c == "?"]
            worst_committed = min(conf[i] for i in st["committed"])
            best_left = max([conf[i] for i in hidden_before if i not in st["committed"]],
                            default=-1)
            assert worst_committed >= best_left


def test_threshold_extremes():
    x0 = hidden_start(5, 7)
    res = decode(x0, strategy="threshold", tau=0.0)
    assert (res["nfe"] == 1).all()
    res = decode(x0, strategy="threshold", tau=1.0)
    assert (res["nfe"] == 7).all()
    assert all(len(s["committed"]) == 1 for steps in res["passes"] for s in steps)
    check_replay(x0, res)


def test_blocks_never_commit_ahead_of_an_unfinished_block():
    L, size = 10, 3
    x0 = hidden_start(6, L)
    for K in (1, 4, 7, 10):
        res = decode(x0, strategy="blocks", block_size=size, steps=K, temperature=1.0, seed=K)
        for steps in res["passes"]:
            done: set[int] = set()
            for st in steps:
                for i in st["committed"]:  # every earlier block was already full
                    assert set(range(i // size * size)) <= done
                done |= set(st["committed"])
        check_replay(x0, res)


def test_blocks_finish_in_k_passes_where_numpy_integers_are_32_bit(monkeypatch):
    """On WebAssembly NumPy's default integer is 32-bit: block indices are int32 there. A
    sentinel that does not fit (int64 max) once wrapped to -1 and stalled every decode."""
    real = Decoder._blocks
    monkeypatch.setattr(Decoder, "_blocks", lambda self, L: real(self, L).astype(np.int32))
    x0 = hidden_start(8, 7)
    for K in (2, 3, 5, 7):
        res = decode(x0, strategy="blocks", block_size=4, steps=K, temperature=1.0, seed=K)
        assert (res["nfe"] <= max(K, 2)).all(), res["nfe"]
        assert not (res["tokens"] == MASK).any()
        check_replay(x0, res)


def test_ar_strategy_goes_left_to_right():
    res = decode(hidden_start(3, 6), strategy="ar")
    for steps in res["passes"]:
        assert [s["committed"] for s in steps] == [[i] for i in range(6)]


def test_remask_revises_a_committed_token():
    """Step 1 commits 'a' at 0; the next step the model turns against it (p(a) = 0.01) while
    positions 1 and 2 are sure of 'b' — so 0 is hidden again and re-predicted as 'b'."""
    def predict(x, t):
        logits = np.full((x.shape[0], 3, V), -9.0)
        if (x[0] == MASK).all():
            logits[:, 0, 0] = 4.0  # very sure of 'a' at position 0
            logits[:, 1:, 1] = 0.5  # unsure elsewhere
        else:
            logits[:, :, 1] = 6.0  # now everything wants 'b'
        return logits

    x0 = hidden_start(1, 3)
    res = decode(x0, predict=predict, strategy="remask", steps=3, temperature=0.0)
    steps = res["passes"][0]
    assert steps[0]["tokens"] == "a??"
    assert steps[1]["remasked"] == [0]
    assert "".join(SYMBOLS[i] for i in res["tokens"][0]) == "bbb"
    assert res["nfe"][0] == 3
    check_replay(x0, res)
    # confidence decoding on the same model keeps its first commit forever
    res = decode(x0, predict=predict, strategy="confidence", steps=3, temperature=0.0)
    assert "".join(SYMBOLS[i] for i in res["tokens"][0]) == "abb"


@pytest.mark.parametrize("strategy", ["random", "confidence", "threshold", "blocks", "remask",
                                      "ar"])
def test_infilling_never_changes_fixed_characters(strategy):
    fixed = [(0, 2), (3, 4), (4, 1)]
    x0 = hidden_start(20, 7, fixed)
    res = decode(x0, strategy=strategy, temperature=1.0, seed=4)
    for i, c in fixed:
        assert (res["tokens"][:, i] == c).all()
    for steps in res["passes"]:
        for st in steps:
            assert all(st["tokens"][i] == SYMBOLS[c] for i, c in fixed)
            assert not {i for i, _ in fixed} & set(st["committed"] + st["remasked"])
    check_replay(x0, res)


def test_positions_outside_maskable_are_never_touched():
    maskable = np.array([False, False, True, True, True])
    x0 = hidden_start(4, 5, [(0, 1), (1, 6)])
    res = decode(x0, maskable=maskable, strategy="confidence")
    assert (res["tokens"][:, :2] == [1, 6]).all() and (res["nfe"] == 3).all()


def test_early_stop_commits_everything_when_the_gate_is_confident():
    def sure(x, t):
        logits = np.zeros((x.shape[0], x.shape[1], V))
        logits[:, :, 2] = 20.0
        return logits

    res = decode(hidden_start(2, 6), predict=sure, steps=6, early_stop=0.9)
    assert (res["nfe"] == 1).all() and res["early"].all()
    st = res["passes"][0][0]
    assert st["gate"] >= 0.9 and sorted(st["committed"]) == list(range(6))
    res = decode(hidden_start(2, 6), steps=6, early_stop=None)
    assert (res["nfe"] == 6).all()


def test_gate_and_mean_match_the_confidences_of_hidden_positions():
    res = decode(hidden_start(3, 6), steps=6, temperature=1.0, seed=9)
    for steps in res["passes"]:
        for st in steps:
            prev_hidden = [i for i, c in enumerate(st["tokens"]) if c == "?"] + st["committed"]
            confs = [st["confidence"][i] for i in prev_hidden]
            assert st["gate"] == pytest.approx(min(confs), abs=1e-6)
            assert st["mean"] == pytest.approx(np.mean(confs), abs=1e-6)


def test_temperature_zero_is_deterministic_and_seed_reproduces():
    a = decode(hidden_start(4, 6), temperature=0.0, seed=1)["tokens"]
    b = decode(hidden_start(4, 6), temperature=0.0, seed=2)["tokens"]
    assert (a == b).all()
    c = decode(hidden_start(4, 6), temperature=1.0, seed=3)["tokens"]
    d = decode(hidden_start(4, 6), temperature=1.0, seed=3)["tokens"]
    assert (c == d).all()


@pytest.mark.parametrize("kw,msg", [({"strategy": "best"}, "unknown strategy"),
                                    ({"steps": -1}, "steps"), ({"temperature": -1}, "temper"),
                                    ({"tau": 2}, "tau"), ({"block_size": 0}, "block"),
                                    ({"early_stop": 1.5}, "early")])
def test_bad_settings_are_refused(kw, msg):
    with pytest.raises(ValueError, match=msg):
        DecodeSettings(**kw)
