"""Oracles for section XII's live ablation (pytoy/ablation.py, api.probe_gap).

* The paired floor per hidden letter equals a plain loop over the probe's rows: for each
  hidden letter, −log of the share of training names that agree with everything visible
  and have that letter there (the best possible model's bet).
* The two arms differ in exactly the setting their switch names; every other setting of the
  model and the optimiser is the table's default and the seed is the same.
* The arm at the table's defaults is section IV's model: the same losses as a plain
  `api.create` at that seed, trained as many steps.
"""

from __future__ import annotations

from math import log

import pytest

from pytoy import ablation, api
from pytoy.defaults import DEFAULTS, default, values
from tests.conftest import REPO

TEXT = (REPO / "data" / "names.txt").read_text(encoding="utf-8")
SWITCHES = list(DEFAULTS["ablation"]["switch"]["choices"])


def loop_floor(name: str) -> float:
    """The best model's cost per hidden letter on the session's probe, one row at a time."""
    s = api._sessions[name]
    probe, train = s.probe, s.dataset.tokens.tolist()
    total, hidden = 0.0, 0
    for x, h in zip(probe.x.tolist(), probe.hidden.tolist(), strict=True):
        fits = [r for r in train if all(hid or a == b for a, b, hid in zip(r, x, h, strict=True))]
        for j, hid in enumerate(h):
            if hid:
                total -= log(sum(r[j] == x[j] for r in fits) / len(fits))
                hidden += 1
    return total / hidden


def test_the_paired_floor_per_hidden_letter_equals_a_plain_loop():
    api.create("oracle-ablate", "names", text=TEXT)
    api.train_chunk("oracle-ablate", 20)
    got = api.probe_gap("oracle-ablate")
    assert got["floor"] == pytest.approx(loop_floor("oracle-ablate"), abs=1e-12)
    assert got["loss"] == api.loss_by_t("oracle-ablate")["hidden_loss"]
    assert got["gap"] == pytest.approx(got["loss"] - got["floor"], abs=1e-15)
    assert got["step"] == 20


@pytest.mark.parametrize("switch", SWITCHES)
def test_the_two_arms_differ_in_the_switched_setting_alone(switch):
    infos = []
    for i, arm in enumerate(ablation.arms(switch)):
        infos.append(api.create(f"oracle-arm-{i}", "names", text=TEXT,
                                **ablation.settings(arm, 7)))
    (a, b) = infos
    differ = {("model", k) for k in a["config"] if a["config"][k] != b["config"][k]}
    differ |= {("train", k) for k in a["train"] if a["train"][k] != b["train"][k]}
    group = "model" if switch in DEFAULTS["model"] else "train"
    assert differ == {(group, switch)}
    for info in infos:
        assert info["config"]["seed"] == info["train"]["seed"] == 7
        want = {**values("train"), "seed": 7}
        assert {k: info["train"][k] for k in want if k != switch} == \
               {k: v for k, v in want.items() if k != switch}


def test_the_default_arm_is_section_fours_model_and_refusals_name_the_table():
    got = ablation.run(TEXT, "loss", steps=30, seed=3)
    api.create("oracle-plain", "names", text=TEXT, model={"seed": 3}, train={"seed": 3})
    want = api.train_chunk("oracle-plain", 30)["losses"]
    first = got["arms"][0]
    assert first["label"] == ablation.arms("loss")[0]["label"]
    assert default("train", "loss") == ablation.arms("loss")[0]["train"]["loss"]
    assert first["losses"] == want
    assert got["arms"][1]["losses"] != want  # the elbo arm trains on another objective
    assert first["sample"] == api.sample("oracle-plain", 1, decode={"seed": 3})[0]
    with pytest.raises(ValueError, match="unknown ablation switch 'lr'"):
        ablation.arms("lr")
    with pytest.raises(ValueError, match="ablation steps must be between 1 and"):
        ablation.run(TEXT, "loss", steps=0)
