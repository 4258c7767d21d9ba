"""The article's glossary (``site/glossary.toml``): each term defined where it is first used.

The prose writes ``{term:<id>}`` (the term's own word) or ``{term:<id>|other words}``; the
build replaces it with the word as a button and the definition, folded, right after it
(``site/js/glossary.js`` opens it on a click, tap, Enter or Space, and Escape closes it). An id
the table lacks, a term no section uses and a term marked twice are build errors: a term is
defined once, where the reader first meets it.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from buildtools import BuildError

_TERM = re.compile(r"\{term:([a-z-]+)(?:\|([^}]*))?\}")
_WHERE = "site/glossary.toml"


@dataclass(frozen=True)
class Term:
    id: str
    word: str
    definition: str


def load(site: Path) -> dict[str, Term]:
    """id -> Term, checked: every entry has an id, a word and a definition, ids are unique."""
    path = site / "glossary.toml"
    try:
        rows = tomllib.loads(path.read_text(encoding="utf-8")).get("term", [])
    except FileNotFoundError:
        raise BuildError(f"{_WHERE}: not found (the article's glossary)") from None
    except tomllib.TOMLDecodeError as e:
        raise BuildError(f"{_WHERE}: {e}") from None
    terms: dict[str, Term] = {}
    for i, row in enumerate(rows, start=1):
        if sorted(row) != ["definition", "id", "word"] or not all(
                isinstance(v, str) and v.strip() for v in row.values()):
            raise BuildError(f"{_WHERE}: term {i} needs exactly id, word and definition, as text")
        if row["id"] in terms:
            raise BuildError(f"{_WHERE}: term {row['id']!r} is listed twice")
        terms[row["id"]] = Term(**row)
    return terms


def _html(term: Term, shown: str) -> str:
    did = f"term-{term.id}"
    return (f'<span class="term"><button type="button" class="term-word" aria-expanded="false" '
            f'aria-controls="{did}">{shown}</button><span class="term-def" id="{did}" '
            f'role="note" hidden><strong>{html.escape(term.word)}:</strong> '
            f"{html.escape(term.definition)}</span></span>")


def fill(texts: list[tuple[str, str]], terms: dict[str, Term]) -> list[str]:
    """The texts (where, text), in reading order, with every {term:…} written out; every term
    must be marked exactly once across them."""
    used: dict[str, str] = {}

    def term(m: re.Match[str], where: str) -> str:
        tid, shown = m.group(1), m.group(2)
        if tid not in terms:
            raise BuildError(f"{where}: {{term:{tid}}} is not in {_WHERE}")
        if tid in used:
            raise BuildError(f"{where}: {{term:{tid}}} is marked again (first in {used[tid]}); "
                             "a term is defined once, where it is first used")
        used[tid] = where
        return _html(terms[tid], shown if shown is not None else html.escape(terms[tid].word))

    out = [_TERM.sub(lambda m, w=where: term(m, w), text) for where, text in texts]
    if unused := sorted(set(terms) - set(used)):
        raise BuildError(f"{_WHERE}: no section uses {', '.join(unused)} (write {{term:id}} "
                         "where it is first met)")
    return out
