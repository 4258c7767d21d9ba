"""pytoy.compare: the race, infilling, the readable prefix, pass costs and glued names."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pytoy import compare
from pytoy.bundle import known_answers
from pytoy.checkpoint import from_dict
from pytoy.model import param_shapes
from tests.conftest import REPO

CKPT = REPO / "data" / "checkpoints"


@pytest.fixture(scope="module")
def models():
    load = lambda f: from_dict(json.loads((CKPT / f).read_text()))  # noqa: E731
    return load("names.json"), load("names-ar.json")


def test_race_reports_the_passes_its_timelines_took(models):
    d, a = models
    for steps in (1, 3, 7):
        r = compare.streaming(d, a, steps, seed=4)
        assert r["diffusion_passes"] == len(r["diffusion"]["steps"]) <= steps
        assert r["ar_passes"] == len(r["ar"]["steps"])
        assert r["diffusion_seconds"] > 0 and r["ar_seconds"] > 0
        # the AR prefix grows one letter a pass; both end with the whole row readable
        assert r["ar_prefix"] == [*range(1, len(r["ar_prefix"])), 7]
        assert r["diffusion_prefix"][-1] == 7
        assert r["diffusion_prefix"] == sorted(r["diffusion_prefix"])


def test_readable_prefix_counts_letters_before_the_first_hole():
    tl = {"answer_start": 3, "steps": [{"tokens": "ab>?x?"}, {"tokens": "ab>yx?"},
                                        {"tokens": "ab>yxz"}]}
    assert compare.readable_prefix(tl) == [0, 2, 3]


@pytest.mark.parametrize("template", ["r??ul", "?a?ul", "??h??", "a????", "?????"])
def test_infill_keeps_every_fixed_letter_and_diffusion_beats_ar_when_letters_lie_right(
    models, template
):
    d, a = models
    r = compare.infill(d, a, template, n=200, seed=0)
    assert r["diffusion"]["kept_fixed"] == 1.0
    assert r["ar"]["kept_fixed"] == 1.0
    # Every template has something fixed right of a gap (a letter, or the `_` that pads it to
    # seven): diffusion sees it, AR cannot. Binomial s.e. at n = 200 is ≤ 0.035 per rate; the
    # gaps measured are 0.34–0.92, so 0.2 leaves room for any seed.
    assert r["diffusion"]["real_names"] - r["ar"]["real_names"] > 0.2


def test_pass_cost_counts_the_two_matrix_products(models):
    d, a = models
    for b in (d, a):
        shapes = param_shapes(b.cfg)
        weights = sum(int(np.prod(s)) for k, s in shapes.items() if len(s) == 2 and k != "emb")
        cost = compare.pass_cost(b.cfg)
        assert cost["multiply_adds"] == weights
    assert compare.pass_cost(d.cfg)["predicts"] == 7
    assert compare.pass_cost(a.cfg)["predicts"] == 1


def test_glued_finds_two_names_meeting_at_one_position(models):
    d, _ = models
    names = sorted(known_answers(d))
    g = compare.glued("aaral", names, 7)
    assert g is not None
    padded = "aaral".ljust(7, "_")
    assert g["head"].ljust(7, "_")[: g["split"]] == padded[: g["split"]]
    assert g["tail"].ljust(7, "_")[g["split"]:] == padded[g["split"]:]
    assert compare.glued("rahul", ["rahul"], 7) is None
