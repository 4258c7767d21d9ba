"""Quality against forward passes: where parallel decoding breaks.

Committing many positions in one step samples them *independently* given what is visible.
For names that glues pieces of different names together ("New York" vs "New City": two
halves that are each likely but not together). The translator survives, because the
question pins each answer position down on its own. This sweeps the step budget K (and the
`threshold` level τ) and measures quality at each point.
"""

from __future__ import annotations

import numpy as np

from .bundle import Bundle, known_answers
from .generate import run, start_row
from .sampling import DecodeSettings

TAUS = (0.0, 0.3, 0.5, 0.7, 0.9, 0.99)


def _quality(b: Bundle, texts: list[str], questions: list[str] | None) -> dict:
    known = known_answers(b)
    if questions is None:
        ok = [t in known for t in texts]
        return {"quality": float(np.mean(ok)), "distinct": len(set(texts)),
                "examples_bad": sorted({t for t, k in zip(texts, ok, strict=True) if not k})[:5]}
    ok = [known.get(q) == t for q, t in zip(questions, texts, strict=True)]
    return {"quality": float(np.mean(ok)), "distinct": len(set(texts)),
            "examples_bad": [f"{q}>{t}" for q, t, k in zip(questions, texts, ok, strict=True)
                             if not k][:5]}


def _decode(b: Bundle, settings: DecodeSettings, n: int) -> tuple[list[str], float, list | None]:
    """n decodes: n names, or each training question n // 30 times for the translator."""
    from .data import answer_text

    if b.task == "translate":
        qs = [q for q in known_answers(b)]
        questions = [qs[i % len(qs)] for i in range(n)]
        x0 = np.stack([start_row(b, None, q) for q in questions])
    else:
        questions = None
        x0 = np.tile(start_row(b), (n, 1))
    res = run(b, x0, settings, record=False)
    texts = [answer_text(b.layout, b.vocab.decode(row)) for row in res["tokens"]]
    return texts, float(res["nfe"].mean()), questions


def _glued(b: Bundle, texts: list[str]) -> dict:
    """Of the distinct new one-step names, how many are two training names glued at one
    position, with examples."""
    from .compare import glued

    names = sorted(known_answers(b))
    new = sorted({t for t in texts if t not in names})
    found = [g for g in (glued(t, names, b.layout.a_len) for t in new) if g]
    return {"distinct_new": len(new), "two_names": len(found), "examples": found[:6]}


def sweep(b: Bundle, n: int = 500, temperature: float = 1.0, seed: int = 0,
          strategy: str = "confidence", taus: tuple[float, ...] = TAUS,
          progress=None) -> dict:
    """Rows for K = 1…L (and τ values for `threshold`), each with its quality.

    Quality is the fraction of training names (names) or of exact translations (translator),
    over n decodes with a fixed seed, with its binomial standard error.
    """
    M = int(b.layout.maskable().sum())
    rows = []
    one_step = None
    plan = [("steps", k) for k in range(1, M + 1)]
    if b.cfg.arch == "ar":
        plan = [("ar", M)]
    elif taus:
        plan += [("tau", tau) for tau in taus]
    for i, (kind, value) in enumerate(plan):
        if kind == "tau":
            settings = DecodeSettings("threshold", tau=value, temperature=temperature, seed=seed)
        else:
            settings = DecodeSettings(strategy, steps=int(value), temperature=temperature,
                                      seed=seed)
        texts, nfe, questions = _decode(b, settings, n)
        q = _quality(b, texts, questions)
        if kind == "steps" and value == 1 and b.task == "names":
            one_step = _glued(b, texts)
        se = float(np.sqrt(q["quality"] * (1 - q["quality"]) / n))
        rows.append({"kind": kind, "value": value, "nfe": nfe, **q, "stderr": se, "n": n})
        if progress:
            progress(i + 1, len(plan))
    out = {"task": b.task, "arch": b.cfg.arch, "temperature": temperature, "seed": seed,
           "strategy": strategy, "n": n, "rows": rows}
    if one_step is not None:
        out["glued"] = one_step
    return out
