"""The worker's one door into Python: ``call(fn, payload_json) -> reply_json``.

site/js/boot.js imports ``call`` and ``runtime_info`` from here once the pytoy wheel is
installed, and site/js/worker.js then calls ``call`` for every request. It lives in the
package, not next to the JavaScript, so CPython imports and tests exactly what the page runs
(tests/test_dispatch.py). Everything crosses the border as JSON text, so JavaScript never
holds a Python object, and floats survive the trip exactly (``json`` writes the shortest text
that reads back as the same double, and so does ``JSON.stringify``).

A Python exception never escapes: it becomes ``{"ok": false, "error": {"type", "message"}}``.
pytoy's own errors (bad input, a diverged run, a broken checkpoint) carry one-line messages
written for readers; anything else is a bug, and its traceback rides along in ``detail``.
"""

from __future__ import annotations

import inspect
import json
import math
import sys
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

from . import __version__, api

# Exceptions whose message is meant for the reader (the user did something we refuse).
USER_ERRORS: tuple[type[BaseException], ...] = (ValueError, KeyError, FloatingPointError)


def _public(fn: str) -> Callable[..., Any]:
    """The api function called ``fn``; only functions defined in pytoy.api are reachable."""
    obj = getattr(api, fn, None) if isinstance(fn, str) and not fn.startswith("_") else None
    if not inspect.isfunction(obj) or obj.__module__ != api.__name__:
        raise ValueError(f"pytoy.api has no function {fn!r}")
    return obj


def _plain(x: Any) -> Any:
    """Make numpy scalars and arrays JSON-ready; json.dumps calls this for unknown types."""
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"cannot send a {type(x).__name__} to the page")


def _finite(x: Any) -> Any:
    """Replace NaN and ±inf (which JSON cannot spell) by None, recursively."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    return x


def _dumps(reply: dict) -> str:
    """JSON text of a reply; NaN and infinities become null rather than invalid JSON."""
    try:
        return json.dumps(reply, default=_plain, allow_nan=False)
    except ValueError:  # a NaN or an infinity somewhere: send null instead
        return json.dumps(_finite(json.loads(json.dumps(reply, default=_plain))))


def _message(e: BaseException) -> str:
    """One line for the reader. KeyError's str() adds quotes, so take its argument."""
    text = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__


def call(fn: str, payload_json: str) -> str:
    """Run ``pytoy.api.<fn>`` with the JSON arguments; reply with JSON, never raise.

    The payload is an object (keyword arguments) or an array (positional arguments).
    """
    try:
        func = _public(fn)
        args = json.loads(payload_json) if payload_json else {}
        if not isinstance(args, dict | list):
            raise TypeError(f"{fn}: the arguments must be a JSON object or array, "
                            f"not {type(args).__name__}")
        result = func(*args) if isinstance(args, list) else func(**args)
        return _dumps({"ok": True, "result": result})
    except Exception as e:
        error = {"type": type(e).__name__, "message": _message(e)}
        if not isinstance(e, USER_ERRORS):
            error["detail"] = traceback.format_exc()
        return _dumps({"ok": False, "error": error})


def runtime_info() -> str:
    """Versions, for the page's footer and for bug reports."""
    info = {"python": sys.version.split()[0], "numpy": np.__version__, "pytoy": __version__}
    return json.dumps(info)
