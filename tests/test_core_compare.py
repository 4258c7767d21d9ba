"""pytoy.compare: the race, infilling, the readable prefix, pass costs and glued names."""

from __future__ import annotations

import json

import pytest

from pytoy import compare
from pytoy.bundle import known_answers
from pytoy.checkpoint import from_dict
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
        # confidence decoding of 7 hidden positions in K ≤ 7 passes takes exactly K; the AR
        # model takes one pass per letter and one for the end symbol (none after 7 letters)
        assert r["diffusion_passes"] == len(r["diffusion"]["passes"]) == steps
        name = r["ar"]["text"]
        assert r["ar_passes"] == len(r["ar"]["passes"]) == min(len(name) + 1, 7)
        # the AR prefix grows one letter a pass; both end with the whole row readable
        assert r["ar_prefix"] == [*range(1, len(r["ar_prefix"])), 7]
        assert r["diffusion_prefix"][-1] == 7
        assert r["diffusion_prefix"] == sorted(r["diffusion_prefix"])


def test_readable_prefix_counts_letters_before_the_first_hole():
    tl = {"answer_start": 3, "passes": [{"tokens": "ab>?x?"}, {"tokens": "ab>yx?"},
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
    """Worked by hand for the shipped models (emb 8, hidden 128, 22 symbols, length 7)."""
    d, a = models
    # diffusion: (7·8 + 1 for t) × 128 into the hidden layer, 128 × (7 · 22) out of it
    assert compare.pass_cost(d.cfg) == {"arch": "diffusion", "reads": 7, "predicts": 7,
                                        "multiply_adds": 57 * 128 + 128 * 154}
    # AR: a window of 7 letters, 7·8 × 128 in, 128 × 22 out, one letter predicted
    assert compare.pass_cost(a.cfg) == {"arch": "ar", "reads": 7, "predicts": 1,
                                        "multiply_adds": 56 * 128 + 128 * 22}


def test_glued_finds_two_names_meeting_at_one_position(models):
    d, _ = models
    names = sorted(known_answers(d))
    g = compare.glued("aaral", names, 7)
    assert g is not None
    padded = "aaral".ljust(7, "_")
    assert g["head"].ljust(7, "_")[: g["split"]] == padded[: g["split"]]
    assert g["tail"].ljust(7, "_")[g["split"]:] == padded[g["split"]:]
    assert compare.glued("rahul", ["rahul"], 7) is None
