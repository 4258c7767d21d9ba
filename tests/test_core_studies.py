"""The two experiments run end to end (tiny budgets here; the real run is a script)."""

import math
from collections import Counter
from pathlib import Path

import pytest

from pytoy import api, studies

DATA = Path(__file__).resolve().parent.parent / "data"


def test_time_input_study_trains_both_kinds():
    r = studies.time_input(steps=30, seeds=(0,))
    assert [row["time_input"] for row in r["rows"]] == [True, False]
    # the model without t really has no t input: one fewer input to its hidden layer
    assert api.info("study-t")["config"]["time_input"] is False
    assert api.info("study-t")["shapes"]["w1"][0] == 7 * 8
    assert all(row["gap"] > 0 for row in r["rows"])


def test_likelihood_study_reports_both_models_on_the_same_words():
    text = "\n".join((DATA / "names-large.txt").read_text().split()[:200])
    r = studies.likelihood(text, steps=30)
    assert r["held_out_words"] == 20
    assert r["diffusion"]["kind"] == "elbo upper bound" and r["ar"]["kind"] == "exact"
    # the same 20 held-out words for both models, none of them trained on
    d, a = api.info("study-diffusion"), api.info("study-ar")
    assert d["val_items"] == a["val_items"] and len(a["val_items"]) == 20
    assert d["train_items"] == a["train_items"] and len(a["train_items"]) == 180
    assert sorted(a["val_items"] + a["train_items"]) == sorted(text.split())
    # the unigram figure, counted by hand: add-one over letters and `_`, fitted on the 180
    # training words, scored on the 20 held-out ones (a letter each and an end symbol where
    # it fits in the field)
    width = max(map(len, text.split()))
    def scored(w):
        return w + "_" * (len(w) < width)
    counts = Counter("".join(map(scored, a["train_items"]))) + Counter(
        set(a["vocab"]["chars"]) | {"_"})
    nats = -sum(math.log(counts[c] / counts.total()) for w in a["val_items"] for c in scored(w))
    chars = sum(len(scored(w)) for w in a["val_items"])
    assert r["unigram_bits_per_char"] == pytest.approx(nats / chars / math.log(2), rel=1e-12)
    # both figures share that denominator: bits/char · chars · ln 2 / 20 = nats/word
    for kind in ("diffusion", "ar"):
        assert r[kind]["bits_per_char"] * chars * math.log(2) / 20 == pytest.approx(
            r[kind]["nats_per_word"], rel=1e-12)
    assert r["gap_bits_per_char"] == r["diffusion"]["bits_per_char"] - r["ar"]["bits_per_char"]


def test_the_t_verdict_is_two_standard_errors_of_the_difference() -> None:
    """Hand-worked: gaps 0.030 ± 0.004 with t and 0.050 ± 0.003 without differ by 0.020, and
    two standard errors of the difference are 2·√(0.004² + 0.003²) = 0.010."""
    v = studies.time_verdict({"with_t": {"gap_mean": 0.030, "gap_se": 0.004},
                      "without_t": {"gap_mean": 0.050, "gap_se": 0.003}})
    assert v["difference"] == pytest.approx(0.020) and v["noise"] == pytest.approx(0.010)
    assert v["measurable"] is True
    v = studies.time_verdict({"with_t": {"gap_mean": 0.030, "gap_se": 0.004},
                      "without_t": {"gap_mean": 0.035, "gap_se": 0.003}})
    assert v["measurable"] is False  # 0.005 < 0.010


def test_the_shipped_t_study_makes_no_measurable_difference() -> None:
    """The page says t makes no measurable difference: recomputed from the rows themselves."""
    import json
    import statistics

    study = json.loads((DATA / "studies.json").read_text())["time_input"]
    gaps = {flag: [r["gap"] for r in study["rows"] if r["time_input"] is flag]
            for flag in (True, False)}
    se = {f: statistics.stdev(g) / len(g) ** 0.5 for f, g in gaps.items()}
    diff = statistics.mean(gaps[False]) - statistics.mean(gaps[True])
    v = studies.time_verdict(study)
    assert v["difference"] == pytest.approx(diff, abs=1e-12)
    assert v["noise"] == pytest.approx(2 * (se[True] ** 2 + se[False] ** 2) ** 0.5, abs=1e-12)
    assert v["measurable"] is False
