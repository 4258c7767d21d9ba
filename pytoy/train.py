"""The training loop: one objective per architecture, chunked so callers stay responsive.

`Trainer.run(steps, chunk)` is a generator. It yields a `Progress` after every chunk, so the
browser worker can post a progress event, look at its inbox (pause, sample, reset) and
carry on. All state — weights, optimiser, random generator, step — lives in the Trainer,
so training in chunks of 7 gives exactly the same losses as one chunk of 700.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import numpy as np

from . import ar
from .defaults import check, default
from .diffusion import corrupt, cross_entropy, loss_weights, sample_t
from .model import ModelConfig, Params, backward, forward, pack
from .optim import SGD
from .vocab import mask_id, pad_id

# A chunk whose mean loss is this many times a uniform guess's (ln V nats per position) is
# exploding. An untrained model starts near 1×; clipping keeps a too-high learning rate's
# numbers finite (lr 10 averages ~28 nats in its first 25 steps), so non-finite alone would
# let it wreck the weights unnoticed.
BLOWUP = 3.0


class DivergenceError(FloatingPointError):
    """The loss became non-finite or exploded; training state was rolled back."""

    def __init__(self, step: int, lr: float, restored: int,
                 why: str = "the loss is no longer a finite number") -> None:
        super().__init__(
            f"training diverged at step {step} (learning rate {lr:g}): {why}. "
            f"The model is restored to step {restored}; try a smaller learning rate.")
        self.step, self.lr, self.restored = step, lr, restored


@dataclass(frozen=True)
class TrainSettings:
    """Defaults and bounds from the settings table (defaults.py)."""

    lr: float = default("train", "lr")
    batch: int = default("train", "batch")
    momentum: float = default("train", "momentum")
    clip: float | None = default("train", "clip")
    weight_decay: float = default("train", "weight_decay")
    loss: str = default("train", "loss")  # diffusion only; the AR model uses its exact NLL
    seed: int = default("train", "seed")

    def __post_init__(self) -> None:
        check("train", "lr", self.lr, "learning rate")
        check("train", "batch", self.batch, "batch size")
        check("train", "momentum", self.momentum, "momentum")
        check("train", "weight_decay", self.weight_decay, "weight decay")
        check("train", "clip", self.clip, "clip")
        check("train", "loss", self.loss, "loss")
        check("train", "seed", self.seed, "seed")

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Progress:
    step: int  # steps done in total
    losses: list[float]  # one per step of this chunk
    elapsed: float  # seconds spent in this chunk
    examples_per_s: float

    @property
    def loss(self) -> float:
        return float(np.mean(self.losses))


def batch_loss(params: Params, cfg: ModelConfig, x: np.ndarray, maskable: np.ndarray,
               loss: str, rng: np.random.Generator, flat: np.ndarray | None = None
               ) -> tuple[float, Params]:
    """One minibatch x (B, L): the objective for the model's architecture and its gradient.

    `flat`: optional buffer laid out like `pack(params)` that receives the gradient.
    """
    if cfg.arch == "ar":
        weights = ar.score_mask(x, maskable, pad_id(cfg.vocab_size))  # (B, L)
        weights = weights / weights.sum()
        logits, cache = forward(params, cfg, x)
    else:
        t = sample_t(rng, x.shape[0])  # (B,)
        xt, masked = corrupt(x, t, maskable, mask_id(cfg.vocab_size), rng)  # (B, L)
        weights = loss_weights(loss, maskable, masked, t)
        logits, cache = forward(params, cfg, xt, t)  # (B, L, V)
    value, dlogits = cross_entropy(logits, x, weights)
    return value, backward(params, cfg, cache, dlogits, flat)


class Trainer:
    """Owns everything that changes during training."""

    def __init__(self, params: Params, cfg: ModelConfig, tokens: np.ndarray,
                 maskable: np.ndarray, settings: TrainSettings, step: int = 0) -> None:
        if tokens.ndim != 2 or tokens.shape[1] != cfg.length or len(tokens) == 0:
            raise ValueError("training data does not fit the model's length")
        self.params, self.cfg, self.tokens, self.maskable = params, cfg, tokens, maskable
        self.settings = settings
        self.rng = np.random.default_rng(settings.seed)
        self.opt = SGD(pack(params), settings.lr, settings.momentum, settings.clip,
                       settings.weight_decay)
        self.grad = np.empty_like(self.opt.flat)  # reused every step: backward writes into it
        self.step = step
        self.history: list[float] = []

    def set_lr(self, lr: float) -> None:
        """Change the learning rate between chunks (e.g. after a divergence)."""
        self.settings = TrainSettings(**{**self.settings.to_json(), "lr": lr})
        self.opt.lr = lr

    def train_step(self) -> float:
        s = self.settings
        x = self.tokens[self.rng.integers(0, len(self.tokens), s.batch)]  # (B, L)
        with np.errstate(over="ignore", invalid="ignore"):  # caught just below instead
            loss, _ = batch_loss(self.params, self.cfg, x, self.maskable, s.loss, self.rng,
                                 self.grad)
            grad = self.grad
            norm = float(np.sqrt(grad @ grad))
        if not (np.isfinite(loss) and np.isfinite(norm)):
            raise DivergenceError(self.step + 1, s.lr, self.step)
        self.opt.step(grad, norm)
        self.step += 1
        self.history.append(loss)
        return loss

    def _snapshot(self) -> tuple:
        return (self.opt.flat.copy(), self.opt.velocity.copy(), self.step, len(self.history),
                self.rng.bit_generator.state)

    def _restore(self, snap: tuple) -> None:
        flat, velocity, self.step, n_hist, self.rng.bit_generator.state = snap
        self.opt.flat[...] = flat  # in place: the bundle's params are views of it
        self.opt.velocity[...] = velocity
        del self.history[n_hist:]

    def run(self, steps: int, chunk: int = 100) -> Iterator[Progress]:
        """Train `steps` steps, yielding after each `chunk`.

        A chunk is all or nothing: if the loss stops being finite (e.g. a learning rate so
        high that activations overflow), or the chunk's mean loss is over BLOWUP times a
        uniform guess's, weights, momentum, step, history and random state return to the
        start of the chunk — the last state known to be healthy, since the steps just before
        a NaN may have left weights finite but enormous.
        """
        if steps < 0 or chunk < 1:
            raise ValueError("steps must be ≥ 0 and chunk ≥ 1")
        left = steps
        while left > 0:
            n = min(chunk, left)
            start = time.perf_counter()
            snap = self._snapshot()
            try:
                losses = [self.train_step() for _ in range(n)]
            except DivergenceError as e:
                self._restore(snap)
                raise DivergenceError(e.step, e.lr, self.step) from None
            mean, guess = float(np.mean(losses)), float(np.log(self.cfg.vocab_size))
            if mean > BLOWUP * guess:
                end = self.step
                self._restore(snap)
                raise DivergenceError(
                    end, self.settings.lr, self.step,
                    f"the loss averaged {mean:.1f} nats over steps {self.step + 1}–{end}, over "
                    f"{BLOWUP:g}× a uniform guess's {guess:.2f}")
            elapsed = time.perf_counter() - start
            left -= n
            yield Progress(self.step, losses, elapsed,
                           n * self.settings.batch / max(elapsed, 1e-9))
