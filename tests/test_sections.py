"""The table of sections (site/sections.toml) and the page the build assembles from it.

Oracles: the numbers and order written out by hand, a reordered copy of the table whose page
must follow it, and the damaged tables the build must refuse with a message naming the fault.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from buildtools import REPO, BuildError, sections

SITE = REPO / "site"
# Prose that types a section's number instead of {ref:id} would go stale on a reorder.
TYPED_NUMBER = re.compile(r"\b[Ss]ections?\s+[IVX]+\b")


def assemble(site: Path) -> str:
    return sections.assemble((site / "index.html").read_text(encoding="utf-8"),
                             sections.load(site, REPO), site)


def headings(page: str) -> list[tuple[str, str, str]]:
    """(id, number, title) of every numbered section, in page order."""
    return re.findall(r'<section id="([a-z-]+)"[^>]*>\n  <h2 id="\1-title"><span class="num">'
                      r'([IVX]+)</span> <a class="anchor" href="#\1">([^<]+)</a></h2>', page)


def toc(page: str) -> list[str]:
    nav = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    return re.findall(r'<a href="#([a-z-]+)">', nav)


def embedded(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="pytoy-sections">(.*?)'
                                r"</script>", page, re.S).group(1))


def test_roman_numerals_match_a_hand_written_list() -> None:
    want = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
            "XIV", "XV", "XVI", "XIX", "XX", "XL", "L", "XC", "C"]
    ns = [*range(1, 17), 19, 20, 40, 50, 90, 100]
    assert [sections.roman(n) for n in ns] == want


def test_the_built_page_numbers_the_sections_in_the_tables_order() -> None:
    page = assemble(SITE)
    table = sections.load(SITE, REPO)
    ids = [s.id for s in table.sections]
    assert ids[:5] == ["reveal", "corrupt", "model", "train", "denoise"]  # the article's start
    assert [h[0] for h in headings(page)] == ids
    assert [h[1] for h in headings(page)] == [sections.roman(i) for i in range(1, len(ids) + 1)]
    assert toc(page) == ids
    assert [s["id"] for s in embedded(page)["sections"]] == ids
    assert "{ref:" not in page
    # a reference written by hand in the prose, and what it becomes
    assert "yours (section IV)" in page  # reveal's model menu names the train section


def test_reordering_two_sections_in_the_table_reorders_the_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    toml = (site / "sections.toml").read_text(encoding="utf-8")
    blocks = toml.split("[[section]]\n")
    i, j = (next(k for k, b in enumerate(blocks) if b.startswith(f'id = "{x}"'))
            for x in ("train", "denoise"))
    blocks[i], blocks[j] = blocks[j], blocks[i]
    (site / "sections.toml").write_text("[[section]]\n".join(blocks), encoding="utf-8")

    page = assemble(site)
    order = [h[:2] for h in headings(page)]
    assert order[3:5] == [("denoise", "IV"), ("train", "V")]  # swapped, numbers follow
    assert toc(page)[3:5] == ["denoise", "train"]
    assert [s["id"] for s in embedded(page)["sections"]][3:5] == ["denoise", "train"]
    # every reference to the train section now says V, and to denoise IV
    assert "yours (section V)" in page and "yours (section IV)" not in page
    # a prompt's answer (site/tries.toml) names the train section: it follows the table too
    assert "trained on such rows in section V gets" in page
    assert page.count("section V") > assemble(SITE).count("section V")


def test_no_prose_types_a_section_number() -> None:
    found = []
    for path in [SITE / "index.html", *sorted((SITE / "sections").glob("*.html"))]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [(path.name, n, m) for m in TYPED_NUMBER.findall(line)]
    for path in sorted((SITE / "js").rglob("*.js")):
        code = re.sub(r"//.*|/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        found += [(path.name, 0, m) for m in TYPED_NUMBER.findall(code)]
    assert found == [], "write {ref:id} in prose and ref(id) in a view instead"


def damaged(tmp_path: Path, edit) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    edit(site)
    return site


def _toml(site: Path, old: str, new: str) -> None:
    path = site / "sections.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: _toml(s, 'level = "core"', 'level = "main"'),
     "level must be one of demo, core, deeper"),
    (lambda s: _toml(s, 'budget = 10', 'budget = 9'),
     "route 1 (demo): its sections add up to 10 minutes, over its budget of 9"),
    (lambda s: _toml(s, 'levels = ["demo", "core"]', 'levels = ["core"]'),
     "route 2 (class): shows less than the route before it"),
    (lambda s: _toml(s, 'levels = ["demo", "core", "deeper"]', 'levels = ["demo", "core"]'),
     "no route shows section(s) strategies, likelihood, built, edit"),
    (lambda s: _toml(s, 'levels = ["demo"]', 'levels = ["intro"]'), "unknown level(s) intro"),
    (lambda s: _toml(s, 'level = "demo"\nminutes = 2', 'level = "demo"\nminutes = 0'),
     "section 1 (reveal): minutes must be at least 1"),
    (lambda s: _toml(s, 'needs = ["shipped"]', 'needs = ["nope"]'), "needs nope, not in [models]"),
    (lambda s: _toml(s, 'view = "lab"', 'view = "labs"'), "site/js/views/labs.js, is missing"),
    (lambda s: _toml(s, 'id = "sweep"', 'id = "strategies"'), "listed twice: strategies"),
    (lambda s: _toml(s, 'id = "sweep"', 'id = "Sweep"'), "lower-case"),
    (lambda s: _toml(s, 'data = "data/en-hi.txt"', 'data = "data/none.txt"'), "none.txt not found"),
    (lambda s: _toml(s, 'frames = ["sweep", "marginals"]', 'frames = "sweep"'),
     "'frames' must be a list"),
    (lambda s: _toml(s, 'level = "deeper"', 'level = "deeper"\ncolour = "red"'), "unknown field"),
    (lambda s: (s / "sections" / "infill.html").unlink(), "site/sections/infill.html, is missing"),
    (lambda s: (s / "sections" / "extra.html").write_text("<p>hi</p>"), "no section lists: extra"),
    (lambda s: (s / "sections" / "edit.html").write_text("see section {ref:nowhere}"),
     "{ref:nowhere} names no section"),
    (lambda s: (s / "sections.toml").write_text("[[section]\n"), "site/sections.toml:"),
])
def test_a_damaged_table_is_refused_naming_the_fault(tmp_path: Path, edit, message: str) -> None:
    site = damaged(tmp_path, edit)
    with pytest.raises(BuildError, match=re.escape(message)):
        assemble(site)


def test_a_section_starting_from_a_frame_the_build_did_not_compute_is_refused() -> None:
    table = sections.load(SITE, REPO)
    frames = {k: None for s in table.sections for k in s.frames}
    sections.check_frames(table, frames)  # the real table against its own keys: fine
    del frames["sweep"]
    with pytest.raises(BuildError, match="section sweep starts from frames sweep"):
        sections.check_frames(table, frames)


def test_every_section_file_is_prose_without_its_own_heading_or_wrapper() -> None:
    for path in (SITE / "sections").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<section" not in text and "<h2" not in text, path.name


# --- routes, the recap's quiz, the teacher notes ---------------------------------------------

def _raw_table() -> dict:
    import tomllib

    return tomllib.loads((SITE / "sections.toml").read_text(encoding="utf-8"))


def test_each_route_shows_its_levels_and_adds_up_their_minutes() -> None:
    """Oracle: the table read directly, summed here; and the routes the lesson promises."""
    raw = _raw_table()
    routes = {r.id: r for r in sections.load(SITE, REPO).routes}
    for row in raw["route"]:
        shown = [s for s in raw["section"] if s["level"] in row["levels"]]
        assert routes[row["id"]].sections == [s["id"] for s in shown]
        assert routes[row["id"]].minutes == sum(s["minutes"] for s in shown)
    assert routes["demo"].label == "a 10-minute demo"
    assert routes["class"].label == "a 50-minute class"
    assert routes["all"].sections == [s["id"] for s in raw["section"]]  # everything
    assert set(routes["demo"].sections) < set(routes["class"].sections)
    assert routes["demo"].sections[-1] == routes["class"].sections[-1] == "recap"


def test_the_page_carries_the_route_chooser_minutes_and_fold_parts() -> None:
    page = assemble(SITE)
    chooser = re.search(r'<fieldset class="routes".*?</fieldset>', page, re.S).group(0)
    assert re.findall(r'value="([a-z]+)"', chooser) == ["demo", "class", "all"]
    assert "a 10-minute demo" in chooser and "everything (75 minutes)" in chooser
    for s in sections.load(SITE, REPO).sections:
        part = re.search(rf'<section id="{s.id}".*?</section>', page, re.S).group(0)
        assert f'data-minutes="{s.minutes}"' in part
        assert f'<div class="section-body" id="{s.id}-body">' in part
        assert f"{s.minutes} min</span>" in part
    assert [r["id"] for r in embedded(page)["routes"]] == ["demo", "class", "all"]
    # the overview figure links every step to a section, by number
    figure = re.search(r'<figure class="loops".*?</figure>', page, re.S).group(0)
    assert "{ref:" not in figure and set(re.findall(r'href="#([a-z]+)"', figure)) == {
        "corrupt", "model", "train", "denoise", "strategies", "sweep"}


def test_a_section_given_fewer_minutes_than_its_reading_time_is_refused(tmp_path: Path) -> None:
    site = damaged(tmp_path, lambda s: _toml(s, 'level = "demo"\nminutes = 3',
                                             'level = "demo"\nminutes = 1'))  # train: 300+ words
    words = len(re.sub(r"<[^>]+>", " ", (SITE / "sections" / "train.html").read_text()).split())
    assert words > sections.READING_WPM  # the oracle: more than a minute's reading
    with pytest.raises(BuildError, match=r"section train: 1 minutes is less than its prose's "
                                         r"reading time"):
        assemble(site)


def _quiz(site: Path, old: str, new: str) -> None:
    path = site / "quiz.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: _quiz(s, "answer = 1", "answer = 3"), "answer 3 is not the index of a choice"),
    (lambda s: _quiz(s, 'id = "floor"', 'id = "target"'), "listed twice: target"),
    (lambda s: (s / "sections" / "recap.html").write_text("<p>no quiz</p>\n"),
     "exactly one {quiz} in the prose (found 0)"),
    (lambda s: (s / "sections" / "recap.html").write_text("  {quiz}\n  {quiz}\n"),
     "{quiz} more than once"),
])
def test_a_damaged_quiz_is_refused(tmp_path: Path, edit, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        assemble(damaged(tmp_path, edit))


class AnyFact(dict):
    """Every {fact:…} known, as "N": where the figures themselves are not what is tested."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> str:
        return "N"


def test_the_quiz_and_the_teacher_notes_answer_what_the_tables_say() -> None:
    """Oracle: quiz.toml and tries.toml read directly; each answer printed where it belongs."""
    import tomllib

    from buildtools import tries

    page = assemble(SITE)
    questions = tomllib.loads((SITE / "quiz.toml").read_text(encoding="utf-8"))["question"]
    quiz = re.search(r'<form class="quiz".*?</form>', page, re.S).group(0)
    assert re.findall(r'<fieldset class="question" id="quiz-([a-z-]+)" data-answer="(\d)">',
                      quiz) == [(q["id"], str(q["answer"])) for q in questions]
    notes = re.search(r'<details class="teacher-notes" id="teacher-notes">.*?</details>\n',
                      page, re.S).group(0)
    for q in questions:  # the right choice (its text) follows "Answer:"
        right = re.sub(r"\{fact:[^}]+\}", "", q["choices"][q["answer"]])[:40]
        assert f"<strong>Answer:</strong> {right}" in notes
    table = sections.load(SITE, REPO)
    ids = [x.id for x in table.sections]
    number = {x.id: x.number for x in table.sections}
    prompts = tries.rendered(SITE, ids, table.models)
    asked = re.findall(r"<dt>([IVX]+)\. ", notes)
    # the notes list the prompts in reading order, each with its answer
    assert asked == [number[x] for x in ids for p in prompts.values() if p.section == x]
    page_alone = sections.teacher_page(table, SITE, AnyFact(), prompts)
    assert "<script" not in page_alone and "{ref:" not in page_alone
    for x in table.sections:
        assert f'<a href="index.html#{x.id}">' in page_alone
    for r in table.routes:
        assert r.label in page_alone and f"?route={r.id}" in page_alone
