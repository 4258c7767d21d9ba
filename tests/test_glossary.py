"""The glossary: every term is defined once, where the reader first meets it.

Oracles: the table itself (each term's word and definition must appear, escaped, at its one
marked place, in reading order), and damaged tables and prose the build must refuse.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from buildtools import REPO, BuildError, glossary, sections

SITE = REPO / "site"


def page(site: Path = SITE) -> str:
    return sections.assemble((site / "index.html").read_text(encoding="utf-8"),
                             sections.load(site, REPO), site)


def test_each_term_is_defined_once_with_its_own_words() -> None:
    built = page()
    terms = glossary.load(SITE)
    assert len(terms) >= 10
    found = re.findall(r'<button type="button" class="term-word" aria-expanded="false" '
                       r'aria-controls="term-([a-z-]+)">([^<]+)</button><span class="term-def" '
                       r'id="term-\1" role="note" hidden><strong>([^<]+):</strong> ([^<]+)'
                       r"</span>", built)
    assert sorted(t for t, *_ in found) == sorted(terms)  # each once, none missing
    for tid, shown, word, definition in found:
        assert word == html.escape(terms[tid].word)
        assert definition == html.escape(terms[tid].definition)
        assert shown
    assert "{term:" not in built
    # defined where first met: the first term in the article is the first word it explains
    assert found[0][0] == "autoregressive"


def damaged(tmp_path: Path, edit) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    edit(site)
    return site


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: _append(s / "sections" / "edit.html", "{term:nowhere}"),
     "{term:nowhere} is not in site/glossary.toml"),
    (lambda s: _append(s / "sections" / "edit.html", "{term:pass}"),
     "{term:pass} is marked again (first in site/sections/reveal.html)"),
    (lambda s: _append(s / "glossary.toml", '\n[[term]]\nid = "spare"\nword = "spare"\n'
                       'definition = "never used"\n'), "no section uses spare"),
    (lambda s: _append(s / "glossary.toml", '\n[[term]]\nid = "pass"\nword = "x"\n'
                       'definition = "y"\n'), "term 'pass' is listed twice"),
    (lambda s: _append(s / "glossary.toml", '\n[[term]]\nid = "half"\nword = "half"\n'),
     "needs exactly id, word and definition"),
])
def test_a_damaged_glossary_is_refused(tmp_path: Path, edit, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        page(damaged(tmp_path, edit))
