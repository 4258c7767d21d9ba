"""The figures the prose states come from pytoy, and the prose types no other number.

Oracles: each figure recomputed here from the data files, the checkpoints and pytoy's table
directly (not from frames.json, which the build's facts read); the guard reads the prose as
written (site/index.html and site/sections/*.html, and the prose strings of the views) and
refuses any digit or number word that is not a {fact:…}, a {ref:…} or on the short allow-list.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from pathlib import Path

import pytest

from buildtools import REPO, BuildError, facts, frames, sections
from pytoy import api, checkpoint, data, patching
from pytoy.defaults import DEFAULTS

SITE = REPO / "site"
NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|hundred|thousand|"
    "million|dozen|half|twice")
NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*%?|\b(?:" + NUMBER_WORDS + r")\b", re.I)
# What the prose may type, and why. "one" and "once" are never counted: they mean "a single"
# and "at the same time" (one pass per letter), not a figure about a model or its data.
ALLOWED = {
    ("index.html", "2021"): "a publication year in the reading list",
    ("index.html", "2022"): "a publication year in the reading list",
    ("index.html", "2024"): "a publication year in the reading list",
    ("index.html", "2025"): "a publication year in the reading list",
    ("built.html", "four"): "counts the list of ingredients right above it (checked below)",
    ("recap.html", "four"): "counts the list of ingredients right below it (checked below)",
    ("index.html", "two"): "the overview figure's two loops (checked below)",
    ("corrupt.html", "0"): "t's range by definition: 0 hides nothing",
    ("corrupt.html", "1"): "t's range by definition: 1 hides everything",
    ("corrupt.html", "0.50"): "the slider's starting value, shown before its view runs",
    ("denoise.html", "0"): "what steps 0 means (one letter per step), and the scrubber's start",
    ("edit.html", "four"): "how far Tab indents in the editor (editor.js's INDENT)",
    ("model.html", "0"): "a perfect guess costs nothing: -log 1 = 0",
    ("model.html", "1"): "the formula's 1/L, i = 1…L and 1/t",
    ("reveal.html", "two"): "the two kinds of model compared: autoregressive and diffusion",
    ("strategies.html", "0"): "the scrubber's starting value, before its view runs",
    ("sweep.html", "two"): "the two columns the figure shows",
}


@pytest.fixture(scope="module")
def figures() -> dict[str, str]:
    return facts.compute(frames.compute(REPO), api.defaults())


def test_each_figure_is_what_pytoy_says_directly(figures: dict[str, str]) -> None:
    names = (REPO / "data" / "names.txt").read_text(encoding="utf-8").split()
    pairs = [p for p in (REPO / "data" / "en-hi.txt").read_text(encoding="utf-8").splitlines()
             if p.strip()]
    b = checkpoint.load(REPO / "data" / "checkpoints" / "names.json")
    api.load("facts-names", (REPO / "data" / "checkpoints" / "names.json").read_text())
    studies = json.loads((REPO / "data" / "studies.json").read_text())
    want = {
        "names.count": str(len(names)),
        "names.length": str(max(map(len, names))),
        "names.length.word": "seven",
        "model.params": f"{sum(int(v.size) for v in b.params.values()):,}",
        "model.vocab": str(len(b.vocab.symbols)),
        "model.uniform": f"{math.log(len(b.vocab.symbols)):.2f}",
        "floor.nats": f"{api.loss_floor('facts-names')['value']:.3f}",
        "floor.hidden": f"{api.loss_floor_by_t('facts-names')['hidden_value']:.3f}",
        "translate.pairs": str(len(pairs)),
        "train.steps": f"{DEFAULTS['train_steps']['names']['default']:,}",
        "train.lr": f"{DEFAULTS['train']['lr']['default']:g}",
        "decode.tau.percent": f"{100 * DEFAULTS['decode']['tau']['default']:g}%",
        "decode.block.word": "four",
        "own.min": str(data.OWN_MIN_ITEMS),
        "own.max": f"{data.OWN_MAX_ITEMS:,}",
        "own.letters": str(data.OWN_MAX_LENGTH),
        "edit.functions": ["zero", "one", "two", "three"][len(patching.EDITABLE)],
        "sweep.n": f"{frames.SWEEP_N:,}",
        "page.grid": str(DEFAULTS["page"]["grid"]),
        "page.more": f"{DEFAULTS['page']['more']:,}",
        "studies.t.seeds": "three",
    }
    assert {k: figures[k] for k in want} == want
    assert len(names) == 40 and b.cfg.length == 7  # the hand-counted words above assume these
    rows = studies["time_input"]["rows"]
    for flag, arm in ((True, "with"), (False, "without")):
        gaps = [r["gap"] for r in rows if r["time_input"] is flag]
        se = statistics.stdev(gaps) / math.sqrt(len(gaps))
        assert figures[f"studies.t.gap.{arm}"] == f"{statistics.mean(gaps):.3f} ± {se:.3f}"
        bits = statistics.mean(r["bits_per_char"] for r in rows if r["time_input"] is flag)
        assert figures[f"studies.t.bits.{arm}"] == f"{bits:.2f}"


def test_the_large_list_and_the_copy_counts_are_what_the_files_say(figures: dict[str, str]
                                                                   ) -> None:
    """The large list's sizes from its file; the shares from 1,000 names sampled from each
    shipped checkpoint at temperature 0.8, marked here against the data files."""
    big = [w for w in (REPO / "data" / "names-large.txt").read_text(encoding="utf-8").split()]
    frac = DEFAULTS["datasets"]["large"]["val_frac"]
    held_n = round(frac * len(big))
    ckpt = json.loads((REPO / "data" / "checkpoints" / "names-large.json").read_text())
    api.load("facts-large", ckpt)
    losses = api.held_out_loss("facts-large")
    assert {k: figures[k] for k in ("large.count", "large.train", "large.held_out",
                                    "large.held_out.percent", "large.length", "large.steps",
                                    "large.loss.training", "large.loss.held_out",
                                    "shares.n", "shares.temperature")} == {
        "large.count": f"{len(big):,}", "large.train": f"{len(big) - held_n:,}",
        "large.held_out": str(held_n), "large.held_out.percent": f"{100 * frac:.0f}%",
        "large.length": str(max(map(len, big))), "large.steps": f"{len(ckpt['history']['loss']):,}",
        "large.loss.training": f"{losses['training']:.3f}",
        "large.loss.held_out": f"{losses['held_out']:.3f}",
        "shares.n": "1,000", "shares.temperature": "0.8"}
    small = (REPO / "data" / "names.txt").read_text(encoding="utf-8").split()
    api.load("facts-small", (REPO / "data" / "checkpoints" / "names.json").read_text())
    for which, name, words in (("small", "facts-small", small), ("large", "facts-large", big)):
        held = set(ckpt["data"]["val"]) if which == "large" else set()
        texts = [t["text"] for t in api.sample(name, 1000, {"temperature": 0.8}, record=False)]
        count = {"training": sum(t in set(words) - held for t in texts),
                 "held-out": sum(t in held for t in texts)}
        count["new"] = 1000 - count["training"] - count["held-out"]
        for k, c in count.items():
            assert figures[f"shares.{which}.{k}"] == facts.percent(c / 1000)
    assert facts.percent(0.998) == "99.8%" and facts.percent(0.214) == "21%"


def test_the_built_page_has_every_figure_filled(figures: dict[str, str]) -> None:
    page = sections.assemble((SITE / "index.html").read_text(encoding="utf-8"),
                             sections.load(SITE), SITE, figures)
    assert "{fact:" not in page
    assert f"the list of <span id=\"n-names\">{figures['names.count']}</span>" in page
    with pytest.raises(BuildError, match=r"\{fact:nope\} is not a fact"):
        facts.fill("see {fact:nope}", figures, "here")


def prose(path: Path) -> str:
    """What a reader reads: tags, code, variables and placeholders taken out."""
    t = path.read_text(encoding="utf-8")
    t = re.sub(r"<(script|style|pre|code|var|cite|kbd)\b.*?</\1>", " ", t, flags=re.S)
    t = re.sub(r'<p class="try">.*?</p>', " ", t, flags=re.S)  # tests/test_browser_tryit runs these
    t = re.sub(r"<[^>]+>", " ", t)
    return re.sub(r"\{(?:ref|fact|try):[^}]*\}", " ", t)


def test_the_prose_types_no_figure() -> None:
    found = set()
    for path in [SITE / "index.html", *sorted((SITE / "sections").glob("*.html"))]:
        for m in NUMBER.finditer(prose(path)):
            found.add((path.name, m.group(0).rstrip(".,").lower()))
    typed = sorted(found - set(ALLOWED))
    assert typed == [], "write {fact:name} (buildtools/facts.py) instead, or allow it with a reason"
    assert sorted(set(ALLOWED) - found) == [], "an allow-list entry no longer needed: remove it"


def test_the_four_ingredients_are_four_and_the_two_loops_two() -> None:
    for name in ("built.html", "recap.html"):
        text = (SITE / "sections" / name).read_text(encoding="utf-8")
        items = re.search(r"<ol class=\"ingredients[^\"]*\">(.*?)</ol>", text, re.S).group(1)
        assert items.count("<li>") == 4, name
    page = (SITE / "index.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="loops".*?</figure>', page, re.S).group(0)
    assert "two loops" in figure and figure.count('<div class="loop">') == 2


# Prose a view writes: string and template literals with at least two words in them.
_JS_PROSE = re.compile(r"""(["'`])((?:(?!\1)[^\\\n]|\\.)*\s\w+(?:(?!\1)[^\\\n]|\\.)*)\1""")
JS_ALLOWED = {
    ("studies.js", "two"): "the criterion the text applies: a difference under two standard errors",
    ("sweep.js", "two"): "what glued means: two training names cut and joined",
    ("worker.js", "0"): "a protocol error's bound (steps ≥ 0), not a figure",
    ("worker.js", "1"): "a protocol error's bound (chunk ≥ 1), not a figure",
}


def test_the_views_prose_types_no_figure() -> None:
    found = set()
    for path in sorted((SITE / "js").rglob("*.js")):
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        for m in _JS_PROSE.finditer(code):
            text = re.sub(r"\$\{[^}]*\}", " ", m.group(2))  # interpolated values come from data
            if not re.search(r"[a-z]{3,} [a-z]{2,}", text):
                continue
            for n in NUMBER.finditer(text):
                found.add((path.name, n.group(0).rstrip(".,").lower()))
    assert sorted(found - set(JS_ALLOWED)) == [], "take it from fact(), data or a named constant"
    assert sorted(set(JS_ALLOWED) - found) == [], "an allow-list entry no longer needed: remove it"
