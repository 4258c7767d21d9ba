"""Generating with a trained model: names from nothing, answers from questions, infilling.

Every entry point returns Timelines — plain dicts that record each denoising step — so
the CLI, the tests and the page all show exactly what the sampler did. A Timeline is JSON:

* `task`, `arch`, `strategy`, `length` L, `answer_start`, `symbols` (the vocabulary, in the
  order of `probs` below), `start` (the row before the first
  pass, `?` where the model writes), `tokens` and `text` (the result), `nfe` (forward
  passes), `K` (the step budget), `early_stopped`; the translator adds `question`, `seen`,
  `expected`, `correct`, and `api.sample` adds `in_training_set`.
* `passes`: one dict per forward pass: `tokens` (the row after it), `committed` and
  `remasked` (positions), `confidence` (per position, what the strategy ranked, or None),
  `candidates` (the proposals where hidden), `gate`, `mean`, `hidden_before`, `nfe`, and
  `probs`: per position a list of V probabilities in vocabulary order (`vocab.symbols`) —
  the model's untempered belief at the pass's input (the previous pass's `tokens`), with
  `?` (and `>` in an answer) at 0 and the rest renormalised — rounded to
  `sampling.PROB_DECIMALS` = 4 decimals (so a row sums to 1 within V · 5e-5), or None where
  the decoder does not write (a question, `>`, a template's letters; for AR every position
  but the one written at that pass).
"""

from __future__ import annotations

import numpy as np

from . import ar
from .bundle import Bundle, known_answers
from .data import DataError, answer_text, compose
from .sampling import Decoder, DecodeSettings, step_json
from .vocab import MASK, PAD, VocabError

MAX_SAMPLES = 10_000


def start_row(b: Bundle, template: str | None = None, question: str = "") -> np.ndarray:
    """(L,) ids to start from: the question fixed, the answer `?` (or the template).

    A template such as `r??ul` fixes its letters and leaves each `?` to the model; it is
    padded with `_`, so `r??ul` asks for a five-letter word. Use `?` to leave room.
    """
    lay, v = b.layout, b.vocab
    if lay.task == "translate":
        question = question.strip()
        v.check_word(question)
        if len(question) > lay.q_len:
            raise DataError(f"{question!r} is {len(question)} characters; this translator "
                            f"reads at most {lay.q_len}")
    elif question:
        raise DataError("the names model takes no question")
    if template is None:
        answer = MASK * lay.a_len
    else:
        if not template:
            raise VocabError("empty template: use ? for each unknown character")
        for c in template:
            if c not in v.chars and c not in (MASK, PAD):
                raise VocabError(f"unknown character {c!r} in template; allowed: {v.chars} "
                                 f"and ? for a gap")
        if len(template) > lay.a_len:
            raise DataError(f"the template has {len(template)} characters; the model's limit "
                            f"is {lay.a_len}")
        answer = template
    return v.encode(compose(lay, answer, question))


def _timelines(b: Bundle, x0: np.ndarray, res: dict, strategy: str, rows: range) -> list[dict]:
    out = []
    for i in rows:
        tokens = b.vocab.decode(res["tokens"][i])
        out.append({
            "task": b.task,
            "arch": b.cfg.arch,
            "strategy": strategy,
            "length": b.cfg.length,
            "answer_start": b.layout.answer_start,
            "symbols": b.vocab.symbols,
            "start": b.vocab.decode(x0[i]),
            "passes": [step_json(st) for st in res["passes"][i]],
            "tokens": tokens,
            "text": answer_text(b.layout, tokens),
            "nfe": int(res["nfe"][i]),
            "K": int(res["K"]),
            "early_stopped": bool(res["early"][i]),
        })
    return out


def run(b: Bundle, x0: np.ndarray, settings: DecodeSettings, record: bool = True,
        target: np.ndarray | None = None) -> dict:
    """Decode a batch x0 (B, L) with the model's own kind of sampler."""
    banned = (b.vocab.sep_id,) if b.vocab.sep else ()
    if b.cfg.arch == "ar":
        return ar.decode(b.predictor(), b.vocab.symbols, b.vocab.mask_id, b.vocab.pad_id,
                         b.layout.maskable(), x0, settings.temperature,
                         np.random.default_rng(settings.seed), banned, record, target)
    dec = Decoder(b.predictor(), b.vocab.symbols, b.vocab.mask_id, b.layout.maskable(),
                  settings, banned)
    return dec.run(x0, record, target)


def reveal(b: Bundle, word: str, settings: DecodeSettings | None = None,
           question: str = "") -> dict:
    """How this model would produce a given word: its Timeline, forced toward `word`.

    Diffusion commits the positions where it is most sure of the word's letter first (any
    order, several per step); the AR model writes it left to right, one pass per letter.
    Each step's confidence is the probability the model gave the word's letter.
    """
    settings = settings or DecodeSettings(temperature=0.0)
    b.vocab.check_word(word)
    x0 = start_row(b, None, question)[None, :]
    target = b.vocab.encode(compose(b.layout, word, question))[None, :]
    res = run(b, x0, settings, True, target)
    strategy = "ar" if b.cfg.arch == "ar" else settings.strategy
    return _timelines(b, x0, res, strategy, range(1))[0]


def sample(b: Bundle, n: int = 1, settings: DecodeSettings | None = None,
           template: str | None = None, record: bool = True) -> list[dict]:
    """n names (or n completions of a template), each with its Timeline."""
    if not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"number of samples must be between 1 and {MAX_SAMPLES}, got {n}")
    if b.task != "names":
        raise DataError("this is a translator: use translate with a word")
    settings = settings or DecodeSettings()
    x0 = np.tile(start_row(b, template), (n, 1))
    res = run(b, x0, settings, record)
    strategy = "ar" if b.cfg.arch == "ar" else settings.strategy
    return _timelines(b, x0, res, strategy, range(n))


def translate(b: Bundle, words: list[str], settings: DecodeSettings | None = None,
              record: bool = True) -> list[dict]:
    """Translate each word: question and `>` fixed, the answer denoised.

    Each Timeline also says whether the word was in the training data and, if so, whether
    the answer matches it.
    """
    if b.task != "translate":
        raise DataError("this is a names model: use sample")
    if not words:
        raise DataError("no word to translate")
    settings = settings or DecodeSettings()
    x0 = np.stack([start_row(b, None, w) for w in words])
    res = run(b, x0, settings, record)
    strategy = "ar" if b.cfg.arch == "ar" else settings.strategy
    out = _timelines(b, x0, res, strategy, range(len(words)))
    known = known_answers(b)
    for tl, w in zip(out, words, strict=True):
        w = w.strip()
        tl["question"] = w
        tl["seen"] = w in known
        tl["expected"] = known.get(w)
        tl["correct"] = known.get(w) == tl["text"] if w in known else None
    return out
