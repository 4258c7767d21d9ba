"""The CLI, end to end through subprocesses: every command, --json, and bad input."""

import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, ok=True):
    p = subprocess.run([sys.executable, "-m", "pytoy", *map(str, args)], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    if ok:
        assert p.returncode == 0, p.stderr
    return p


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    names, tr = d / "names.json", d / "tr.json"
    p = run("train", "names", "--steps", 600, "--out", names, "--json")
    info = json.loads(p.stdout)
    assert info["steps"] == 600 and info["config"]["length"] == 7
    assert "step     600/600" in p.stderr  # progress on stderr
    run("train", "translate", "--steps", 2500, "--seed", 1, "--out", tr)
    return {"names": names, "tr": tr, "dir": d}


def test_sample_text_and_json(models):
    p = run("sample", models["names"], "-n", 5, "--seed", 3)
    assert len(p.stdout.strip().splitlines()) == 5
    p = run("sample", models["names"], "-n", 3, "--json", "--strategy", "remask")
    tls = json.loads(p.stdout)["timelines"]
    assert len(tls) == 3 and all(tl["strategy"] == "remask" for tl in tls)
    assert all(tl["passes"][-1]["tokens"] == tl["tokens"] for tl in tls)


def test_sample_timeline_shows_every_step(models):
    p = run("sample", models["names"], "-n", 1, "--timeline", "--steps", 7)
    lines = p.stdout.splitlines()
    assert lines[0].startswith("???????") and sum("committed" in line for line in lines) == 7


def test_sample_template_keeps_fixed_letters(models):
    tls = json.loads(run("sample", models["names"], "-n", 20, "--template", "r??ul", "--json",
                         "--temperature", 1).stdout)["timelines"]
    assert all(tl["tokens"][0] == "r" and tl["tokens"][3:5] == "ul" for tl in tls)


def test_same_seed_same_output(models):
    a = run("sample", models["names"], "-n", 8, "--seed", 11, "--temperature", 1).stdout
    b = run("sample", models["names"], "-n", 8, "--seed", 11, "--temperature", 1).stdout
    assert a == b


def test_translate_and_evaluate(models):
    p = run("translate", models["tr"], "hello", "water", "--temperature", 0)
    assert p.stdout.splitlines() == ["hello > namaste", "water > paani"]
    tls = json.loads(run("translate", models["tr"], "mango", "--json").stdout)["timelines"]
    assert tls[0]["seen"] is False
    assert "(unseen word)" in run("translate", models["tr"], "mango").stdout
    r = json.loads(run("evaluate", models["tr"], "--json").stdout)
    assert r["exact_match"]["total"] == 30 and r["exact_match"]["correct"] >= 25
    r = json.loads(run("evaluate", models["names"], "--json").stdout)
    # the 40 training names (no held-out split by default). Scored: each letter and one end
    # symbol `_` where it fits (a 7-letter name fills the field). bits/char = nats/word ·
    # words / scored symbols / ln 2; the add-one unigram model counted here by hand.
    words = (ROOT / "data" / "names.txt").read_text().split()
    assert (r["words"], r["split"], r["steps_trained"]) == (40, "training", 600)
    assert r["all_loss"]["floor"]["exact"]
    scored = [w + "_" * (len(w) < 7) for w in words]
    chars = sum(map(len, scored))
    assert r["nll"]["bits_per_char"] == pytest.approx(
        r["nll"]["nats_per_word"] * 40 / chars / math.log(2), rel=1e-12)
    counts = Counter("".join(scored)) + Counter(set("".join(words)) | {"_"})
    unigram = -sum(math.log(counts[c] / counts.total()) for w in scored for c in w)
    assert r["unigram_bits_per_char"] == pytest.approx(unigram / chars / math.log(2), rel=1e-12)
    assert r["nll"]["bits_per_char"] < r["unigram_bits_per_char"] - 2  # 600 steps learn a lot
    text = run("evaluate", models["names"]).stdout
    assert "bits/char" in text and "floor 0.4061 (exact)" in text


def test_evaluate_on_a_given_file(models, tmp_path):
    f = tmp_path / "few.txt"
    f.write_text("rahul\npriya\n")
    r = json.loads(run("evaluate", models["names"], "--data", f, "--json").stdout)
    assert r["words"] == 2


def test_ar_model_samples_left_to_right(models):
    out = models["dir"] / "ar.json"
    run("train", "names", "--arch", "ar", "--steps", 300, "--out", out)
    tls = json.loads(run("sample", out, "-n", 3, "--json").stdout)["timelines"]
    for tl in tls:
        firsts = [st["committed"][0] for st in tl["passes"]]
        assert firsts == sorted(firsts) and tl["strategy"] == "ar"


@pytest.mark.parametrize("args,msg", [
    (["sample", "{names}", "--template", "rZ?"], "unknown character 'Z' in template"),
    (["sample", "{names}", "--template", "r?????????"], "the model's limit is 7"),
    (["sample", "{names}", "--template", ""], "empty template"),
    (["sample", "{names}", "--strategy", "best"], "unknown strategy 'best'"),
    (["sample", "{names}", "--temperature", "-1"], "--temperature must be between"),
    (["sample", "{names}", "--temperature", "nan"], "--temperature must be between"),
    (["sample", "{names}", "-n", "0"], "-n must be between"),
    (["sample", "{names}", "--steps", "abc"], "--steps must be a number"),
    (["sample", "{tr}"], "this is a translator"),
    (["translate", "{names}", "hello"], "this is a names model"),
    (["translate", "{tr}", "héllo"], "unknown character 'é'"),
    (["translate", "{tr}", "HELLO"], "unknown character 'H'"),
    (["translate", "{tr}", "abcdefghijk"], "reads at most 6"),
    (["translate", "{tr}", "a>b"], "reserved character '>'"),
    (["translate", "{tr}", ""], "empty text"),
    (["sample", "{dir}/missing.json"], "no such checkpoint"),
    (["sample", "{dir}/garbage.json"], "is not valid JSON"),
    (["sample", "{dir}/other.json"], "not a pytoy checkpoint"),
    (["train", "names", "--data", "{dir}/missing.txt", "--out", "x.json"], "cannot read"),
    (["train", "translate", "--data", "{dir}/bad.txt", "--out", "x.json"], "line 2"),
    (["train", "names", "--data", "{dir}/empty.txt", "--out", "x.json"], "no words"),
    (["train", "names", "--lr", "0", "--out", "x.json"], "--lr must be between"),
    (["train", "names", "--val-frac", "1.5", "--out", "x.json"], "--val-frac must be"),
])
def test_bad_input_gives_one_line_error(models, args, msg):
    d = models["dir"]
    (d / "garbage.json").write_text("{not json")
    (d / "other.json").write_text('{"hello": 1}')
    (d / "bad.txt").write_text("hello>namaste\nnope\n")
    (d / "empty.txt").write_text("\n\n")
    args = [a.format(**{k: str(v) for k, v in models.items()}) for a in args]
    p = run(*args, ok=False)
    assert p.returncode == 2
    assert msg in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
    assert p.stderr.startswith("error: ") and p.stderr.strip().count("\n") == 0
