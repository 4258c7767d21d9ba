"""Datasets: reading word lists and `english>hindi` pairs, fixed-length layout, splits.

A sequence has a fixed length L. For names it is the word padded with `_` on the right.
For the translator it is two fields, each padded on the right, joined by `>`:
`hello__>namaste` (question width Q, then `>`, then answer width A). Keeping the answer at
fixed positions lets a tiny MLP (which sees positions, not relative offsets) learn it.
Only the answer field (its padding included) is ever masked or scored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .vocab import PAD, RESERVED, SEP, Vocab, VocabError

MAX_LENGTH = 64  # longest sequence a dataset may ask for; keeps the MLP's input bounded
TASKS = ("names", "translate")


class DataError(ValueError):
    """A dataset file or word that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Layout:
    """Where things sit in a sequence of length `length`."""

    task: str  # "names" or "translate"
    q_len: int  # question width (0 for names)
    a_len: int  # answer width (the whole word for names)

    @property
    def length(self) -> int:
        return self.q_len + 1 + self.a_len if self.task == "translate" else self.a_len

    @property
    def answer_start(self) -> int:
        return self.q_len + 1 if self.task == "translate" else 0

    def maskable(self) -> np.ndarray:
        """(L,) bool: positions the forward process may mask and the loss scores."""
        m = np.zeros(self.length, dtype=bool)
        m[self.answer_start :] = True
        return m

    def to_json(self) -> dict:
        return {"task": self.task, "q_len": self.q_len, "a_len": self.a_len}

    @classmethod
    def from_json(cls, d: dict) -> Layout:
        return cls(str(d["task"]), int(d["q_len"]), int(d["a_len"]))


def compose(layout: Layout, answer: str, question: str = "") -> str:
    """The padded sequence text for an answer (and question), checking the field widths."""
    if len(answer) > layout.a_len:
        raise DataError(f"{answer!r} is {len(answer)} characters; the model's limit is "
                        f"{layout.a_len}")
    if layout.task == "names":
        return answer.ljust(layout.a_len, PAD)
    if len(question) > layout.q_len:
        raise DataError(f"{question!r} is {len(question)} characters; the model's limit is "
                        f"{layout.q_len}")
    return question.ljust(layout.q_len, PAD) + SEP + answer.ljust(layout.a_len, PAD)


def answer_text(layout: Layout, seq: str) -> str:
    """The word a sequence spells: the answer field up to its first `_`.

    A `_` committed inside a word ends it, since padding is trailing only.
    """
    return seq[layout.answer_start :].split(PAD, 1)[0]


@dataclass
class Dataset:
    """Encoded examples ready for training: tokens (N, L) and their texts."""

    vocab: Vocab
    layout: Layout
    items: list[tuple[str, str]]  # (question, answer); question "" for names
    tokens: np.ndarray  # (N, L) int64
    sha256: str

    @property
    def words(self) -> list[str]:
        return [a for _, a in self.items]

    def subset(self, idx: np.ndarray | list[int]) -> Dataset:
        items = [self.items[int(i)] for i in idx]
        return Dataset(self.vocab, self.layout, items, self.tokens[np.asarray(idx, dtype=int)],
                       self.sha256)

    def lookup(self) -> dict[str, str]:
        """question -> answer (translator) or word -> word (names)."""
        return {q or a: a for q, a in self.items}


def parse_lines(text: str, task: str) -> list[tuple[str, str]]:
    """Parse a newline-separated file into (question, answer) items with line-numbered errors."""
    if task not in TASKS:
        raise DataError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    items: list[tuple[str, str]] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if task == "translate":
            parts = line.split(SEP)
            if len(parts) != 2 or not parts[0] or not parts[1]:
                raise DataError(f"line {n}: expected one 'english>hindi' pair, got {line!r}")
            q, a = parts
        else:
            q, a = "", line
        for word in (q, a) if q else (a,):
            bad = [c for c in word if c in RESERVED or c.isspace()]
            if bad:
                raise DataError(f"line {n}: character {bad[0]!r} may not appear inside a word")
        items.append((q, a))
    if not items:
        raise DataError("the data has no words (empty file or only comments)")
    return items


# Limits for a reader's own data on the page: the model grows with length × vocabulary, and
# training in the browser should stay quick. The CLI keeps only MAX_LENGTH.
OWN_MIN_ITEMS, OWN_MAX_ITEMS, OWN_MAX_LENGTH, OWN_MAX_SYMBOLS = 2, 5000, 16, 40


def check_own(text: str, task: str) -> dict:
    """Check a reader's pasted or uploaded list; a summary, or a DataError naming the line.

    Words are letters (any alphabet), `-` and `'`; at most OWN_MAX_LENGTH characters each,
    OWN_MIN_ITEMS to OWN_MAX_ITEMS lines, at most OWN_MAX_SYMBOLS different characters.
    """
    items = parse_lines(text, task)
    if len(items) < OWN_MIN_ITEMS:
        raise DataError(f"only {len(items)} word{'s' if len(items) != 1 else ''}: give at least "
                        f"{OWN_MIN_ITEMS}, one per line")
    if len(items) > OWN_MAX_ITEMS:
        raise DataError(f"{len(items)} lines: the page trains on at most {OWN_MAX_ITEMS}")
    lines = [ln.strip() for ln in text.splitlines()]
    numbers = [n for n, ln in enumerate(lines, start=1) if ln and not ln.startswith("#")]
    for n, (q, a) in zip(numbers, items, strict=True):
        for word in (q, a) if q else (a,):
            bad = [c for c in word if not (c.isalpha() or c in "-'")]
            if bad:
                raise DataError(f"line {n}: {bad[0]!r} in {word!r} is not a letter")
            if len(word) > OWN_MAX_LENGTH:
                raise DataError(f"line {n}: {word!r} has {len(word)} characters; the page "
                                f"allows at most {OWN_MAX_LENGTH}")
    symbols = sorted({c for q, a in items for c in q + a})
    if len(symbols) > OWN_MAX_SYMBOLS:
        raise DataError(f"{len(symbols)} different characters; the page allows at most "
                        f"{OWN_MAX_SYMBOLS}")
    unique = len(set(items))
    return {"items": len(items), "unique": unique, "symbols": "".join(symbols),
            "length": max(len(a) for _, a in items),
            "question_length": max(len(q) for q, _ in items)}


def build(items: list[tuple[str, str]], task: str, vocab: Vocab | None = None,
          layout: Layout | None = None) -> Dataset:
    """Encode items; derive vocab and layout from them unless given (e.g. by a checkpoint)."""
    words = [w for q, a in items for w in ((q, a) if q else (a,))]
    if vocab is None:
        vocab = Vocab.from_words(words, sep=task == "translate")
    else:
        for w in words:
            vocab.check_word(w)
    if layout is None:
        q_len = max(len(q) for q, _ in items) if task == "translate" else 0
        layout = Layout(task, q_len, max(len(a) for _, a in items))
    if layout.length > MAX_LENGTH:
        raise DataError(f"sequences of {layout.length} characters exceed the limit of "
                        f"{MAX_LENGTH}")
    try:
        tokens = np.stack([vocab.encode(compose(layout, a, q)) for q, a in items])
    except VocabError as e:
        raise DataError(str(e)) from None
    canonical = "\n".join(f"{q}{SEP}{a}" if q else a for q, a in items) + "\n"
    sha = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return Dataset(vocab, layout, items, tokens, sha)


def load(path: str | Path, task: str) -> Dataset:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"no such data file: {p}") from None
    except UnicodeDecodeError:
        raise DataError(f"{p} is not UTF-8 text") from None
    return build(parse_lines(text, task), task)


def split(n: int, val_frac: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic train/validation index split (validation may be empty)."""
    if not 0.0 <= val_frac < 1.0:
        raise DataError(f"--val-frac must be in [0, 1), got {val_frac}")
    perm = np.random.default_rng(seed).permutation(n)
    n_val = round(n * val_frac)
    if n_val >= n:
        raise DataError("the validation split would leave no training data")
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


def default_path(task: str) -> Path:
    """The shipped dataset for a task."""
    return _shipped("names.txt" if task == "names" else "en-hi.txt")


def _shipped(name: str) -> Path:
    here = Path(__file__).resolve().parent
    for base in (here.parent / "data", here / "data"):
        if (base / name).exists():
            return base / name
    raise DataError(f"shipped dataset {name} not found")


def dataset(key: str) -> dict:
    """One of the names model's datasets (defaults.DATASETS): file, val_frac, split_seed, …"""
    from .defaults import DEFAULTS

    table = DEFAULTS["datasets"]
    if key not in table:
        raise DataError(f"unknown dataset {key!r}; choose one of {', '.join(table)}")
    return table[key]


def dataset_path(key: str) -> Path:
    """The file of a named dataset, in this checkout (CPython; the page fetches its copy)."""
    return _shipped(Path(dataset(key)["file"]).name)


def mark(word: str, train: set[str], held_out: set[str]) -> str:
    """"training", "held-out" or "new": where a sampled word stands against the data."""
    return "training" if word in train else "held-out" if word in held_out else "new"
