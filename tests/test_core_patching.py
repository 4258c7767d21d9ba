"""pytoy.patching: a reader's edit is installed everywhere pytoy uses the function, a broken
edit leaves the previous version in place with a trimmed traceback, restore undoes it."""

from __future__ import annotations

import numpy as np
import pytest

from pytoy import api, diffusion, patching, train
from tests.conftest import REPO

HIDE_ALL = '''
def corrupt(x, t, maskable, mask_id, rng):
    masked = np.ones(x.shape, dtype=bool) & maskable[None, :]
    return np.where(masked, mask_id, x), masked
'''


@pytest.fixture(autouse=True)
def clean():
    yield
    for q in patching.EDITABLE:
        patching.restore(q)


def test_an_edit_reaches_every_module_and_restore_undoes_it():
    original = diffusion.corrupt
    out = api.edit_function("diffusion.corrupt", HIDE_ALL)
    assert out["ok"] and "28 of 28" in out["tried"]
    assert diffusion.corrupt is train.corrupt is api.corrupt
    assert diffusion.corrupt is not original
    api.load("p", (REPO / "data" / "checkpoints" / "names.json").read_text())
    assert api.corrupt_word("p", "rahul", 0.1)["noisy"] == "???????"
    assert "np.ones" not in api.source("diffusion.corrupt")  # the shipped source is shown
    api.restore_function("diffusion.corrupt")
    assert diffusion.corrupt is original is train.corrupt
    assert api.corrupt_word("p", "rahul", 0.0)["noisy"] == "rahul__"


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("def corrupt(x, t:\n    pass", "SyntaxError"),
        ("def corrupt(x, t, maskable, mask_id, rng):\n    return oops", "NameError"),
        ("def corrupt(x, t, maskable, mask_id, rng):\n    return x, x[:1]", "must return"),
        ("def other():\n    pass", "must define a function called corrupt"),
        ("import sys\nsys.exit(3)", "SystemExit"),
    ],
)
def test_a_broken_edit_keeps_the_previous_version(source, words):
    before = diffusion.corrupt
    out = api.edit_function("diffusion.corrupt", source)
    assert not out["ok"]
    assert words in out["traceback"]
    assert diffusion.corrupt is before
    if "NameError" in words:  # trimmed to the reader's own frames
        assert '<your diffusion.corrupt>", line 2' in out["traceback"]
        assert "patching.py" not in out["traceback"]
        # laid out as Python prints one: the header alone on its line, then each frame
        assert out["traceback"].splitlines()[:2] == [
            "Traceback (your code):", '  File "<your diffusion.corrupt>", line 2, in corrupt']


def test_schedule_edit_changes_how_many_letters_each_step_commits():
    out = api.edit_function("sampling.schedule",
                            "def schedule(masked, steps):\n"
                            "    return [masked] + [0] * (steps - 1)\n")
    assert out["ok"], out
    api.load("p", (REPO / "data" / "checkpoints" / "names.json").read_text())
    [t] = api.sample("p", 1, {"steps": 3, "seed": 0})
    assert len(t["passes"][0]["committed"]) == 7


def test_only_listed_functions_are_editable():
    with pytest.raises(ValueError, match="not editable"):
        api.edit_function("train.Trainer.run", "x = 1")
    assert np.isfinite(diffusion.T_EPS)
