"""The loss by noise level on a fixed probe set (evaluate.probe_set, evaluate.loss_by_t).

* An independent reimplementation in plain Python loops — the MLP, the log-softmax, the
  binning of t, the hidden/visible split and the best model's posterior by counting — on
  tiny models, for names and for a translator (whose question is never a visible position).
* Properties: the bins, weighted by their rows, give back the ordinary `all` loss on the
  same draws (through diffusion.cross_entropy, another code path); hidden and visible
  recombine into `all`.
* The probe itself: the same draws at every call and for every model, each row's t inside
  its bin, masks only where the forward process may mask, every example alike.
* The API and the CLI serve the same numbers, JSON-ready, and refuse an AR model.
"""

from __future__ import annotations

import json
from collections import defaultdict
from math import exp, log, tanh
from pathlib import Path

import numpy as np
import pytest

from pytoy import api, checkpoint, cli, data, evaluate
from pytoy.defaults import DEFAULTS
from pytoy.diffusion import T_EPS, loss_weights
from pytoy.model import ModelConfig, init_params

CKPT = Path(__file__).resolve().parent.parent / "data" / "checkpoints"
NAMES = ["ab", "abcd", "c", "dab", "ba", "cc"]
PAIRS = [("hi", "ji"), ("no", "na"), ("ok", "theek"), ("hi", "ha")]


def tiny(task: str) -> tuple[data.Dataset, ModelConfig, dict]:
    """A dataset and a small model far from initialisation, t weighted heavily."""
    items = [("", w) for w in NAMES] if task == "names" else PAIRS
    ds = data.build(items, task)
    cfg = ModelConfig(vocab_size=ds.vocab.size, length=ds.layout.length, emb=2, hidden=3)
    rng = np.random.default_rng(11)
    params = {k: rng.standard_normal(v.shape) for k, v in init_params(cfg).items()}
    params["w1"][-1] *= 4.0  # the row that multiplies t: telling the model t must matter
    return ds, cfg, params


def loop_logits(params: dict, ids: list[int], t: float, L: int, V: int) -> list[list[float]]:
    """The denoiser by hand: embeddings of the row then t, tanh layer, L·V outputs."""
    emb, w1, b1, w2, b2 = (params[k].tolist() for k in ("emb", "w1", "b1", "w2", "b2"))
    inp = [x for i in ids for x in emb[i]] + [t]
    h = [tanh(b1[j] + sum(inp[i] * w1[i][j] for i in range(len(inp))))
         for j in range(len(b1))]
    out = [b2[o] + sum(h[j] * w2[j][o] for j in range(len(h))) for o in range(len(b2))]
    return [out[i * V : (i + 1) * V] for i in range(L)]


def nll(logits: list[float], target: int) -> float:
    top = max(logits)
    return -(logits[target] - top - log(sum(exp(z - top) for z in logits)))


def oracle(ds: data.Dataset, params: dict, probe: evaluate.Probe, bins: int) -> dict:
    """Every figure of loss_by_t, row by row, position by position."""
    L, V = ds.layout.length, ds.vocab.size
    rows_data = ds.tokens.tolist()
    sums: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for x, xt, t, hid in zip(probe.x.tolist(), probe.xt.tolist(), probe.t.tolist(),
                             probe.hidden.tolist(), strict=True):
        j = next(j for j in range(bins) if j / bins < t <= (j + 1) / bins)
        logits = loop_logits(params, xt, t, L, V)
        sums["rows"][j] += 1
        for i in range(ds.layout.answer_start, L):  # the maskable positions only
            cost = nll(logits[i], x[i])
            if hid[i]:
                agree = [r for r in rows_data
                         if all(r[k] == x[k] for k in range(L) if not hid[k])]
                best = -log(sum(r[i] == x[i] for r in agree) / len(agree))
                sums["h"][j] += cost
                sums["hn"][j] += 1
                sums["f"][j] += best
            else:
                sums["v"][j] += cost
                sums["vn"][j] += 1
    M = L - ds.layout.answer_start

    def ratio(a: str, b: str | None) -> list[float | None]:
        out = []
        for j in range(bins):
            den = sums["rows"][j] * M if b is None else sums[b][j]
            out.append(sums[a][j] / den if den else None)
        return out

    all_ = [((sums["h"][j] + sums["v"][j]) / (sums["rows"][j] * M)) for j in range(bins)]
    return {"rows": [int(sums["rows"][j]) for j in range(bins)],
            "hidden_positions": [int(sums["hn"][j]) for j in range(bins)],
            "visible_positions": [int(sums["vn"][j]) for j in range(bins)],
            "hidden": ratio("h", "hn"), "visible": ratio("v", "vn"), "all": all_,
            "floor_hidden": ratio("f", "hn"), "floor_all": ratio("f", None)}


def close(got: list, want: list) -> bool:
    return all((g is None and w is None) or (g is not None and w is not None
                                             and abs(g - w) <= 1e-12 * max(1.0, abs(w)))
               for g, w in zip(got, want, strict=True))


@pytest.mark.parametrize("task", ["names", "translate"])
@pytest.mark.parametrize("bins,per_bin", [(10, 5), (4, 9)])
def test_loss_by_t_equals_a_plain_loop_reimplementation(task, bins, per_bin):
    """Catches: t not told to the model, rows binned by the wrong t or edge, hidden and
    visible swapped, the question and `>` counted as visible, `all` normalised by L instead
    of M, the best model's posterior taken over every row instead of those that agree."""
    ds, cfg, params = tiny(task)
    probe = evaluate.probe_set(ds.tokens, ds.layout.maskable(), ds.vocab.mask_id,
                               per_bin=per_bin, seed=3, bins=bins)
    got = evaluate.loss_by_t(params, cfg, probe)
    want = oracle(ds, params, probe, bins)
    assert got["edges"] == [j / bins for j in range(bins + 1)]
    for key in ("rows", "hidden_positions", "visible_positions"):
        assert got[key] == want[key], key
    for key in ("hidden", "visible", "all", "floor_hidden", "floor_all"):
        assert close(got[key], want[key]), (key, got[key], want[key])
    assert got["probe"] == {"rows": bins * per_bin, "per_bin": per_bin, "seed": 3}


@pytest.mark.parametrize("task", ["names", "translate"])
def test_the_bins_weighted_by_their_rows_give_the_ordinary_loss_on_the_same_draws(task):
    ds, cfg, params = tiny(task)
    m = ds.layout.maskable()
    probe = evaluate.probe_set(ds.tokens, m, ds.vocab.mask_id, per_bin=40, seed=8)
    got = evaluate.loss_by_t(params, cfg, probe)
    weights = loss_weights("all", m, probe.hidden, probe.t)  # (P, L): 1 / (P·M) each
    ordinary = evaluate.loss_on(params, cfg, probe.x, weights, probe.xt, probe.t)
    rows = np.array(got["rows"])
    assert (rows @ np.array(got["all"])) / rows.sum() == pytest.approx(ordinary, rel=1e-12)
    assert got["loss"] == pytest.approx(ordinary, rel=1e-12)
    M = int(m.sum())
    for j in range(len(rows)):  # the `all` loss of a bin is its hidden and visible parts
        h, v = got["hidden_positions"][j], got["visible_positions"][j]
        assert h + v == rows[j] * M
        parts = (got["hidden"][j] or 0.0) * h + (got["visible"][j] or 0.0) * v
        assert parts == pytest.approx(got["all"][j] * rows[j] * M, rel=1e-12)
    hidden = sum((got["hidden"][j] or 0.0) * got["hidden_positions"][j] for j in range(10))
    assert got["hidden_loss"] == pytest.approx(hidden / sum(got["hidden_positions"]))


def test_the_probe_is_the_same_draws_every_time_each_t_inside_its_bin():
    """Catches a probe that moves between calls (the chart would wobble with no training),
    rows labelled with the wrong bin, masks on the question, examples left out."""
    ds = data.build(PAIRS, "translate")
    m = ds.layout.maskable()
    a = evaluate.probe_set(ds.tokens, m, ds.vocab.mask_id)
    b = evaluate.probe_set(ds.tokens, m, ds.vocab.mask_id)
    table = DEFAULTS["loss_by_t"]
    bins, per_bin = table["bins"], table["probe_per_bin"]
    assert len(a.t) == bins * per_bin == 320
    for k in ("x", "xt", "t", "hidden", "bins", "floor_costs"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k))
    for t, j in zip(a.t.tolist(), a.bins.tolist(), strict=True):
        assert max(j / bins, T_EPS) < t <= (j + 1) / bins
    assert np.bincount(a.bins).tolist() == [per_bin] * bins
    assert not a.hidden[:, ~m].any()
    np.testing.assert_array_equal(a.xt, np.where(a.hidden, ds.vocab.mask_id, a.x))
    counts = [sum((row == ex).all() for row in a.x) for ex in ds.tokens]
    assert max(counts) - min(counts) <= 1
    other = evaluate.probe_set(ds.tokens, m, ds.vocab.mask_id, seed=1)
    assert (other.hidden != a.hidden).any()  # the seed is what fixes the masks


def test_the_probes_masks_hide_about_t_of_the_answer():
    """Each bin's hidden fraction is close to its mean t (the forward process, not k/M)."""
    ds = data.build([("", w) for w in NAMES], "names")
    m = ds.layout.maskable()
    n = 3000
    p = evaluate.probe_set(ds.tokens, m, ds.vocab.mask_id, per_bin=n, seed=2)
    M = int(m.sum())
    for j in range(10):
        frac = p.hidden[p.bins == j].sum() / (n * M)
        mid = (max(j / 10, T_EPS) + (j + 1) / 10) / 2
        assert abs(frac - mid) < 4 * np.sqrt(mid * (1 - mid) / (n * M)) + 0.003, (j, frac)


def test_the_api_serves_the_probe_between_chunks_and_refuses_an_ar_model(capsys):
    api.create("by-t", "names")
    before = api.loss_by_t("by-t")
    assert before == api.loss_by_t("by-t")  # nothing trained: the same figures
    s = api._session("by-t")
    probe = evaluate.probe_set(s.dataset.tokens, s.bundle.layout.maskable(),
                               s.bundle.vocab.mask_id)
    assert {k: v for k, v in before.items() if k != "step"} == \
        evaluate.loss_by_t(s.bundle.params, s.bundle.cfg, probe)
    api.train_chunk("by-t", 25)
    after = api.loss_by_t("by-t")
    assert (before["step"], after["step"]) == (0, 25) and after["loss"] < before["loss"]
    assert after["hidden_positions"] == before["hidden_positions"]  # the same draws
    json.dumps(after, allow_nan=False)
    floor = api.loss_floor_by_t("by-t")
    assert floor["exact"] and abs(floor["value"] - api.loss_floor("by-t")["value"]) < 1e-9
    json.dumps(floor, allow_nan=False)
    api.load("by-t-ar", (CKPT / "names-ar.json").read_text())
    with pytest.raises(ValueError, match="diffusion"):
        api.loss_by_t("by-t-ar")


def test_evaluate_by_t_from_the_cli(capsys):
    path = CKPT / "names.json"
    assert cli.main(["evaluate", str(path), "--by-t", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)["loss_by_t"]
    api.load("by-t-cli", checkpoint.to_dict(checkpoint.load(path)))
    want = api.loss_by_t("by-t-cli")
    assert r["model"] == json.loads(json.dumps({k: v for k, v in want.items() if k != "step"}))
    assert r["floor"] == json.loads(json.dumps(api.loss_floor_by_t("by-t-cli")))
    assert cli.main(["evaluate", str(path), "--by-t"]) == 0
    text = capsys.readouterr().out
    assert "loss by noise level" in text and "(0.9, 1]" in text
    assert f"{want['hidden'][-1]:.3f}" in text.splitlines()[-2]
    assert cli.main(["evaluate", str(CKPT / "names-ar.json"), "--by-t"]) == 2
    assert "needs a diffusion model" in capsys.readouterr().err
