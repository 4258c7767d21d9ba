"""What the model believes at each pass (a step's `probs`), against a fresh forward pass.

For every pass of a decode the test rebuilds that pass's input itself (the previous pass's
tokens, the start row for the first), tells the model t = the fraction of the answer that
input still hides, calls `model.forward` on it, and takes the softmax with its own code.
It zeroes what can never be proposed there — `?` always, `>` in a translator's answer, `_`
where an AR word may not end yet (before a template's last letter) — and renormalises.
The recorded float64 distribution must equal that to 1e-12 at every position the decoder
writes (every position it may write for diffusion; the one it writes for AR) and be absent
elsewhere. The real shipped checkpoints are used, several rows at a time.

Bugs these catch: the tempered softmax recorded instead of the model's own; the
distribution after the pass (at its output) or one pass late; banned symbols left in, or
zeroed without renormalising; one row's belief recorded for every row of a batch; beliefs
at the question or a template's fixed letters; the JSON rounding coarser than stated.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pytoy import api, checkpoint, cli, data, generate
from pytoy.model import forward
from pytoy.sampling import STRATEGIES, DecodeSettings

CKPT = Path(__file__).resolve().parent.parent / "data" / "checkpoints"
TOL = 1e-12
HALF_STEP = 0.5e-4  # 4 decimals: every JSON probability within half a unit of the last one


@pytest.fixture(scope="module")
def models() -> dict:
    return {name: checkpoint.load(CKPT / f"{name}.json")
            for name in ("names", "names-ar", "translate")}


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def expected(b, row: str, at: list[int], template_end: int) -> dict[int, np.ndarray]:
    """position -> the model's belief at `row`, computed afresh (see the module docstring)."""
    v, start = b.vocab, b.layout.answer_start
    M = b.layout.length - start
    t = row[start:].count("?") / M
    logits = forward(b.params, b.cfg, v.encode(row)[None, :], np.array([t]))[0][0]  # (L, V)
    out = {}
    for i in at:
        p = softmax(logits[i])
        banned = [v.mask_id] + ([v.sep_id] if v.sep else [])
        if b.cfg.arch == "ar" and i <= template_end:
            banned.append(v.pad_id)
        p[banned] = 0.0
        out[i] = p / p.sum()
    return out


def check_run(b, x0: np.ndarray, settings: DecodeSettings, target: np.ndarray | None = None
              ) -> int:
    """Decode x0 in memory and check every pass of every row; returns the passes checked."""
    res = generate.run(b, x0, settings, True, target)
    v, start = b.vocab, b.layout.answer_start
    checked = 0
    for r, passes in enumerate(res["passes"]):
        first = v.decode(x0[r])
        editable = [i for i, c in enumerate(first) if c == "?"]
        fixed = [i for i in range(start, len(first)) if first[i] not in "?_"]
        template_end = max(fixed, default=-1)
        row = first
        for st in passes:
            probs = st["probs"]
            assert probs.shape == (b.cfg.length, v.size) and probs.dtype == np.float64
            # AR writes at its cursor, the first `?` of the answer; diffusion may write any
            at = [row.index("?", start)] if b.cfg.arch == "ar" else editable
            assert [i for i in range(b.cfg.length) if not np.isnan(probs[i]).any()] == at
            want = expected(b, row, at, template_end)
            for i in at:
                np.testing.assert_allclose(probs[i], want[i], rtol=0, atol=TOL)
                assert abs(probs[i].sum() - 1.0) < TOL
                assert probs[i][v.mask_id] == 0.0
                if v.sep:
                    assert probs[i][v.sep_id] == 0.0
            for i in st["committed"]:
                if i in want:  # (AR: the letters after an end symbol get `_`, unpredicted)
                    assert probs[i][v.symbols.index(st["tokens"][i])] > 0.0
                    if settings.temperature == 0.0 and target is None:
                        assert probs[i].argmax() == v.symbols.index(st["tokens"][i])
            if b.task == "translate":  # the question and `>` are never written
                assert st["tokens"][:start] == first[:start]
            row = st["tokens"]
            checked += 1
    return checked


def rows(b, n: int, template: str | None = None) -> np.ndarray:
    return np.tile(generate.start_row(b, template), (n, 1))


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
@pytest.mark.parametrize("steps,temperature", [(0, 0.8), (3, 0.8), (2, 0.0)])
def test_every_strategy_records_the_models_untempered_belief_at_each_passs_input(
        models, strategy, steps, temperature):
    b = models["names"]
    s = DecodeSettings(strategy, steps=steps, temperature=temperature, seed=3)
    assert check_run(b, rows(b, 4), s) >= 4


@pytest.mark.parametrize("template", ["r??ul", "??h??", "a?"])
def test_with_a_template_only_the_gaps_carry_a_belief(models, template):
    """A template's letters are fixed: no distribution there; t counts only the `?`s."""
    b = models["names"]
    for strategy in ("confidence", "remask"):
        check_run(b, rows(b, 3, template), DecodeSettings(strategy, temperature=0.8, seed=1))


def test_early_stop_records_the_belief_of_the_pass_that_stopped(models):
    b = models["names"]
    check_run(b, rows(b, 6), DecodeSettings("confidence", early_stop=0.3, seed=2))


@pytest.mark.parametrize("template", [None, "r??ul", "??h??"])
@pytest.mark.parametrize("temperature", [0.0, 0.8])
def test_the_ar_decoder_records_its_belief_at_the_letter_it_writes(models, template,
                                                                    temperature):
    """Before a template's last letter `_` is banned too, so the belief has it at 0."""
    b = models["names-ar"]
    n = check_run(b, rows(b, 5, template), DecodeSettings(temperature=temperature, seed=4))
    assert n >= 5


@pytest.mark.parametrize("strategy", ["confidence", "random", "remask", "ar"])
def test_the_translator_never_believes_in_the_separator_inside_its_answer(models, strategy):
    b = models["translate"]
    x0 = np.stack([generate.start_row(b, None, w) for w in ("hello", "water", "moon", "sun")])
    check_run(b, x0, DecodeSettings(strategy, temperature=0.8, seed=5))


@pytest.mark.parametrize("name", ["names", "names-ar"])
def test_a_forced_word_records_the_models_own_belief_not_the_target(models, name):
    """Section I (reveal): the letters are the target's, the probabilities the model's."""
    b = models[name]
    target = b.vocab.encode(data.compose(b.layout, "rahul"))[None, :]
    check_run(b, rows(b, 1), DecodeSettings(temperature=0.0, steps=3), target)


def test_the_json_timeline_rounds_each_probability_to_4_decimals(models, capsys):
    """api.sample (what the worker sends) and `sample --json` carry the same beliefs, each
    the float64 one rounded to 4 decimals, null where nothing is recorded."""
    for name, arch in (("names", "diffusion"), ("names-ar", "ar")):
        b = models[name]
        api.load(f"beliefs-{name}", checkpoint.to_dict(b))
        decode = {"strategy": "random", "steps": 3, "temperature": 0.8, "seed": 7}
        tls = api.sample(f"beliefs-{name}", 3, decode)
        res = generate.run(b, rows(b, 3), DecodeSettings(**decode))
        text = json.dumps(tls, allow_nan=False)  # JSON as it is, no NaN to patch up
        n = 0
        for tl, passes in zip(json.loads(text), res["passes"], strict=True):
            assert tl["arch"] == arch and len(tl["passes"]) == len(passes)
            for st, mem in zip(tl["passes"], passes, strict=True):
                assert len(st["probs"]) == b.cfg.length
                for got, want in zip(st["probs"], mem["probs"], strict=True):
                    if np.isnan(want).all():
                        assert got is None
                        continue
                    got = np.array(got, dtype=float)
                    assert got.shape == (b.vocab.size,)
                    assert np.abs(got - want).max() <= HALF_STEP + 1e-12
                    assert np.abs(got * 1e4 - np.round(got * 1e4)).max() < 1e-6
                    assert abs(got.sum() - 1.0) <= b.vocab.size * HALF_STEP
                    n += 1
        assert n > 0
        path = CKPT / f"{name}.json"
        assert cli.main(["sample", str(path), "-n", "3", "--json", "--strategy", "random",
                         "--steps", "3", "--temperature", "0.8", "--seed", "7"]) == 0
        out = json.loads(capsys.readouterr().out)["timelines"]
        assert [[st["probs"] for st in tl["passes"]] for tl in out] == \
               [[st["probs"] for st in tl["passes"]] for tl in json.loads(text)]


# --- section X: two positions' beliefs before a one-pass decode ----------------------------


def test_one_pass_marginals_are_the_models_belief_at_the_all_masked_row(models) -> None:
    """The two columns section X shows equal a fresh forward pass at `???????` with t = 1 (the
    first and only pass of a one-step decode), `?` removed; the pair's independent chance is
    their product; the training names holding the pair are found by brute force."""
    from pytoy import compare

    b = models["names"]
    belief = expected(b, "?" * b.layout.length, list(range(b.layout.length)), -1)
    names = (Path(__file__).resolve().parent.parent / "data" / "names.txt").read_text().split()
    for example in ({"text": "aait", "split": 2, "head": "aarav", "tail": "amit"},
                    {"text": "aaran", "split": 1, "head": "aarav", "tail": "karan"}):
        m = compare.one_pass_marginals(b, example)
        k = example["split"]
        padded = example["text"].ljust(b.layout.length, "_")
        for pos, i in zip(m["positions"], (k - 1, k), strict=True):
            assert pos["position"] == i and pos["letter"] == padded[i]
            p = belief[i]
            assert pos["p"] == pytest.approx(p[b.vocab.symbols.index(padded[i])], abs=TOL)
            want = sorted(((b.vocab.symbols[j], p[j]) for j in range(len(p))),
                          key=lambda sp: -sp[1])[:5]
            assert [s for s, _ in pos["top"]] == [s for s, _ in want]
            assert [q for _, q in pos["top"]] == pytest.approx([q for _, q in want], abs=TOL)
        assert m["independent"] == pytest.approx(m["positions"][0]["p"] * m["positions"][1]["p"])
        pair = (padded[k - 1], padded[k])
        holders = [n for n in names if tuple(n.ljust(b.layout.length, "_")[k - 1:k + 1]) == pair]
        assert m["names_with_pair"] == holders
    # "aa" at positions 1-2 is aarav's own start; "ai" at 2-3 is in no training name
    assert compare.one_pass_marginals(b, {"text": "aaran", "split": 1, "head": "aarav",
                                          "tail": "karan"})["names_with_pair"] == ["aarav"]


def test_the_page_is_shown_a_pair_no_training_name_has_when_there_is_one() -> None:
    api.load("beliefs-names", (CKPT / "names.json").read_text())
    examples = [{"text": "aaran", "split": 1, "head": "aarav", "tail": "karan"},
                {"text": "aait", "split": 2, "head": "aarav", "tail": "amit"}]
    assert api.one_pass_marginals("beliefs-names", examples)["text"] == "aait"
    # none unsupported: the first
    assert api.one_pass_marginals("beliefs-names", examples[:1])["text"] == "aaran"
    assert api.one_pass_marginals("beliefs-names", []) is None


def test_a_timeline_names_the_vocabulary_its_probabilities_follow(models) -> None:
    api.load("beliefs-tr", (CKPT / "translate.json").read_text())
    t = api.translate("beliefs-tr", ["water"], {"temperature": 0})[0]
    assert t["symbols"] == models["translate"].vocab.symbols
    assert all(len(p) == len(t["symbols"]) for s in t["passes"] for p in s["probs"] if p)
