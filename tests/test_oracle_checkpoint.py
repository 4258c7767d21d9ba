"""Checkpoints: continuing from one is exact (format 2), version 1 still loads, and every kind
of damage is refused with the model kept."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import pytest

from pytoy import api, checkpoint
from pytoy.checkpoint import CheckpointError, encode_array
from tests.conftest import REPO

CKPT = REPO / "data" / "checkpoints"


def weights(name: str) -> dict[str, np.ndarray]:
    return {k: v.copy() for k, v in api._session(name).bundle.params.items()}


def test_training_continues_from_a_checkpoint_exactly_as_if_never_interrupted():
    api.create("straight", "names", train={"momentum": 0.9})
    api.train_chunk("straight", 300)
    api.create("first", "names", train={"momentum": 0.9})
    api.train_chunk("first", 200)
    text = json.dumps(api.export("first"))  # through JSON text, as a file or the browser
    api.load("resumed", json.loads(text))
    assert api.info("resumed")["step"] == 200
    api.train_chunk("resumed", 100)
    assert api.history("resumed") == api.history("straight")  # every loss, unrounded
    a, b = weights("resumed"), weights("straight")
    assert all(np.array_equal(a[k], b[k]) for k in a)
    np.testing.assert_array_equal(api._session("resumed").trainer.opt.velocity,
                                  api._session("straight").trainer.opt.velocity)


def test_a_changed_learning_rate_travels_with_the_checkpoint():
    api.create("lr", "names")
    api.train_chunk("lr", 30)
    api.set_lr("lr", 0.05)
    api.load("lr2", api.export("lr"))
    assert api.info("lr2")["train"]["lr"] == 0.05
    api.train_chunk("lr", 20)
    api.train_chunk("lr2", 20)
    assert api.history("lr") == api.history("lr2")


def as_a_browser_would_keep_it(obj: object) -> object:
    """Every integer rounded to the nearest double, as JSON.parse does."""
    if isinstance(obj, dict):
        return {k: as_a_browser_would_keep_it(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [as_a_browser_would_keep_it(v) for v in obj]
    if isinstance(obj, int) and not isinstance(obj, bool):
        return int(float(obj))
    return obj


def test_the_random_state_survives_a_json_parser_that_rounds_big_integers():
    """A browser parses JSON numbers as doubles; PCG64's 128-bit state must be strings."""
    api.create("rng", "names")
    api.train_chunk("rng", 5)
    d = api.export("rng")
    rng = d["resume"]["rng"]
    assert all(isinstance(rng[k], str) for k in ("state", "inc", "uinteger"))
    api.load("rng2", as_a_browser_would_keep_it(d))
    api.train_chunk("rng", 10)
    api.train_chunk("rng2", 10)
    assert api.history("rng") == api.history("rng2")


def test_a_version_1_checkpoint_still_loads_and_trains_on():
    """The shipped checkpoints are version 1: no optimiser state, history rounded to 6 places."""
    d = json.loads((CKPT / "names.json").read_text())
    assert d["version"] == 1 and "resume" not in d
    b = checkpoint.from_dict(d)
    assert b.resume is None and b.steps == len(d["history"]["loss"])
    api.load("v1", d)
    before = api.info("v1")["step"]
    api.train_chunk("v1", 10)
    assert api.info("v1")["step"] == before + 10
    # it continues as a fresh optimiser would: zero velocity, draws from the seed
    api.create("v1-fresh", "names")
    for k, v in api._session("v1-fresh").bundle.params.items():
        v[...] = b.params[k]  # in place: the params are views of the optimiser's vector
    api.train_chunk("v1-fresh", 10)
    assert api.history("v1")[-10:] == api.history("v1-fresh")


def test_a_version_2_file_written_as_version_1_loads_without_its_resume_block():
    api.create("old", "names")
    api.train_chunk("old", 20)
    d = api.export("old")
    d["version"] = 1
    d.pop("resume")
    d["history"]["loss"] = [round(x, 6) for x in d["history"]["loss"]]
    api.load("old2", d)
    assert weights("old").keys() == weights("old2").keys()
    assert all(np.array_equal(weights("old")[k], weights("old2")[k]) for k in weights("old"))


def nan_in(key: str, value: float) -> Callable[[dict], None]:
    def damage(d: dict) -> None:
        shape = d["params"][key]["shape"]
        a = np.zeros(shape)
        a.flat[0] = value
        d["params"][key]["data"] = encode_array(a)
    return damage


def set_path(*path: str, value: object) -> Callable[[dict], None]:
    def damage(d: dict) -> None:
        node = d
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = value
    return damage


DAMAGE = [
    ("no format marker", lambda d: d.update(format="other"), "not a pytoy checkpoint"),
    ("a future version", lambda d: d.update(version=99), "version 99 is not supported"),
    ("version as text", lambda d: d.update(version="2"), "version '2' is not supported"),
    ("wrong weight shape", lambda d: d["params"]["w1"].update(shape=[3, 3]),
     "weight w1 has shape"),
    ("a weight transposed (same size)",
     lambda d: d["params"]["w1"].update(shape=d["params"]["w1"]["shape"][::-1]),
     r"weight w1 has shape \[128, 57\], the config needs \[57, 128\]"),
    ("too few numbers", lambda d: d["params"]["b1"].update(data="AAAAAAAAAAA="),
     "weights hold 1 numbers, the config needs 128"),
    ("not base64", lambda d: d["params"]["b1"].update(data="not base64!"), "malformed"),
    ("a missing weight", lambda d: d["params"].pop("b2"), "do not match"),
    ("a config of the wrong type", lambda d: d["config"].update(hidden="x"),
     "malformed|must be"),
    ("a config field unknown", lambda d: d["config"].update(depth=3), "unknown config field"),
    ("length unlike the layout", lambda d: d["config"].update(length=3), "does not match"),
    ("no vocabulary", lambda d: d.pop("vocab"), "malformed"),
    ("NaN in a weight", nan_in("w1", math.nan), "weight w1 contains non-finite numbers"),
    ("infinity in a weight", nan_in("emb", math.inf), "weight emb contains non-finite"),
    ("-infinity in a bias", nan_in("b2", -math.inf), "weight b2 contains non-finite"),
    ("NaN in the history", lambda d: d["history"]["loss"].__setitem__(0, math.nan),
     "history contains non-finite"),
    ("velocity too short", set_path("resume", "velocity", value="AAAAAAAAAAA="),
     "weights hold 1 numbers"),
    ("NaN velocity", lambda d: d["resume"].update(
        velocity=encode_array(np.full(api.info("keep")["params"], math.nan))),
     "velocity contains non-finite"),
    ("another bit generator", set_path("resume", "rng", "bit_generator", value="MT19937"),
     "random state of 'MT19937'"),
    ("a random state that is not a number", set_path("resume", "rng", "state", value="x"),
     "malformed"),
    ("no random state", lambda d: d["resume"].pop("rng"), "malformed"),
]


@pytest.mark.parametrize("what,damage,msg", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_damaged_checkpoints_are_refused_and_the_model_is_kept(what, damage, msg):
    api.create("keep", "names")
    api.train_chunk("keep", 5)
    before, w = api.history("keep"), weights("keep")
    d = api.export("keep")
    damage(d)
    with pytest.raises(CheckpointError, match=msg):
        api.load("keep", d)
    assert api.history("keep") == before
    assert all(np.array_equal(w[k], weights("keep")[k]) for k in w)


def test_a_copy_keeping_only_the_latest_losses_keeps_its_step_count():
    """A browser keeps the loss of the latest steps only (site/js/checkpoints.js `bounded`),
    with the steps in history.steps: the model loads at its real step and trains on from it."""
    api.create("long", "names")
    api.train_chunk("long", 50)
    d = json.loads(json.dumps(api.export("long")))
    assert d["history"]["steps"] == 50 and len(d["history"]["loss"]) == 50
    d["history"]["loss"] = d["history"]["loss"][-20:]  # what `bounded` does
    api.load("kept", d)
    assert api.info("kept")["step"] == 50
    assert api.history("kept") == api.history("long")[-20:]
    api.train_chunk("kept", 5)
    again = api.export("kept")
    assert again["history"]["steps"] == 55 and len(again["history"]["loss"]) == 25
    for bad in (10, 2.5, "50"):  # fewer steps than losses, or not a whole number
        d["history"]["steps"] = bad
        with pytest.raises(checkpoint.CheckpointError, match="step count"):
            checkpoint.from_dict(d)
