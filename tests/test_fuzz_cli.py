"""Fuzzing the CLI in-process: any text, number or file gives a result or a one-line
error (exit 2) — never an uncaught exception."""

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytoy import api, cli

TEXT = st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x1FAFF,
                                      exclude_categories=("Cs",)),
               max_size=40)
WORDISH = st.one_of(TEXT, st.text(string.ascii_lowercase + "?_> ", max_size=20),
                    st.sampled_from(["", " ", "<img src=x onerror=alert(1)>", "a" * 500, "🙂",
                                     "NaN", "-1", "1e309", "rahul", "r??ul", "?" * 7]))
NUMBER = st.one_of(st.integers(-10**12, 10**12).map(str),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr),
                   st.sampled_from(["nan", "inf", "-inf", "", "1e-400", "0x10", "abc"]))
SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    for task in ("names", "translate"):
        api.create("fz", task)
        api.train_chunk("fz", 50)
        (d / f"{task}.json").write_text(json.dumps(api.export("fz")))
    return d


def call(argv, capsys) -> int:
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as e:  # argparse's own exits (usage errors) are fine: code 2
        code = e.code
    out = capsys.readouterr()
    assert code in (0, 2), (argv, out.err)
    if code == 2:
        assert out.err.startswith("error: ") and "Traceback" not in out.err, out.err
    return code


@SETTINGS
@given(template=WORDISH, temperature=NUMBER, steps=NUMBER)
def test_sample_never_crashes(models, capsys, template, temperature, steps):
    call(["sample", models / "names.json", "-n", 2, "--template", template, "--temperature",
          temperature, "--steps", steps], capsys)


@SETTINGS
@given(words=st.lists(WORDISH, min_size=1, max_size=3), strategy=st.one_of(
    st.sampled_from(["random", "confidence", "threshold", "blocks", "remask", "ar"]), TEXT),
    tau=NUMBER)
def test_translate_never_crashes(models, capsys, words, strategy, tau):
    call(["translate", models / "translate.json", *words, "--strategy", strategy, "--tau", tau],
         capsys)


@SETTINGS
@given(content=st.one_of(TEXT, st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
                         st.just('{"format": "pytoy-checkpoint", "version": 1}')))
def test_malformed_checkpoint_files_never_crash(models, capsys, tmp_path_factory, content):
    f = tmp_path_factory.mktemp("ck") / "m.json"
    f.write_text(content, encoding="utf-8", errors="surrogatepass")
    assert call(["sample", f], capsys) == 2


@SETTINGS
@given(lines=st.lists(WORDISH, min_size=0, max_size=6), task=st.sampled_from(
    ["names", "translate"]), lr=NUMBER)
def test_training_data_files_never_crash(capsys, tmp_path_factory, lines, task, lr):
    d = tmp_path_factory.mktemp("data")
    (d / "data.txt").write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    call(["train", task, "--data", d / "data.txt", "--steps", 3, "--lr", lr, "--out",
          d / "out.json"], capsys)
