"""The shipped checkpoints' headline figures, pinned, so a regenerated checkpoint that got
worse (or a change that moves what the page reports about them) is noticed.

Each figure is recomputed here from the checkpoint, independently where it can be: the
reveal's confidences from a fresh forward pass, the AR model's bits per character from its
logits by hand. The pinned values were measured on 2026-12-01 with these checkpoints.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from pytoy import api, checkpoint, data, evaluate, floor, studies
from pytoy.model import forward
from tests.conftest import REPO

CKPT = REPO / "data" / "checkpoints"


@pytest.fixture(scope="module")
def names():
    return checkpoint.load(CKPT / "names.json"), data.load(data.default_path("names"), "names")


def test_names_model_sits_just_above_its_loss_floor(names):
    b, ds = names
    m = b.layout.maskable()
    fl = floor.loss_floor(ds.tokens, m)
    est = evaluate.all_loss(b.params, b.cfg, ds.tokens, m)
    assert fl.exact and fl.value == pytest.approx(0.406096, abs=1e-6)
    assert est.mean == pytest.approx(0.437941, abs=2e-3)
    assert 0 < est.mean - fl.value < 0.05  # 0.032 measured; worse than 0.05 is a regression


def test_ar_model_scores_0_92_bits_per_char_on_its_training_names(names):
    """Computed from the logits by hand: Σ −log p(letter | letters before) over each name's
    letters and one end symbol `_` (a name of the full length 7 has none), over the number of
    those symbols, in bits."""
    a = checkpoint.load(CKPT / "names-ar.json")
    _, ds = names
    logits = forward(a.params, a.cfg, ds.tokens)[0]  # (N, L, V)
    nats, symbols = 0.0, 0
    for word, row, lg in zip(ds.words, ds.tokens, logits, strict=True):
        for i in range(min(len(word) + 1, len(row))):  # the letters, then `_` if it fits
            z = lg[i] - lg[i].max()
            nats += math.log(np.exp(z).sum()) - z[row[i]]
            symbols += 1
    bits = nats / symbols / math.log(2)
    assert bits == pytest.approx(0.920259, abs=2e-3)
    report = evaluate.ar_nll(a.params, a.cfg, ds.tokens, a.layout.maskable())
    assert report.sum() == pytest.approx(nats, rel=1e-12)


def test_the_studies_held_out_ar_figure_is_reproduced():
    """data/studies.json's 2.91 bits/char (AR, exact, 114 held-out names), retrained."""
    shipped = json.loads((REPO / "data" / "studies.json").read_text())["likelihood"]
    assert shipped["ar"]["bits_per_char"] == pytest.approx(2.9118, abs=1e-4)
    text = (REPO / "data" / "names-large.txt").read_text()
    api.create("pin-ar", "names", "ar", text, {"seed": 0, "context": 3},
               {**studies.STUDY_TRAIN, "seed": 0, "weight_decay": 1e-3}, 0.1, 0)
    api.train_chunk("pin-ar", shipped["steps"])
    r = api.evaluate_model("pin-ar")
    assert r["split"] == "held-out" and r["words"] == shipped["held_out_words"] == 114
    assert r["nll"]["bits_per_char"] == pytest.approx(shipped["ar"]["bits_per_char"], abs=1e-6)


def test_shipped_translator_gets_all_30_pairs():
    api.load("pin-tr", json.loads((CKPT / "translate.json").read_text()))
    items = data.load(data.default_path("translate"), "translate").items
    tls = api.translate("pin-tr", [q for q, _ in items], {"temperature": 0.0})
    assert [tl["text"] for tl in tls] == [a for _, a in items]
    assert len(items) == 30


REVEAL = [  # steps = 3: which positions each pass commits, and rahul's probability there
    ([1, 5, 6], [0.226703, 0.740884, 0.956693]),
    ([0, 3], [0.198799, 0.249924]),
    ([2, 4], [0.985914, 0.957351]),
]


def test_reveal_rahul_confidences_are_fresh_forward_pass_probabilities(names):
    b, _ = names
    api.load("pin-rahul", json.loads((CKPT / "names.json").read_text()))
    tl = api.reveal("pin-rahul", "rahul", {"steps": 3})
    target = b.vocab.encode("rahul__")
    x = np.full(7, b.vocab.mask_id)
    for (want_pos, want_conf), st in zip(REVEAL, tl["passes"], strict=True):
        t = (x == b.vocab.mask_id).sum() / 7
        logits = forward(b.params, b.cfg, x[None, :], np.array([t]))[0][0]  # (L, V)
        logits[:, b.vocab.mask_id] = -np.inf  # `?` is never proposed
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        assert st["committed"] == want_pos
        for i, c in zip(want_pos, want_conf, strict=True):
            assert st["confidence"][i] == pytest.approx(p[i, target[i]], abs=1e-6)
            assert st["confidence"][i] == pytest.approx(c, abs=1e-6)
        # the most confident hidden positions (for rahul's letters) are the ones committed
        hidden = np.flatnonzero(x == b.vocab.mask_id)
        ranked = sorted(hidden, key=lambda i: -p[i, target[i]])[: len(want_pos)]
        assert sorted(ranked) == want_pos
        x[want_pos] = target[want_pos]
    assert b.vocab.decode(x) == "rahul__"
