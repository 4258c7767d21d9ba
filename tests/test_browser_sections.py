"""Sections as data, in the browser: one section alone (?section=<id>), live, as an author
embeds it; an unknown id; and a build whose table has two sections swapped.

Oracles: each section's main control gives what CPython's pytoy gives for the same call; the
reordered build's headings, table of contents and presenter follow the edited table.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from buildtools import REPO, default_cache, sections
from pytoy import api
from pytoy.defaults import default
from tests.conftest import open_recorded, ready_page

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

CKPT = REPO / "data" / "checkpoints"
# What a third-party iframe may meet: storage refused outright.
NO_STORAGE = ("Object.defineProperty(window, 'localStorage', "
              "{get() { throw new DOMException('denied', 'SecurityError'); }});")


@pytest.fixture(scope="module")
def cpython() -> Iterator[None]:
    """The shipped checkpoints, loaded under CPython under the names the page uses."""
    for name, file in sections.load(REPO / "site").models.items():
        api.load(name, (REPO / file).read_text(encoding="utf-8"))
    yield


def only_sections(page: Page) -> list[str]:
    return page.eval_on_selector_all("main > section", "ns => ns.map(n => n.id)")


def fresh(page: Page, sid: str, act: Callable[[], None]) -> None:
    """Do `act` and wait until the section shows something new."""
    page.evaluate("id => { window.__before = pytoy.sections[id].shown; }", sid)
    act()
    page.wait_for_function("id => pytoy.sections[id].shown !== window.__before", arg=sid)


def assert_same_timeline(got: dict, want: dict) -> None:
    assert got["text"] == want["text"]
    assert [p["tokens"] for p in got["passes"]] == [p["tokens"] for p in want["passes"]]
    for g, w in zip(got["passes"], want["passes"], strict=True):
        assert g["confidence"] == pytest.approx(w["confidence"], abs=1e-9)


def test_denoise_alone_in_a_foreign_iframe_without_storage(
    browser: Browser, site_url: str, serve: Callable[..., str], tmp_path: Path, cpython: None
) -> None:
    """An author's page on another origin embeds section V; storage is refused there."""
    host = tmp_path / "host"
    host.mkdir()
    embed = f"{site_url}?section=denoise"
    (host / "index.html").write_text(
        '<!doctype html><title>a blog</title><link rel="icon" href="data:,">'
        f'<iframe src="{embed}" width="900" height="1200"></iframe>', encoding="utf-8")
    host_url = serve(host).replace("127.0.0.1", "localhost")  # another origin: a third party
    rec, context = open_recorded(browser, host_url, init_script=NO_STORAGE)
    try:
        frame = rec.page.frame_locator("iframe")
        frame.locator("body[data-status=ready]").wait_for()
        inner = next(f for f in rec.page.frames if f.url.startswith(embed))
        assert only_sections(inner) == ["denoise"]
        assert inner.evaluate("() => Object.keys(pytoy.sections)") == ["denoise"]
        link = inner.get_attribute("#alone-note a", "href")
        assert link.endswith("/#denoise") and "section=" not in link
        assert inner.evaluate("() => { try { localStorage; return 'allowed'; }"
                              " catch (e) { return e.name; } }") == "SecurityError"
        fresh(inner, "denoise", lambda: inner.click("#denoise-run"))
        got = inner.evaluate("() => pytoy.sections.denoise.shown")
        decode = {k: default("decode", k) for k in ("strategy", "steps", "temperature")}
        want = api.sample("shipped", 1, {**decode, "seed": 1})[0]
        assert_same_timeline(got, want)
        # a setting changed in the embed still reaches the sampler; only persistence is lost
        inner.fill("#denoise-temperature", "0.3")
        inner.dispatch_event("#denoise-temperature", "change")
        fresh(inner, "denoise", lambda: inner.click("#denoise-run"))
        got = inner.evaluate("() => pytoy.sections.denoise.shown")
        assert_same_timeline(got, api.sample("shipped", 1, {**decode, "temperature": 0.3,
                                                            "seed": 2})[0])
        assert rec.page_errors == []
        assert rec.console_errors == []
    finally:
        context.close()


def test_translate_and_corrupt_alone_give_cpythons_results(
    browser: Browser, site_url: str, cpython: None
) -> None:
    with ready_page(browser, f"{site_url}?section=translate") as rec:
        page = rec.page
        assert only_sections(page) == ["translate"]
        assert page.title().startswith("From words to answers")
        page.fill("#translate-word", "water")
        fresh(page, "translate", lambda: page.click("#translate-run"))
        got = page.evaluate("() => pytoy.sections.translate.shown")
        assert_same_timeline(got, api.translate("translate", ["water"], {"temperature": 0})[0])
        rec.assert_clean(site_url)

    with ready_page(browser, f"{site_url}?section=corrupt") as rec:
        page = rec.page
        assert only_sections(page) == ["corrupt"]
        page.eval_on_selector("#corrupt-t", "n => { n.value = '0.6';"
                              " n.dispatchEvent(new Event('input')); }")
        want = api.corrupt_word("shipped", "rahul", 0.6, 0)
        page.wait_for_function("m => pytoy.sections.corrupt.shown.expected_masked === m",
                               arg=want["expected_masked"])
        assert page.evaluate("() => pytoy.sections.corrupt.shown") == want
        rec.assert_clean(site_url)


def test_an_unknown_section_says_so_and_offers_the_others(
    browser: Browser, site_url: str
) -> None:
    rec, context = open_recorded(browser, f"{site_url}?section=nowhere")
    try:
        page = rec.page
        page.wait_for_selector("body[data-status=unknown-section]")
        message = page.text_content("#section-unknown")
        assert "no section “nowhere”" in message and "the whole article" in message
        assert only_sections(page) == []
        assert page.is_visible(".toc")
        links = page.eval_on_selector_all(".toc a", "as => as.map(a => a.href)")
        ids = [s.id for s in sections.load(REPO / "site").sections]
        assert [link.split("section=")[1] for link in links] == ids
        page.click(".toc a >> nth=4")  # the fifth entry opens that section alone
        page.wait_for_selector("body[data-alone=denoise]")
        assert only_sections(page) == ["denoise"]
    finally:
        context.close()


def test_a_build_with_two_sections_swapped_follows_the_table(
    browser: Browser, serve: Callable[..., str], tmp_path: Path
) -> None:
    """train and denoise change places in a copy of the table; the built page follows."""
    from buildtools.site import build

    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("pytoy", "data", "pyproject.toml"):
        (repo / name).symlink_to(REPO / name)
    shutil.copytree(REPO / "site", repo / "site")
    table = repo / "site" / "sections.toml"
    blocks = table.read_text(encoding="utf-8").split("[[section]]\n")
    i, j = (next(k for k, b in enumerate(blocks) if b.startswith(f'id = "{x}"'))
            for x in ("train", "denoise"))
    blocks[i], blocks[j] = blocks[j], blocks[i]
    table.write_text("[[section]]\n".join(blocks), encoding="utf-8")
    out = tmp_path / "site"
    build(out, default_cache(), repo=repo, log=lambda _: None, single=False)

    rec, context = open_recorded(browser, serve(out))
    try:
        page = rec.page
        page.wait_for_function("() => window.pytoy?.presenter")
        heads = page.eval_on_selector_all(
            "main > section h2 .num",
            "ns => ns.map(n => n.closest('section').id + ' ' + n.textContent)")
        assert heads[3:5] == ["denoise IV", "train V"]
        toc = page.eval_on_selector_all(".toc a", "as => as.map(a => a.hash)")
        assert toc[3:5] == ["#denoise", "#train"]
        # the presenter steps the timelines in the new order: denoise now before strategies
        order = page.evaluate("() => pytoy.presenter.timelines.map(m => m.row.id)")
        assert order == ["reveal", "denoise", "strategies", "race"]
        keys = page.text_content("#help-keys")
        assert "train, or pause a run, in the section on screen (V, IX)" in keys
        assert "(I, IV, VI, VIII)" in keys
        assert page.text_content("#reveal-model option[value=names]") == "yours (section V)"
    finally:
        context.close()
