"""Build tooling for the pytoy static site (run it through ``python build.py``).

Kept out of the ``pytoy`` package on purpose: nothing here runs in the browser, and the
package that ships to Pyodide should not grow build-only code.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class BuildError(Exception):
    """A failure the user can act on: ``build.py`` prints it as one ``error:`` line."""


def fill_in(text: str, kind: str, values: dict[str, str], where: str, unknown: str) -> str:
    """`text` with every ``{kind:name}`` replaced by ``values[name]``; a name not in `values`
    is a BuildError: "<where>: {kind:name} <unknown>". The page's prose says {ref:…} and
    {fact:…} this way (buildtools/sections.py, buildtools/facts.py)."""

    def value(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise BuildError(f"{where}: {{{kind}:{m.group(1)}}} {unknown}")
        return values[m.group(1)]

    return re.sub(r"\{" + kind + r":([^}]*)\}", value, text)


ID = re.compile(r"[a-z][a-z0-9-]*\Z")  # a section's or a prompt's id: its anchor too


def read_table(path: Path, where: str) -> dict | None:
    """A TOML table the build reads (site/quiz.toml, site/walk.toml): its data, None if the
    file is not there, a BuildError naming `where` if it is not TOML."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except tomllib.TOMLDecodeError as e:
        raise BuildError(f"{where}: {e}") from None


def check_row(row: dict, fields: dict[str, type], label: str) -> None:
    """One [[row]] of a table the build reads (sections.toml, tries.toml): every field of its
    kind, no other field, and an `id` fit for an anchor; else a BuildError under `label`."""
    for key, kind in fields.items():
        if not isinstance(row.get(key), kind):
            raise BuildError(f"{label}: {key!r} must be a {kind.__name__}")
    if extra := sorted(set(row) - set(fields)):
        raise BuildError(f"{label}: unknown field(s) {', '.join(extra)}")
    if not ID.match(row["id"]):
        raise BuildError(f"{label}: an id is lower-case letters, digits and '-'")


def default_cache() -> Path:
    """Where downloads live: outside git so a clone stays small, shared by every checkout."""
    env = os.environ.get("PYTOY_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "pytoy-build"


def human_size(n: int) -> str:
    """Byte count as a short human string for progress lines."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / (1024 * 1024):.1f} MiB"


def progress(msg: str) -> None:
    """Progress line, flushed so it shows up promptly when stdout is a pipe or a file."""
    print(msg, flush=True)
