"""pytoy.dispatch, called as site/js/worker.js calls it: JSON text in, JSON text out.

The oracle for every result is pytoy.api called directly with the same arguments; for
errors, the shape worker.js turns into a PythonError (``{ok: false, error: {type, message,
detail?}}``), with the detail (a traceback) only for what is not the reader's mistake.
"""

from __future__ import annotations

import json
import math
import platform
import re
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtools.wheel import build_wheel
from pytoy import api, dispatch

REPO = Path(__file__).resolve().parent.parent
NAMES = ["rahul", "priya", "arjun", "meera", "kavya"]


def _no_constants(name: str) -> None:
    raise AssertionError(f"the reply holds {name}, which JSON.parse refuses")


def raw(fn: Any, payload: str) -> dict[str, Any]:
    """The reply as JSON.parse would read it (NaN or Infinity in it fail the test)."""
    reply = dispatch.call(fn, payload)
    assert isinstance(reply, str)
    return json.loads(reply, parse_constant=_no_constants)


def worker_call(fn: str, args: Any = None) -> dict[str, Any]:
    """What jsonCaller in worker.js does: JSON.stringify(args ?? {}), then JSON.parse."""
    return raw(fn, json.dumps({} if args is None else args))


def result(fn: str, args: Any = None) -> Any:
    reply = worker_call(fn, args)
    assert reply["ok"] is True, reply
    assert set(reply) == {"ok", "result"}
    return reply["result"]


def error(fn: Any, payload: str) -> dict[str, str]:
    reply = raw(fn, payload)
    assert reply["ok"] is False
    assert set(reply) == {"ok", "error"}
    err = reply["error"]
    assert set(err) <= {"type", "message", "detail"} and {"type", "message"} <= set(err)
    assert isinstance(err["type"], str) and isinstance(err["message"], str)
    assert err["message"] and "\n" not in err["message"]  # one line, for the reader
    return err


def untimed(report: dict[str, Any]) -> dict[str, Any]:
    """A training report without its wall-clock figures."""
    return {k: v for k, v in report.items() if k not in ("elapsed", "examples_per_s")}


# --- results: the same as pytoy.api's ---------------------------------------------------------


def test_defaults_are_the_api_table() -> None:
    assert result("defaults") == api.defaults()


def test_create_train_sample_translate_match_the_api_exactly() -> None:
    text = "\n".join(NAMES)
    got = result("create", {"name": "d-names", "text": text})
    assert got == {**api.create("a-names", text=text), "name": "d-names"}
    got = result("train_chunk", {"name": "d-names", "steps": 25})
    want = api.train_chunk("a-names", 25)
    assert untimed(got) == untimed(want)  # every loss bit for bit: floats cross exactly
    assert got["losses"] == want["losses"] and len(got["losses"]) == 25
    decode = {"seed": 3, "temperature": 0.7}
    assert result("sample", {"name": "d-names", "n": 3, "decode": decode}) == api.sample(
        "a-names", 3, decode=decode)
    assert result("history", {"name": "d-names"}) == api.history("a-names")

    pairs = "hello>namaste\nwater>paani\nyes>haan"
    result("create", {"name": "d-tr", "task": "translate", "text": pairs})
    api.create("a-tr", "translate", text=pairs)
    result("train_chunk", {"name": "d-tr", "steps": 10})
    api.train_chunk("a-tr", 10)
    args = {"name": "d-tr", "words": ["hello", "yes"], "decode": {"temperature": 0}}
    assert result("translate", args) == api.translate("a-tr", ["hello", "yes"],
                                                      {"temperature": 0})


def test_an_array_payload_is_positional() -> None:
    result("create", ["d-pos", "names", "diffusion", "\n".join(NAMES)])
    api.create("a-pos", "names", "diffusion", "\n".join(NAMES))
    assert result("corrupt_word", ["d-pos", "rahul", 0.5, 7]) == api.corrupt_word(
        "a-pos", "rahul", 0.5, 7)


def test_an_empty_payload_means_no_arguments() -> None:
    reply = raw("defaults", "")
    assert reply == {"ok": True, "result": api.defaults()}


def test_floats_cross_exactly_numpy_becomes_json_and_nan_becomes_null(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = [0.1 + 0.2, 1e-310, -0.0, 2.0**-1074, 1.7976931348623157e308]

    def probe() -> dict[str, Any]:
        return {"floats": values, "np_float": np.float64(0.1), "np_int": np.int64(7),
                "array": np.arange(3), "matrix": np.eye(2, dtype=np.float32),
                "bad": [math.nan, math.inf, -math.inf], "nested": {"x": (np.nan, 1.5)}}

    probe.__module__ = api.__name__  # as if pytoy.api defined it: dispatch only reaches those
    monkeypatch.setattr(api, "probe", probe, raising=False)
    got = result("probe")
    assert got["floats"] == values
    assert math.copysign(1.0, got["floats"][2]) == -1.0
    assert got["np_float"] == 0.1 and got["np_int"] == 7
    assert got["array"] == [0, 1, 2] and got["matrix"] == [[1.0, 0.0], [0.0, 1.0]]
    assert got["bad"] == [None, None, None]
    assert got["nested"] == {"x": [None, 1.5]}


def test_runtime_info_names_this_python_numpy_and_pytoy() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert json.loads(dispatch.runtime_info()) == {
        "python": platform.python_version(), "numpy": np.__version__,
        "pytoy": project["version"]}


# --- bad input: the error shape worker.js expects -------------------------------------------


@pytest.mark.parametrize("fn", ["nope", "_session", "_sessions", "corrupt", "json", "Session",
                                "DEFAULTS", "", "__init__"])
def test_only_functions_defined_in_pytoy_api_are_reachable(fn: str) -> None:
    err = error(fn, "{}")
    assert err == {"type": "ValueError", "message": f"pytoy.api has no function {fn!r}"}


@pytest.mark.parametrize("fn", [None, 5, ["defaults"]])
def test_a_method_name_that_is_not_a_string_is_refused(fn: Any) -> None:
    err = error(fn, "{}")
    assert err == {"type": "ValueError", "message": f"pytoy.api has no function {fn!r}"}


def test_a_reader_mistake_is_one_line_without_a_traceback() -> None:
    err = error("sample", json.dumps({"name": "nobody-by-this-name"}))
    # KeyError's own str() would add quotes around the message
    assert err == {"type": "KeyError",
                   "message": "no model named 'nobody-by-this-name'; create or load one first"}
    api.create("a-mistake", text="\n".join(NAMES))
    err = error("sample", json.dumps({"name": "a-mistake", "decode": {"bogus": 1}}))
    assert err == {"type": "ValueError", "message": "unknown decode setting 'bogus'"}
    err = error("corrupt_word", json.dumps({"name": "a-mistake", "word": "rahul", "t": 2}))
    assert err == {"type": "ValueError", "message": "t must be between 0 and 1, got 2"}


@pytest.mark.parametrize(
    ("args", "type_"),
    [
        ({"name": "a-types", "n": "five"}, "TypeError"),  # a string where a count belongs
        ({"name": "a-types", "n": 2.5}, "TypeError"),
        ({"name": "a-types", "colour": "red"}, "TypeError"),  # no such argument
        ({}, "TypeError"),  # a required argument missing
        (["a-types", 1, None, None, True, "extra"], "TypeError"),  # too many
    ],
)
def test_wrong_argument_types_carry_the_traceback(args: Any, type_: str) -> None:
    """A caller's bug, not the reader's: the traceback rides along in detail."""
    api.create("a-types", text="\n".join(NAMES))
    err = error("sample", json.dumps(args))
    assert err["type"] == type_
    assert err["detail"].startswith("Traceback (most recent call last):")
    assert err["detail"].rstrip().splitlines()[-1].startswith(f"{type_}: ")
    assert err["message"] in err["detail"]


@pytest.mark.parametrize("payload", ["5", '"names"', "null", "true"])
def test_a_payload_that_is_not_an_object_or_array_is_refused(payload: str) -> None:
    err = error("info", payload)
    kind = type(json.loads(payload)).__name__
    assert err["type"] == "TypeError"
    assert err["message"] == f"info: the arguments must be a JSON object or array, not {kind}"


def test_a_payload_that_is_not_json_is_refused() -> None:
    err = error("info", "{name: names}")
    assert err["type"] == "JSONDecodeError" and "detail" not in err
    assert err["message"].startswith("Expecting property name enclosed in double quotes")


def test_an_unexpected_python_error_is_reported_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> None:
        raise RuntimeError("a bug\nwith a second line")

    broken.__module__ = api.__name__
    monkeypatch.setattr(api, "broken", broken, raising=False)
    err = error("broken", "{}")
    assert err["type"] == "RuntimeError" and err["message"] == "a bug"
    assert "in broken" in err["detail"]


def test_a_result_json_cannot_carry_is_an_error_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unsendable() -> object:
        return {"a set": {1, 2}}

    unsendable.__module__ = api.__name__
    monkeypatch.setattr(api, "unsendable", unsendable, raising=False)
    err = error("unsendable", "{}")
    assert err["type"] == "TypeError" and err["message"] == "cannot send a set to the page"


# --- where the worker finds it ---------------------------------------------------------------


def test_the_worker_imports_what_dispatch_defines_from_the_wheel(tmp_path: Path) -> None:
    """boot.js imports names from pytoy.dispatch after installing the wheel: both are there."""
    boot = (REPO / "site" / "js" / "boot.js").read_text(encoding="utf-8")
    imported = re.findall(r"from pytoy\.dispatch import ([\w, ]+)", boot)
    assert imported, "boot.js no longer imports from pytoy.dispatch"
    names = {n.strip() for group in imported for n in group.split(",")}
    assert names == {"call", "runtime_info"}
    assert all(callable(getattr(dispatch, n)) for n in names)
    with zipfile.ZipFile(build_wheel(REPO, tmp_path)) as wheel:
        shipped = wheel.read("pytoy/dispatch.py")
    assert shipped == (REPO / "pytoy" / "dispatch.py").read_bytes()


def test_no_python_lives_in_the_site() -> None:
    assert sorted(p.relative_to(REPO).as_posix() for p in (REPO / "site").rglob("*.py")) == []
