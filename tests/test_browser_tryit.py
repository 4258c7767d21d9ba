"""Every "Try this" prompt of the page, performed in a real browser and checked.

Each prompt of site/tries.toml is done as a reader would do it: its steps go through the
page's own controls (a click, a typed value, a slider, a menu), on one page of the built site
booted once for all of them, in the table's order, against the shipped checkpoints, with the
seeds the prompt names. Every expectation is then waited for and compared with the facts pytoy
computed under CPython for that prompt (buildtools/try_facts.py, which also checked the
promise), or with what the page showed a step earlier. So a prompt that stops being true, or a
page that stops doing what the prompt says, fails here.
"""

from __future__ import annotations

import html
import json
import math
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from buildtools import REPO, sections, tries
from tests.conftest import WAIT_MS, Recorded

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SITE = REPO / "site"
TABLE = sections.load(SITE, REPO)
SCENARIOS = tries.load(SITE, [s.id for s in TABLE.sections])
POLL_S = 0.1


@pytest.fixture(scope="module")
def facts() -> dict[str, dict[str, Any]]:
    """Every prompt's facts: pytoy under CPython on the shipped checkpoints."""
    return tries.all_facts(SITE, [s.id for s in TABLE.sections], TABLE.models)


@pytest.fixture(scope="module", autouse=True)
def timed(app: Recorded) -> Iterator[None]:
    """Say how long the prompts took once the page had booted (--durations shows the boot)."""
    start = time.monotonic()
    yield
    print(f"\ntest_browser_tryit: {len(SCENARIOS)} prompts and their answers in "
          f"{time.monotonic() - start:.1f} s on one booted page")


# Pyodide's NumPy has no BLAS: its sums may differ from CPython's in the last bits (as in
# test_browser_runtime), so numbers match to this unless a step says `within`.
TOLERANCE = 1e-9


def same(got: Any, want: Any, within: float = TOLERANCE) -> bool:
    """Equal as JSON data, numbers to within ``within`` (absolute or relative)."""
    if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
        return math.isclose(got, want, rel_tol=within, abs_tol=within)
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(
            same(g, w, within) for g, w in zip(got, want, strict=True))
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k], within) for k in want)
    return type(got) is type(want) and got == want


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 400 else text[:400] + " …"


def evaluate(page: Page, js: str) -> Any:
    """The value of a js expression in the page (awaited if it is a promise), as JSON data."""
    return json.loads(page.evaluate(f"async () => JSON.stringify(await ({js}) ?? null)"))


def until(page: Page, js: str, holds: Any, what: str) -> Any:
    """Poll js until holds(value); fail saying what was expected and what was seen last."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        try:
            value = evaluate(page, js)
        except Exception as e:  # e.g. a section not drawn yet: try again
            value = f"<{type(e).__name__}: {e}>"
        else:
            if holds(value):
                return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what}\n  js: {js}\n  last seen: {short(value)}")
        time.sleep(POLL_S)


def enabled(page: Page, selector: str) -> None:
    """A reader cannot move a disabled control: wait until it is usable."""
    page.wait_for_function("s => { const n = document.querySelector(s); return n && !n.disabled; }",
                           arg=selector)


def perform(page: Page, step: dict[str, Any], facts: dict[str, Any],
            seen: dict[str, Any], where: str) -> None:
    """One step of a prompt: an action on a control, a wait, or an expectation."""
    if "click" in step:
        for _ in range(int(step.get("times", 1))):
            page.click(step["click"])
    elif "fill" in step:
        page.fill(step["fill"], str(step["value"]))
        page.dispatch_event(step["fill"], "change")  # as leaving the box does
    elif "set" in step:
        enabled(page, step["set"])
        page.eval_on_selector(step["set"], """(n, v) => {
            n.value = v === 'max' ? n.max : v;
            n.dispatchEvent(new Event('input', {bubbles: true}));
            n.dispatchEvent(new Event('change', {bubbles: true}));
        }""", str(step["value"]))
    elif "select" in step:
        page.select_option(step["select"], str(step["value"]))
    elif "check" in step:
        page.check(step["check"])
    elif "uncheck" in step:
        page.uncheck(step["uncheck"])
    elif "edit" in step:
        text = page.input_value(step["edit"])
        assert text.count(step["find"]) == 1, f"{where}: {step['find']!r} is not in the editor once"
        page.fill(step["edit"], text.replace(step["find"], step["replace"]))
    elif "wait" in step:
        until(page, step["wait"], bool, f"{where}: waited for {step['wait']}")
    elif "observe" in step:
        seen[step["as"]] = evaluate(page, step["observe"])
    else:
        expect(page, step, facts, seen, where)


def expect(page: Page, step: dict[str, Any], facts: dict[str, Any], seen: dict[str, Any],
           where: str) -> None:
    """Wait until the page shows what the step expects; fail naming it and the last seen."""
    why = f"{where}: {step.get('why', 'the page shows what the prompt promises')}"
    within = float(step.get("within", TOLERANCE))
    kind = next(k for k in tries.EXPECTATIONS if k in step)
    if kind == "is":
        want = step["is"]
    elif kind == "same_as":
        want = seen[step["same_as"]]
    else:
        want = tries.lookup(facts, step[kind], where)

    def holds(value: Any) -> bool:
        if kind == "contains":
            return isinstance(value, str | list) and want in value
        if kind == "matches":
            return isinstance(value, str) and re.fullmatch(want, value) is not None
        return same(value, want, within)

    until(page, step["expect"], holds, f"{why} ({kind} {step[kind]!r}: {short(want)})")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_a_prompt_does_what_it_says(app: Recorded, facts: dict, scenario: tries.Scenario
                                    ) -> None:
    page = app.page
    own = facts[scenario.id]
    seen: dict[str, Any] = {}
    page.locator(f"#try-{scenario.id}").scroll_into_view_if_needed()  # the reader is there
    for n, step in enumerate(tries.step_values(scenario, own), start=1):
        perform(page, step, own, seen, f"try {scenario.id}, step {n}")


def answer_text(s: tries.Scenario, facts: dict[str, Any]) -> str:
    """The words a prompt's answer shows: its HTML from the facts, refs numbered, tags gone."""
    inner = tries.render(s, facts).answer
    inner = re.sub(r"\{ref:([a-z-]+)\}", lambda m: sections_numbers()[m.group(1)], inner)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split())


def sections_numbers() -> dict[str, str]:
    return {s.id: s.number for s in TABLE.sections}


def test_every_answer_is_folded_and_opens_to_what_pytoy_computed(app: Recorded, facts: dict
                                                                 ) -> None:
    page = app.page
    for s in SCENARIOS:
        answer = f"details.try-answer[data-try='{s.id}']"
        assert page.get_attribute(answer, "open") is None, s.id  # folded until asked
        page.click(f"{answer} summary")
        assert page.get_attribute(answer, "open") == "", s.id
        assert " ".join(page.text_content(f"{answer} p").split()) == answer_text(s, facts[s.id])
        page.click(f"{answer} summary")


def test_the_page_stayed_clean(app: Recorded, site_url: str) -> None:
    app.assert_clean(site_url)
