"""Training reaches the floor, samples are real names, the translator is exact, and the
baseline beats a unigram model — with the shipped defaults, under several seeds."""

import json

import numpy as np
import pytest

from pytoy import api, checkpoint, data, evaluate, floor, generate, studies
from pytoy.defaults import default
from pytoy.model import ModelConfig, init_params
from pytoy.sampling import DecodeSettings
from pytoy.train import DivergenceError, Trainer, TrainSettings


def train_default(name: str, task: str, seed: int, steps: int | None = None, **kw) -> dict:
    api.create(name, task, model={"seed": seed}, train={"seed": seed}, **kw)
    api.train_chunk(name, default("train_steps", task) if steps is None else steps)
    return api.info(name)


@pytest.fixture(scope="module")
def names_models():
    return {seed: train_default(f"names-{seed}", "names", seed)["name"] for seed in (0, 1, 2)}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_loss_ends_near_its_floor(names_models, seed):
    s = api._session(names_models[seed])
    maskable = s.bundle.layout.maskable()
    fl = floor.loss_floor(s.dataset.tokens, maskable)
    est = evaluate.all_loss(s.bundle.params, s.bundle.cfg, s.dataset.tokens, maskable)
    assert est.mean - fl.value < 0.15, (est, fl)
    assert est.mean > fl.value - 4 * (est.stderr + fl.stderr), (est, fl)


def test_a_barely_trained_model_is_far_from_the_floor():
    info = train_default("names-short", "names", 0, steps=5)
    s = api._session(info["name"])
    m = s.bundle.layout.maskable()
    fl = floor.loss_floor(s.dataset.tokens, m).value
    assert evaluate.all_loss(s.bundle.params, s.bundle.cfg, s.dataset.tokens, m).mean - fl > 0.5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_confidence_decoding_gives_training_names(names_models, seed):
    s = api._session(names_models[seed])
    L = s.bundle.cfg.length
    tls = generate.sample(s.bundle, 1000, DecodeSettings("confidence", steps=L, temperature=0.5,
                                                         seed=seed), record=False)
    known = set(s.bundle.train_items)
    rate = np.mean([tl["text"] in known for tl in tls])
    assert rate >= 0.9, rate


def test_translator_gets_all_30_pairs_exactly():
    train_default("tr", "translate", 0)
    items = data.load(data.default_path("translate"), "translate").items
    tls = api.translate("tr", [q for q, _ in items], {"temperature": 0.0})
    wrong = [(tl["question"], tl["text"]) for tl, (_, a) in zip(tls, items, strict=True)
             if tl["text"] != a]
    assert wrong == []
    assert all(tl["seen"] and tl["correct"] for tl in tls)
    # the question and ">" stay fixed in every step
    for tl in tls:
        q = tl["start"][: tl["answer_start"]]
        assert all(st["tokens"].startswith(q) for st in tl["passes"])


def test_unseen_word_still_translates_and_is_flagged():
    train_default("tr2", "translate", 0, steps=50)
    (tl,) = api.translate("tr2", ["mango"])
    # one pass per answer position (the default K), the question and `>` never decoded
    a_len = api.info("tr2")["layout"]["a_len"]
    assert tl["seen"] is False and tl["correct"] is None and tl["nfe"] == a_len


def test_ar_baseline_beats_unigram_on_held_out_names():
    text = (data.default_path("names").parent / "names-large.txt").read_text()
    api.create("ar-large", "names", arch="ar", text=text, val_frac=0.1, train=studies.STUDY_TRAIN)
    api.train_chunk("ar-large", 1000)
    r = api.evaluate_model("ar-large")
    assert r["split"] == "held-out" and r["words"] == 114
    assert r["nll"]["kind"] == "exact"
    assert r["nll"]["bits_per_char"] < r["unigram_bits_per_char"] - 0.3, r


def test_same_seed_same_losses_and_chunking_does_not_matter():
    a = train_default("a", "names", 7, steps=300)
    api.create("b", "names", model={"seed": 7}, train={"seed": 7})
    for n in (1, 7, 92, 200):
        api.train_chunk("b", n)
    assert api.history("a") == api.history("b")
    assert a["step"] == api.info("b")["step"] == 300
    api.create("c", "names", model={"seed": 8}, train={"seed": 8})
    api.train_chunk("c", 300)
    assert api.history("c") != api.history("a")


def test_loss_falls():
    train_default("fall", "names", 3, steps=1000)
    h = np.array(api.history("fall"))
    assert h[0] > 2.8 and h[-100:].mean() < 0.7  # ln 22 ≈ 3.09 at the start


def test_checkpoint_round_trip_gives_identical_samples(tmp_path):
    train_default("ck", "names", 0, steps=200)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(api.export("ck")))
    api.load("ck2", json.loads(path.read_text()))
    for strategy in ("confidence", "random", "remask"):
        dec = {"strategy": strategy, "temperature": 1.0, "seed": 5}
        assert api.sample("ck", 20, dec) == api.sample("ck2", 20, dec)
    b1, b2 = api._session("ck").bundle, checkpoint.load(path)
    assert all(np.array_equal(b1.params[k], b2.params[k]) for k in b1.params)
    # that training then continues identically is test_oracle_checkpoint.py's first test


def test_divergence_is_caught_and_weights_restored():
    api.create("div", "names", model={"activation": "relu"},
               train={"lr": 100.0, "clip": None, "momentum": 0.9})
    s = api._session("div")
    with pytest.raises(DivergenceError, match="learning rate 100") as err:
        for _ in range(100):
            api.train_chunk("div", 10)
    # the chunk that diverged is undone as a whole: back to its first step
    assert s.trainer.step == err.value.restored == len(api.history("div"))
    assert err.value.restored % 10 == 0 and err.value.step > err.value.restored
    assert all(np.isfinite(p).all() for p in s.bundle.params.values())
    api.set_lr("div", 0.01)
    r = api.train_chunk("div", 20)
    assert np.isfinite(r["losses"]).all() and r["step"] == err.value.restored + 20


def test_a_finite_but_exploding_loss_is_caught_and_the_good_weights_come_back():
    """tanh + clipping keep lr 10 finite, but its loss leaves a uniform guess's far behind."""
    api.create("wild", "names")
    api.train_chunk("wild", 200)
    s = api._session("wild")
    good = {k: v.copy() for k, v in s.bundle.params.items()}
    history = api.history("wild")
    api.set_lr("wild", 10.0)
    with pytest.raises(DivergenceError, match=r"averaged .* nats over steps 201–225") as err:
        api.train_chunk("wild", 25)
    assert err.value.restored == s.trainer.step == 200 and api.history("wild") == history
    assert all(np.array_equal(good[k], s.bundle.params[k]) for k in good)
    # the default learning rate never trips it: 1,000 steps, chunk by chunk
    api.create("tame", "names")
    for _ in range(40):
        api.train_chunk("tame", 25)


def test_elbo_loss_trains_and_bounds_are_sane():
    api.create("elbo", "names", train={"loss": "elbo"})
    api.train_chunk("elbo", 1500)
    r = api.evaluate_model("elbo")
    # a trained model beats the unigram model; a bound per char can't be below 0
    assert 0 < r["nll"]["bits_per_char"] < r["unigram_bits_per_char"]


@pytest.mark.parametrize("kw,msg", [
    ({"lr": 0}, "learning rate must be between 0.0001 and 100, got 0"),
    ({"lr": float("nan")}, "learning rate must be between .*, got nan"),
    ({"batch": 0}, "batch size must be between 1 and 4096, got 0"),
    ({"momentum": 1.0}, "momentum must be between 0 and 0.999, got 1.0"),
    ({"weight_decay": -0.1}, "weight decay must be between 0 and 1, got -0.1"),
    ({"clip": 0.0}, "clip must be between 0.001 and 1000, got 0.0"),
    ({"loss": "l2"}, "unknown loss 'l2'"),
])
def test_trainer_rejects_bad_settings(kw, msg):
    with pytest.raises(ValueError, match=msg):
        TrainSettings(**kw)


def test_unknown_settings_and_data_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="unknown train setting 'speed'"):
        api.create("bad", "names", train={"speed": 2})
    cfg = ModelConfig(vocab_size=5, length=4)
    with pytest.raises(ValueError, match="training data does not fit the model's length"):
        Trainer(init_params(cfg), cfg, np.zeros((2, 3), int), np.ones(3, bool),
                TrainSettings())
