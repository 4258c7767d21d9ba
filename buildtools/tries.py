"""The "Try this" prompts as scenarios (``site/tries.toml``), printed into their sections.

A prompt is data: its section, its text, the steps a reader takes through the page's
controls, and the outcome it promises. ``try_facts.py`` computes, with pytoy under CPython on
the shipped checkpoints, every figure a prompt and its answer state, and refuses when a
promise no longer holds; here the build fills those figures in, puts each prompt where its
section writes ``{try:<id>}``, with its answer folded under it, and refuses an id no prompt
has, a prompt printed twice, in another section or nowhere, and a ``{name}`` nothing fills.
``tests/test_browser_tryit.py`` performs the same steps in a browser and checks the same
facts, so a prompt that stops being true fails the build, not a class.
"""

from __future__ import annotations

import copy
import functools
import html
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from buildtools import REPO, BuildError, check_row

WHERE = "site/tries.toml"
_MARKER = re.compile(r"^([ \t]*)\{try:([^}]*)\}[ \t]*\n", re.M)
# {name} or {name.0}: a given or a fact. {ref:id} (a colon) is the section table's, not ours.
_HOLE = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}")
_FIELDS = {"id": str, "section": str, "given": dict, "text": str, "promise": str, "answer": str,
           "steps": list}
# step kind -> (other keys it needs, other keys it may have)
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "click": (frozenset(), frozenset({"times"})),
    "fill": (frozenset({"value"}), frozenset()),
    "set": (frozenset({"value"}), frozenset()),
    "select": (frozenset({"value"}), frozenset()),
    "check": (frozenset(), frozenset()),
    "uncheck": (frozenset(), frozenset()),
    "edit": (frozenset({"find", "replace"}), frozenset()),
    "wait": (frozenset(), frozenset()),
    "observe": (frozenset({"as"}), frozenset()),
    "expect": (frozenset(), frozenset({"fact", "contains", "matches", "is", "same_as", "within",
                                        "why"})),
}
EXPECTATIONS = ("fact", "contains", "matches", "is", "same_as")  # an expect has exactly one


class Html(str):
    """A fact that is markup already (e.g. letters in <code>): filled in without escaping."""


@dataclass(frozen=True)
class Printed:
    """A prompt ready to print: the section it belongs to, its HTML (prompt and folded answer)
    and, for the teacher notes, the prompt's and the answer's text (HTML) on their own."""

    section: str
    html: str
    text: str
    answer: str


@dataclass(frozen=True)
class Scenario:
    """One prompt: what it asks, what a reader does, what it promises."""

    id: str
    section: str
    given: dict[str, Any]
    text: str
    promise: str
    answer: str
    steps: list[dict[str, Any]]

    @property
    def where(self) -> str:
        return f"{WHERE}: try {self.id}"


def _read(site: Path) -> str:
    try:
        return (site / "tries.toml").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(f"{WHERE}: not found (the article's Try this prompts)") from None


def load(site: Path, section_ids: list[str]) -> list[Scenario]:
    """Read and check the prompts: known sections, well-formed steps, every given stated."""
    return parse(_read(site), section_ids)


def parse(text: str, section_ids: list[str]) -> list[Scenario]:
    """The prompts in ``text`` (tries.toml), checked."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise BuildError(f"{WHERE}: {e}") from None
    if extra := sorted(set(raw) - {"try"}):
        raise BuildError(f"{WHERE}: unknown table(s) {', '.join(extra)}")
    out: list[Scenario] = []
    for i, row in enumerate(raw.get("try", []), start=1):
        label = f"{WHERE}: try {i} ({row.get('id', '?')})"
        check_row(row, _FIELDS, label)
        if row["section"] not in section_ids:
            raise BuildError(f"{label}: section {row['section']!r} is not in site/sections.toml")
        if unstated := [k for k in row["given"] if f"{{{k}}}" not in row["text"]]:
            raise BuildError(f"{label}: the text never tells the reader {', '.join(unstated)}")
        for n, step in enumerate(row["steps"], start=1):
            check_step(step, f"{label}: step {n}")
        out.append(Scenario(**row))
    ids = [s.id for s in out]
    if dupes := sorted({i for i in ids if ids.count(i) > 1}):
        raise BuildError(f"{WHERE}: try id(s) listed twice: {', '.join(dupes)}")
    return out


def check_step(step: dict[str, Any], label: str) -> None:
    kinds = [k for k in step if k in ACTIONS]
    if len(kinds) != 1:
        raise BuildError(f"{label}: a step is exactly one of {', '.join(ACTIONS)}")
    needs, may = ACTIONS[kinds[0]]
    if missing := sorted(needs - set(step)):
        raise BuildError(f"{label}: {kinds[0]} needs {', '.join(missing)}")
    if extra := sorted(set(step) - needs - may - {kinds[0]}):
        raise BuildError(f"{label}: {kinds[0]} takes no {', '.join(extra)}")
    if kinds[0] == "expect" and sum(k in step for k in EXPECTATIONS) != 1:
        raise BuildError(f"{label}: an expect has exactly one of {', '.join(EXPECTATIONS)}")


def lookup(values: Mapping[str, Any], name: str, where: str) -> Any:
    """values["a"], or values["a"][0] for "a.0": a given or a fact by its {name}."""
    head, *rest = name.split(".")
    if head not in values:
        raise BuildError(f"{where}: {{{name}}} is neither a given nor a fact")
    value = values[head]
    for part in rest:
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise BuildError(f"{where}: {{{name}}} is not in the fact {head!r}") from None
    return value


def shown(value: Any) -> str:
    """A value as prose: text escaped, whole numbers with thousands separators."""
    if isinstance(value, Html):
        return str(value)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"a {type(value).__name__} is not prose: format it in its facts")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return html.escape(value, quote=False)


def fill(text: str, values: Mapping[str, Any], where: str, *, prose: bool = True) -> str:
    """Every {name} in text replaced: as prose (escaped) or plain (a step's value or js)."""
    def one(m: re.Match[str]) -> str:
        value = lookup(values, m.group(1), where)
        return shown(value) if prose else str(value)

    return _HOLE.sub(one, text)


def values(s: Scenario, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The givens and the facts of a scenario, one namespace (refusing a name in both)."""
    if clash := sorted(set(s.given) & set(facts)):
        raise BuildError(f"{s.where}: {', '.join(clash)} is both a given and a fact")
    return {**s.given, **facts}


def render(s: Scenario, facts: Mapping[str, Any]) -> Printed:
    """The prompt and its folded answer, as the section prints them."""
    v = values(s, facts)
    text = " ".join(fill(s.text, v, f"{s.where} text").split())
    answer = " ".join(fill(s.answer, v, f"{s.where} answer").split())
    return Printed(s.section,
                   f'<p class="try" id="try-{s.id}"><strong>Try this:</strong> {text}</p>\n'
                   f'<details class="try-answer" data-try="{s.id}"><summary>Answer</summary>\n'
                   f"<p>{answer}</p></details>\n", text, answer)


def step_values(s: Scenario, facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The steps with every {name} filled in plain (what the browser test performs)."""
    v = values(s, facts)
    where = f"{s.where} steps"

    def plain(x: Any) -> Any:
        return fill(x, v, where, prose=False) if isinstance(x, str) else x

    return [{k: plain(x) for k, x in step.items()} for step in s.steps]


def fill_markers(body: str, section_id: str, prompts: Mapping[str, Printed],
                 used: set[str]) -> str:
    """A section's prose with each {try:<id>} replaced by that prompt; ``used`` collects ids."""
    where = f"site/sections/{section_id}.html"
    if 'class="try"' in body:
        raise BuildError(f"{where}: a Try this prompt is written by hand; put it in {WHERE} "
                         "and write {try:<id>} here")

    def one(m: re.Match[str]) -> str:
        indent, tid = m.groups()
        if tid not in prompts:
            raise BuildError(f"{where}: {{try:{tid}}} names no prompt in {WHERE}")
        if prompts[tid].section != section_id:
            raise BuildError(f"{where}: {{try:{tid}}} belongs to section "
                             f"{prompts[tid].section} ({WHERE})")
        if tid in used:
            raise BuildError(f"{where}: {{try:{tid}}} is printed twice")
        used.add(tid)
        return "".join(f"{indent}{line}\n" for line in prompts[tid].html.splitlines())

    body = _MARKER.sub(one, body)
    if "{try:" in body:
        raise BuildError(f"{where}: a {{try:…}} must stand alone on its line")
    return body


def check_all_used(prompts: Mapping[str, Printed], used: set[str]) -> None:
    """Every prompt in the table is printed somewhere."""
    if unused := [t for t in prompts if t not in used]:
        raise BuildError(f"{WHERE}: no section prints {', '.join(unused)} (write {{try:<id>}} "
                         "in its section's prose)")


@functools.cache
def _facts(toml_text: str, section_ids: tuple[str, ...], models: tuple[tuple[str, str], ...],
           repo: Path) -> dict[str, dict[str, Any]]:
    """Every prompt's facts, computed once per process for the same table and checkpoints."""
    from buildtools import try_facts

    return try_facts.compute_all(parse(toml_text, list(section_ids)), dict(models), repo)


def all_facts(site: Path, section_ids: list[str], models: Mapping[str, str],
              repo: Path = REPO) -> dict[str, dict[str, Any]]:
    """id -> facts for every prompt (try_facts.py): pytoy under CPython, cached."""
    return copy.deepcopy(_facts(_read(site), tuple(section_ids), tuple(sorted(models.items())),
                                repo))


def rendered(site: Path, section_ids: list[str], models: Mapping[str, str],
             repo: Path = REPO) -> dict[str, Printed]:
    """id -> each prompt as its section prints it (prompt and folded answer), in order."""
    facts = all_facts(site, section_ids, models, repo)
    return {s.id: render(s, facts[s.id]) for s in load(site, section_ids)}
