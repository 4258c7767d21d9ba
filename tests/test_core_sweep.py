"""The step sweep: one-step decoding breaks names but not the translator."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pytoy import api, sweep

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def trained():
    for name, task in (("sw-names", "names"), ("sw-tr", "translate")):
        api.create(name, task)
        api.train_chunk(name, 3000)
    return {k: api._session(f"sw-{k}").bundle for k in ("names", "tr")}


def test_sweep_is_deterministic_for_a_seed(trained):
    a = sweep.sweep(trained["names"], n=100, seed=4, taus=(0.5,))
    b = sweep.sweep(trained["names"], n=100, seed=4, taus=(0.5,))
    assert a == b
    c = sweep.sweep(trained["names"], n=100, seed=5, taus=(0.5,))
    assert a != c


def test_one_step_glues_names_but_the_translator_survives(trained):
    # n = 600 per point: the names gap (≈0 vs ≈0.95) is > 20 standard errors wide, and the
    # translator's one-step accuracy (≈0.99) sits > 10 standard errors above 0.8.
    names = sweep.sweep(trained["names"], n=600, taus=())["rows"]
    tr = sweep.sweep(trained["tr"], n=600, taus=())["rows"]
    one, full = names[0], names[-1]
    assert one["value"] == 1 and one["nfe"] == 1.0 and full["value"] == 7
    assert full["quality"] - one["quality"] > 0.5
    assert one["distinct"] > full["distinct"]  # independent choices: many glued oddities
    assert tr[0]["quality"] > 0.8 and tr[0]["nfe"] == 1.0


def test_threshold_rows_use_fewer_passes_at_lower_tau(trained):
    rows = sweep.sweep(trained["names"], n=100, taus=(0.0, 0.5, 0.99))["rows"]
    taus = [r for r in rows if r["kind"] == "tau"]
    assert taus[0]["nfe"] == 1.0 and taus[0]["nfe"] <= taus[1]["nfe"] <= taus[2]["nfe"]


def test_sweep_cli_json(trained, tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(api.export("sw-names")))
    p = subprocess.run([sys.executable, "-m", "pytoy", "sweep", str(path), "-n", "20",
                        "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert [row["value"] for row in r["rows"] if row["kind"] == "steps"] == list(range(1, 8))
