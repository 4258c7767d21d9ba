"""Oracles for the command line (pytoy/cli.py): every flag reaches what it configures, the
evaluate figures equal closed forms for a uniform model and the in-process report for
the same checkpoint, and bad input is one `error:` line with exit status 2."""

import json
import subprocess
import sys
from math import log, log2
from pathlib import Path

import numpy as np
import pytest

from pytoy import api, checkpoint, cli

ROOT = Path(__file__).resolve().parent.parent
TEN = "rahul\npriya\nom\nravi\namit\nzoya\nkavya\nanu\nrohan\nisha\n"


def main(capsys, *args) -> tuple[int, str, str]:
    """Run the CLI in this process: (exit status, stdout, stderr)."""
    try:
        rc = cli.main([str(a) for a in args])
    except SystemExit as e:  # argparse's own usage errors
        rc = e.code
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("oracle-cli")
    (d / "ten.txt").write_text(TEN)
    return d


def untrained(capsys, files, name: str, *flags) -> Path:
    out = files / f"{name}.json"
    rc, _, err = main(capsys, "train", "names", "--data", files / "ten.txt", "--steps", 0,
                           "--emb", 3, "--hidden", 5, "--out", out, "--json", *flags)
    assert rc == 0, err
    return out


def uniform_checkpoint(path: Path, dest: Path) -> Path:
    """The same checkpoint with output weights zeroed: every logit is 0."""
    b = checkpoint.load(path)
    b.params["w2"][...] = 0.0
    b.params["b2"][...] = 0.0
    dest.write_text(json.dumps(checkpoint.to_dict(b)))
    return dest


def test_train_flags_reach_the_model_and_the_checkpoint(capsys, files):
    out = files / "flags.json"
    rc, stdout, err = main(capsys, "train", "names", "--data", files / "ten.txt",
                           "--steps", 0, "--no-time", "--loss", "elbo", "--emb", 3,
                           "--hidden", 5, "--seed", 4, "--lr", 0.25, "--momentum", 0,
                           "--batch", 7, "--out", out, "--json")
    assert rc == 0, err
    r = json.loads(stdout)
    assert r["steps"] == 0 and r["final_loss"] is None
    assert {k: r["config"][k] for k in ("time_input", "emb", "hidden", "seed", "length")} == {
        "time_input": False, "emb": 3, "hidden": 5, "seed": 4, "length": 5}
    assert {k: r["train"][k] for k in ("loss", "lr", "momentum", "batch", "seed")} == {
        "loss": "elbo", "lr": 0.25, "momentum": 0.0, "batch": 7, "seed": 4}
    b = checkpoint.load(out)
    assert b.cfg.time_input is False and b.params["w1"].shape == (5 * 3, 5)  # no t input
    assert b.train["loss"] == "elbo"
    b = checkpoint.load(untrained(capsys, files, "with-t"))
    assert b.cfg.time_input is True and b.params["w1"].shape == (5 * 3 + 1, 5)
    assert b.train["loss"] == "all"


def test_train_steps_and_val_frac(capsys, files):
    out = files / "held.json"
    rc, stdout, err = main(capsys, "train", "names", "--data", files / "ten.txt",
                           "--steps", 30, "--val-frac", 0.3, "--emb", 3, "--hidden", 5,
                           "--out", out, "--json")
    assert rc == 0, err
    assert json.loads(stdout)["steps"] == 30
    assert "step      30/30" in err
    b = checkpoint.load(out)
    assert len(b.history) == 30 and len(b.val_items) == 3 and len(b.train_items) == 7
    assert sorted(b.val_items + b.train_items) == sorted(TEN.split())
    # evaluate scores the held-out words, the unigram model is fitted on the others
    rc, stdout, err = main(capsys, "evaluate", out, "--json")
    r = json.loads(stdout)
    assert (r["split"], r["words"], r["steps_trained"]) == ("held-out", 3, 30)


def test_early_stop_zero_commits_everything_in_the_first_pass(capsys, files):
    path = untrained(capsys, files, "early")
    rc, stdout, err = main(capsys, "sample", path, "-n", 4, "--early-stop", 0, "--json")
    assert rc == 0, err
    tls = json.loads(stdout)["timelines"]
    assert [(tl["nfe"], tl["early_stopped"], len(tl["passes"])) for tl in tls] == [
        (1, True, 1)] * 4
    assert all("?" not in tl["tokens"] for tl in tls)
    # without it (and at level 1, which an untrained model never reaches): one pass each
    for extra in ((), ("--early-stop", 1)):
        rc, stdout, err = main(capsys, "sample", path, "-n", 4, "--json", *extra)
        tls = json.loads(stdout)["timelines"]
        assert [(tl["nfe"], tl["early_stopped"]) for tl in tls] == [(5, False)] * 4


def test_decode_flags_reach_the_sampler(capsys, files):
    path = untrained(capsys, files, "decode")
    rc, stdout, err = main(capsys, "sample", path, "-n", 3, "--steps", 2, "--strategy",
                           "random", "--temperature", 0, "--json")
    assert rc == 0, err
    tls = json.loads(stdout)["timelines"]
    # random, K = 2 over 5 hidden positions: 3 then 2 commits (LLaDA's schedule)
    assert all(tl["strategy"] == "random" and tl["K"] == 2 for tl in tls)
    assert all([len(s["committed"]) for s in tl["passes"]] == [3, 2] for tl in tls)
    rc, stdout, err = main(capsys, "sample", path, "-n", 2, "--strategy", "blocks",
                           "--block-size", 2, "--json")
    for tl in json.loads(stdout)["timelines"]:
        firsts = [min(s["committed"]) // 2 for s in tl["passes"]]
        assert firsts == sorted(firsts)  # blocks of 2, left to right


def test_evaluate_of_a_uniform_model_gives_the_closed_forms(capsys, files, tmp_path):
    """Zero output weights: every symbol 1/V. The bound is M ln V per word (M = 5 answer
    positions), the AR likelihood ln V per scored symbol, the `all` loss ln V."""
    words = TEN.split()
    path = uniform_checkpoint(untrained(capsys, files, "uni"), tmp_path / "uni.json")
    rc, stdout, err = main(capsys, "evaluate", path, "--json")
    assert rc == 0, err
    r = json.loads(stdout)
    V, M = 18, 5  # 16 letters in TEN, `_` and `?`
    assert checkpoint.load(path).vocab.size == V
    chars = sum(min(len(w) + 1, M) for w in words)
    assert r["nll"]["nats_per_word"] == pytest.approx(M * log(V), rel=1e-12)
    assert r["nll"]["bits_per_char"] == pytest.approx(10 * M * log2(V) / chars, rel=1e-12)
    assert r["all_loss"]["mean"] == pytest.approx(log(V), rel=1e-12)
    assert r["all_loss"]["gap"] == pytest.approx(log(V) - r["all_loss"]["floor"]["value"])
    # on a given file: only its words are scored
    few = tmp_path / "few.txt"
    few.write_text("om\nrahul\n")
    r = json.loads(main(capsys, "evaluate", path, "--data", few, "--json")[1])
    assert (r["words"], r["split"]) == (2, str(few))
    assert r["nll"]["bits_per_char"] == pytest.approx(2 * M * log2(V) / (3 + 5), rel=1e-12)
    # the AR model of the same data
    ar = files / "uni-ar.json"
    assert main(capsys, "train", "names", "--data", files / "ten.txt", "--arch", "ar",
                "--steps", 0, "--emb", 3, "--hidden", 5, "--out", ar, "--json")[0] == 0
    ar = uniform_checkpoint(ar, tmp_path / "uni-ar.json")
    r = json.loads(main(capsys, "evaluate", ar, "--json")[1])
    assert r["nll"]["kind"] == "exact" and "all_loss" not in r
    assert r["nll"]["bits_per_char"] == pytest.approx(log2(V), rel=1e-12)
    assert r["nll"]["nats_per_word"] == pytest.approx(chars / 10 * log(V), rel=1e-12)


@pytest.mark.parametrize("name", ["names", "names-ar"])
def test_evaluate_json_from_a_terminal_equals_the_in_process_report(capsys, name):
    path = ROOT / "data" / "checkpoints" / f"{name}.json"
    p = subprocess.run([sys.executable, "-m", "pytoy", "evaluate", str(path), "--json"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    api.load("oracle-cli", json.loads(path.read_text()))
    want = api.evaluate_model("oracle-cli")
    assert json.loads(p.stdout) == json.loads(json.dumps(want))
    # the text report shows the same figures
    rc, text, err = main(capsys, "evaluate", path)
    assert rc == 0, err
    nll = want["nll"]
    assert f"{nll['nats_per_word']:.3f} nats/word, {nll['bits_per_char']:.3f}" in text
    assert f"(unigram: {want['unigram_bits_per_char']:.3f})" in text


def test_the_shared_denominator_through_the_cli(capsys):
    """nats/word × words / (letters + end symbols) / ln 2 = bits/char, counted by hand."""
    path = ROOT / "data" / "checkpoints" / "names-ar.json"
    words = (ROOT / "data" / "names.txt").read_text().split()
    r = json.loads(main(capsys, "evaluate", path, "--json")[1])
    chars = sum(min(len(w) + 1, 7) for w in words)
    assert r["words"] == len(words) == 40
    assert r["nll"]["bits_per_char"] == pytest.approx(
        r["nll"]["nats_per_word"] * 40 / chars / log(2), rel=1e-12)


@pytest.mark.parametrize("args,msg", [
    (["evaluate", "{d}/missing.json"], "no such checkpoint"),
    (["evaluate", "{names}", "--data", "{d}/bad.txt"], "line 2: character '?'"),
    (["evaluate", "{names}", "--data", "{d}/unknown.txt"], "unknown character 'Z'"),
    (["evaluate", "{nan}"], "weight w1 contains non-finite numbers"),
    (["train", "names", "--steps", "-1", "--out", "{d}/x.json"], "--steps must be between"),
    (["train", "names", "--hidden", "0", "--out", "{d}/x.json"], "--hidden must be between"),
    (["train", "names", "--loss", "l2", "--out", "{d}/x.json"],
     "unknown loss 'l2'; choose one of all, elbo"),
    (["train", "names", "--momentum", "1", "--out", "{d}/x.json"], "--momentum must be"),
    (["sample", "{names}", "--early-stop", "1.5"], "--early-stop must be between"),
    (["sample", "{names}", "--tau", "-0.1"], "--tau must be between"),
    (["sample", "{names}", "--block-size", "0"], "--block-size must be between"),
    (["sample", "{names}", "--template", "ra>ul"], "unknown character '>' in template"),
    (["sweep", "{names}", "--strategy", "best"], "unknown strategy 'best'"),
    (["translate", "{names}", "hello"], "this is a names model"),
    ([], "the following arguments are required: command"),
])
def test_bad_input_exits_2_with_one_error_line(capsys, files, args, msg):
    names = untrained(capsys, files, "err")
    (files / "bad.txt").write_text("rahul\nra?ul\n")
    (files / "unknown.txt").write_text("Zoya\n")
    b = checkpoint.load(names)
    d = checkpoint.to_dict(b)
    d["params"]["w1"]["data"] = checkpoint.encode_array(np.full(b.params["w1"].shape, np.nan))
    (files / "nan.json").write_text(json.dumps(d))
    args = [a.format(d=files, names=names, nan=files / "nan.json") for a in args]
    rc, stdout, err = main(capsys, *args)
    assert rc == 2 and stdout == ""
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert msg in err, err


def test_exit_status_2_from_a_real_process():
    p = subprocess.run([sys.executable, "-m", "pytoy", "sample", "no/such.json"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == "error: no such checkpoint: no/such.json\n"
