"""Diffusion next to the autoregressive baseline, measured: the race, infilling, and the costs.

The race, infill and limits sections of the page show how the two kinds of model differ when they
generate. Every figure they show is computed here, from real decodes of real checkpoints:
forward passes and wall time (the race), how often a template's gaps are filled with a
real name when the model can or cannot see both sides (infilling), how early a reader can
read the start of the word (streaming), and how much arithmetic one pass costs (no KV
cache).
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np

from .bundle import Bundle, known_answers
from .data import answer_text
from .generate import run, sample, start_row
from .model import ModelConfig
from .sampling import DecodeSettings


def race(diffusion: Bundle, ar: Bundle, steps: int, seed: int = 0,
         temperature: float = 0.8) -> dict:
    """One name from each model with the same seed: both timelines and the seconds each
    decode took in Python (perf_counter around the decode alone)."""
    out: dict = {"steps": steps, "seed": seed, "temperature": temperature}
    for key, b, s in (
        ("diffusion", diffusion, DecodeSettings("confidence", steps=steps,
                                                temperature=temperature, seed=seed)),
        ("ar", ar, DecodeSettings(temperature=temperature, seed=seed)),
    ):
        t0 = time.perf_counter()
        [timeline] = sample(b, 1, s)
        out[key] = timeline
        out[f"{key}_seconds"] = time.perf_counter() - t0
        out[f"{key}_passes"] = timeline["nfe"]
    return out


def readable_prefix(timeline: dict) -> list[int]:
    """After each pass, how many letters from the left are final (no `?` before them).

    A reader can read a word only from its start: an AR model's prefix grows by one letter
    per pass (it streams), a diffusion model's letters land in any order, so its prefix can
    stay short until the last pass.
    """
    start = timeline["answer_start"]
    out = []
    for step in timeline["passes"]:
        answer = step["tokens"][start:]
        out.append(next((i for i, c in enumerate(answer) if c == "?"), len(answer)))
    return out


def streaming(diffusion: Bundle, ar: Bundle, steps: int, seed: int = 0,
              temperature: float = 0.8) -> dict:
    """The race's two timelines with the readable prefix after every pass."""
    r = race(diffusion, ar, steps, seed, temperature)
    return {**r, "diffusion_prefix": readable_prefix(r["diffusion"]),
            "ar_prefix": readable_prefix(r["ar"])}


def pass_cost(cfg: ModelConfig) -> dict:
    """Multiply-adds of one forward pass for one sequence, and what it reads and predicts.

    Diffusion reads the whole row (L letters and t) and predicts every position, and must do
    so again on every step: nothing computed for the row can be kept, because the row itself
    changes. The AR baseline reads its window of left context and predicts one letter. (A
    Transformer AR model would keep earlier positions' keys and values — the KV cache — and
    only process the new letter; bidirectional attention over a changing row cannot.)
    """
    per_pass = cfg.n_in * cfg.hidden + cfg.hidden * cfg.n_out
    predicts = cfg.length if cfg.arch == "diffusion" else 1
    return {"arch": cfg.arch, "reads": cfg.n_ctx, "predicts": predicts,
            "multiply_adds": per_pass}


def infill(diffusion: Bundle, ar: Bundle, template: str, n: int = 200, seed: int = 0,
           temperature: float = 0.8) -> dict:
    """n completions of `template` by each model: how many are real names, and the commonest.

    Diffusion sees the fixed letters on both sides of every gap; the AR model only sees what
    is to the left of its cursor, so it fills a gap blind to the letters after it (they are
    copied in when it reaches them).
    """
    known = known_answers(diffusion)
    out: dict = {"template": template, "n": n, "seed": seed, "temperature": temperature}
    for key, b in (("diffusion", diffusion), ("ar", ar)):
        settings = DecodeSettings("confidence", temperature=temperature, seed=seed)
        x0 = np.tile(start_row(b, template), (n, 1))
        res = run(b, x0, settings, record=False)
        texts = [answer_text(b.layout, b.vocab.decode(row)) for row in res["tokens"]]
        fixed = [i for i, c in enumerate(template) if c != "?"]
        kept = sum(all(len(t) > i and t[i] == template[i] for i in fixed) for t in texts)
        out[key] = {"real_names": sum(t in known for t in texts) / n,
                    "kept_fixed": kept / n,
                    "top": [[t, c, t in known] for t, c in Counter(texts).most_common(6)],
                    "passes": float(res["nfe"].mean())}
    return out


def glued(text: str, names: list[str], length: int) -> dict | None:
    """Two training names whose pieces, position by position, make up `text`, if any.

    One-step decoding samples every position on its own, so a name can start like one
    training name and end like another ("New York" and "San Francisco" give "New Francisco").
    Names are compared padded to the model's length, the way the model sees them.
    """
    t = text.ljust(length, "_")
    padded = [(n, n.ljust(length, "_")) for n in names]
    for k in range(1, length):
        heads = [n for n, p in padded if p[:k] == t[:k]]
        tails = [n for n, p in padded if p[k:] == t[k:]]
        for a in heads:
            for b in tails:
                if a != b:
                    return {"text": text, "split": k, "head": a, "tail": b}
    return None


def one_pass_marginals(b: Bundle, example: dict, top: int = 5) -> dict:
    """Why one pass glues names: the model's belief at the two positions where `example`
    (a `glued` result) is cut, from the all-`?` row, which is what one-step decoding samples
    each position from, on its own.

    Returns per position its `top` symbols with their probabilities (the untempered softmax
    of that first pass, `?` removed: the sampler's own record), the glued name's letter there
    and its probability, the product of the two (what drawing them independently gives the
    pair) and the training names that have both letters in those places.
    """
    x0 = start_row(b)[None, :]  # (1, L): every answer position hidden
    first = run(b, x0, DecodeSettings(steps=1, temperature=1.0, seed=0))["passes"][0][0]
    probs = first["probs"]  # (L, V) float64: the belief at the all-? row
    k = int(example["split"])
    text = example["text"].ljust(b.layout.a_len, "_")
    start = b.layout.answer_start
    out = []
    for i in (k - 1, k):
        row = probs[start + i]
        order = np.argsort(-row, kind="stable")[:top]
        letter = text[i]
        out.append({"position": i, "letter": letter,
                    "p": float(row[b.vocab.symbols.index(letter)]),
                    "top": [[b.vocab.symbols[j], float(row[j])] for j in order]})
    names = [n.ljust(b.layout.a_len, "_") for n in b.train_items]
    pair = (text[k - 1], text[k])
    return {"text": example["text"], "split": k, "head": example["head"],
            "tail": example["tail"], "positions": out,
            "independent": out[0]["p"] * out[1]["p"],
            "names_with_pair": [n.rstrip("_") for n in names if (n[k - 1], n[k]) == pair]}

