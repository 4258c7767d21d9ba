"""Bundle the page's ES modules for the single file with esbuild, pinned in the asset cache.

Why bundle: in the single file every script lives at a ``blob:`` URL, from which modules
cannot import each other by relative URL, and the worker must be a classic script (on
``file://`` Chromium starts no ``blob:`` module workers). So the page becomes one ES module
and the worker one classic script. esbuild parses the modules, so nothing depends on how an
import is spelled: static imports, ``import("./x.js")`` and a template literal such as
``import(`./views/${file}`)`` (every file that can match is bundled) all work; an
``import(expression)`` it cannot read (a vendored library's blob: URL) is left as it is.

esbuild-wasm is fetched and pinned like the other npm packages (``buildtools/assets.py``,
``ESBUILD``) and run by node from the cache, offline. ``bundle.mjs`` calls its JavaScript
API once for all the builds, so its WebAssembly compiles once per build of the site.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from buildtools import BuildError
from buildtools.assets import ESBUILD

DRIVER = Path(__file__).with_name("bundle.mjs")
TIMEOUT_S = 300


@dataclass(frozen=True)
class Build:
    """One bundle to make from the site's modules.

    ``entries`` are site-relative module paths, evaluated in order as one program (their
    shared modules once); ``format`` is ``"esm"`` (a module) or ``"iife"`` (a classic
    script); ``define`` replaces global expressions, e.g. ``import.meta.url``, which a
    classic script cannot spell; ``minify`` shortens names and drops whitespace (the
    vendored libraries that ship unminified: ``buildtools/site.py``).
    """

    entries: tuple[str, ...]
    format: str
    define: dict[str, str] = field(default_factory=dict)
    minify: bool = False

    def options(self, site: Path) -> dict[str, object]:
        """esbuild's build options for this bundle (plain JSON for bundle.mjs)."""
        opts: dict[str, object] = {
            "bundle": True,
            "format": self.format,
            "charset": "utf8",  # keep "≥" as it is written, not as \u2265
            "legalComments": "none",
            "absWorkingDir": str(site.resolve()),
            "define": self.define,
        }
        if self.minify:
            opts["minify"] = True
        if len(self.entries) == 1:
            opts["entryPoints"] = [self.entries[0]]
        else:  # several entries: one program that imports them in order
            contents = "".join(f"import {json.dumps('./' + e)};\n" for e in self.entries)
            opts["stdin"] = {"contents": contents, "resolveDir": str(site.resolve()),
                             "sourcefile": "entries.js"}
        return opts


@dataclass(frozen=True)
class Bundle:
    """A bundle's text, the site-relative modules it holds, and esbuild's warnings."""

    text: str
    inputs: tuple[str, ...]
    warnings: tuple[str, ...]


def esbuild_api(cache: Path) -> Path:
    """esbuild-wasm's JavaScript API in the asset cache (``python build.py fetch`` puts it)."""
    return cache / ESBUILD.dest / "lib" / "main.js"


def _where(message: dict[str, object]) -> str:
    if not message.get("file"):
        return str(message["text"])
    return f"{message['file']}:{message['line']}:{message['column']}: {message['text']}"


def bundle(site: Path, builds: Sequence[Build], cache: Path) -> list[Bundle]:
    """Run every build on the modules under ``site``; raise a one-line BuildError on failure."""
    api = esbuild_api(cache)
    if not api.is_file():
        raise BuildError(f"{api}: missing; run `python build.py fetch`")
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is not installed (the single file's modules are bundled with "
                         "esbuild under node; `bash scripts/setup.sh` installs it)")
    payload = json.dumps([b.options(site) for b in builds])
    try:
        proc = subprocess.run([node, str(DRIVER), str(api)], input=payload, capture_output=True,
                              text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise BuildError(f"esbuild: no answer within {TIMEOUT_S} s") from None
    try:
        reply = json.loads(proc.stdout)
    except ValueError:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise BuildError(f"esbuild: failed (exit {proc.returncode}): {tail}") from None
    if proc.returncode != 0 or "errors" in reply:
        errors = reply.get("errors") or [{"text": f"exit {proc.returncode}"}]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise BuildError(f"esbuild: {_where(errors[0])}{more}")
    return [
        Bundle(r["text"], tuple(r["inputs"]), tuple(_where(w) for w in r["warnings"]))
        for r in reply["results"]
    ]
