"""Section IV's classroom tools in a real browser: download the model and import it back,
through the command line in between; the loss history as CSV; damaged and mismatched files
refused with the model left as it was; training on the reader's own names, each validation
error, persistence across a reload, and the way back to the shipped list.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import MORE, REPO, Recorded, ready_page, train_more

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

OWN = "anna\nbella\ncara\ndora\nelena\nfrida\n"


@pytest.fixture(scope="module")
def app(browser: Browser, site_url: str) -> Iterator[Recorded]:
    with ready_page(browser, site_url + "#train") as rec:
        yield rec


def samples(page: Page, seed: int, n: int = 4) -> list[str]:
    out = page.evaluate(
        "([seed, n]) => pytoy.client.call('sample', {name: 'names', n, decode: {seed}})", [seed, n]
    )
    return [t["text"] for t in out]


def cli_samples(path: Path, seed: int, n: int = 4) -> list[str]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytoy",
            "sample",
            str(path),
            "-n",
            str(n),
            "--seed",
            str(seed),
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return [t["text"] for t in json.loads(out.stdout)["timelines"]]


def idle(page: Page) -> None:
    page.wait_for_function("() => !document.querySelector('#train-start').disabled")


def import_file(page: Page, path: Path) -> str:
    page.eval_on_selector("#train-message", "n => { n.textContent = ''; }")  # no stale reply
    page.set_input_files("#train-import", str(path))
    page.wait_for_function(
        "() => /^(Imported|Not imported)/"
        ".test(document.querySelector('#train-message').textContent)"
    )
    idle(page)
    return page.text_content("#train-message")


def test_checkpoint_round_trip_browser_cli_browser(app: Recorded, tmp_path: Path) -> None:
    page = app.page
    train_more(page)
    idle(page)
    before = samples(page, seed=11)
    with page.expect_download() as info:
        page.click("#train-export")
    path = tmp_path / "from-browser.json"
    info.value.save_as(path)
    assert len(json.loads(path.read_text())["history"]["loss"]) == MORE
    # the command line samples exactly what the page samples
    assert cli_samples(path, seed=11) == before
    # a different model in between, then the file back in: the same samples again
    page.click("#train-reset")
    idle(page)
    assert samples(page, seed=11) != before
    assert import_file(page, path).startswith("Imported")
    assert page.get_attribute("#train", "data-step") == str(MORE)
    assert samples(page, seed=11) == before


def test_a_checkpoint_trained_by_the_cli_imports(app: Recorded, tmp_path: Path) -> None:
    page = app.page
    path = tmp_path / "cli.json"
    subprocess.run(
        [sys.executable, "-m", "pytoy", "train", "names", "--steps", "300", "--out", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert import_file(page, path).startswith("Imported")
    assert page.get_attribute("#train", "data-step") == "300"
    assert samples(page, seed=3) == cli_samples(path, seed=3)


def test_the_loss_history_downloads_as_csv(app: Recorded, tmp_path: Path) -> None:
    page = app.page
    with page.expect_download() as info:
        page.click("#train-csv")
    path = tmp_path / "loss.csv"
    info.value.save_as(path)
    lines = path.read_text().splitlines()
    history = page.evaluate("() => pytoy.client.call('history', {name: 'names'})")
    assert lines[0] == "step,loss"
    assert len(lines) == len(history) + 1
    assert [float(ln.split(",")[1]) for ln in lines[1:]] == history
    assert [int(ln.split(",")[0]) for ln in lines[1:]] == list(range(1, len(history) + 1))


def damaged(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Damaged or mismatched files, each with the exact reason the page must give."""
    good = (REPO / "data" / "checkpoints" / "names.json").read_text()
    d = json.loads(good)
    wrong_shape = json.loads(good)
    wrong_shape["config"]["hidden"] = 64
    cut = good.index('"params"')  # the file ends in the ',' before its weights
    files = {
        "truncated": (
            good[:cut],
            "not a checkpoint: the file is not JSON (Expecting property name enclosed in double"
            f" quotes at line 1, column {cut + 1})",
        ),
        "not json": (
            "hello",
            "not a checkpoint: the file is not JSON (Expecting value at line 1, column 1)",
        ),
        # w1 takes 7 positions × 8 embedding numbers + the noise level t = 57 inputs
        "wrong shapes": (
            json.dumps(wrong_shape),
            "weight w1 has shape [57, 128], the config needs [57, 64]",
        ),
        "a translator": (
            (REPO / "data" / "checkpoints" / "translate.json").read_text(),
            "this checkpoint's task is translate; this section needs names",
        ),
        "an AR model": (
            (REPO / "data" / "checkpoints" / "names-ar.json").read_text(),
            "this checkpoint's kind of model is ar; this section needs diffusion",
        ),
        "empty object": ("{}", "not a pytoy checkpoint (missing format marker)"),
        "no weights": (
            json.dumps({k: v for k, v in d.items() if k != "params"}),
            "malformed checkpoint: KeyError: 'params'",
        ),
    }
    out = {}
    for name, (text, reason) in files.items():
        path = tmp_path / f"{name.replace(' ', '-')}.json"
        path.write_text(text)
        out[name] = (path, reason)
    return out


def test_a_damaged_or_mismatched_file_leaves_the_model_as_it_was(
    app: Recorded, tmp_path: Path
) -> None:
    page = app.page
    step = page.get_attribute("#train", "data-step")
    before = samples(page, seed=21)
    for name, (path, reason) in damaged(tmp_path).items():
        message = import_file(page, path)
        assert message == f"Not imported: {reason}. Your model is unchanged.", name
        assert page.get_attribute("#train", "data-step") == step, name
        assert samples(page, seed=21) == before, name


# --- your own names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("solo", "at least 2"),
        ("", "no words"),
        ("anna\nbella\nx1", "line 3: '1'"),
        ("anna\n😀ok", "line 2: '😀'"),
        ("anna\n<img src=x onerror=alert(1)>", "line 2"),
        ("anna\nbellabellabellabella", "line 2: 'bellabellabellabella' has 20"),
        ("anna\nbe>lla", "line 2: character '>'"),
        ("anna\nbe?la", "line 2: character '?'"),
    ],
)
def test_own_names_are_checked_with_a_message_naming_the_line(
    app: Recorded, text: str, words: str
) -> None:
    page = app.page
    page.eval_on_selector("#own-names", "d => d.open = true")
    step = page.get_attribute("#train", "data-step")
    page.fill("#own-names-text", text)
    page.click("#own-names-use")
    page.wait_for_selector("#own-names-message.error")
    assert words in page.text_content("#own-names-message")
    assert page.get_attribute("#train", "data-step") == step  # nothing was reset
    assert page.locator("img[src=x]").count() == 0
    page.eval_on_selector("#own-names-message", "n => { n.className = 'message'; }")


def test_train_on_own_names_then_reload_then_back_to_the_shipped_list(
    browser: Browser, site_url: str
) -> None:
    with ready_page(browser, site_url + "#train") as rec:
        page = rec.page
        page.eval_on_selector("#own-names", "d => d.open = true")
        page.fill("#own-names-text", OWN)
        page.click("#own-names-use")
        page.wait_for_selector("#train[data-dataset=own]")
        info = page.evaluate("() => pytoy.client.call('info', {name: 'names'})")
        assert sorted(info["train_items"]) == sorted(OWN.split())
        assert info["layout"]["a_len"] == 5  # the longest name, not the shipped 7
        assert page.text_content("#n-names") == "6"
        train_more(page)
        idle(page)
        letters = set("".join(OWN.split()))
        assert all(set(name) <= letters for name in samples(page, seed=1, n=8))

        page.reload()
        page.wait_for_selector("body[data-status=ready]")
        assert page.get_attribute("#train", "data-dataset") == "own"
        assert page.get_attribute("#train", "data-step") == str(MORE)
        assert page.input_value("#own-names-text") == OWN

        page.eval_on_selector("#own-names", "d => d.open = true")
        page.click("#own-names-default")
        page.wait_for_selector("#train[data-dataset=shipped]")
        idle(page)
        info = page.evaluate("() => pytoy.client.call('info', {name: 'names'})")
        assert len(info["train_items"]) == 40 and info["step"] == 0
        rec.assert_clean(site_url)


def test_a_long_class_model_reloads_at_its_step_from_its_bounded_copy(
    browser: Browser, site_url: str, tmp_path: Path
) -> None:
    """The copy kept in this browser holds the latest STORED_STEPS losses and the step count
    (checkpoints.js `bounded`): reloaded, the model is at its real step, trains on, is saved
    bounded again, and its CSV numbers the losses it holds from the right step."""
    with ready_page(browser, site_url + "#train") as rec:
        page = rec.page
        idle(page)
        keep = page.evaluate("""async () => {
          const { bounded, STORED_STEPS } = await import("./js/checkpoints.js");
          const c = await pytoy.client.call("export", {name: "names"});
          const n = STORED_STEPS + 60;  // as if trained 25,000 steps and more
          c.history = {loss: Array.from({length: n}, (_, i) => 3 - i / n), steps: 25_000 + n};
          localStorage.setItem("pytoy:model:names", JSON.stringify(bounded(c)));
          return STORED_STEPS;
        }""")
        page.reload()
        page.wait_for_selector("body[data-status=ready]")
        step = 25_000 + keep + 60
        assert page.get_attribute("#train", "data-step") == str(step)
        train_more(page)
        page.wait_for_function("() => /^Saved/.test(document.querySelector('#train-saved')"
                               ".textContent)")
        assert f"latest {keep:,} steps" in page.text_content("#train-saved")
        stored = page.evaluate("() => JSON.parse(localStorage.getItem('pytoy:model:names'))"
                               ".history")
        assert stored["steps"] == step + MORE and len(stored["loss"]) == keep
        with page.expect_download() as info:
            page.click("#train-csv")
        path = tmp_path / "loss.csv"
        info.value.save_as(path)
        rows = path.read_text().splitlines()[1:]
        assert len(rows) == keep + MORE  # what the worker holds: the kept losses, then trained
        first, last = int(rows[0].split(",")[0]), int(rows[-1].split(",")[0])
        assert (first, last) == (step - keep + 1, step + MORE)
        page.evaluate("() => localStorage.clear()")
        rec.assert_clean(site_url)


def test_the_page_stayed_clean(app: Recorded, site_url: str) -> None:
    app.assert_clean(site_url)


def test_a_timeline_and_the_translator_download(app: Recorded, tmp_path: Path) -> None:
    page = app.page
    page.evaluate("() => { window.__before = pytoy.sections.denoise.shown; }")
    page.click("#denoise-run")
    page.wait_for_function("() => pytoy.sections.denoise.shown !== window.__before")
    shown = page.evaluate("() => pytoy.sections.denoise.shown")
    with page.expect_download() as info:
        page.click("#denoise-download")
    info.value.save_as(tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text()) == shown
    with page.expect_download() as info:
        page.click("#translate-export")
    info.value.save_as(tmp_path / "tr.json")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytoy",
            "translate",
            str(tmp_path / "tr.json"),
            "water",
            "--temperature",
            "0",
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["timelines"][0]["text"] == "paani"


PAIRS = "sun>suraj\nmoon>chaand\nstar>taara\nsky>aasmaan\n"


def test_own_pairs_train_a_translator_and_errors_name_the_line(
    browser: Browser, site_url: str
) -> None:
    with ready_page(browser, site_url + "#translate") as rec:
        page = rec.page
        page.eval_on_selector("#own-pairs", "d => d.open = true")
        for text, words in (
            ("hello", "line 1: expected one 'english>hindi' pair"),
            ("sun>suraj", "at least 2"),
            ("sun>suraj\nmoon>ch4and", "line 2: '4'"),
        ):
            page.fill("#own-pairs-text", text)
            page.click("#own-pairs-use")
            page.wait_for_function(
                "w => document.querySelector('#own-pairs-message').textContent.includes(w)",
                arg=words,
            )
            assert page.get_attribute("#translate", "data-model") in (None, "translate")
        page.fill("#own-pairs-text", PAIRS)
        page.click("#own-pairs-use")
        page.wait_for_selector("#translate[data-model=translate-mine]", timeout=300_000)
        info = page.evaluate("() => pytoy.client.call('info', {name: 'translate-mine'})")
        assert sorted(info["train_items"]) == sorted(PAIRS.split())
        assert info["layout"]["a_len"] == 7  # the longest answer, aasmaan
        page.click("#translate-check")
        page.wait_for_selector("#translate[data-score]")
        assert page.get_attribute("#translate", "data-score") == "4/4"
        page.fill("#translate-word", "star")
        page.click("#translate-run")
        page.wait_for_function(
            "() => document.querySelector('#translate-timeline').dataset.text === 'taara'"
        )
        page.click("#own-pairs-default")
        assert page.get_attribute("#translate", "data-model") == "translate"
        assert page.get_attribute("#translate", "data-dataset") == "shipped"
        rec.assert_clean(site_url)
