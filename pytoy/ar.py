"""The autoregressive baseline: predict the next character from the ones to its left.

The network is `model.forward` with arch="ar" (makemore's MLP: a window of left context,
start-padded with `_`). This file holds what is particular to left-to-right models: which
positions are scored (each answer character and one end symbol `_`), exact likelihood,
and sampling one forward pass per character.
"""

from __future__ import annotations

import numpy as np


def score_mask(x: np.ndarray, maskable: np.ndarray, pad_id: int) -> np.ndarray:
    """(B, L) bool: answer positions up to and including the first `_` (the end symbol).

    After the end symbol the rest is padding by definition, so it is not scored.
    """
    is_pad = (x == pad_id) & maskable[None, :]
    before_end = np.cumsum(is_pad, axis=1) - is_pad  # pads strictly before each position
    return maskable[None, :] & (before_end == 0)


def decode(predict, symbols: str, mask_id: int, pad_id: int, maskable: np.ndarray,
           x: np.ndarray, temperature: float, rng: np.random.Generator,
           banned: tuple[int, ...] = (), record: bool = True,
           target: np.ndarray | None = None) -> dict:
    """Left to right, one forward pass per generated character, until the end symbol `_`.

    x (B, L) holds `?` where characters are to be generated; any other character in the
    answer (an infilling template) is copied in when the cursor reaches it — the model
    cannot see it coming, because it never looks right. Before the template's last fixed letter
    the end symbol is not allowed, so the word cannot end before its template does (the `_`
    that pads a short template may come earlier: `??h??` can become a four-letter name).
    With `target` (B, L) it writes the target's characters (teacher forcing) and reports
    the probability the model gave each. Each step records the model's belief at the one
    position it writes (`probs`, see `sampling.step_record`): the untempered softmax without
    `?` (nor `>`, nor `_` where the word may not end yet), renormalised. Returns the same
    structure as `sampling.Decoder.run`.
    """
    from .sampling import _round, propose, step_record  # local: sampling imports nothing here

    x = x.copy()
    B, L = x.shape
    M = int(maskable.sum())
    editable = (x == mask_id) & maskable[None, :]
    fixed_answer = maskable[None, :] & ~editable & (x != pad_id)  # a template's letters
    last_fixed = np.where(fixed_answer.any(axis=1),
                          L - 1 - np.argmax(fixed_answer[:, ::-1], axis=1), -1)  # (B,)
    nfe = np.zeros(B, dtype=int)
    ended = np.zeros(B, dtype=bool)
    steps: list[list[dict]] = [[] for _ in range(B)]
    for p in np.flatnonzero(maskable):
        todo = editable[:, p] & ~ended
        if not todo.any():
            continue
        hidden = (x == mask_id) & editable
        logits = predict(x, hidden.sum(axis=1) / max(M, 1))[:, p, :].copy()  # (B, V)
        logits[:, [mask_id, *banned]] = -np.inf
        logits[p <= last_fixed, pad_id] = -np.inf
        cand, conf, probs = propose(logits[:, None, :], temperature, rng)
        cand, conf = cand[:, 0], conf[:, 0]
        if target is not None:
            cand = target[:, p]
            conf = probs[np.arange(B), 0, cand]
        before = x.copy()
        x[todo, p] = cand[todo]
        stop = todo & (cand == pad_id)
        tail = maskable[None, :] & (np.arange(L)[None, :] > p) & stop[:, None]
        x[tail] = pad_id
        ended |= stop
        nfe += todo
        if record:
            for b in np.flatnonzero(todo):
                c = np.full(L, np.nan)
                c[p] = conf[b]
                belief = np.full((L, probs.shape[-1]), np.nan)  # (L, V): only p is predicted
                belief[p] = probs[b, 0]
                steps[b].append(step_record(
                    symbols, x[b], x[b] != before[b], np.zeros(L, dtype=bool),
                    _round(c, ~np.isnan(c)), "".join(symbols[i] for i in x[b]), conf[b],
                    conf[b], hidden[b].sum(), nfe[b], belief))
    return {"tokens": x, "nfe": nfe, "passes": steps, "early": np.zeros(B, dtype=bool),
            "K": int(nfe.max()) if B else 0}
