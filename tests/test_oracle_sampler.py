"""The sampler against a scripted predictor whose probabilities are written down here.

The predictor ignores its input (so every expected value can be worked out by hand) but
records what it is given: the sequence and the noise level t of every pass. Each strategy's
commits, the t it passes, and the confidence it reports are checked against tables below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pytoy.sampling import Decoder, DecodeSettings, schedule

SYMBOLS = "abcdef_?"
V, MASK = len(SYMBOLS), len(SYMBOLS) - 1
Q = 5  # position 0 is a fixed question letter `f`; positions 1..5 are the answer
# the model's belief at answer position i: PEAK[i] on letter i (a..e), the rest shared evenly
# by the other six proposable symbols. `?` gets the largest logit of all: it must be banned.
PEAK = [0.25, 0.45, 0.9, 0.35, 0.6]
PROBS = [[PEAK[i] if v == i else (1 - PEAK[i]) / 6 for v in range(V - 1)] for i in range(Q)]


class Scripted:
    """(B, L) ids, (B,) t -> logits; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[np.ndarray, np.ndarray]] = []

    def __call__(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        self.calls.append((x.copy(), np.array(t, dtype=float)))
        B, L = x.shape
        logits = np.zeros((B, L, V))
        logits[:, 1:, : V - 1] = np.log(np.array(PROBS))
        logits[:, :, MASK] = 5.0
        return logits


def run(seed: int = 0, banned: tuple[int, ...] = (), B: int = 1, **kw) -> tuple[dict, Scripted]:
    pred = Scripted()
    maskable = np.array([False] + [True] * Q)
    x0 = np.full((B, Q + 1), MASK)
    x0[:, 0] = SYMBOLS.index("f")
    kw.setdefault("temperature", 0.0)
    dec = Decoder(pred, SYMBOLS, MASK, maskable, DecodeSettings(seed=seed, **kw), banned)
    return dec.run(x0), pred


def commits(res: dict, b: int = 0) -> list[list[int]]:
    return [st["committed"] for st in res["passes"][b]]


def ts(pred: Scripted) -> list[float]:
    return [float(t[0]) for _, t in pred.calls]


# answer positions are 1..5; PEAK by position 1..5 = 0.25 0.45 0.9 0.35 0.6
@pytest.mark.parametrize("kw,want", [
    ({"strategy": "confidence"}, [[3], [5], [2], [4], [1]]),
    ({"strategy": "confidence", "steps": 2}, [[2, 3, 5], [1, 4]]),  # LLaDA: 3 then 2
    ({"strategy": "threshold", "tau": 0.5}, [[3, 5], [2], [4], [1]]),
    ({"strategy": "threshold", "tau": 0.2}, [[1, 2, 3, 4, 5]]),
    ({"strategy": "blocks", "block_size": 2}, [[2], [1], [3], [4], [5]]),
    ({"strategy": "blocks", "block_size": 3, "steps": 2}, [[1, 2, 3], [4, 5]]),
    ({"strategy": "ar"}, [[1], [2], [3], [4], [5]]),
    ({"strategy": "confidence", "early_stop": 0.2}, [[1, 2, 3, 4, 5]]),
    ({"strategy": "confidence", "early_stop": 0.26}, [[3], [5], [2], [4], [1]]),
    ({"strategy": "confidence", "steps": 9}, [[3], [5], [2], [4], [1]]),  # K ≤ hidden
])
def test_each_strategy_commits_the_positions_worked_out_by_hand(kw, want):
    res, pred = run(**kw)
    assert commits(res) == want
    assert res["passes"][0][-1]["tokens"] == "fabcde"  # argmax everywhere, `?` never proposed
    assert int(res["nfe"][0]) == len(pred.calls) == len(want)
    assert bool(res["early"][0]) == (kw.get("early_stop") == 0.2)


@pytest.mark.parametrize("strategy", ["confidence", "threshold", "blocks", "ar", "random",
                                      "remask"])
def test_the_model_is_told_t_the_fraction_of_the_answer_still_hidden(strategy):
    res, pred = run(strategy=strategy, steps=5)
    hidden_before = [st["hidden_before"] for st in res["passes"][0]]
    assert ts(pred) == [h / Q for h in hidden_before]
    assert ts(pred)[0] == 1.0  # everything hidden at the first pass
    # ...and what it is shown is the previous pass's output, question included
    for (x, _), st in zip(pred.calls[1:], res["passes"][0], strict=False):
        assert "".join(SYMBOLS[i] for i in x[0]) == st["tokens"]


def test_confidence_steps_tell_t_one_fifth_less_each_pass():
    _, pred = run(strategy="confidence")
    assert ts(pred) == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2], abs=1e-15)
    _, pred = run(strategy="confidence", steps=2)
    assert ts(pred) == pytest.approx([1.0, 0.4], abs=1e-15)


@pytest.mark.parametrize("strategy", ["confidence", "random", "threshold", "blocks", "ar"])
def test_confidence_is_the_untempered_probability_of_the_proposed_letter(strategy):
    """At temperature 0.7 the proposals vary; each committed position's reported confidence
    is PROBS (the model's own softmax, `?` removed) of the letter it got, not the tempered one."""
    off_peak = 0
    for seed in range(12):
        res, _ = run(seed=seed, strategy=strategy, temperature=0.7)
        for st in res["passes"][0]:
            for i in st["committed"]:
                letter = SYMBOLS.index(st["tokens"][i])
                assert st["confidence"][i] == round(PROBS[i - 1][letter], 6)
                off_peak += letter != i - 1
    assert off_peak >= 5  # the check covered letters the model found unlikely


def test_a_banned_symbol_is_never_proposed_and_the_rest_renormalise():
    """Ban `a` (as the translator bans `>` in an answer): position 1's peak was `a`."""
    res, _ = run(strategy="confidence", banned=(0,))
    final = res["passes"][0][-1]
    assert "a" not in final["tokens"]
    # its best remaining letters share (1 − 0.25)/6 each, renormalised over 1 − 0.25
    first_pos1 = next(st for st in res["passes"][0] if 1 in st["committed"])
    assert first_pos1["confidence"][1] == round((0.75 / 6) / 0.75, 6)
    assert first_pos1["tokens"][1] == "b"  # ties go to the first symbol


def test_the_ar_decoder_never_proposes_the_mask_even_when_it_is_the_likeliest():
    """The AR decoder (the baseline's own sampler) with the same script: `?` scores highest."""
    from pytoy import ar

    pred = Scripted()
    x0 = np.full((40, Q + 1), MASK)
    x0[:, 0] = SYMBOLS.index("f")
    maskable = np.array([False] + [True] * Q)
    res = ar.decode(pred, SYMBOLS, MASK, SYMBOLS.index("_"), maskable, x0, 1.0,
                    np.random.default_rng(0))
    assert not (res["tokens"] == MASK).any()
    # each confidence is the untempered probability of what was written, `?` removed
    for tl in res["passes"]:
        for st in tl:
            (i,) = st["committed"][:1] or (None,)
            if i is not None:
                assert st["confidence"][i] == round(PROBS[i - 1][SYMBOLS.index(st["tokens"][i])], 6)


def test_random_strategy_commits_the_schedules_counts_in_no_fixed_order():
    orders = set()
    for seed in range(20):
        res, _ = run(seed=seed, strategy="random", steps=3)
        c = commits(res)
        assert [len(s) for s in c] == [2, 2, 1]
        assert sorted(i for s in c for i in s) == [1, 2, 3, 4, 5]
        orders.add(tuple(tuple(s) for s in c))
    assert len(orders) > 5  # not the confidence order in disguise


def test_remask_keeps_the_most_confident_and_hides_the_rest_again():
    """With one pass per position, remask commits like confidence here (the script's beliefs
    never change); with K = 1 every position is committed at the only pass."""
    res, _ = run(strategy="remask")
    assert commits(res) == [[3], [5], [2], [4], [1]]
    assert all(st["remasked"] == [] for st in res["passes"][0])
    res, _ = run(strategy="remask", steps=1)
    assert commits(res) == [[1, 2, 3, 4, 5]]


@pytest.mark.parametrize("masked,steps,want", [
    (5, 1, [5]),
    (5, 2, [3, 2]),
    (5, 3, [2, 2, 1]),
    (5, 5, [1, 1, 1, 1, 1]),
    (7, 3, [3, 2, 2]),
    (8, 3, [3, 3, 2]),
    (3, 5, [1, 1, 1, 0, 0]),  # more steps than positions: the late ones commit nothing
    (0, 2, [0, 0]),
    (12, 5, [3, 3, 2, 2, 2]),
])
def test_schedule_against_a_hand_written_table(masked, steps, want):
    assert schedule(masked, steps) == want


def test_gate_and_mean_are_the_least_and_mean_confidence_of_the_hidden():
    res, _ = run(strategy="confidence")
    first = res["passes"][0][0]
    assert first["gate"] == 0.25 and first["mean"] == round(sum(PEAK) / Q, 6)
    second = res["passes"][0][1]  # position 3 (0.9) is no longer hidden
    assert second["mean"] == round((0.25 + 0.45 + 0.35 + 0.6) / 4, 6)
    assert math.isclose(second["gate"], 0.25)


def test_a_translator_never_writes_the_separator_inside_its_answer():
    """generate.run bans `>` in the answer even when the model's logits favour it most."""
    import json as _json

    from pytoy import checkpoint, generate
    from tests.conftest import REPO

    b = checkpoint.from_dict(_json.loads((REPO / "data/checkpoints/translate.json").read_text()))
    sep = b.vocab.sep_id

    def favour_sep(x, t):
        logits = np.zeros((x.shape[0], x.shape[1], b.vocab.size))
        logits[..., sep] = 9.0
        return logits

    b.predictor = lambda: favour_sep
    tls = generate.translate(b, ["hello", "water"], None)
    assert all(">" not in tl["text"] for tl in tls)
