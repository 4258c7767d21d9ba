"""The "Try this" prompts (site/tries.toml) as the build prints them, and the tables it refuses.

Oracles: the assembled page (each prompt exactly once, in its section, with its answer under
it, nothing left unfilled), the prompts' own text (no figure typed in it), the controls the
steps name (each one is in the page), and damaged copies of the table and the prose, which the
build must refuse naming the fault, a prompt whose promise the shipped model breaks included.
The browser half, every prompt performed, is tests/test_browser_tryit.py.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from buildtools import REPO, BuildError, sections, tries, try_facts

SITE = REPO / "site"
SELECTOR_STEPS = ("click", "fill", "set", "select", "check", "uncheck", "edit")
# Figures a prompt may type, each with why it is not a figure pytoy computes.
TYPED: dict[str, str] = {}


def table() -> sections.Table:
    return sections.load(SITE, REPO)


def ids() -> list[str]:
    return [s.id for s in table().sections]


def scenarios() -> list[tries.Scenario]:
    return tries.load(SITE, ids())


def page_of(site: Path = SITE) -> str:
    return sections.assemble((site / "index.html").read_text(encoding="utf-8"),
                             sections.load(site, REPO), site)


def section_html(page: str, sid: str) -> str:
    return re.search(rf'<section id="{sid}".*?</section>', page, re.S).group(0)


def test_every_prompt_is_printed_exactly_once_in_its_section_with_its_answer() -> None:
    page = page_of()
    listed = scenarios()
    assert len(listed) == 15
    assert page.count('<p class="try"') == len(listed)
    assert page.count('<details class="try-answer"') == len(listed)
    for s in listed:
        assert page.count(f'id="try-{s.id}"') == 1, s.id
        here = section_html(page, s.section)
        prompt = re.search(rf'<p class="try" id="try-{s.id}"><strong>Try this:</strong> '
                           rf'(.*?)</p>\n\s*<details class="try-answer" data-try="{s.id}">'
                           r"<summary>Answer</summary>\n\s*<p>(.*?)</p></details>", here, re.S)
        assert prompt, s.id
        for text in prompt.groups():
            assert "{" not in text and "}" not in text, (s.id, text)  # all filled, refs too
    # in the table's order: the page prints them as the article reads
    found = re.findall(r'<p class="try" id="try-([a-z0-9-]+)"', page)
    assert found == [s.id for s in listed]
    assert "{try:" not in page


def test_the_corrected_prompts_say_what_pytoy_does() -> None:
    page = page_of()
    lab = section_html(page, "strategies")
    assert "seed to 30" in lab and "seed to 19" not in lab  # 19 takes nothing back
    assert "τ" not in section_html(page, "denoise")  # section V has no τ control
    race = section_html(page, "race")
    assert "compare the times" not in race and "who finishes first now?" in race
    facts = tries.all_facts(SITE, ids(), table().models)
    assert facts["remask-takes-back"]["taken"] in lab  # the answer names the letter
    assert f"far right ({facts['train-diverge']['lr_max']:g})" in section_html(page, "train")


def test_no_prompt_or_answer_types_a_figure() -> None:
    """Every number a prompt or an answer states is a {name}: a given or a fact."""
    found = []
    for s in scenarios():
        for field in (s.text, s.answer):
            prose = re.sub(r"\{[^}]*\}|<code>.*?</code>", "", field, flags=re.S)
            for allowed in TYPED:
                prose = prose.replace(allowed, "")
            found += [(s.id, m) for m in re.findall(r"\d+", prose)]
    assert found == []
    text = " ".join(s.text for s in scenarios())
    assert all(t in text for t in TYPED), "an allow-list entry no longer needed: remove it"


def test_every_control_a_step_names_is_in_the_page() -> None:
    page = page_of()
    page_ids = set(re.findall(r'\bid="([^"]+)"', page))
    for s in scenarios():
        for step in s.steps:
            kind = next(k for k in step if k in tries.ACTIONS)
            if kind in SELECTOR_STEPS:
                named = re.findall(r"#([A-Za-z][\w-]*)", step[kind])
                assert named and set(named) <= page_ids, (s.id, step)


def test_every_prompt_has_facts_and_every_fact_a_prompt() -> None:
    assert set(try_facts.FACTS) == {s.id for s in scenarios()}
    facts = tries.all_facts(SITE, ids(), table().models)
    for s in scenarios():
        steps = tries.step_values(s, facts[s.id])  # every {name} in a step can be filled
        for step in steps:
            for key in ("fact", "contains"):
                if key in step:
                    tries.lookup(facts[s.id], step[key], s.id)
        assert not any("{" + k + "}" in str(steps) for k in [*s.given, *facts[s.id]])


# --- what the build refuses ------------------------------------------------------------------


def damaged(tmp_path: Path, edit: Callable[[Path], None]) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    edit(site)
    return site


def _replace(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


T = "tries.toml"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: _replace(s, "sections/race.html", "{try:race-passes}", "{try:race-pace}"),
     "{try:race-pace} names no prompt"),
    (lambda s: _replace(s, "sections/race.html", "{try:race-passes}", ""),
     "no section prints race-passes"),
    (lambda s: _replace(s, "sections/race.html", "{try:race-passes}",
                        "{try:race-passes}\n  {try:race-passes}"), "is printed twice"),
    (lambda s: _replace(s, "sections/infill.html", "{try:infill-both-sides}",
                        "{try:infill-both-sides}\n  {try:race-passes}"),
     "{try:race-passes} belongs to section race"),
    (lambda s: _replace(s, "sections/race.html", "{try:race-passes}",
                        "<p>see {try:race-passes}</p>"), "must stand alone on its line"),
    (lambda s: _replace(s, "sections/race.html", "{try:race-passes}",
                        '<p class="try">Try this: race.</p>'), "written by hand"),
    (lambda s: _replace(s, T, "finishes first, but", "finishes {first}, but"),
     "{first} is neither a given nor a fact"),
    (lambda s: _replace(s, T, "set diffusion passes to {few}", "set diffusion passes to one"),
     "the text never tells the reader few"),
    (lambda s: _replace(s, T, '{ click = "#race-run" }', '{ press = "#race-run" }'),
     "a step is exactly one of"),
    (lambda s: _replace(s, T, 'fact = "race_few" }', 'fact = "race_few", is = 1 }'),
     "an expect has exactly one of"),
    (lambda s: _replace(s, T, '{ select = "#race-steps", value = "{few}" }',
                        '{ select = "#race-steps" }'), "select needs value"),
    (lambda s: _replace(s, T, 'id = "early-stop"', 'id = "remask-takes-back"'),
     "try id(s) listed twice: remask-takes-back"),
    (lambda s: _replace(s, T, 'section = "infill"', 'section = "nowhere"'),
     "section 'nowhere' is not in site/sections.toml"),
    (lambda s: _replace(s, T, 'promise = "AR writes', 'promises = "AR writes'),
     "'promise' must be a str"),
    (lambda s: (s / T).write_text("[[try]\n", encoding="utf-8"), "site/tries.toml:"),
    (lambda s: (s / T).unlink(), "site/tries.toml: not found"),
])
def test_a_damaged_table_or_prose_is_refused_naming_the_fault(
    tmp_path: Path, edit: Callable[[Path], None], message: str
) -> None:
    site = damaged(tmp_path, edit)
    with pytest.raises(BuildError, match=re.escape(message)):
        page_of(site)


def test_a_prompt_the_shipped_model_no_longer_keeps_stops_the_build(tmp_path: Path) -> None:
    # the issue's own example: with the shipped checkpoint seed 19 takes nothing back
    site = damaged(tmp_path, lambda s: _replace(s, T, "temperature = 0.8, seed = 30",
                                                  "temperature = 0.8, seed = 19"))
    with pytest.raises(BuildError, match=r"try remask-takes-back: its promise no longer holds"
                                         r".*seed 19 takes nothing back"):
        page_of(site)


def test_a_facts_function_without_its_prompt_is_refused(tmp_path: Path) -> None:
    site = damaged(tmp_path, lambda s: None)
    text = (site / T).read_text(encoding="utf-8")
    start = text.index('[[try]]\nid = "sweep-threshold"')
    end = text.index("[[try]]", start + 1)
    (site / T).write_text(text[:start] + text[end:], encoding="utf-8")
    _replace(site, "sections/sweep.html", "  {try:sweep-threshold}\n", "")
    with pytest.raises(BuildError, match=re.escape("facts for sweep-threshold, which "
                                                   "site/tries.toml does not list")):
        page_of(site)
