"""Assemble the article from its table of sections (``site/sections.toml``).

Each section's prose is ``site/sections/<id>.html``; the table says the order, the titles,
each section's view, frames, models and data, and whether it is core or a deeper dive. Here
the build numbers the sections in the table's order, wraps each in its ``<section>`` with its
heading, writes the table of contents, replaces every ``{ref:<id>}`` in the prose with that
section's number, prints every ``{try:<id>}`` as that "Try this" prompt of
``site/tries.toml`` with its folded answer (buildtools/tries.py), and writes the table into
``<script type="application/json" id="pytoy-sections">`` for ``site/js/sections.js``, which
mounts the views from it. So the order of the article, its numbers and every "see section V"
follow one edit to the table.
"""

from __future__ import annotations

import html
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from buildtools import BuildError, check_row, fill_in, glossary, quiz, teacher, tries, walk
from buildtools import facts as fact_table

LEVELS = ("demo", "core", "deeper")
# adults reading non-fiction silently (Brysbaert, 2019): no section takes less than its prose
READING_WPM = 238
_SECTIONS = re.compile(r"^[ \t]*<!-- sections:[^>]*-->\n", re.M)
_TOC = re.compile(r"^([ \t]*)<!-- toc:[^>]*-->\n", re.M)
_ROUTES = re.compile(r"^([ \t]*)<!-- routes:[^>]*-->\n", re.M)
_TEACHER = re.compile(r"^[ \t]*<!-- teacher:[^>]*-->\n", re.M)
_TAG = re.compile(r"<[^>]+>")
_FOLDED = re.compile(r"<details\b.*?</details>", re.S)
_TABLE_BLOCK = re.compile(r'(<script type="application/json" id="pytoy-sections">)(</script>)')
_FACTS_BLOCK = re.compile(r'(<script type="application/json" id="pytoy-facts">)(</script>)')
_FIELDS = {"id": str, "title": str, "view": str, "frames": list, "needs": list, "data": str,
           "level": str, "minutes": int}
_ROUTE_FIELDS = {"id": str, "title": str, "budget": int, "levels": list}


@dataclass(frozen=True)
class Section:
    """One row of the table, with the number the build gives it."""

    id: str
    number: str  # "IV": its place in the table, as a Roman numeral
    title: str
    view: str  # site/js/views/<view>.js, or "" for prose alone
    frames: list[str]
    needs: list[str]
    data: str
    level: str
    minutes: int  # a class's time on it: reading and its Try this (an estimate, see load)


@dataclass(frozen=True)
class Route:
    """A way through the article: the sections of some levels shown, the others folded."""

    id: str
    title: str  # "class"
    budget: int  # the most minutes its sections may add up to; 0: no budget
    levels: list[str]
    sections: list[str]  # the ids it shows, in reading order
    minutes: int  # the sum of their minutes

    @property
    def label(self) -> str:
        """"a 50-minute class", or "everything (75 minutes)" for a route without a budget."""
        if self.budget:
            return f"a {self.minutes}-minute {self.title}"
        return f"{self.title} ({self.minutes} minutes)"


@dataclass(frozen=True)
class Table:
    sections: list[Section]
    models: dict[str, str]  # the worker's model name -> the checkpoint file loaded under it
    routes: list[Route]

    def as_json(self) -> dict:
        """What the page reads: the sections in order, the models they name, the routes."""
        return {"sections": [asdict(s) for s in self.sections], "models": self.models,
                "routes": [asdict(r) | {"label": r.label} for r in self.routes]}

    def first_route(self, s: Section) -> Route:
        """The shortest route that shows section `s` (the routes are listed shortest first)."""
        return next(r for r in self.routes if s.level in r.levels)


def roman(n: int) -> str:
    """1 -> "I", 14 -> "XIV": the numbers the article has always used."""
    out = ""
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                          (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                          (4, "IV"), (1, "I")):
        while n >= value:
            out += digits
            n -= value
    return out


def load(site: Path, repo: Path | None = None) -> Table:
    """Read and check the table: every file it names exists, every name it uses is defined."""
    path = site / "sections.toml"
    where = "site/sections.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{where}: not found (the table of the article's sections)") from None
    except tomllib.TOMLDecodeError as e:
        raise BuildError(f"{where}: {e}") from None
    models = raw.get("models", {})
    rows = raw.get("section", [])
    if not rows:
        raise BuildError(f"{where}: no [[section]] entries")
    repo = repo or site.parent
    for name, file in models.items():
        if not (repo / file).is_file():
            raise BuildError(f"{where}: model {name!r}: {file} not found")
    sections: list[Section] = []
    for i, row in enumerate(rows, start=1):
        label = f"{where}: section {i} ({row.get('id', '?')})"
        check_row(row, _FIELDS, label)
        if row["level"] not in LEVELS:
            raise BuildError(f"{label}: level must be one of {', '.join(LEVELS)}")
        if row["minutes"] < 1:
            raise BuildError(f"{label}: minutes must be at least 1")
        if not (site / "sections" / f"{row['id']}.html").is_file():
            raise BuildError(f"{label}: its prose, site/sections/{row['id']}.html, is missing")
        if row["view"] and not (site / "js" / "views" / f"{row['view']}.js").is_file():
            raise BuildError(f"{label}: its view, site/js/views/{row['view']}.js, is missing")
        if unknown := [m for m in row["needs"] if m not in models]:
            raise BuildError(f"{label}: needs {', '.join(unknown)}, not in [models]")
        if row["data"] and not (repo / row["data"]).is_file():
            raise BuildError(f"{label}: data {row['data']} not found")
        sections.append(Section(number=roman(i), **row))
    ids = [s.id for s in sections]
    if dupes := sorted({i for i in ids if ids.count(i) > 1}):
        raise BuildError(f"{where}: section id(s) listed twice: {', '.join(dupes)}")
    if orphans := sorted(p.stem for p in (site / "sections").glob("*.html") if p.stem not in ids):
        raise BuildError(f"{where}: site/sections/ has prose that no section lists: "
                         f"{', '.join(orphans)}")
    return Table(sections, models, _routes(raw.get("route", []), sections, where))


def _routes(rows: list[dict], sections: list[Section], where: str) -> list[Route]:
    """Each route of the table, checked: known levels, within its budget, every section in
    some route, and each route showing at least what the one before it shows."""
    if not rows:
        raise BuildError(f"{where}: no [[route]] entries")
    routes: list[Route] = []
    for i, row in enumerate(rows, start=1):
        label = f"{where}: route {i} ({row.get('id', '?')})"
        check_row(row, _ROUTE_FIELDS, label)
        if unknown := [x for x in row["levels"] if x not in LEVELS]:
            raise BuildError(f"{label}: unknown level(s) {', '.join(unknown)}")
        shown = [s for s in sections if s.level in row["levels"]]
        minutes = sum(s.minutes for s in shown)
        if row["budget"] and minutes > row["budget"]:
            raise BuildError(f"{label}: its sections add up to {minutes} minutes, over its "
                             f"budget of {row['budget']}")
        if routes and not set(routes[-1].levels) <= set(row["levels"]):
            raise BuildError(f"{label}: shows less than the route before it (list the routes "
                             "shortest first)")
        routes.append(Route(**row, sections=[s.id for s in shown], minutes=minutes))
    if unrouted := [s.id for s in sections if not any(s.level in r.levels for r in routes)]:
        raise BuildError(f"{where}: no route shows section(s) {', '.join(unrouted)}")
    return routes


def reading_minutes(body: str) -> float:
    """How long a section's prose takes to read at READING_WPM: tags, and what is folded (the
    answers and source listings in <details>), left out."""
    shown = _FOLDED.sub(" ", body)
    return len(_TAG.sub(" ", shown).split()) / READING_WPM


def check_frames(table: Table, frames: dict) -> None:
    """Every frame a section starts from is one the build computed (buildtools/frames.py)."""
    for s in table.sections:
        if missing := [k for k in s.frames if k not in frames]:
            raise BuildError(f"site/sections.toml: section {s.id} starts from frames "
                             f"{', '.join(missing)}, which frames.json does not have")


def _refs(text: str, numbers: dict[str, str], where: str) -> str:
    return fill_in(text, "ref", numbers, where, "names no section in site/sections.toml")


def _section_html(s: Section, body: str, route: Route) -> str:
    """The section: its heading, a line with its minutes and route (where route.js puts the
    button that folds it), and its prose in the part a route folds."""
    title = html.escape(s.title)
    where = "a deeper dive" if not route.budget else f"in {html.escape(route.label)}"
    return (f'<section id="{s.id}" class="section" data-level="{s.level}" '
            f'data-minutes="{s.minutes}" aria-labelledby="{s.id}-title">\n'
            f'  <h2 id="{s.id}-title"><span class="num">{s.number}</span> '
            f'<a class="anchor" href="#{s.id}">{title}</a></h2>\n'
            f'  <p class="section-meta"><span class="minutes">{s.minutes} min</span> · '
            f'<span class="route-mark">{where}</span></p>\n'
            f'  <div class="section-body" id="{s.id}-body">\n'
            f"{body.rstrip()}\n  </div>\n</section>\n")


def _routes_html(indent: str, table: Table) -> str:
    """The route chooser at the top: one radio button per route (route.js wires them)."""
    lines = [f'{indent}<fieldset class="routes" id="routes" hidden>',
             f"{indent}  <legend>Your route through the page</legend>"]
    for r in table.routes:
        count = len(r.sections)
        lines.append(f'{indent}  <label><input type="radio" name="route" value="{r.id}"> '
                     f'{html.escape(r.label)} <span class="route-count">({count} sections)'
                     "</span></label>")
    lines.append(f"{indent}</fieldset>")
    return "\n".join(lines) + "\n"


def assemble(page: str, table: Table, site: Path, facts: dict[str, str] | None = None,
             prompts: Mapping[str, tries.Printed] | None = None) -> str:
    """index.html with the sections, the table of contents and the table written in; with
    `facts` (buildtools/facts.py), every {fact:name} filled and the facts written in too.

    Each ``{try:<id>}`` in a section's prose becomes that prompt of ``site/tries.toml`` with
    its folded answer (``prompts``, or computed here with pytoy: see buildtools/tries.py).
    """
    if prompts is None:
        prompts = tries.rendered(site, [s.id for s in table.sections], table.models)
    markers = [(_SECTIONS, "<!-- sections: … -->"), (_TOC, "<!-- toc: … -->"),
               (_ROUTES, "<!-- routes: … -->"), (_TEACHER, "<!-- teacher: … -->"),
               (_TABLE_BLOCK, '<script type="application/json" id="pytoy-sections">')]
    if facts is not None:
        markers.append((_FACTS_BLOCK, '<script type="application/json" id="pytoy-facts">'))
    for marker, what in markers:
        if len(marker.findall(page)) != 1:
            raise BuildError(f"site/index.html: needs exactly one {what}")
    numbers = {s.id: s.number for s in table.sections}
    bodies = []
    used: set[str] = set()
    questions = quiz.load(site)
    quizzes = 0
    for s in table.sections:
        body = (site / "sections" / f"{s.id}.html").read_text(encoding="utf-8")
        where = f"site/sections/{s.id}.html"
        body, has_quiz = quiz.fill(tries.fill_markers(body, s.id, prompts, used), questions, where)
        quizzes += has_quiz
        body = _refs(body, numbers, where)
        if facts is not None:
            body = fact_table.fill(body, facts, where)
        if (need := reading_minutes(body)) > s.minutes:
            raise BuildError(f"site/sections.toml: section {s.id}: {s.minutes} minutes is less "
                             f"than its prose's reading time ({need:.1f} minutes)")
        bodies.append((where, body))
    tries.check_all_used(prompts, used)
    if questions and quizzes != 1:
        raise BuildError(f"{quiz.WHERE}: its questions need exactly one {{quiz}} in the prose "
                         f"(found {quizzes})")
    # each term defined where it is first met, in the table's order (buildtools/glossary.py)
    bodies = glossary.fill(bodies, glossary.load(site))
    parts = [_section_html(s, body, table.first_route(s))
             for s, body in zip(table.sections, bodies, strict=True)]
    page = _SECTIONS.sub(lambda _: "\n".join(parts), page, count=1)
    page = _TOC.sub(lambda m: "".join(
        f'{m.group(1)}<li data-level="{s.level}">'
        f'<a href="#{s.id}">{html.escape(s.title)}</a> '
        f'<span class="toc-minutes">{s.minutes} min</span></li>\n' for s in table.sections),
        page, count=1)
    page = _ROUTES.sub(lambda m: _routes_html(m.group(1), table), page, count=1)
    notes = teacher.notes(table, prompts, questions, script(table, site), READING_WPM)
    page = _TEACHER.sub(lambda _: teacher.in_page(notes), page, count=1)
    data = json.dumps(table.as_json(), separators=(",", ":")).replace("<", "\\u003c")
    page = _TABLE_BLOCK.sub(lambda m: m.group(1) + data + m.group(2), page, count=1)
    if facts is not None:
        data = json.dumps(facts, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
        page = _FACTS_BLOCK.sub(lambda m: m.group(1) + data + m.group(2), page, count=1)
        page = fact_table.fill(page, facts, "site/index.html")
    return _refs(page, numbers, "site/index.html")


def script(table: Table, site: Path) -> list[walk.Step]:
    """The routes' scripts (site/walk.toml), checked against the routes."""
    return walk.load(site, {r.id: r.sections for r in table.routes})


def teacher_page(table: Table, site: Path, facts: dict[str, str],
                 prompts: Mapping[str, tries.Printed]) -> str:
    """teacher.html: the notes the page folds at its end, as a page of their own."""
    notes = teacher.notes(table, prompts, quiz.load(site), script(table, site), READING_WPM,
                          "index.html")
    numbers = {s.id: s.number for s in table.sections}
    return _refs(fact_table.fill(teacher.page(notes), facts, "teacher.html"), numbers,
                 "teacher.html")
