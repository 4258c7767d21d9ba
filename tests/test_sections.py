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
    (lambda s: _toml(s, 'level = "core"', 'level = "main"'), "level must be one of core, deeper"),
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
