"""Two small experiments the explainer reports, each reproducible from one function call.

* `likelihood`: what any-order training costs. The diffusion model must learn to fill in
  *every* subset of hidden letters; the AR model only ever predicts the next letter from
  the ones before. On held-out names, compare the diffusion model's ELBO (an upper bound
  on its NLL) with the AR model's exact NLL, in bits per character, same denominator.
* `time_input`: does the denoiser need t? The number of `?` already says roughly how noisy
  the input is, so the model might not need t at all. Train with and without it, several
  seeds, and compare the same measurements.
"""

from __future__ import annotations

import numpy as np

from . import api

# The studies' own optimiser settings, fixed so data/studies.json stays reproducible when the
# page's defaults move: minibatches of 32 at lr 0.1, momentum 0.9 (the shipped results were
# made with these). More examples per step would over-fit the held-out comparison sooner.
STUDY_TRAIN = {"lr": 0.1, "batch": 32, "momentum": 0.9}


def _train(name: str, steps: int, progress, label: str, **create_kw) -> dict:
    create_kw["train"] = {**STUDY_TRAIN, **create_kw.get("train", {})}
    api.create(name, **create_kw)
    done = 0
    chunk = max(steps // 10, 1)
    while done < steps:
        done = api.train_chunk(name, min(chunk, steps - done))["step"]
        if progress:
            progress(f"{label}: step {done}/{steps}")
    return api.evaluate_model(name)


def likelihood(text: str, steps: int = 4000, seed: int = 0, val_frac: float = 0.1,
               progress=None) -> dict:
    """Held-out bits/char: diffusion (ELBO-trained) bound vs AR exact, and a unigram model."""
    common = {"task": "names", "text": text, "val_frac": val_frac, "split_seed": seed}
    diff = _train("study-diffusion", steps, progress, "diffusion", arch="diffusion",
                  model={"seed": seed}, train={"seed": seed, "loss": "elbo",
                                               "weight_decay": 1e-3}, **common)
    ar = _train("study-ar", steps, progress, "ar", arch="ar",
                model={"seed": seed, "context": 3},
                train={"seed": seed, "weight_decay": 1e-3}, **common)
    return {
        "steps": steps, "train": STUDY_TRAIN, "seed": seed, "held_out_words": diff["words"],
        "diffusion": diff["nll"], "ar": ar["nll"],
        "unigram_bits_per_char": ar["unigram_bits_per_char"],
        "gap_bits_per_char": diff["nll"]["bits_per_char"] - ar["nll"]["bits_per_char"],
        "settings": {"diffusion": "loss elbo, weight decay 1e-3, emb 8, hidden 128",
                     "ar": "context 3, weight decay 1e-3, emb 8, hidden 128"},
    }


def _se(a: np.ndarray) -> float:
    return float(a.std(ddof=1) / np.sqrt(len(a))) if len(a) > 1 else 0.0


def time_input(steps: int = 3000, seeds: tuple[int, ...] = (0, 1, 2), progress=None) -> dict:
    """Names with and without t: all-loss gap to the floor, ELBO bits/char, per seed."""
    rows = []
    for with_t in (True, False):
        for seed in seeds:
            r = _train("study-t", steps, progress, f"t={'on' if with_t else 'off'} seed {seed}",
                       task="names", model={"seed": seed, "time_input": with_t},
                       train={"seed": seed})
            rows.append({"time_input": with_t, "seed": seed, "all_loss": r["all_loss"]["mean"],
                         "floor": r["all_loss"]["floor"]["value"],
                         "gap": r["all_loss"]["gap"],
                         "bits_per_char": r["nll"]["bits_per_char"]})

    def summary(flag: bool) -> dict:
        gaps = np.array([r["gap"] for r in rows if r["time_input"] is flag])
        bits = np.array([r["bits_per_char"] for r in rows if r["time_input"] is flag])
        return {"gap_mean": float(gaps.mean()), "gap_se": _se(gaps),
                "bits_mean": float(bits.mean()), "bits_se": _se(bits)}

    return {"steps": steps, "train": STUDY_TRAIN, "seeds": list(seeds), "rows": rows,
            "with_t": summary(True), "without_t": summary(False)}


def time_verdict(study: dict) -> dict:
    """Does t make a measurable difference? The gap without t minus the gap with it, and two
    standard errors of that difference: under them, the seeds cannot tell the two apart."""
    with_t, without_t = study["with_t"], study["without_t"]
    difference = without_t["gap_mean"] - with_t["gap_mean"]
    noise = 2.0 * float(np.hypot(with_t["gap_se"], without_t["gap_se"]))
    return {"difference": difference, "noise": noise, "measurable": abs(difference) >= noise}
