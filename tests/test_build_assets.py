"""Tests for build.py and buildtools/: pinned assets, the asset map, the dev server.

Tests on real assets use the asset cache (``python build.py fetch`` fills it) and are marked
``assets``: without the cache they fail with the set-up command (tests/conftest.py), never skip.
None of them needs the network: they work on a copy of the cache and tell pip and npm to stay
offline, so a test that would download fails instead.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from base64 import urlsafe_b64encode
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest

from buildtools import BuildError, default_cache
from buildtools.assets import (
    DOWNLOADS,
    ESBUILD,
    PYODIDE_CORE,
    PYODIDE_CORE_FILES,
    PYODIDE_DIR,
    PYODIDE_WHEELS,
    SOURCES,
    VENDOR_NPM,
    load_pins,
    sha256_file,
    verify_lock,
)
from buildtools.serve import start_server, stop_server
from buildtools.wheel import build_wheel

REPO = Path(__file__).resolve().parent.parent
CACHE = default_cache()
OFFLINE = {"PIP_NO_INDEX": "1", "npm_config_offline": "true"}



def run_build(*args: str, cache: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python build.py ARGS`` with the given cache, offline."""
    env = {**os.environ, **OFFLINE, "PYTOY_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "build.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2 if offset is None else offset
    data[i] ^= 0x01
    path.write_bytes(bytes(data))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def cache_copy(tmp_path: Path) -> Path:
    """The extracted files of the real cache, without its ~80 MB of downloads."""
    dst = tmp_path / "cache"
    for src in SOURCES:
        for _, rel in src.targets():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(CACHE / rel, dst / rel)
    return dst


# --- pins and the source table (no cache needed) ----------------------------------------------


def test_pins_cover_exactly_the_table() -> None:
    pins = load_pins()
    wanted = {rel for src in SOURCES for _, rel in src.targets()}
    wanted |= {f"{DOWNLOADS}/{src.archive}" for src in SOURCES}
    assert set(pins) == wanted
    for name, pin in pins.items():
        assert len(pin.sha256) == 64 and pin.size > 0, name


def test_pinned_wheels_match_the_pinned_lock_names() -> None:
    pins = load_pins()
    for file_name in PYODIDE_WHEELS.values():
        assert f"{PYODIDE_DIR}/{file_name}" in pins
    assert {"pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"} <= set(PYODIDE_CORE_FILES)


# --- fetch on a copy of the cache ---------------------------------------------------------------


@pytest.mark.assets
def test_warm_fetch_needs_no_network(cache_copy: Path) -> None:
    proc = run_build("fetch", cache=cache_copy)
    assert proc.returncode == 0, proc.stderr
    assert "no download needed" in proc.stdout
    assert "downloading" not in proc.stdout


@pytest.mark.assets
@pytest.mark.parametrize(
    ("rel", "how"),
    [
        (f"{PYODIDE_DIR}/python_stdlib.zip", "flip"),
        (f"{PYODIDE_DIR}/pyodide.asm.wasm", "flip"),
        (f"{PYODIDE_DIR}/numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl", "append"),
        (f"npm/uplot@{VENDOR_NPM[0].version}/dist/uPlot.esm.js", "append"),
        (f"{ESBUILD.dest}/esbuild.wasm", "flip"),  # the bundler is pinned like the rest
    ],
)
def test_tampered_asset_stops_fetch(cache_copy: Path, rel: str, how: str) -> None:
    path = cache_copy / rel
    if how == "flip":
        flip_byte(path)
    else:
        path.write_bytes(path.read_bytes() + b"\n")
    proc = run_build("fetch", cache=cache_copy)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr  # one line, no traceback
    assert lines[0].startswith(f"error: {rel}: sha256 ")
    assert "does not match the pinned" in lines[0]
    assert "downloading" not in proc.stdout


@pytest.mark.assets
def test_tampered_asset_stops_build(cache_copy: Path, tmp_path: Path) -> None:
    flip_byte(cache_copy / PYODIDE_DIR / "python_stdlib.zip")
    proc = run_build("build", "--out", str(tmp_path / "site"), cache=cache_copy)
    assert proc.returncode == 1
    assert "python_stdlib.zip" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.assets
def test_missing_file_comes_back_from_the_cached_download(cache_copy: Path) -> None:
    tgz = f"{DOWNLOADS}/{PYODIDE_CORE.archive}"
    (cache_copy / DOWNLOADS).mkdir()
    shutil.copyfile(CACHE / tgz, cache_copy / tgz)
    target = cache_copy / PYODIDE_DIR / "pyodide.mjs"
    target.unlink()
    proc = run_build("fetch", cache=cache_copy)
    assert proc.returncode == 0, proc.stderr
    assert f"using cached {tgz}" in proc.stdout
    assert sha256_file(target) == load_pins()[f"{PYODIDE_DIR}/pyodide.mjs"].sha256


@pytest.mark.assets
def test_tampered_download_stops_fetch(cache_copy: Path) -> None:
    tgz = f"{DOWNLOADS}/{PYODIDE_CORE.archive}"
    (cache_copy / DOWNLOADS).mkdir()
    shutil.copyfile(CACHE / tgz, cache_copy / tgz)
    flip_byte(cache_copy / tgz)
    (cache_copy / PYODIDE_DIR / "pyodide.mjs").unlink()
    proc = run_build("fetch", cache=cache_copy)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: {tgz}: sha256 ")
    assert not (cache_copy / PYODIDE_DIR / "pyodide.mjs").exists()


# --- the lock-vs-wheel check --------------------------------------------------------------------


def _fake_pyodide(tmp_path: Path) -> tuple[Path, dict[str, str], dict]:
    """A tiny Pyodide dir: three fake wheels and a lock that records them."""
    d = tmp_path / "pyodide"
    d.mkdir()
    wheels = {"numpy": "numpy-1-x.whl", "micropip": "micropip-1-x.whl", "packaging": "p-1-x.whl"}
    packages = {}
    for pkg, fn in wheels.items():
        data = f"fake {pkg}".encode()
        (d / fn).write_bytes(data)
        deps = ["packaging"] if pkg == "micropip" else []
        packages[pkg] = {"file_name": fn, "sha256": sha256(data), "depends": deps}
    lock = {"info": {"version": "9.9.9"}, "packages": packages}
    (d / "pyodide-lock.json").write_text(json.dumps(lock))
    return d, wheels, lock


def test_lock_check_accepts_matching_wheels(tmp_path: Path) -> None:
    d, wheels, _ = _fake_pyodide(tmp_path)
    verify_lock(d, wheels, "9.9.9")


def test_lock_check_rejects_a_changed_wheel(tmp_path: Path) -> None:
    d, wheels, _ = _fake_pyodide(tmp_path)
    flip_byte(d / wheels["packaging"], 0)
    with pytest.raises(BuildError, match=r"^p-1-x\.whl: sha256 .* pyodide-lock\.json"):
        verify_lock(d, wheels, "9.9.9")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lock: lock["info"].update(version="1.0"), "is for Pyodide 1.0"),
        (lambda lock: lock["packages"]["numpy"].update(file_name="other.whl"), "expects other.whl"),
        (lambda lock: lock["packages"]["numpy"]["depends"].append("scipy"), "depends on scipy"),
        (lambda lock: lock["packages"].pop("micropip"), "has no package 'micropip'"),
    ],
)
def test_lock_check_rejects_a_mismatched_lock(tmp_path: Path, edit, message: str) -> None:
    d, wheels, lock = _fake_pyodide(tmp_path)
    edit(lock)
    (d / "pyodide-lock.json").write_text(json.dumps(lock))
    with pytest.raises(BuildError, match=message):
        verify_lock(d, wheels, "9.9.9")


@pytest.mark.assets
def test_real_wheels_match_the_real_lock() -> None:
    verify_lock(CACHE / PYODIDE_DIR)


# --- the pytoy wheel ---------------------------------------------------------------------------


def test_pytoy_wheel_is_reproducible_and_valid(tmp_path: Path) -> None:
    a = build_wheel(REPO, tmp_path / "a")
    b = build_wheel(REPO, tmp_path / "b")
    assert a.name == "pytoy-0.1.0-py3-none-any.whl"
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        names = set(zf.namelist())
        assert {f"pytoy/{p.name}" for p in (REPO / "pytoy").glob("*.py")} <= names
        record = zf.read("pytoy-0.1.0.dist-info/RECORD").decode().splitlines()
        assert {line.split(",")[0] for line in record} == names
        for line in record:
            arc, digest, size = line.split(",")
            if arc.endswith("RECORD"):
                continue
            data = zf.read(arc)
            b64 = urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == f"sha256={b64}" and int(size) == len(data), arc
        meta = zf.read("pytoy-0.1.0.dist-info/METADATA").decode()
        assert "Name: pytoy\n" in meta and "Requires-Dist: numpy" in meta


# --- the built site ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the real cache; a test using it is marked ``assets``."""
    out = tmp_path_factory.mktemp("dist") / "site"
    proc = run_build("build", "--out", str(out), cache=CACHE)
    assert proc.returncode == 0, proc.stderr
    assert "downloading" not in proc.stdout
    return out


@pytest.mark.assets
def test_asset_map_matches_the_files(built_site: Path) -> None:
    amap = json.loads((built_site / "assets.json").read_text())
    assert amap["pyodide_version"] == "0.27.7"
    assets = amap["assets"]
    required = {*PYODIDE_CORE_FILES, "numpy_wheel"}
    required |= {"pytoy_wheel", "uplot/dist/uPlot.esm.js", "uplot/dist/uPlot.min.css"}
    required |= {f"data/{p.name}" for p in (REPO / "data").iterdir() if p.is_file()}
    assert required <= set(assets)
    # pytoy installs by loadPackage: what only micropip needed is not shipped
    assert not {"micropip_wheel", "packaging_wheel"} & set(assets)
    assert not list((built_site / "pyodide").glob("micropip-*")) + list(
        (built_site / "pyodide").glob("packaging-*"))
    for name, entry in assets.items():
        assert set(entry) == {"url", "size", "sha256"}, name
        url = entry["url"]
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and not url.startswith("/"), url
        assert ".." not in url.split("/"), url
        path = built_site / url
        assert path.is_file(), url
        assert path.stat().st_size == entry["size"], url
        assert sha256_file(path) == entry["sha256"], url
    assert (
        assets["pyodide.asm.wasm"]["sha256"]
        == load_pins()[f"{PYODIDE_DIR}/pyodide.asm.wasm"].sha256
    )
    assert assets["pytoy_wheel"]["url"] == "py/pytoy-0.1.0-py3-none-any.whl"


@pytest.mark.assets
def test_every_shipped_file_is_in_the_map(built_site: Path) -> None:
    urls = {
        e["url"] for e in json.loads((built_site / "assets.json").read_text())["assets"].values()
    }
    for top in ("pyodide", "vendor", "py", "data"):
        for path in (built_site / top).rglob("*"):
            if path.is_file():
                assert path.relative_to(built_site).as_posix() in urls, path
    assert (built_site / "index.html").is_file()


# --- the server ----------------------------------------------------------------------------------

SAMPLES = {
    "index.html": "text/html",
    "x/a.wasm": "application/wasm",
    "x/b.mjs": "text/javascript",
    "x/c.js": "text/javascript",
    "x/d.json": "application/json",
    "x/e.whl": "application/octet-stream",
    "x/f.zip": "application/octet-stream",
    "x/g.css": "text/css",
}


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    for rel in SAMPLES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(f"content of {rel}".encode())
    return root


def _get(url: str) -> tuple[int, str, bytes]:
    with urlopen(url, timeout=60) as resp:
        return resp.status, resp.headers["Content-Type"], resp.read()


def _raw(url: str) -> http.client.HTTPResponse:
    """A request that does not follow redirects."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", parts.path)
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def test_server_mime_types(sample_root: Path) -> None:
    server, url = start_server(sample_root)
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        for rel, ctype in SAMPLES.items():
            status, got_type, body = _get(url + rel)
            assert status == 200
            assert got_type.split(";")[0] == ctype, rel
            assert body == f"content of {rel}".encode()
    finally:
        stop_server(server)


def test_server_under_a_prefix(sample_root: Path) -> None:
    server, url = start_server(sample_root, prefix="demos/pytoy")
    try:
        assert url.endswith("/demos/pytoy/")
        status, ctype, body = _get(url + "x/a.wasm")
        assert (status, ctype) == (200, "application/wasm")
        assert body == b"content of x/a.wasm"
        assert _get(url)[2] == b"content of index.html"
        root = url[: -len("demos/pytoy/")]
        assert _raw(root + "x/a.wasm").status == 404
        redirect = _raw(url.rstrip("/"))
        assert redirect.status == 301 and redirect.headers["Location"] == "/demos/pytoy/"
        assert _raw(url + "x").status == 301  # directory without slash, still under the prefix
        assert _raw(url + "x").headers["Location"] == "/demos/pytoy/x/"
    finally:
        stop_server(server)


def _fetch(url: str, method: str = "GET", **headers: str) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(method, parts.path, headers=headers)
    resp = conn.getresponse()
    resp.body = resp.read()  # type: ignore[attr-defined]
    conn.close()
    return resp


def test_server_gzips_text_when_asked(sample_root: Path) -> None:
    """Text goes out gzip-encoded to a client that accepts it, and decompresses to the file's
    exact bytes; without Accept-Encoding, and for wheels and wasm, the bytes go as they are."""
    (sample_root / "x" / "big.js").write_text("const x = 1;\n" * 5000)
    server, url = start_server(sample_root)
    try:
        for rel in ("x/big.js", "x/g.css", "x/d.json", "index.html", ""):
            resp = _fetch(url + rel, **{"Accept-Encoding": "gzip, deflate, br"})
            assert resp.status == 200, rel
            assert resp.headers["Content-Encoding"] == "gzip", rel
            assert resp.headers["Vary"] == "Accept-Encoding", rel
            assert int(resp.headers["Content-Length"]) == len(resp.body), rel
            file = sample_root / (rel or "index.html")
            assert gzip.decompress(resp.body) == file.read_bytes(), rel
            assert resp.headers["Content-Type"].split(";")[0] == SAMPLES.get(rel or "index.html",
                                                                            "text/javascript")
        big = _fetch(url + "x/big.js", **{"Accept-Encoding": "gzip"})
        assert len(big.body) < (sample_root / "x" / "big.js").stat().st_size / 10
        head = _fetch(url + "x/big.js", "HEAD", **{"Accept-Encoding": "gzip"})
        assert head.headers["Content-Encoding"] == "gzip" and head.body == b""
        for rel, accept in (("x/big.js", None), ("x/big.js", "gzip;q=0"), ("x/big.js", "br"),
                            ("x/e.whl", "gzip"), ("x/a.wasm", "gzip"), ("x/f.zip", "gzip")):
            resp = _fetch(url + rel, **({"Accept-Encoding": accept} if accept else {}))
            assert resp.status == 200 and "Content-Encoding" not in resp.headers, (rel, accept)
            assert resp.body == (sample_root / rel).read_bytes(), rel
    finally:
        stop_server(server)


@pytest.mark.assets
def test_built_site_works_under_a_prefix(built_site: Path) -> None:
    server, url = start_server(built_site, prefix="/demos/pytoy/")
    try:
        map_url = url + "assets.json"
        status, ctype, body = _get(map_url)
        assert (status, ctype) == (200, "application/json")
        for name, entry in json.loads(body)["assets"].items():
            status, ctype, data = _get(urljoin(map_url, entry["url"]))  # as the loader resolves
            assert status == 200 and len(data) == entry["size"], name
            assert sha256(data) == entry["sha256"], name
            if name == "pyodide.asm.wasm":
                assert ctype == "application/wasm"
    finally:
        stop_server(server)


def test_serve_command_prints_url_and_stops_cleanly(sample_root: Path) -> None:
    cmd = [sys.executable, "build.py", "serve", "--no-build", "--port", "0"]
    cmd += ["--out", str(sample_root), "--prefix", "/p/"]
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("serve: ") and "http://127.0.0.1:" in line, line
        url = line.split(" at ", 1)[1].split()[0]
        assert url.endswith("/p/")
        assert _get(url + "x/a.wasm")[1] == "application/wasm"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # a guard against a hang, not a timing
        assert proc.returncode == 0, err
        assert "stopped" in out and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.assets
def test_vendored_scripts_ship_minified(built_site: Path) -> None:
    """uPlot's ES module (shipped unminified by its package) is minified by the pinned esbuild;
    the asset map hashes what ships, and it still exports uPlot."""
    src = next(v for v in VENDOR_NPM if v.name == "uplot")
    pinned = CACHE / f"npm/uplot@{src.version}/dist/uPlot.esm.js"
    shipped = built_site / "vendor" / "uplot" / "dist" / "uPlot.esm.js"
    assert shipped.stat().st_size < pinned.stat().st_size // 2
    entry = json.loads((built_site / "assets.json").read_text())["assets"]
    assert entry["uplot/dist/uPlot.esm.js"]["sha256"] == sha256_file(shipped)
    text = shipped.read_text(encoding="utf-8")
    assert "export{" in text.replace(" ", "") and "as default" in text


# --- formulas typeset at build time ----------------------------------------------------------


@pytest.mark.assets
def test_formulas_are_static_html_and_no_katex_js_ships(built_site: Path) -> None:
    """The page's formula is KaTeX's HTML (and MathML) in index.html, its inline styles as
    classes in css/formulas.css; no KaTeX JavaScript is in the site or imported by it."""
    import re

    page = (built_site / "index.html").read_text()
    m = re.search(r'<div id="model-formula"[^>]*data-rendered="katex">(.*?)</div>\s*(?=<)', page,
                  re.S)
    assert m, "the formula is not typeset in the built page"
    formula = page[m.start():]
    assert 'class="katex"' in formula[:400] and "<math" in formula[:2000]
    assert " style=" not in page
    css = (built_site / "css" / "formulas.css").read_text()
    used = set(re.findall(r"\bkx-[0-9a-f]{8}\b", page))
    assert used and used == set(re.findall(r"\bkx-[0-9a-f]{8}\b", css))
    assert '<link rel="stylesheet" href="css/formulas.css">' in page
    amap = json.loads((built_site / "assets.json").read_text())["assets"]
    assert not [n for n in amap if n.startswith("katex/") and n.endswith((".js", ".mjs"))]
    assert not list((built_site / "vendor" / "katex").rglob("*.*js"))
    for js in (built_site / "js").rglob("*.js"):
        assert "katex.mjs" not in js.read_text() and "katex/dist" not in js.read_text(), js


@pytest.mark.assets
def test_formula_typesetting_refuses_bad_tex() -> None:
    from buildtools import formulas

    page, css, n = formulas.typeset('<p>a</p><span data-tex="x^2">x2</span>', CACHE)
    assert n == 1 and 'data-rendered="katex"' in page and "x2</span>" not in page
    assert css.count("!important") >= 1
    with pytest.raises(BuildError, match="KaTeX"):
        formulas.typeset('<span data-tex="\\frac{1}">?</span>', CACHE)


@pytest.mark.assets
def test_the_sites_lock_installs_numpy_and_the_wheel_it_ships(built_site: Path) -> None:
    """The lock the page's loadPackage reads: NumPy as Pyodide pinned it, and pytoy's wheel at
    the path the lock's folder resolves to, with the wheel's own sha256 (the browser checks the
    download against it) and NumPy as its dependency."""
    lock = json.loads((built_site / "pyodide" / "pyodide-lock.json").read_text())
    pinned = json.loads((CACHE / PYODIDE_DIR / "pyodide-lock.json").read_text())
    assert lock["info"] == pinned["info"]
    assert set(lock["packages"]) == {"numpy", "pytoy"}
    assert lock["packages"]["numpy"] == pinned["packages"]["numpy"]
    pytoy = lock["packages"]["pytoy"]
    wheel = (built_site / "pyodide" / pytoy["file_name"]).resolve()
    assets = json.loads((built_site / "assets.json").read_text())["assets"]
    assert wheel == (built_site / assets["pytoy_wheel"]["url"]).resolve()
    assert pytoy["sha256"] == sha256_file(wheel) == assets["pytoy_wheel"]["sha256"]
    assert (pytoy["name"], pytoy["version"]) == ("pytoy", "0.1.0")
    assert pytoy["depends"] == ["numpy"] and pytoy["imports"] == ["pytoy"]
