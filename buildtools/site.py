"""Assemble ``dist/site/``: the static page, Pyodide, vendored JS, the pytoy wheel and data.

The page finds every heavy file through one map, ``assets.json``, with URLs relative to
the map itself. That keeps the site working from any sub-path (``/demos/pytoy/``) and lets
a later single-file bundle swap the URLs for embedded ones without touching the loader.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from buildtools import (
    REPO,
    BuildError,
    controls,
    facts,
    formulas,
    frames,
    human_size,
    progress,
    sections,
    single_file,
    tries,
)
from buildtools.assets import (
    PYODIDE_VERSION,
    fetch,
    missing_files,
    shipped_files,
    site_lock,
)
from buildtools.bundle import Build, bundle
from buildtools.wheel import build_wheel

Log = Callable[[str], None]

# Top-level names the build writes; site/ must not use them.
GENERATED = ("assets.json", "pyodide", "vendor", "py", "data", "frames.json")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")


def _entry(root: Path, rel: str) -> dict[str, object]:
    """Asset-map entry for the file at ``root/rel``, hashed as written."""
    path = root / rel
    with path.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    return {"url": quote(rel, safe="/@"), "size": path.stat().st_size, "sha256": digest}


def _copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)


def minify_vendored(staging: Path, rels: list[str], cache: Path, log: Log) -> None:
    """Minify vendored JS that its package ships unminified (uPlot's ES module) in place, with
    the pinned esbuild: the file the cache pins is what is minified, and assets.json hashes
    the file as shipped. The package's LICENSE ships beside it."""
    if not rels:
        return
    before = sum((staging / r).stat().st_size for r in rels)
    for rel, out in zip(rels, bundle(staging, [Build((r,), "esm", minify=True) for r in rels],
                                     cache), strict=True):
        (staging / rel).write_text(out.text, encoding="utf-8")
    after = sum((staging / r).stat().st_size for r in rels)
    log(f"build: minified {len(rels)} vendored script(s): {human_size(before)} → "
        f"{human_size(after)}")


def _check_site(site_dir: Path) -> None:
    if not (site_dir / "index.html").is_file():
        raise BuildError("site/index.html: not found (the page the build copies)")
    for name in (*GENERATED, formulas.CSS):
        if (site_dir / name).exists():
            raise BuildError(f"site/{name}: clashes with a path the build generates")


def build(out: Path, cache: Path, *, repo: Path = REPO, log: Log = progress,
          single: bool = True) -> dict[str, object]:
    """Build the site into ``out`` and return the asset map written to ``out/assets.json``.

    Writes into a sibling staging directory and swaps it in at the end, so a failed build
    never leaves a half-built site (or a server pointed at it) behind.
    """
    t0 = time.monotonic()
    if missing_files(cache):
        log("build: the asset cache is incomplete; fetching first")
    fetch(cache, log=log)  # verifies the cache every time; no network when it is complete

    site_dir = repo / "site"
    _check_site(site_dir)
    table = sections.load(site_dir, repo)  # before anything slow: a typo in it fails at once
    if out.exists() and any(out.iterdir()) and not (out / "assets.json").is_file():
        raise BuildError(f"{out}: exists and is not a previous build; refusing to replace it")
    staging = out.with_name(out.name + ".building")
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(site_dir, staging, ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", ".DS_Store", "sections", "sections.toml", "tries.toml",
        "quiz.toml", "walk.toml"))
    # (the prose, the table and the prompts are assembled into index.html below)

    assets: dict[str, dict[str, object]] = {}
    for _, cache_rel, site_rel in shipped_files():
        _copy(cache / cache_rel, staging / site_rel)
    minify_vendored(staging, [r for _, _, r in shipped_files() if r.startswith("vendor/")
                              and r.endswith((".js", ".mjs")) and ".min." not in r], cache, log)
    for logical, _, site_rel in shipped_files():
        assets[logical] = _entry(staging, site_rel)

    wheel = build_wheel(repo, staging / "py")
    assets["pytoy_wheel"] = _entry(staging, wheel.relative_to(staging).as_posix())
    lock = staging / "pyodide" / "pyodide-lock.json"  # NumPy's entry and pytoy's wheel
    lock.write_bytes(site_lock(lock.read_bytes(), wheel, lock.parent))
    assets["pyodide-lock.json"] = _entry(staging, "pyodide/pyodide-lock.json")
    log(f"build: {wheel.name} ({human_size(wheel.stat().st_size)})")

    data_dir = repo / "data"
    if data_dir.is_dir():
        shutil.copytree(data_dir, staging / "data", ignore=_IGNORE)
        for path in sorted(p for p in (staging / "data").rglob("*") if p.is_file()):
            rel = path.relative_to(staging).as_posix()
            assets[rel] = _entry(staging, rel)

    computed = frames.write(staging / "frames.json", repo)  # pytoy under CPython: first frames
    sections.check_frames(table, computed)
    from pytoy import api  # the build's own pytoy, as frames.py uses

    page = staging / "index.html"
    figures = facts.compute(computed, api.defaults())  # every figure the prose states
    prompts = tries.rendered(site_dir, [s.id for s in table.sections], table.models, repo)
    text = sections.assemble(page.read_text(encoding="utf-8"), table, site_dir, figures, prompts)
    text, formula_css, n_formulas = formulas.typeset(controls.fill(text, api.defaults()), cache)
    page.write_text(text, encoding="utf-8")
    (staging / formulas.CSS).write_text(formula_css, encoding="utf-8")
    log(f"build: {n_formulas} formula(s) typeset by KaTeX into static HTML ({formulas.CSS})")
    (staging / "teacher.html").write_text(
        sections.teacher_page(table, site_dir, figures, prompts), encoding="utf-8")
    assets["frames.json"] = _entry(staging, "frames.json")

    asset_map: dict[str, object] = {"pyodide_version": PYODIDE_VERSION, "assets": assets}
    (staging / "assets.json").write_text(json.dumps(asset_map, indent=2) + "\n", encoding="utf-8")

    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(
        f"build: wrote {out} ({len(assets)} assets, {human_size(total)} in all, "
        f"{time.monotonic() - t0:.1f}s)"
    )
    if single:  # the one-file copy for a USB stick, made from the site just built
        single_file.write_single_file(out, out.parent / single_file.FILE_NAME, cache, log=log)
    return asset_map
