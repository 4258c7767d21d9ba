"""A model with everything needed to use it: config, weights, vocabulary, layout, history.

This is what a checkpoint stores and what the CLI, the API and the page pass around.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .data import Dataset, Layout
from .model import ModelConfig, Params, init_params
from .vocab import Vocab


@dataclass
class Resume:
    """What training needs beyond the weights to continue exactly where it stopped.

    Without it a loaded model restarts its momentum at zero and its batch and mask draws at
    the seed, so the next steps differ from the ones an uninterrupted run would take.
    """

    velocity: np.ndarray  # the optimiser's momentum buffer, laid out like `model.pack`
    rng: dict  # numpy's bit-generator state (PCG64) of the trainer's random generator


@dataclass
class Bundle:
    cfg: ModelConfig
    params: Params
    vocab: Vocab
    layout: Layout
    history: list[float] = field(default_factory=list)  # training loss per step
    train: dict = field(default_factory=dict)  # TrainSettings used, as JSON
    data_sha256: str = ""
    train_items: list[str] = field(default_factory=list)  # words (or "q>a") trained on
    val_items: list[str] = field(default_factory=list)  # the held-out split
    resume: Resume | None = None  # optimiser and random state, to continue training exactly
    dataset: str = ""  # the named dataset (defaults DATASETS) it was made for; "" for any other
    # steps trained before history[0]: a copy kept in a browser keeps only the latest losses
    # (site/js/checkpoints.js), so the step count is history_from + len(history)
    history_from: int = 0

    @property
    def task(self) -> str:
        return self.layout.task

    @property
    def steps(self) -> int:
        return self.history_from + len(self.history)

    def predictor(self):
        """(B, L) ids, (B,) t -> (B, L, V) logits, with these weights."""
        from .model import forward

        return lambda x, t: forward(self.params, self.cfg, x, t)[0]


def new(dataset: Dataset, arch: str = "diffusion", **model_kw) -> Bundle:
    """A freshly initialised model sized for a dataset."""
    cfg = ModelConfig(arch=arch, vocab_size=dataset.vocab.size, length=dataset.layout.length,
                      **model_kw)
    return Bundle(cfg, init_params(cfg), dataset.vocab, dataset.layout,
                  data_sha256=dataset.sha256)


def item_text(q: str, a: str) -> str:
    return f"{q}>{a}" if q else a


def known_answers(bundle: Bundle) -> dict[str, str]:
    """question -> answer for the translator; word -> word for names (training items)."""
    out = {}
    for it in bundle.train_items:
        q, _, a = it.rpartition(">")
        out[q or a] = a
    return out
