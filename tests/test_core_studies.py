"""The two experiments run end to end (tiny budgets here; the real run is a script)."""

from pathlib import Path

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
    assert r["gap_bits_per_char"] == r["diffusion"]["bits_per_char"] - r["ar"]["bits_per_char"]
