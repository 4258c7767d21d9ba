"""The shipped checkpoints and the forced-target frames built from them."""

import json
from pathlib import Path

import pytest

from pytoy import api, checkpoint, data
from pytoy.defaults import default, values

CKPT = Path(__file__).resolve().parent.parent / "data" / "checkpoints"


@pytest.mark.parametrize("name,task,arch", [("names", "names", "diffusion"),
                                            ("names-ar", "names", "ar"),
                                            ("translate", "translate", "diffusion")])
def test_shipped_checkpoint_matches_its_data_and_the_defaults(name, task, arch):
    b = checkpoint.load(CKPT / f"{name}.json")
    ds = data.load(data.default_path(task), task)
    assert b.task == task and b.cfg.arch == arch
    assert b.data_sha256 == ds.sha256  # trained on exactly the shipped dataset
    assert b.steps == default("train_steps", task)
    assert b.cfg.emb == default("model", "emb") and b.cfg.hidden == default("model", "hidden")
    assert b.train == {**values("train"), "seed": 0}


def test_shipped_checkpoint_is_reproduced_by_its_command():
    """scripts/make_checkpoints.sh trains with seed 0: the first 200 losses must agree."""
    shipped = checkpoint.load(CKPT / "names.json")
    api.create("repro", "names")
    api.train_chunk("repro", 200)
    again = api.history("repro")
    assert max(abs(a - b) for a, b in zip(again, shipped.history[:200], strict=True)) < 1e-5


def test_reveal_rahul_diffusion_vs_ar():
    for name in ("names", "names-ar"):
        api.load(f"ship-{name}", json.loads((CKPT / f"{name}.json").read_text()))
    diff = api.reveal("ship-names", "rahul", {"steps": 3})
    ar = api.reveal("ship-names-ar", "rahul")
    assert diff["tokens"] == ar["tokens"] == "rahul__"
    assert diff["nfe"] == 3 and ar["nfe"] == 6  # five letters and the end symbol
    # AR commits strictly left to right; diffusion commits several at once, in any order
    assert [s["committed"][0] for s in ar["passes"]] == [0, 1, 2, 3, 4, 5]
    assert max(len(s["committed"]) for s in diff["passes"]) > 1
    firsts = [i for s in diff["passes"] for i in s["committed"]]
    assert firsts != sorted(firsts)
    # each confidence equals a fresh forward pass's probability of rahul's letter:
    # test_oracle_shipped.py::test_reveal_rahul_confidences_are_fresh_forward_pass_probabilities
