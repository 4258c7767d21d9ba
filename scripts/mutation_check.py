#!/usr/bin/env python3
"""Mutation check: does the CPython test suite notice a plausible small bug in pytoy/?

Run by hand (not in CI):

    python3 scripts/mutation_check.py            # every mutant, two at a time
    python3 scripts/mutation_check.py --list     # the list, and whether each still applies
    python3 scripts/mutation_check.py --only bound-mk --only elbo-no-1/t

Each entry of MUTATIONS is one realistic bug (an off-by-one, a wrong sign, a missing term, a
swapped argument) written as a single exact text replacement in one file of pytoy/. The old
text must occur exactly once in that file; if the code has moved and it occurs zero times or
more than once, the script says which entry and stops before running anything, so the list
is kept up to date rather than silently testing nothing.

For each mutant: the working tree is copied (without .git, dist, node_modules and caches) to
a temporary directory, the one replacement is applied, and the CPython tests run there:

    python3 -m pytest -q -x -p no:cacheprovider -m "not browser" <test files>

with PYTOY_SKIP_BROWSER=1 and one BLAS thread per run. Every test file under tests/ runs
except test_lint.py (a mutant that only upsets the linter has not been caught); the fast
oracle files go first so that a caught mutant stops early (-x). The first failing test is
reported as the one that caught it. An unmutated copy runs first, alongside the first
mutant: if it fails, every "caught" would be meaningless, and the script exits 2.

Prints a table (id, bug, caught by which test or MISSED) and exits 1 if any mutant was
missed, 2 if the list does not apply or the unmutated suite fails, 0 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str  # relative to the repository root
    old: str  # exact text; must occur exactly once in the file
    new: str
    bug: str  # one line: what a reviewer would call this bug


M = Mutation
MUTATIONS: list[Mutation] = [
    # ── the examples the issue names ──────────────────────────────────────────────────
    M("ar-window-sees-target", "pytoy/model.py",
      "cols = np.arange(L)[:, None] + np.arange(C)[None, :]",
      "cols = np.arange(L)[:, None] + np.arange(1, C + 1)[None, :]",
      "AR window shifted by one: position i sees the letter it must predict"),
    M("sampler-tempered-confidence", "pytoy/sampling.py",
      "probs = np.exp(log_softmax(logits))",
      "probs = np.exp(log_softmax(logits / temperature if temperature else logits))",
      "sampler confidence from the tempered softmax instead of the untempered one"),
    M("sampler-t-flipped", "pytoy/sampling.py",
      "t = hidden.sum(axis=1) / max(M, 1)",
      "t = 1 - hidden.sum(axis=1) / max(M, 1)",
      "sampler tells the model 1 − t instead of the fraction still hidden"),
    M("elbo-no-1/t", "pytoy/diffusion.py",
      "return masked / t[:, None] / norm",
      "return masked / norm",
      "ELBO loss weights lose their 1/t factor"),
    M("bound-no-M/k", "pytoy/evaluate.py",
      "w = hidden * (M / k)[:, None]",
      "w = hidden.astype(float)",
      "likelihood bound drops its M/k weighting"),
    M("weight-decay-sign", "pytoy/optim.py",
      "grad += self.weight_decay * self.flat",
      "grad -= self.weight_decay * self.flat",
      "weight decay pushes weights away from zero (sign flipped)"),
    M("checkpoint-accepts-nan", "pytoy/checkpoint.py",
      "            if not np.isfinite(params[k]).all():\n"
      "                raise CheckpointError(f\"weight {k} contains non-finite numbers\")\n",
      "",
      "checkpoint loading no longer refuses NaN/inf weights"),
    # ── model ─────────────────────────────────────────────────────────────────────────
    M("ar-start-symbol-is-mask", "pytoy/model.py",
      "pad = pad_id(cfg.vocab_size)  # `_` is the start symbol",
      "pad = mask_id(cfg.vocab_size)  # `_` is the start symbol",
      "AR windows start-padded with `?` (mask id) instead of `_`"),
    M("tanh-backward", "pytoy/model.py",
      "dh *= 1.0 - h * h",
      "dh *= 1.0 - h",
      "tanh derivative written as 1 − h instead of 1 − h²"),
    M("relu-backward", "pytoy/model.py",
      "dh *= h > 0",
      "dh *= h >= 0",
      "relu derivative passes gradient through dead units (h ≥ 0 is always true)"),
    M("b2-grad-mean", "pytoy/model.py",
      'np.sum(dout, axis=0, out=grads["b2"])',
      'np.mean(dout, axis=0, out=grads["b2"])',
      "output bias gradient averaged over rows instead of summed"),
    # ── losses and the forward process ────────────────────────────────────────────────
    M("all-loss-hidden-only", "pytoy/diffusion.py",
      "return np.broadcast_to(maskable[None, :], masked.shape) / norm",
      "return masked / norm",
      "`all` loss scores only hidden positions"),
    M("loss-norm-by-L", "pytoy/diffusion.py",
      "norm = B * int(maskable.sum())",
      "norm = B * masked.shape[1]",
      "loss normalised by sequence length L instead of maskable positions M"),
    M("corrupt-masks-question", "pytoy/diffusion.py",
      "masked = (rng.random(x.shape) < t[:, None]) & maskable[None, :]",
      "masked = rng.random(x.shape) < t[:, None]",
      "forward process may hide the question and `>`"),
    M("sample-t-includes-0", "pytoy/diffusion.py",
      "return 1.0 - (1.0 - eps) * rng.random(n)",
      "return (1.0 - eps) * rng.random(n)",
      "t drawn from [0, 1 − eps) instead of (eps, 1]: t = 0 possible"),
    M("mask-exactly-k-plus-1", "pytoy/diffusion.py",
      "return (ranks < k[:, None]) & maskable[None, :]",
      "return (ranks <= k[:, None]) & maskable[None, :]",
      "mask_exactly hides k + 1 positions"),
    M("cross-entropy-grad-sign", "pytoy/diffusion.py",
      "dlogits.ravel()[at] -= weights.ravel()",
      "dlogits.ravel()[at] += weights.ravel()",
      "cross-entropy gradient adds the one-hot instead of subtracting it"),
    # ── AR baseline ───────────────────────────────────────────────────────────────────
    M("score-mask-no-end", "pytoy/ar.py",
      "before_end = np.cumsum(is_pad, axis=1) - is_pad",
      "before_end = np.cumsum(is_pad, axis=1)",
      "the end symbol `_` is not scored (nor counted in the denominator)"),
    M("ar-decode-may-propose-mask", "pytoy/ar.py",
      "logits[:, [mask_id, *banned]] = -np.inf",
      "logits[:, list(banned)] = -np.inf",
      "AR decoder may propose `?`"),
    # ── sampler ───────────────────────────────────────────────────────────────────────
    M("schedule-extra-at-end", "pytoy/sampling.py",
      "return [base + (1 if s < extra else 0) for s in range(steps)]",
      "return [base + (1 if s >= steps - extra else 0) for s in range(steps)]",
      "schedule gives the extra commits to the last steps instead of the first"),
    M("confidence-least-first", "pytoy/sampling.py",
      "return _top(st.conf, st.hidden, st.budget), None",
      "return _top(-st.conf, st.hidden, st.budget), None",
      "`confidence` commits the least confident positions"),
    M("threshold-no-minimum", "pytoy/sampling.py",
      "return st.hidden & ((st.conf >= st.settings.tau) | best), None",
      "return st.hidden & (st.conf >= st.settings.tau), None",
      "`threshold` may commit nothing in a step (no 'at least one')"),
    M("blocks-budget-off-by-one", "pytoy/sampling.py",
      "(1 if j < K % n_blocks else 0)",
      "(1 if j <= K % n_blocks else 0)",
      "`blocks` gives one block too many an extra step"),
    M("blocks-misaligned", "pytoy/sampling.py",
      "return np.where(self.maskable, pos // self.s.block_size, -1)",
      "return np.where(self.maskable, (pos + 1) // self.s.block_size, -1)",
      "`blocks` boundaries shifted by one (first block one short)"),
    M("remask-shown-off-by-one", "pytoy/sampling.py",
      "shown = st.plans[:, : st.index + 1].sum(axis=1)",
      "shown = st.plans[:, : st.index].sum(axis=1)",
      "`remask` keeps one step's worth too few positions"),
    M("ar-strategy-right-to-left", "pytoy/sampling.py",
      "commit[np.arange(B), np.argmax(st.hidden, axis=1)] = True",
      "commit[np.arange(B), L - 1 - np.argmax(st.hidden[:, ::-1], axis=1)] = True",
      "`ar` strategy commits the rightmost hidden position"),
    M("random-among-editable", "pytoy/sampling.py",
      "return _top(st.rng.random(st.hidden.shape), st.hidden, st.budget), None",
      "return _top(st.rng.random(st.hidden.shape), st.editable, st.budget) & st.hidden, None",
      "`random` draws among all answer positions, committing fewer than planned"),
    M("sampler-may-propose-mask", "pytoy/sampling.py",
      "self.banned = (mask_id, *banned)",
      "self.banned = tuple(banned)",
      "diffusion sampler may propose `?`"),
    M("translator-may-propose-sep", "pytoy/generate.py",
      "banned = (b.vocab.sep_id,) if b.vocab.sep else ()",
      "banned = ()",
      "translator may write `>` inside an answer"),
    M("early-stop-gate-max", "pytoy/sampling.py",
      "gate = np.where(hidden, conf, np.inf).min(axis=1)",
      "gate = np.where(hidden, conf, -np.inf).max(axis=1)",
      "early-stop gate is the most confident hidden position, not the least"),
    M("gumbel-temperature-inverted", "pytoy/sampling.py",
      "tokens = (logits / temperature + gumbel).argmax(axis=-1)",
      "tokens = (logits * temperature + gumbel).argmax(axis=-1)",
      "temperature multiplies the logits instead of dividing them"),
    M("K-not-capped", "pytoy/sampling.py",
      "else min(s.steps, int(m0.max()))",
      "else max(s.steps, int(m0.max()))",
      "more steps than hidden positions are run instead of capped"),
    M("remask-never-revises", "pytoy/sampling.py",
      "return st.hidden & keep, st.editable & ~st.hidden & ~keep",
      "return st.hidden & keep, None",
      "`remask` keeps every committed letter (it never takes one back)"),
    # ── optimiser ─────────────────────────────────────────────────────────────────────
    M("momentum-order", "pytoy/optim.py",
      "            self.velocity *= self.momentum\n            self.velocity += grad\n",
      "            self.velocity += grad\n            self.velocity *= self.momentum\n",
      "momentum computed as μ(v + g) instead of μv + g"),
    M("clip-ratio-inverted", "pytoy/optim.py",
      "grad *= self.clip / norm",
      "grad *= norm / self.clip",
      "clipping scales by norm/clip instead of clip/norm"),
    M("weight-decay-before-clip", "pytoy/optim.py",
      "        if self.clip and norm > self.clip:\n"
      "            grad *= self.clip / norm\n"
      "        if self.weight_decay:\n"
      "            grad += self.weight_decay * self.flat\n",
      "        if self.weight_decay:\n"
      "            grad += self.weight_decay * self.flat\n"
      "        if self.clip and norm > self.clip:\n"
      "            grad *= self.clip / norm\n",
      "weight decay added before clipping (the decay term is clipped with the gradient)"),
    # ── trainer ───────────────────────────────────────────────────────────────────────
    M("rollback-rebinds-weights", "pytoy/train.py",
      "self.opt.flat[...] = flat",
      "self.opt.flat = flat",
      "rollback rebinds the weight vector, so the bundle's params keep the bad weights"),
    M("rollback-zeroes-velocity", "pytoy/train.py",
      "self.opt.velocity[...] = velocity",
      "self.opt.velocity[...] = 0.0",
      "rollback resets momentum instead of restoring it"),
    M("rollback-keeps-rng", "pytoy/train.py",
      "flat, velocity, self.step, n_hist, self.rng.bit_generator.state = snap",
      "flat, velocity, self.step, n_hist, _ = snap",
      "rollback does not restore the random state"),
    M("rollback-history-off-by-one", "pytoy/train.py",
      "del self.history[n_hist:]",
      "del self.history[n_hist + 1 :]",
      "rollback keeps one loss of the undone chunk in the history"),
    M("blowup-guess-V", "pytoy/train.py",
      "float(np.log(self.cfg.vocab_size))",
      "float(self.cfg.vocab_size)",
      "BLOWUP compares with V instead of a uniform guess's ln V"),
    M("batch-skips-last-example", "pytoy/train.py",
      "self.rng.integers(0, len(self.tokens), s.batch)",
      "self.rng.integers(0, len(self.tokens) - 1, s.batch)",
      "minibatches never draw the last training example"),
    M("loss-setting-ignored", "pytoy/train.py",
      "weights = loss_weights(loss, maskable, masked, t)",
      "weights = loss_weights(\"all\", maskable, masked, t)",
      "trainer always uses the `all` loss, whatever `loss` says"),
    M("set-lr-not-applied", "pytoy/train.py",
      "        self.opt.lr = lr\n",
      "",
      "set_lr records the new rate but the optimiser keeps the old one"),
    # ── checkpoint ────────────────────────────────────────────────────────────────────
    M("checkpoint-shape-by-size", "pytoy/checkpoint.py",
      "if tuple(raw[k][\"shape\"]) != shape:",
      "if int(np.prod(raw[k][\"shape\"])) != int(np.prod(shape)):",
      "checkpoint accepts a weight of the wrong shape with the right size"),
    M("checkpoint-config-and", "pytoy/checkpoint.py",
      "if vocab.size != cfg.vocab_size or layout.length != cfg.length:",
      "if vocab.size != cfg.vocab_size and layout.length != cfg.length:",
      "checkpoint accepts a vocabulary or a length that disagrees with the config"),
    # ── floor ─────────────────────────────────────────────────────────────────────────
    M("floor-too-few-nodes", "pytoy/floor.py",
      "leggauss(M // 2 + 2)",
      "leggauss(M // 2)",
      "Gauss–Legendre with too few nodes: the pattern probabilities are not exact"),
    M("floor-no-jacobian", "pytoy/floor.py",
      "w = w * (hi - lo) / (2.0 * (1.0 - eps))  # density",
      "w = w * (hi - lo) / 2.0  # density",
      "pattern probabilities forget the 1/(1 − eps) density"),
    M("floor-posterior-over-all", "pytoy/floor.py",
      "count[inv.ravel()] / size[group]",
      "count[inv.ravel()] / len(tokens)",
      "posterior divided by all examples instead of those agreeing with the visible"),
    M("floor-skips-all-hidden", "pytoy/floor.py",
      "for k in range(1, M + 1):",
      "for k in range(1, M):",
      "exact floor leaves out the all-hidden pattern"),
    M("floor-per-word", "pytoy/floor.py",
      "return total / (N * M)",
      "return total / N",
      "exact floor per word instead of per maskable position"),
    M("floor-mc-any", "pytoy/floor.py",
      "agree = (eq | hid[:, None, :]).all(axis=2)",
      "agree = (eq | hid[:, None, :]).any(axis=2)",
      "Monte Carlo floor: 'consistent' means agreeing anywhere, not everywhere visible"),
    M("floor-mc-per-hidden", "pytoy/floor.py",
      "out[done : done + n] = bayes_costs(tokens, x, hid).sum(1) / M",
      "out[done : done + n] = bayes_costs(tokens, x, hid).sum(1) / np.maximum(hid.sum(1), 1)",
      "Monte Carlo floor per hidden position instead of per maskable position"),
    # ── evaluate ──────────────────────────────────────────────────────────────────────
    M("bound-t-flipped", "pytoy/evaluate.py",
      "logits, _ = forward(params, cfg, xt, k / M)",
      "logits, _ = forward(params, cfg, xt, 1 - k / M)",
      "the bound tells the model 1 − k/M"),
    M("bound-never-all-hidden", "pytoy/evaluate.py",
      "k = rng.integers(1, M + 1, N)",
      "k = rng.integers(1, M, N)",
      "the bound never draws k = M (all hidden)"),
    M("ar-nll-pad-is-mask", "pytoy/evaluate.py",
      "ar.score_mask(tokens, maskable, pad_id(cfg.vocab_size))",
      "ar.score_mask(tokens, maskable, mask_id(cfg.vocab_size))",
      "AR NLL scores every position (end symbol looked up with the mask id)"),
    M("bits-mean-of-ratios", "pytoy/evaluate.py",
      "return float(nll_nats.sum() / lengths.sum() / np.log(2))",
      "return float((nll_nats / lengths).mean() / np.log(2))",
      "bits/char as a mean of per-word ratios instead of total nats over total chars"),
    M("unigram-counts-padding", "pytoy/evaluate.py",
      "np.bincount(train[ar.score_mask(train, maskable, pad_id)], minlength=V)",
      "np.bincount(train[:, maskable].ravel(), minlength=V)",
      "unigram counts every trailing `_`, not only the end symbol"),
    M("unigram-mask-has-mass", "pytoy/evaluate.py",
      "    counts[V - 1] = 0.0  # the mask symbol is never a character\n",
      "",
      "add-one smoothing gives the mask symbol probability"),
    M("word-lengths-nonpad", "pytoy/evaluate.py",
      "return ar.score_mask(tokens, maskable, pad_id).sum(axis=1)",
      "return (tokens != pad_id).sum(axis=1)",
      "denominator counts non-pad symbols (no end symbol; question included)"),
    M("all-loss-scores-question", "pytoy/evaluate.py",
      "per.append((nll * maskable).sum() / (N * M))",
      "per.append(nll.sum() / (N * M))",
      "`all` loss estimate also scores the question and `>`"),
    M("gap-sign", "pytoy/evaluate.py",
      '"gap": est.mean - fl.value',
      '"gap": fl.value - est.mean',
      "gap to the floor reported with the wrong sign"),
    M("unigram-fit-on-test", "pytoy/evaluate.py",
      "uni = unigram_nll(train_ds.tokens, ds.tokens,",
      "uni = unigram_nll(ds.tokens, ds.tokens,",
      "unigram baseline fitted on the words it is scored on"),
    M("evaluate-on-training-split", "pytoy/api.py",
      "which = b.val_items or b.train_items",
      "which = b.train_items or b.val_items",
      "held-out evaluation scores the training words"),
    # ── data layout and vocabulary ────────────────────────────────────────────────────
    M("separator-maskable", "pytoy/data.py",
      "return self.q_len + 1 if self.task == \"translate\" else 0",
      "return self.q_len if self.task == \"translate\" else 0",
      "answer starts at `>`: the separator is maskable and scored"),
    M("last-position-not-maskable", "pytoy/data.py",
      "m[self.answer_start :] = True",
      "m[self.answer_start : self.length - 1] = True",
      "the last answer position is never masked or scored"),
    M("question-left-padded", "pytoy/data.py",
      "return question.ljust(layout.q_len, PAD) + SEP",
      "return question.rjust(layout.q_len, PAD) + SEP",
      "question padded on the left (`__hi>`) instead of the right"),
    M("names-left-padded", "pytoy/data.py",
      "return answer.ljust(layout.a_len, PAD)",
      "return answer.rjust(layout.a_len, PAD)",
      "names padded on the left"),
    M("compose-limit-off-by-one", "pytoy/data.py",
      "if len(answer) > layout.a_len:",
      "if len(answer) >= layout.a_len:",
      "a word exactly as long as the answer field is refused"),
    M("answer-text-rstrip", "pytoy/data.py",
      "return seq[layout.answer_start :].split(PAD, 1)[0]",
      "return seq[layout.answer_start :].rstrip(PAD)",
      "a `_` committed inside a word does not end it"),
    M("split-drops-one", "pytoy/data.py",
      "return np.sort(perm[n_val:]), np.sort(perm[:n_val])",
      "return np.sort(perm[n_val + 1 :]), np.sort(perm[:n_val])",
      "train/validation split loses one item"),
    M("empty-answer-accepted", "pytoy/data.py",
      "if len(parts) != 2 or not parts[0] or not parts[1]:",
      "if len(parts) != 2 or not parts[0]:",
      "`hello>` (no answer) is accepted as a pair"),
    M("vocab-unsorted", "pytoy/vocab.py",
      'return cls("".join(sorted(found)), sep)',
      'return cls("".join(found), sep)',
      "character ids follow set order, not sorted order"),
    M("vocab-pad-before-sep", "pytoy/vocab.py",
      'return self.chars + (SEP if self.sep else "") + PAD + MASK',
      'return self.chars + PAD + (SEP if self.sep else "") + MASK',
      "`_` placed before `>`: pad_id and sep_id swap in the translator"),
    # ── CLI ───────────────────────────────────────────────────────────────────────────
    M("cli-exit-1", "pytoy/cli.py",
      "        return 2\n    if args.json:",
      "        return 1\n    if args.json:",
      "bad input exits 1 instead of 2"),
    M("cli-lower-bound-open", "pytoy/cli.py",
      "or not lo <= value <= hi:",
      "or not lo < value <= hi:",
      "number flags refuse their lower bound (--temperature 0, --steps 0)"),
    M("cli-no-time-inverted", "pytoy/cli.py",
      '"time_input": not args.no_time}',
      '"time_input": args.no_time}',
      "--no-time inverted: models get t only when asked not to"),
    M("cli-early-stop-ignored", "pytoy/cli.py",
      '"early_stop": args.early_stop,',
      '"early_stop": None,',
      "--early-stop is parsed but not passed on"),
    M("cli-loss-ignored", "pytoy/cli.py",
      '"loss": args.loss,',
      '"loss": default("train", "loss"),',
      "--loss is parsed but the default loss is used"),
    # ── checkpoint format 2 and the settings table ─────────────────────────────────────
    M("resume-velocity-dropped", "pytoy/api.py",
      "trainer.opt.velocity[...] = b.resume.velocity",
      "trainer.opt.velocity[...] = 0.0",
      "a loaded checkpoint continues with zero momentum instead of its saved velocity"),
    M("resume-rng-dropped", "pytoy/api.py",
      "trainer.rng.bit_generator.state = b.resume.rng",
      "trainer.rng = np.random.default_rng(settings.seed)",
      "a loaded checkpoint draws batches from the seed again, not where it stopped"),
    M("export-keeps-old-lr", "pytoy/api.py",
      "s.bundle.train = s.trainer.settings.to_json()",
      "s.bundle.train = dict(s.bundle.train)",
      "a learning rate changed after creation is not saved with the checkpoint"),
    M("table-lower-bound-open", "pytoy/defaults.py",
      "not lo <= value <= hi:",
      "not lo < value <= hi:",
      "a setting's own lower bound is refused (temperature 0, steps 0, seed 0)"),
    # ── beliefs in the timeline, the loss by noise level ────────────────────────────────
    M("beliefs-tempered", "pytoy/sampling.py",
      "belief = np.where(editable[b][:, None], probs[b], np.nan)  # (L, V)",
      "belief = np.where(editable[b][:, None], np.exp(log_softmax(\n"
      "                        logits[b] / max(s.temperature, 1e-3))), np.nan)  # (L, V)",
      "a pass records the tempered distribution it sampled from, not the model's belief"),
    M("ar-belief-first-row", "pytoy/ar.py",
      "belief[p] = probs[b, 0]",
      "belief[p] = probs[0, 0]",
      "the AR decoder records the first row's belief for every row of a batch"),
    M("floor-by-t-hidden-per-maskable", "pytoy/floor.py",
      "hidden = np.where(reached, all_ / np.where(reached, frac, 1.0), 0.0)",
      "hidden = all_",
      "the per-bin floor of a hidden position is the floor per maskable position"),
    M("probe-visible-counts-question", "pytoy/evaluate.py",
      "visible = probe.maskable[None, :] & ~probe.hidden  # (P, L)",
      "visible = ~probe.hidden  # (P, L)",
      "the probe counts the question and `>` among the visible positions"),
    M("strategy-not-in-table", "pytoy/sampling.py",
      "DEFAULTS[\"decode\"][\"strategy\"][\"choices\"][name] = description",
      "DEFAULTS[\"decode\"][\"strategy\"][\"choices\"].setdefault(name, \"\")",
      "a registered strategy reaches the table without its description"),
]

# Test files that run first (fast, and the most specific), then every other test file.
FIRST = (
    "test_oracle_floor.py", "test_oracle_data.py", "test_oracle_evaluate.py",
    "test_oracle_model.py", "test_oracle_sampler.py", "test_oracle_beliefs.py",
    "test_oracle_loss_by_t.py", "test_oracle_optim.py",
    "test_oracle_checkpoint.py", "test_gradients.py", "test_core_process.py",
    "test_core_sampling.py", "test_core_patching.py", "test_oracle_cli.py",
    "test_oracle_shipped.py", "test_core_shipped.py", "test_core_compare.py",
    "test_core_sweep.py", "test_core_studies.py", "test_core_cli.py", "test_fuzz_cli.py",
    "test_core_training.py",
)
SKIP_FILES = ("test_lint.py",)


class ListError(Exception):
    """A mutation that does not apply to the current code."""


def check(m: Mutation, root: Path = ROOT) -> str:
    """The mutated text of m's file; ListError unless m.old occurs exactly once."""
    path = root / m.file
    if not path.exists():
        raise ListError(f"{m.id}: {m.file} does not exist")
    text = path.read_text(encoding="utf-8")
    n = text.count(m.old)
    if n != 1:
        where = "not found" if n == 0 else f"found {n} times"
        raise ListError(f"{m.id}: pattern {m.old!r} {where} in {m.file}; update the list")
    return text.replace(m.old, m.new, 1)


def test_files(root: Path) -> list[str]:
    files = sorted(p.name for p in (root / "tests").glob("test_*.py")
                   if p.name not in SKIP_FILES)
    first = [f for f in FIRST if f in files]
    return [f"tests/{f}" for f in first + [f for f in files if f not in first]]


def _ignore(directory: str, names: list[str]) -> set[str]:
    top = Path(directory).resolve() == ROOT
    skip = {".git", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis",
            ".ruff_cache"}
    return {n for n in names if n in skip or (top and n in ("dist", "build"))}


def run_one(m: Mutation | None, timeout: float) -> dict:
    """Copy the tree, apply m (None: the unmutated baseline), run the tests there."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pytoy-mutant-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(ROOT, work, ignore=_ignore, symlinks=True)
        if m is not None:
            (work / m.file).write_text(check(m, work), encoding="utf-8")
        env = {**os.environ, "PYTOY_SKIP_BROWSER": "1", "PYTHONDONTWRITEBYTECODE": "1",
               "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        env.pop("CI", None)
        cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
               "-m", "not browser", *test_files(work)]
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        with _lock:
            _running.add(proc)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(proc)
            return {"rc": None, "first": f"TIMEOUT after {timeout:.0f} s",
                    "seconds": time.monotonic() - start, "tail": ""}
        finally:
            with _lock:
                _running.discard(proc)
    first = ""
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            first = line.split(" ", 1)[1].split(" - ", 1)[0]
            break
    if proc.returncode not in (0, 1) and not first:
        first = f"pytest exit status {proc.returncode}"
    return {"rc": proc.returncode, "first": first, "seconds": time.monotonic() - start,
            "tail": "\n".join(output.strip().splitlines()[-15:])}


_running: set[subprocess.Popen] = set()
_lock = threading.Lock()


def _stop(proc: subprocess.Popen) -> None:
    """End one test run this script started, and its children (its own session)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="list the mutations and stop")
    ap.add_argument("--only", action="append", metavar="ID", help="run only this id "
                    "(repeatable, or comma-separated)")
    ap.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per mutant")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the run of the unmutated tree")
    args = ap.parse_args(argv)

    ids = [m.id for m in MUTATIONS]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    problems = [f"duplicate id {i}" for i in dupes]
    for m in MUTATIONS:
        try:
            check(m)
        except ListError as e:
            problems.append(str(e))
    if args.list:
        width = max(map(len, ids))
        for m in MUTATIONS:
            print(f"{m.id:<{width}}  {m.file:<20}  {m.bug}")
        print(f"\n{len(MUTATIONS)} mutations")
    if problems:
        print("\n".join(f"error: {p}" for p in problems), file=sys.stderr)
        return 2
    if args.list:
        return 0

    chosen = MUTATIONS
    if args.only:
        wanted = [i for arg in args.only for i in arg.split(",") if i]
        unknown = [i for i in wanted if i not in ids]
        if unknown:
            print(f"error: unknown mutation id {unknown[0]!r} (see --list)", file=sys.stderr)
            return 2
        chosen = [m for m in MUTATIONS if m.id in wanted]

    jobs: list[Mutation | None] = ([] if args.no_baseline else [None]) + list(chosen)
    results: dict[str | None, dict] = {}
    t0 = time.monotonic()
    signal.signal(signal.SIGTERM, _interrupt)
    pool = ThreadPoolExecutor(max_workers=max(args.jobs, 1))
    try:
        futures = {pool.submit(run_one, m, args.timeout): m for m in jobs}
        for done, fut in enumerate(as_completed(futures), start=1):
            m = futures[fut]
            r = results[m.id if m else None] = fut.result()
            name = m.id if m else "(unmutated)"
            verdict = ("passes" if r["rc"] == 0 else "FAILS: " + r["first"]) if m is None \
                else ("MISSED" if r["rc"] == 0 else r["first"])
            print(f"[{done}/{len(jobs)}] {name}: {verdict}  ({r['seconds']:.0f} s)",
                  file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        with _lock:
            running = list(_running)
        for proc in running:
            _stop(proc)
        print("interrupted: the test runs this script started were stopped", file=sys.stderr)
        return 130
    pool.shutdown()

    base = results.get(None)
    if base is not None and base["rc"] != 0:
        print(f"error: the unmutated tree fails ({base['first']}); no result below means "
              f"anything\n{base['tail']}", file=sys.stderr)
        return 2

    width = max(len(m.id) for m in chosen)
    bw = max(len(m.bug) for m in chosen)
    print(f"{'id':<{width}}  {'bug':<{bw}}  caught by")
    missed = 0
    for m in chosen:
        r = results[m.id]
        if r["rc"] == 0:
            missed += 1
            verdict = "MISSED"
        else:
            verdict = r["first"] or f"pytest exit status {r['rc']}"
        print(f"{m.id:<{width}}  {m.bug:<{bw}}  {verdict}")
    print(f"\n{len(chosen) - missed}/{len(chosen)} caught, {missed} missed "
          f"({time.monotonic() - t0:.0f} s)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
