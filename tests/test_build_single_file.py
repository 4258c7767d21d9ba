"""The single-file build's steps, under CPython and node (the browsers' runs are in
tests/test_single_file.py and tests/test_browser_webkit.py).

The bundles are checked against the modules themselves: node runs a small site's ES modules
as they are, then its bundle from somewhere else, and both must print the same; the page's
template-literal import of a view from a table (``import(`./views/${file}`)``) is one of
them. The written file is checked against what it must carry: the loader byte for byte, its
hash in the policy, the site's files, and scripts that parse as what the browser runs.
Marked ``assets``: esbuild (esbuild-wasm) comes from the asset cache and runs under node.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from buildtools import BuildError, default_cache
from buildtools.bundle import Build, bundle
from buildtools.single_file import (
    BUDGETS,
    LIMIT,
    LOADER_FILE,
    WORKER,
    WORKER_DEFINE,
    bundle_scripts,
    write_single_file,
)
from buildtools.site import build

REPO = Path(__file__).resolve().parent.parent
CACHE = default_cache()
pytestmark = pytest.mark.assets


def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def node(*args: str, cwd: Path) -> str:
    proc = subprocess.run([shutil.which("node") or "node", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# A page shaped like site/js: a static import, a shared module, a literal dynamic import, and
# the views imported by a template literal from a table, in the table's order.
TABLE_SITE = {
    "package.json": '{"type": "module"}\n',
    "js/start.js": """import { SECTIONS } from "./table.js";
import { count } from "./shared.js";
const titles = [];
for (const { file } of SECTIONS) titles.push((await import(`./views/${file}`)).title);
const lazy = await import("./lazy.js");
console.log(JSON.stringify({ titles, lazy: lazy.value, count: count(), same: lazy.same }));
""",
    "js/table.js": 'export const SECTIONS = [{ file: "denoise.js" }, { file: "corrupt.js" }];\n',
    "js/shared.js": "let n = 0;\nexport const count = () => ++n;\nexport const ID = {};\n",
    "js/lazy.js": 'import { count, ID } from "./shared.js";\ncount();\n'
                  'export const value = "lazy";\nexport const same = ID;\n',
    "js/views/corrupt.js": 'import { count } from "../shared.js";\n'
                           'export const title = `II after ${count()}`;\n',
    "js/views/denoise.js": 'export const title = "V";\n',
}


def test_a_table_of_views_imported_by_template_literal_bundles_like_the_modules(
    tmp_path: Path,
) -> None:
    site = write_site(tmp_path / "site", TABLE_SITE)
    as_modules = json.loads(node("js/start.js", cwd=site))  # the served site: plain modules
    assert as_modules == {"titles": ["V", "II after 1"], "lazy": "lazy", "count": 3,
                          "same": {}}
    (page,) = bundle(site, [Build(("js/start.js",), "esm")], CACHE)
    assert set(page.inputs) == {p for p in TABLE_SITE if p.endswith(".js")}
    assert page.warnings == ()
    elsewhere = tmp_path / "elsewhere"  # no module next to the bundle to import by mistake
    elsewhere.mkdir()
    (elsewhere / "page.mjs").write_text(page.text, encoding="utf-8")
    assert json.loads(node("page.mjs", cwd=elsewhere)) == as_modules


def test_several_entries_are_one_program_sharing_their_modules(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "js/a.js": 'import { count } from "./shared.js";\nconsole.log("a", count());\n',
        "js/b.js": 'import { count } from "./shared.js";\nconsole.log("b", count());\n',
        "js/shared.js": "let n = 0;\nexport const count = () => ++n;\n",
    })
    (page,) = bundle(site, [Build(("js/a.js", "js/b.js"), "esm")], CACHE)
    (tmp_path / "page.mjs").write_text(page.text, encoding="utf-8")
    assert node("page.mjs", cwd=tmp_path).split() == ["a", "1", "b", "2"]


WORKER_SITE = {
    "js/worker.js": """import { greet as hello, NAME } from "./lib.js";
import * as lib from "./lib.js";
const near = () => new URL("../assets.json", import.meta.url).href;
self.out = { said: hello(NAME), names: Object.keys(lib).sort(), near: near() };
""",
    "js/lib.js": 'export const NAME = "worker";\nexport function greet(n) { return `hi ${n}`; }\n',
}
# Runs a script as a classic script (vm.Script: an import or export statement, or
# import.meta, is a SyntaxError there) with a worker's `self`, and prints what it left.
RUN_CLASSIC = """
const vm = require("node:vm");
const text = require("node:fs").readFileSync(process.argv[1], "utf8");
const self = { location: { href: process.argv[2] } };
new vm.Script(text).runInNewContext({ self, URL });
console.log(JSON.stringify(self.out ?? null));
"""


def test_the_worker_is_one_classic_script_with_its_own_url(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", WORKER_SITE)
    (worker,) = bundle(site, [Build(("js/worker.js",), "iife", WORKER_DEFINE)], CACHE)
    script = tmp_path / "worker.js"
    script.write_text(worker.text, encoding="utf-8")
    out = node("-e", RUN_CLASSIC, str(script), "http://example.test/site/js/worker.js",
               cwd=tmp_path)
    assert json.loads(out) == {"said": "hi worker", "names": ["NAME", "greet"],
                               "near": "http://example.test/site/assets.json"}


def test_a_module_that_imports_a_missing_file_stops_the_build_in_one_line(
    tmp_path: Path,
) -> None:
    site = write_site(tmp_path / "site", {"js/start.js": 'import { x } from "./gone.js";\nx();\n'})
    with pytest.raises(BuildError) as e:
        bundle(site, [Build(("js/start.js",), "esm")], CACHE)
    assert str(e.value) == 'esbuild: js/start.js:1:18: Could not resolve "./gone.js"'


def test_the_site_bundles_into_the_page_and_the_worker_without_warnings() -> None:
    """Every module in site/js is the page's or the worker's; the worker is never imported."""
    site = REPO / "site"
    logged: list[str] = []
    page, worker = bundle_scripts(site, ["js/start.js"], CACHE, logged.append)
    assert logged == [] and page.warnings == () and worker.warnings == ()
    modules = {p.relative_to(site).as_posix() for p in (site / "js").rglob("*.js")}
    assert set(page.inputs) | set(worker.inputs) == modules
    assert set(worker.inputs) == {WORKER, "js/boot.js", "js/assets.js"}
    assert WORKER not in page.inputs and "js/boot.js" not in page.inputs
    assert set(page.inputs) >= {p for p in modules if p.startswith("js/views/")}


# --- the written file ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A fresh build of the site and its single file; the file's parts, decoded."""
    out = tmp_path_factory.mktemp("single") / "site"
    build(out, CACHE, log=lambda _: None)
    html = (out.parent / "pytoy-explainer.html").read_text(encoding="utf-8")
    manifest = json.loads(re.search(
        r'<script type="application/json" id="pytoy-embedded">(.*?)</script>', html).group(1))
    swap = bytes.maketrans(b",.:[", b"&<>`")
    blocks = {}
    for m in re.finditer(r'<script type="application/x-pytoy-gzip-base85" id="([^"]+)" '
                         r'data-n="(\d+)">([^<]*)</script>', html):
        gz = base64.b85decode(m.group(3).encode().translate(swap))[: int(m.group(2))]
        blocks[m.group(1)] = gzip.decompress(gz)
    return {"site": out, "html": html, "manifest": manifest, "blocks": blocks}


def test_the_loader_is_inlined_byte_for_byte_and_allowed_by_its_hash(
    built: dict[str, Any],
) -> None:
    html = built["html"]
    inline = re.findall(r'<script type="module">(.*?)</script>', html, re.S)
    loader = LOADER_FILE.read_text(encoding="utf-8")
    assert inline == [loader]
    digest = base64.b64encode(hashlib.sha256(loader.encode()).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
    assert script_src.split()[1:] == [f"'sha256-{digest}'", "blob:", "'wasm-unsafe-eval'"]


def test_the_file_carries_the_sites_files_and_two_scripts_that_parse(
    built: dict[str, Any], tmp_path: Path,
) -> None:
    site, manifest, blocks = built["site"], built["manifest"], built["blocks"]
    asset_map = json.loads((site / "assets.json").read_text(encoding="utf-8"))
    assert set(manifest["assets"]) == set(asset_map["assets"])
    levered = {"python_stdlib.zip", "numpy_wheel",
               "pyodide-lock.json"}  # re-zipped or pruned; the browser tests run them
    for name, item in manifest["assets"].items():
        data = blocks[item["block"]]
        assert item["entry"]["sha256"] == hashlib.sha256(data).hexdigest(), name
        if name not in levered:
            assert data == (site / asset_map["assets"][name]["url"]).read_bytes(), name
    assert set(manifest) == {"pyodide_version", "assets", "page", "worker"}
    worker = tmp_path / "worker.js"
    worker.write_bytes(blocks[manifest["worker"]["block"]])
    node("-e", "new (require('node:vm').Script)(require('node:fs')"
         ".readFileSync(process.argv[1], 'utf8'))", str(worker), cwd=tmp_path)
    page = tmp_path / "page.mjs"
    page.write_bytes(blocks[manifest["page"]["block"]])
    node("--check", str(page), cwd=tmp_path)  # parses as an ES module
    assert manifest["page"]["type"] == manifest["worker"]["type"] == "text/javascript"


def test_every_part_fits_its_budget_and_the_build_is_deterministic(
    built: dict[str, Any],
) -> None:
    again = write_single_file(built["site"], built["site"].parent / "again.html", CACHE,
                              log=lambda _: None)
    assert again.path.read_text(encoding="utf-8") == built["html"]  # same input, same bytes
    assert sum(p.embedded for p in again.parts.values()) == again.size  # every byte counted
    over = {n: (p.embedded, BUDGETS[n]) for n, p in again.parts.items() if p.embedded > BUDGETS[n]}
    assert over == {}
    assert sum(BUDGETS.values()) <= LIMIT and again.size <= LIMIT
