"""pytoy's settings table is the one source of every setting, strategy and reserved symbol.

* A guard: the page's HTML types no option, value or bound on a control that shows a
  setting, and no JS file under site/ holds a strategy name or a reserved symbol as a string
  (a short allow-list says why each exception is one).
* A copy of the project with a test-only strategy registered and the temperature's default
  and bound changed in pytoy alone is built into a site: the strategy is in every menu with
  its description, accepted by the URL, and decodes in the browser as CPython does; the new
  default and bound reach the page's controls, its URL clamping and the CLI. No JS or HTML
  is edited.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from buildtools import sections
from pytoy.defaults import DEFAULTS
from tests.conftest import REPO, WAIT_MS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SITE = REPO / "site"
STRATEGIES = set(DEFAULTS["decode"]["strategy"]["choices"])
SYMBOLS = set(DEFAULTS["symbols"].values())

# --- the guard ------------------------------------------------------------------------------

# JS string literals equal to a strategy name or a reserved symbol, with the reason each is not
# a copy of pytoy's table.
ALLOWED_LITERALS = {
    ("views/presenter.js", "?"): "the keyboard key that opens the shortcut list",
    ("views/lab.js", "confidence"): "the chart's axis label: the word, not the strategy",
    ("views/race.js", "ar"): "the AR baseline's architecture (model.arch) and its control's key",
    ("views/sweep.js", "ar"): "the key of the AR model's sweep in the build's frames",
}
# number and range inputs that show the view's own state, not a setting of pytoy's
UNBOUND_INPUTS = {
    "corrupt-t": "section II's noise level: what the reader explores, not a setting",
    "denoise-scrub": "a scrubber over the timeline shown: its bounds are that timeline's",
    "conf-scrub": "a scrubber over the timeline shown: its bounds are that timeline's",
}
_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`')


def js_literals() -> Iterator[tuple[str, int, str]]:
    for path in sorted((SITE / "js").rglob("*.js")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = "" if line.lstrip().startswith("//") else re.sub(r"\s//\s.*$", "", line)
            for m in _LITERAL.finditer(code):
                yield path.relative_to(SITE / "js").as_posix(), n, next(
                    g for g in m.groups() if g is not None)


def test_no_js_file_repeats_a_strategy_name_or_a_reserved_symbol():
    found = [(f, n, v) for f, n, v in js_literals()
             if v in STRATEGIES | SYMBOLS and (f, v) not in ALLOWED_LITERALS]
    assert found == []
    used = {(f, v) for f, _, v in js_literals()}
    assert set(ALLOWED_LITERALS) <= used, "an allow-list entry no longer needed: remove it"


def test_the_html_types_no_option_value_or_bound_of_a_setting():
    page = sections.assemble((SITE / "index.html").read_text(encoding="utf-8"),
                             sections.load(SITE), SITE)  # the page with every section's prose
    for m in re.finditer(r"<(select|input)\b([^>]*)>", page):
        tag, attrs = m.groups()
        ident = re.search(r'\bid="([^"]+)"', attrs)
        ident = ident.group(1) if ident else "?"
        if "data-setting=" in attrs:
            assert not re.search(r'\b(min|max|step|value)="', attrs), ident
            if tag == "select":
                assert page[m.end():].lstrip().startswith("</select>"), f"{ident} types options"
        elif tag == "input" and re.search(r'type="(number|range)"', attrs):
            assert ident in UNBOUND_INPUTS, f"{ident}: a number with no data-setting"
    for m in re.finditer(r'<option\b[^>]*value="([^"]+)"', page):
        assert m.group(1) not in STRATEGIES, f"a typed strategy option: {m.group(1)}"
    assert "<option>" not in page  # options typed without a value (e.g. pass counts)


def test_a_menu_shows_the_words_its_table_gives_each_choice_and_keeps_its_value():
    from buildtools import controls

    spec = DEFAULTS["ablation"]["switch"]
    page = controls.fill('<script type="application/json" id="pytoy-table"></script>'
                         '<select id="s" data-setting="ablation.switch"></select>', DEFAULTS)
    options = re.findall(r'<option value="([a-z_]+)"[^>]*>([^<]+)</option>', page)
    assert options == [(name, spec["labels"][name]) for name in spec["choices"]]


def test_every_registered_strategy_is_in_the_served_table_with_its_description():
    from pytoy import api
    from pytoy.sampling import STRATEGIES, DecodeSettings

    table = api.defaults()["decode"]["strategy"]["choices"]
    assert list(table) == list(STRATEGIES)
    for name, registered in STRATEGIES.items():
        assert table[name] == registered.description and len(table[name]) > 20
        assert DecodeSettings(name).strategy == name
    with pytest.raises(ValueError, match="unknown strategy 'nope'; choose one of random, "):
        DecodeSettings("nope")


def test_a_setting_at_its_own_bounds_is_accepted_and_just_past_them_refused():
    from pytoy.sampling import DecodeSettings

    lo, hi = DEFAULTS["decode"]["temperature"]["min"], DEFAULTS["decode"]["temperature"]["max"]
    assert DecodeSettings(temperature=lo).temperature == lo
    assert DecodeSettings(temperature=hi).temperature == hi
    for bad in (lo - 0.01, hi + 0.01):
        with pytest.raises(ValueError, match="temperature must be between"):
            DecodeSettings(temperature=bad)


# --- a changed copy of pytoy, built and opened --------------------------------------------

LAST = '''

@register("last", "the last hidden position each pass, right to left (a test-only strategy)")
def _right_to_left(st: Step) -> tuple[np.ndarray, None]:
    B, L = st.hidden.shape
    commit = np.zeros((B, L), dtype=bool)
    commit[np.arange(B), L - 1 - np.argmax(st.hidden[:, ::-1], axis=1)] = True
    return commit & st.hidden, None
'''
OLD_TEMPERATURE = '"temperature": _number(0.8, 0.0, 10.0, 0.1,'
NEW_TEMPERATURE = '"temperature": _number(0.6, 0.0, 5.0, 0.1,'
_SKIP = shutil.ignore_patterns(".git", "dist", "node_modules", "__pycache__", "*.pyc",
                               ".pytest_cache", ".ruff_cache")


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project copied, with pytoy alone changed: one strategy more, another temperature."""
    root = tmp_path_factory.mktemp("changed") / "pytoy-copy"
    shutil.copytree(REPO, root, ignore=_SKIP)
    sampling = root / "pytoy" / "sampling.py"
    sampling.write_text(sampling.read_text(encoding="utf-8") + LAST, encoding="utf-8")
    defaults = root / "pytoy" / "defaults.py"
    text = defaults.read_text(encoding="utf-8")
    assert text.count(OLD_TEMPERATURE) == 1
    defaults.write_text(text.replace(OLD_TEMPERATURE, NEW_TEMPERATURE), encoding="utf-8")
    return root


def python_in(root: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def cli_in(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "pytoy", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def changed_url(changed: Path, serve: Callable[..., str]) -> str:
    out = changed / "dist" / "site"
    env = {**os.environ, "PIP_NO_INDEX": "1", "npm_config_offline": "true"}
    proc = subprocess.run([sys.executable, "build.py", "build", "--out", str(out)], cwd=changed,
                          env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return serve(out)


@pytest.fixture(scope="module")
def changed_page(browser: Browser, changed_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(changed_url + "?strategy=last")
    page.wait_for_selector("body[data-status=ready]")
    yield page
    context.close()


@pytest.mark.browser
def test_a_registered_strategy_reaches_every_menu_the_url_and_the_browser(changed, changed_page):
    page = changed_page
    menus = page.eval_on_selector_all(
        'select[data-setting="decode.strategy"]',
        "ss => ss.map(s => ({id: s.id, options: [...s.options].map(o => [o.value, o.title])}))")
    assert {m["id"] for m in menus} == {"denoise-strategy", "conf-pick"}
    for m in menus:
        assert ["last", "the last hidden position each pass, right to left (a test-only "
                "strategy)"] in m["options"], m["id"]
    assert page.input_value("#denoise-strategy") == "last"  # the URL's value was accepted
    assert page.locator('#lab-grid [data-strategy="last"]').count() == 1  # the lab shows it

    page.click("#denoise-run")  # the first press decodes with seed 1
    page.wait_for_function("() => document.querySelector('#denoise-frame').dataset.tokens"
                           " !== undefined && window.pytoy.sections.denoise.shown.strategy"
                           " === 'last'")
    shown = page.evaluate("() => window.pytoy.sections.denoise.shown")
    want = json.loads(python_in(changed, (
        "import json; from pytoy import api\n"
        "api.load('m', open('data/checkpoints/names.json').read())\n"
        "print(json.dumps(api.sample('m', 1, {'strategy': 'last', 'seed': 1})[0]))")))
    assert shown == want
    # right to left: each pass commits the rightmost hidden position
    assert [s["committed"] for s in want["passes"]] == [[6], [5], [4], [3], [2], [1], [0]]
    help_text = cli_in(changed, "sample", "--help").stdout
    assert "last" in help_text


@pytest.mark.browser
def test_a_changed_default_and_bound_reach_the_controls_the_url_and_the_cli(changed, changed_page,
                                                                          changed_url, browser):
    page = changed_page
    for sel in ("#denoise-temperature", "#lab-temperature"):
        assert page.get_attribute(sel, "max") == "5"
    assert page.input_value("#lab-temperature") == "0.6"
    context = browser.new_context()
    try:
        other = context.new_page()
        other.set_default_timeout(WAIT_MS)
        other.goto(changed_url + "?temperature=99")
        other.wait_for_selector("#denoise-frame[data-tokens]", state="attached")
        assert other.input_value("#denoise-temperature") == "5"  # clamped to the new bound
        other.goto(changed_url)
        other.wait_for_selector("#denoise-frame[data-tokens]", state="attached")
        assert other.input_value("#denoise-temperature") == "0.6"  # the new default...
        assert other.evaluate("() => location.search") == ""  # ...which a plain URL leaves out
    finally:
        context.close()
    got = python_in(changed, "from pytoy.cli import parser\n"
                             "print(parser().parse_args(['sample', 'm.json']).temperature)")
    assert got.strip() == "0.6"
    refused = cli_in(changed, "sample", "m.json", "--temperature", "7")
    assert refused.returncode == 2 and "--temperature must be between 0 and 5" in refused.stderr
