"""The names model's two datasets: the held-out split and the marks on sampled names.

Oracles: the data files read here line by line (not through pytoy.data), set arithmetic on
them, and a fresh run of the same call for determinism; the marks are recomputed from the
files and the shipped checkpoint's own lists, never from pytoy's answer.
"""

from __future__ import annotations

import json

import pytest

from buildtools import REPO
from pytoy import api, checkpoint
from pytoy.defaults import DEFAULTS

LARGE = REPO / "data" / "names-large.txt"
SMALL = REPO / "data" / "names.txt"


def lines(path) -> list[str]:
    return [w.strip() for w in path.read_text(encoding="utf-8").splitlines()
            if w.strip() and not w.startswith("#")]


def test_the_held_out_split_is_deterministic_disjoint_and_covers_the_file() -> None:
    words = lines(LARGE)
    runs = [api.info(api.create(f"split-{i}", dataset="large")["name"]) for i in range(2)]
    train, held = runs[0]["train_items"], runs[0]["val_items"]
    assert (train, held) == (runs[1]["train_items"], runs[1]["val_items"])  # same seed, same split
    assert not set(train) & set(held)
    assert sorted(train + held) == sorted(words)  # every line once, in one part or the other
    frac = DEFAULTS["datasets"]["large"]["val_frac"]
    assert len(held) == round(frac * len(words)) > 0
    # a different training seed does not move the split: it is the dataset's, not the run's
    other = api.create("split-seed", dataset="large", model={"seed": 7}, train={"seed": 7})
    assert other["val_items"] == held
    # the small list holds nothing out, and its model is as long as its longest name
    small = api.create("split-small", dataset="small")
    assert small["val_items"] == [] and sorted(small["train_items"]) == sorted(lines(SMALL))
    assert small["layout"]["a_len"] == max(map(len, lines(SMALL)))
    assert runs[0]["layout"]["a_len"] == max(map(len, words))


def test_the_shipped_large_checkpoint_is_of_the_file_and_its_split() -> None:
    b = checkpoint.load(REPO / DEFAULTS["datasets"]["large"]["checkpoint"])
    fresh = api.create("split-ship", dataset="large")
    assert b.dataset == "large"
    assert (b.train_items, b.val_items) == (fresh["train_items"], fresh["val_items"])


@pytest.mark.parametrize("which", ["small", "large"])
def test_marks_agree_with_the_data_files(which: str) -> None:
    ckpt = json.loads((REPO / DEFAULTS["datasets"][which]["checkpoint"]).read_text())
    api.load(f"marks-{which}", ckpt)
    words = set(lines(SMALL if which == "small" else LARGE))
    held = set(ckpt["data"]["val"])
    train = words - held  # the file, less what the checkpoint says it held out
    samples = api.sample(f"marks-{which}", 300, {"temperature": 0.8, "seed": 3}, record=False)
    want = ["training" if t["text"] in train else "held-out" if t["text"] in held else "new"
            for t in samples]
    assert [t["mark"] for t in samples] == want
    assert [t["in_training_set"] for t in samples] == [m == "training" for m in want]
    shares = api.shares(f"marks-{which}", 300, {"temperature": 0.8, "seed": 3})
    assert shares["counts"] == {k: want.count(k) for k in ("training", "held-out", "new")}
    if which == "large":  # the fixed sample has each kind, so the test checks all three
        assert all(shares["counts"].values())
    else:
        assert shares["counts"]["held-out"] == 0


def test_a_model_of_one_list_is_refused_where_the_other_belongs() -> None:
    big = (REPO / DEFAULTS["datasets"]["large"]["checkpoint"]).read_text()
    small = (REPO / DEFAULTS["datasets"]["small"]["checkpoint"]).read_text()
    api.load("slot", small, dataset="small")
    with pytest.raises(checkpoint.CheckpointError, match="data is large"):
        api.load("slot", big, dataset="small")
    with pytest.raises(checkpoint.CheckpointError, match="data is small"):
        api.load("slot", small, dataset="large")
    assert api.info("slot")["dataset"] == "small"  # the model already there is kept
    assert api.info(api.load("slot", big)["name"])["dataset"] == "large"


def test_the_held_out_loss_is_the_all_loss_on_held_out_names() -> None:
    """Independent check: the held-out probe's loss equals evaluate.loss_by_t's on a probe
    built here from the held-out lines of the file."""
    from pytoy import data, evaluate

    ckpt = (REPO / DEFAULTS["datasets"]["large"]["checkpoint"]).read_text()
    api.load("held", ckpt)
    b = checkpoint.from_dict(json.loads(ckpt))
    held = [w for w in lines(LARGE) if w in set(b.val_items)]
    ds = data.build([("", w) for w in held], "names", b.vocab, b.layout)
    probe = evaluate.probe_set(ds.tokens, b.layout.maskable(), b.vocab.mask_id)
    r = api.held_out_loss("held")
    assert r["held_out"] == pytest.approx(evaluate.loss_by_t(b.params, b.cfg, probe)["loss"],
                                          abs=1e-12)
    assert r["held_out"] > r["training"]  # it has learnt its list better than names it never saw
