"""Edit the Python: replace one small pytoy function with the reader's version, and back.

The edit section of the page lets a student change, say, how corruption hides letters and see
the section's output change. The code runs only here, inside the Python that runs pytoy (the
page's worker): it is compiled in the function's own module namespace, installed wherever
pytoy refers to that function by name (``from .diffusion import corrupt`` makes a second
reference), and tried once on a small example. If it does not compile or fails that try, the
previous version stays and the reader gets a traceback trimmed to their own lines.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

# Functions a reader may replace, each with the example that tries a new version.
EDITABLE = ("diffusion.corrupt", "sampling.schedule")
MAX_SOURCE = 20_000  # characters: an edited function, not a program

_originals: dict[str, Callable[..., Any]] = {}


class EditError(Exception):
    """The reader's version was refused; the message is the trimmed traceback."""


def _split(qualname: str) -> tuple[Any, str]:
    if qualname not in EDITABLE:
        raise ValueError(f"{qualname!r} is not editable; choose one of {', '.join(EDITABLE)}")
    module, name = qualname.split(".")
    return importlib.import_module(f"pytoy.{module}"), name


def current(qualname: str) -> Callable[..., Any]:
    module, name = _split(qualname)
    return getattr(module, name)


def original(qualname: str) -> Callable[..., Any]:
    return _originals.get(qualname) or current(qualname)


def _install(qualname: str, fn: Callable[..., Any]) -> None:
    """Put `fn` in place of the current function everywhere pytoy names it."""
    module, name = _split(qualname)
    old = getattr(module, name)
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("pytoy") and getattr(mod, name, None) is old:
            setattr(mod, name, fn)


def _trimmed(e: BaseException, filename: str) -> str:
    """The traceback lines that point into the reader's code, and the error itself."""
    if isinstance(e, SyntaxError):
        return "".join(traceback.format_exception_only(e)).rstrip()
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == filename]
    lines = ["Traceback (your code):\n", *traceback.format_list(frames)] if frames else []
    return ("".join(lines) + "".join(traceback.format_exception_only(e))).rstrip()


def _try(qualname: str, fn: Callable[..., Any]) -> str:
    """Run the new version on a small example; a line saying what it did."""
    if qualname == "diffusion.corrupt":
        x = np.arange(7)[None, :].repeat(4, axis=0) + 1
        xt, masked = fn(x, np.array([0.0, 0.3, 0.7, 1.0]), np.ones(7, bool), 0,
                        np.random.default_rng(0))
        xt, masked = np.asarray(xt), np.asarray(masked)
        if xt.shape != x.shape or masked.shape != x.shape:
            raise ValueError(f"corrupt must return two (B, L) arrays shaped {x.shape}, "
                             f"got {xt.shape} and {masked.shape}")
        return f"hid {int(masked.sum())} of 28 letters at t = 0, 0.3, 0.7, 1"
    plan = list(fn(7, 3))
    if sum(plan) != 7 or len(plan) != 3 or any(int(k) < 0 for k in plan):
        raise ValueError(f"schedule(7, 3) must give 3 counts ≥ 0 adding up to 7, got {plan}")
    return f"schedule(7, 3) = {plan}"


def edit(qualname: str, source: str) -> dict:
    """Compile and try the reader's version of `qualname`; install it if it works.

    Returns {"ok": True, "tried": ...} or {"ok": False, "traceback": ...}; on failure the
    function that was in place stays in place.
    """
    module, name = _split(qualname)
    if len(source) > MAX_SOURCE:
        return {"ok": False, "traceback": f"the code is {len(source)} characters; the limit is "
                                          f"{MAX_SOURCE}"}
    filename = f"<your {qualname}>"
    try:
        code = compile(source, filename, "exec")
        namespace = dict(vars(module))  # the module's globals, so np and friends resolve
        exec(code, namespace)  # the feature itself: the reader's code, run in the worker
        fn = namespace.get(name)
        if not inspect.isfunction(fn) or fn.__code__.co_filename != filename:
            raise NameError(f"your code must define a function called {name}")
        tried = _try(qualname, fn)
    except (Exception, SystemExit) as e:  # the reader's code may raise anything, exit() too
        return {"ok": False, "traceback": _trimmed(e, filename)}
    _originals.setdefault(qualname, getattr(module, name))
    _install(qualname, fn)
    return {"ok": True, "tried": tried}


def restore(qualname: str) -> dict:
    """Put the shipped function back."""
    _split(qualname)
    if qualname in _originals:
        _install(qualname, _originals.pop(qualname))
    return {"ok": True}


def edited() -> list[str]:
    return sorted(_originals)
