"""A route's script, from ``site/walk.toml``: what the teacher does in each section of the
route and what the class sees. The teacher notes print it; ``tests/test_browser_route.py``
does every step on the page opened on that route. Its steps speak ``site/tries.toml``'s
language (buildtools/tries.py checks them the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from buildtools import BuildError, read_table, tries

WHERE = "site/walk.toml"
_FIELDS = {"route": str, "section": str, "say": str, "steps": list}


@dataclass(frozen=True)
class Step:
    route: str
    section: str
    say: str  # HTML with {fact:…}
    steps: list[dict[str, Any]]


def load(site: Path, routes: dict[str, list[str]]) -> list[Step]:
    """Every step, checked (a known route, a section that route shows, well-formed steps), in
    reading order. `routes`: route id -> the section ids it shows."""
    raw = read_table(site / "walk.toml", WHERE)
    if raw is None:
        return []
    out = []
    for i, row in enumerate(raw.get("step", []), start=1):
        label = f"{WHERE}: step {i} ({row.get('section', '?')})"
        for key, kind in _FIELDS.items():
            if not isinstance(row.get(key), kind):
                raise BuildError(f"{label}: {key!r} must be a {kind.__name__}")
        if extra := sorted(set(row) - set(_FIELDS)):
            raise BuildError(f"{label}: unknown field(s) {', '.join(extra)}")
        if row["route"] not in routes:
            raise BuildError(f"{label}: no route {row['route']!r} in site/sections.toml")
        if row["section"] not in routes[row["route"]]:
            raise BuildError(f"{label}: route {row['route']} does not show section "
                             f"{row['section']}")
        for n, step in enumerate(row["steps"], start=1):
            tries.check_step(step, f"{label}: step {n}")
        out.append(Step(**row))
    # the teacher goes down the page: a reordered article reorders its script
    return sorted(out, key=lambda s: routes[s.route].index(s.section))
