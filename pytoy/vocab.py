"""The character vocabulary: the data's letters plus three reserved symbols.

Ids are assigned in sorted order of the data's characters, then the reserved symbols in a
fixed order, so the same data always gives the same ids (checkpoints depend on it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .defaults import DEFAULTS

PAD = DEFAULTS["symbols"]["pad"]  # trailing padding; also the AR model's start/end symbol
MASK = DEFAULTS["symbols"]["mask"]  # the absorbing "noise" state of the forward process
SEP = DEFAULTS["symbols"]["sep"]  # separates question from answer in the translator task
RESERVED = (SEP, PAD, MASK)


def pad_id(vocab_size: int) -> int:
    """Every vocabulary ends with `_` then `?`: their ids follow from its size alone."""
    return vocab_size - 2


def mask_id(vocab_size: int) -> int:
    return vocab_size - 1


class VocabError(ValueError):
    """Text that cannot be encoded; the message names the character and the allowed set."""


@dataclass(frozen=True)
class Vocab:
    chars: str  # the ordinary characters, sorted; ids 0..len(chars)-1
    sep: bool = False  # whether ">" is a symbol (translator task)

    @property
    def symbols(self) -> str:
        return self.chars + (SEP if self.sep else "") + PAD + MASK

    @property
    def size(self) -> int:
        return len(self.symbols)

    @property
    def pad_id(self) -> int:
        return pad_id(self.size)

    @property
    def mask_id(self) -> int:
        return mask_id(self.size)

    @property
    def sep_id(self) -> int:
        if not self.sep:
            raise VocabError("this vocabulary has no separator '>'")
        return self.size - 3

    @classmethod
    def from_words(cls, words: list[str], sep: bool = False) -> Vocab:
        """Build from the words of a dataset (reserved characters must not occur in them)."""
        found = set("".join(words))
        bad = sorted(found & set(RESERVED))
        if bad:
            raise VocabError(f"reserved character {bad[0]!r} may not appear inside a word")
        if any(c.isspace() for c in found):
            raise VocabError("words may not contain whitespace")
        return cls("".join(sorted(found)), sep)

    def check_word(self, word: str) -> None:
        """Raise VocabError naming the first character the model does not know."""
        if not word:
            raise VocabError("empty text: type at least one character")
        for c in word:
            if c in RESERVED:
                raise VocabError(f"reserved character {c!r} may not appear inside a word")
            if c not in self.chars:
                raise VocabError(f"unknown character {c!r}; allowed: {self.chars}")

    def encode(self, text: str) -> np.ndarray:
        """Encode any string of symbols (reserved ones included) to int64 ids."""
        index = {c: i for i, c in enumerate(self.symbols)}
        try:
            return np.array([index[c] for c in text], dtype=np.int64)
        except KeyError as e:
            raise VocabError(f"unknown character {e.args[0]!r}; allowed: {self.chars}") from None

    def decode(self, ids: np.ndarray | list[int]) -> str:
        return "".join(self.symbols[int(i)] for i in ids)

    def to_json(self) -> dict:
        return {"chars": self.chars, "sep": self.sep, "symbols": self.symbols}

    @classmethod
    def from_json(cls, d: dict) -> Vocab:
        v = cls(d["chars"], bool(d.get("sep", False)))
        if "symbols" in d and d["symbols"] != v.symbols:
            raise VocabError("vocabulary symbols do not match their characters")
        return v
