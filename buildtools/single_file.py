"""Write ``dist/pytoy-explainer.html``: the whole site in one file that works from ``file://``.

Pyodide cannot load from a folder opened by double-click (no fetch, no workers on
``file://``), so for classrooms without network the build also writes one HTML file that
carries every asset inside it, gzip-compressed and base85-encoded in inert data blocks.

How the file works, in order:

1. An inline module (the *loader*, ``single_file_loader.js`` inlined verbatim, allowed by
   its sha256 in the file's own CSP) decodes every block (``DecompressionStream``) into a
   ``Blob`` and gives it a ``blob:`` URL.
2. It builds the runtime's asset map (the same shape as ``assets.json``) with each entry's
   ``blob`` URL added, publishes it as ``globalThis.pytoyEmbedded.map`` with the worker's
   blob URL as ``pytoyEmbedded.worker``, and imports the page's bundle.
   ``site/js/assets.js`` returns blob URLs from that map, so the page code runs unchanged.
3. Modules at ``blob:`` URLs cannot import each other by relative URL, and on ``file://``
   a worker must be a classic script, so esbuild (``buildtools/bundle.py``) bundles the
   page's modules into one ES module and ``js/worker.js`` with its imports into one classic
   script; start.js starts the latter, with Pyodide's own scripts in front of it.
4. The page moves the worker's files to it as bytes in its ``init`` request, and the
   worker answers ``fetch`` of their site URLs from those bytes (only those), so Pyodide's
   ``indexURL``/``loadPackage`` machinery needs no other change.

Size levers applied here, each deterministic and recorded in the build output with the
sha256 of what is embedded: wheels and the stdlib zip are re-zipped *stored* so the outer
gzip compresses across files; ``python_stdlib.zip`` drops modules that cannot run in
Pyodide or that only development tools use; the NumPy wheel drops f2py, C headers, static
libraries and type stubs (its RECORD is rewritten to match); ``pyodide-lock.json`` keeps
only the shipped packages, with their new sha256 so Pyodide's integrity checks still hold.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from buildtools import BuildError, human_size, progress
from buildtools.bundle import Build, Bundle, bundle

Log = Callable[[str], None]

FILE_NAME = "pytoy-explainer.html"
# bytes: the whole file, what a teacher copies to a USB stick. 12,000,000 until the shipped model
# of the large names list (data/checkpoints/names-large.json, 640 kB embedded) came in
LIMIT = 12_700_000
GZIP_LEVEL = 9
_EPOCH = (1980, 1, 1, 0, 0, 0)

# Embedded bytes (after gzip + base 85) each part may take; the sum stays under LIMIT,
# leaving ~400 kB for the page to grow.
BUDGETS: dict[str, int] = {
    "Pyodide runtime": 6_050_000,
    "NumPy": 3_280_000,
    # 60,000 until pytoy outgrew it (65 kB) and took dispatch.py; 75,000 until the beliefs,
    # the loss by t and the one-pass marginals (77 kB)
    "pytoy wheel": 90_000,
    # 1,100,000 until the large list's checkpoint (its 62k weights as float64: 640 kB embedded;
    # without its optimiser state, which would double it)
    "data": 1_760_000,
    "vendored JS/CSS": 300_000,  # 460,000 until katex.mjs left; uPlot (minified) and fonts (231 kB)
    # 420,000 until the route, the quiz, the teacher notes and the typeset formula (438 kB)
    "page (HTML, JS, CSS, loader)": 460_000,  # inline CSS, KaTeX's fonts as data: URIs
}

# Assets of the site that the single file leaves out.
SKIPPED_ASSETS: tuple[str, ...] = ()

# Stdlib modules pytoy, NumPy, micropip and Pyodide's own runtime never import: development
# tools, servers, multiprocessing (no processes in a browser), GUI and terminal libraries.
STDLIB_DROP = (
    "unittest/", "doctest.py", "pdb.py", "pydoc.py", "pydoc_data/", "idlelib/", "turtle",
    "tkinter/", "lib2to3/", "ensurepip/", "venv/", "multiprocessing/", "xmlrpc/",
    "wsgiref/", "http/server.py", "smtplib.py", "imaplib.py", "poplib.py", "ftplib.py",
    "nntplib.py", "telnetlib.py", "mailbox.py", "mailcap.py", "socketserver.py", "curses/",
    "dbm/", "sqlite3/", "test/", "tabnanny.py", "pickletools.py", "cProfile.py",
    "profile.py", "pstats.py", "trace.py", "timeit.py", "xml/", "sched.py", "aifc.py",
    "sunau.py", "wave.py", "chunk.py", "cgi.py", "cgitb.py", "webbrowser.py",
    "antigravity.py", "this.py", "pty.py", "tty.py",
)
# Codecs kept from encodings/ (the rest are legacy 8-bit and CJK tables nothing here uses):
# what CPython needs to start, UTF-*, Latin-1/ASCII, the escapes, IDNA for URLs, cp437
# for zip member names, and cp1252 as the commonest legacy one.
ENCODINGS_KEEP = frozenset(
    f"encodings/{m}.py" for m in (
        "__init__", "aliases", "ascii", "latin_1", "utf_8", "utf_8_sig", "utf_16",
        "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be", "unicode_escape",
        "raw_unicode_escape", "charmap", "idna", "punycode", "base64_codec", "hex_codec",
        "undefined", "cp437", "cp1252",
    )
)
# NumPy files only a C or Fortran build, or a type checker, reads.
NUMPY_DROP_DIRS = ("numpy/f2py/", "numpy/_pyinstaller/")
NUMPY_DROP_SUFFIXES = (".pyi", ".h", ".a", ".pxd", ".c")

MIME = {
    ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
    ".json": "application/json", ".zip": "application/zip", ".whl": "application/zip",
    ".css": "text/css", ".txt": "text/plain", ".py": "text/plain", ".svg": "image/svg+xml",
    ".woff2": "font/woff2", ".woff": "font/woff", ".png": "image/png",
}


def mime(path: str) -> str:
    return MIME.get(PurePosixPath(path).suffix, "application/octet-stream")


def part_of(name: str) -> str:
    """Which budget line an asset (by its logical name in assets.json) counts against."""
    if name == "numpy_wheel":
        return "NumPy"
    if name == "pytoy_wheel":
        return "pytoy wheel"
    if name.startswith("data/") or name == "frames.json":
        return "data"
    if name.startswith("pyodide") or name == "python_stdlib.zip":
        return "Pyodide runtime"
    return "vendored JS/CSS"


# --- deterministic rewrites of third-party archives --------------------------------------


def rezip(data: bytes, keep: Callable[[str], bool] = lambda _: True) -> tuple[bytes, int]:
    """The zip ``data`` with only the members ``keep`` accepts, stored, sorted, fixed times.

    Stored (not deflated) members let the outer gzip compress across files. Returns the new
    archive and how many members were dropped. A wheel's RECORD is rewritten to match.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    infos = sorted(src.infolist(), key=lambda i: i.filename)
    kept = [i for i in infos if keep(i.filename)]
    names = {i.filename for i in kept}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in kept:
            body = src.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                lines = body.decode("utf-8").splitlines()
                body = "".join(
                    ln + "\n" for ln in lines if ln.split(",", 1)[0] in names
                ).encode()
            zi = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            zi.compress_type = zipfile.ZIP_STORED
            zi.external_attr = info.external_attr
            dst.writestr(zi, body)
    return out.getvalue(), len(infos) - len(kept)


def keep_stdlib(name: str) -> bool:
    if name.startswith("encodings/") and name.endswith(".py"):
        return name in ENCODINGS_KEEP
    return not name.startswith(STDLIB_DROP)


def keep_numpy(name: str) -> bool:
    return not name.startswith(NUMPY_DROP_DIRS) and not name.endswith(NUMPY_DROP_SUFFIXES)


def prune_lock(data: bytes, wheels: dict[str, tuple[str, str]]) -> bytes:
    """The site's pyodide-lock.json with each re-zipped wheel's sha256 made its embedded one.

    ``wheels`` maps a lock package name to (file_name, sha256 of the embedded wheel); the
    other entries (pytoy's wheel, embedded as built) stay as the site's lock has them.
    """
    lock = json.loads(data)
    packages = dict(lock["packages"])
    for pkg, (file_name, digest) in sorted(wheels.items()):
        entry = dict(packages[pkg])
        if entry.get("file_name") != file_name:
            raise BuildError(
                f"pyodide-lock.json: {pkg} is {entry.get('file_name')}, not {file_name}"
            )
        entry["sha256"] = digest
        packages[pkg] = entry
    lock["packages"] = packages
    return json.dumps(lock, separators=(",", ":"), sort_keys=True).encode()


# --- the page's modules -----------------------------------------------------------------

# The one script the page starts as a worker (site/js/start.js: ``new URL("./worker.js",
# import.meta.url)`` when served; ``globalThis.pytoyEmbedded.worker`` in the single file).
WORKER = "js/worker.js"
# A classic script has no import.meta; what it means in a module worker is the script's URL.
WORKER_DEFINE = {"import.meta.url": "self.location.href"}


def _resolve(base: str, spec: str) -> str:
    """The site path ``spec`` points at from the file at ``base`` (both site-relative)."""
    parts: list[str] = list(PurePosixPath(base).parent.parts)
    for p in spec.split("/"):
        if p == "..":
            if not parts:
                raise BuildError(f"{base}: {spec!r} points outside the site")
            parts.pop()
        elif p not in (".", ""):
            parts.append(p)
    return "/".join(parts)


def bundle_scripts(site: Path, entries: list[str], cache: Path, log: Log) -> tuple[Bundle, Bundle]:
    """The page (its module entries and all they import, one ES module) and the worker (one
    classic script: on file:// Chromium starts no blob: module workers), bundled by esbuild."""
    if not (site / WORKER).is_file():
        raise BuildError(f"{WORKER}: not found (the worker the page starts)")
    page, worker = bundle(site, [Build(tuple(entries), "esm"),
                                 Build((WORKER,), "iife", WORKER_DEFINE)], cache)
    if WORKER in page.inputs:
        raise BuildError(f"{WORKER}: the page imports it as a module; it must only start it")
    for name, b in (("page", page), ("worker", worker)):
        for warning in b.warnings:
            log(f"single file: WARNING: esbuild ({name}): {warning}")
    return page, worker


# --- the HTML ---------------------------------------------------------------------------

# The loader: a plain .js file of its own (read, linted and hashed as it is), inlined verbatim.
LOADER_FILE = Path(__file__).with_name("single_file_loader.js")

_CSP_META = re.compile(r'<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*', re.I)
_LINK = re.compile(r"<link\b[^>]*>\s*", re.I)
_MODULE_SCRIPT = re.compile(
    r'<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"[^>]*>\s*</script>\s*', re.I
)
_ATTR = re.compile(r'\b([a-z-]+)="([^"]*)"', re.I)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)(\s*format\([^)]*\))?""")


def _local(ref: str) -> bool:
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", ref, re.I)


def data_uri(path: Path) -> str:
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{mime(path.name)};base64,{encoded}"


def inline_css(site: Path, rel: str) -> str:
    """The stylesheet at ``rel`` with its relative url() references as data: URIs."""
    css = (site / rel).read_text(encoding="utf-8")

    def sub(m: re.Match[str]) -> str:
        ref = m.group(2)
        if not _local(ref):
            return m.group(0)
        target = site / _resolve(rel, ref.split("?")[0].split("#")[0])
        if not target.is_file():  # a font format the site does not ship (woff, ttf): drop it
            return ""
        return f'url("{data_uri(target)}"){m.group(3) or ""}'

    if "@import" in css:
        raise BuildError(f"{rel}: @import is not supported in the single file; link it instead")
    css = _CSS_URL.sub(sub, css)
    css = re.sub(r",\s*(?=[,;}])", "", css)  # the commas the dropped sources leave behind
    css = re.sub(r"(src:\s*),", r"\1", css)
    return css.replace("</style", "<\\/style")


def sha256_b64(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def csp(script_hashes: list[str], style_hashes: list[str]) -> str:
    """The single file's policy: its own inline loader and styles by hash, blob: for the
    modules and the worker it creates, WebAssembly; no origin at all (not even 'self')."""
    return "; ".join([
        "default-src 'none'",
        f"script-src {' '.join(script_hashes)} blob: 'wasm-unsafe-eval'",
        "worker-src blob:",
        "connect-src blob: data:",
        "img-src data: blob:",
        f"style-src {' '.join(style_hashes)}",
        "font-src data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])


# --- assembling ------------------------------------------------------------------------


@dataclass
class Part:
    """One budget line: bytes before packing (raw) and as they stand in the file."""

    raw: int = 0
    embedded: int = 0


@dataclass
class SingleFile:
    """What was written, for the build's report and the tests."""

    path: Path
    size: int
    parts: dict[str, Part]
    csp: str
    notes: list[str]


# RFC 1924 base 85 (Python's b85encode) with the four characters HTML cares about swapped.
_B85_SAFE = bytes.maketrans(b"&<>`", b",.:[")


def _pack(data: bytes) -> tuple[str, int]:
    """gzip, then base 85 (25% overhead where base64 costs 33%); and the gzip length."""
    gz = gzip.compress(data, GZIP_LEVEL, mtime=0)
    return base64.b85encode(gz, pad=True).translate(_B85_SAFE).decode("ascii"), len(gz)


def _transform(site: Path, asset_map: dict, notes: list[str],
               pack: Callable[[bytes], tuple[str, int]] = _pack) -> dict[str, bytes]:
    """Bytes to embed per logical asset name, after the size levers (each one's effect on
    the embedded size, measured with ``pack``, goes into ``notes``)."""
    out: dict[str, bytes] = {}
    assets = asset_map["assets"]
    for name, entry in assets.items():
        if name in SKIPPED_ASSETS:
            continue
        out[name] = (site / entry["url"]).read_bytes()

    def lever(name: str, new: bytes, what: str) -> None:
        old = out[name]
        out[name] = new
        before, after = len(pack(old)[0]), len(pack(new)[0])
        notes.append(
            f"{name}: {what}: embedded {before:,} -> {after:,} bytes "
            f"({after - before:+,}); sha256 {hashlib.sha256(new).hexdigest()}"
        )

    stdlib, dropped = rezip(out["python_stdlib.zip"], keep_stdlib)
    lever("python_stdlib.zip", stdlib, f"stored, {dropped} unused modules dropped")
    data, dropped = rezip(out["numpy_wheel"], keep_numpy)
    lever("numpy_wheel", data, f"stored, {dropped} build/typing files dropped")
    wheels = {"numpy": (PurePosixPath(assets["numpy_wheel"]["url"]).name,
                        hashlib.sha256(data).hexdigest())}
    lever("pyodide-lock.json", prune_lock(out["pyodide-lock.json"], wheels),
          "NumPy's entry with its embedded sha256, and pytoy's")
    return out


def write_single_file(site: Path, dest: Path, cache: Path, *, log: Log = progress
                      ) -> SingleFile:
    """Write the single-file page for the built site in ``site`` to ``dest``."""
    asset_map = json.loads((site / "assets.json").read_text(encoding="utf-8"))
    html = (site / "index.html").read_text(encoding="utf-8")
    packer, notes = Packer(), []
    with ThreadPoolExecutor(max_workers=1) as pool:  # esbuild runs while the assets pack
        bundling = pool.submit(bundle_scripts, site, module_entries(html), cache, log)
        manifest = {
            "pyodide_version": asset_map["pyodide_version"],
            "assets": embed_assets(site, asset_map, packer, notes),
            **embed_scripts(*bundling.result(), packer),
        }
    html, styles = inline_stylesheets(site, html, packer, log)
    loader = read_loader(packer)
    policy = csp([sha256_b64(loader)], [sha256_b64(s) for s in styles])
    html = with_policy(without_module_scripts(html), policy)
    html = with_tail(html, manifest, packer, loader)
    built = write_atomically(dest, html, packer, policy, notes)
    report(built, log)
    return built


# --- its steps, in order ----------------------------------------------------------------

PAGE = "page (HTML, JS, CSS, loader)"  # the budget part of everything not an asset


@dataclass
class Packer:
    """Packs files into the file's inert data blocks, counting each part's bytes."""

    blocks: list[str] = field(default_factory=list)
    parts: dict[str, Part] = field(default_factory=lambda: {name: Part() for name in BUDGETS})
    _packed: dict[bytes, tuple[str, int]] = field(default_factory=dict, repr=False)

    def pack(self, data: bytes) -> tuple[str, int]:
        """``_pack``, once per content: a lever measures what its block then holds."""
        if data not in self._packed:
            self._packed[data] = _pack(data)
        return self._packed[data]

    def block(self, data: bytes, part: str) -> str:
        """A new block holding ``data`` (gzip + base 85), counted against ``part``; its id."""
        packed, n = self.pack(data)
        block_id = f"pytoy-{len(self.blocks)}"
        kind = "application/x-pytoy-gzip-base85"  # a data block: never run, not a script
        self.blocks.append(
            f'<script type="{kind}" id="{block_id}" data-n="{n}">{packed}</script>')
        self.parts[part].raw += len(data)
        self.parts[part].embedded += len(packed) + 64
        return block_id

    def inline(self, text: str) -> str:
        """Text that goes into the page itself (styles, the loader), counted as the page's."""
        self.parts[PAGE].raw += len(text)
        return text


def embed_assets(site: Path, asset_map: dict, packer: Packer, notes: list[str]) -> dict:
    """Every asset of the map, after the size levers, in a block: the manifest's assets.

    Each entry keeps its place in assets.json's shape, with the size and sha256 of what is
    embedded (Pyodide checks the wheels against the lock's sha256, which match these)."""
    embedded: dict[str, object] = {}
    for name, data in _transform(site, asset_map, notes, packer.pack).items():
        entry = dict(asset_map["assets"][name])
        entry["size"] = len(data)
        entry["sha256"] = hashlib.sha256(data).hexdigest()
        embedded[name] = {"entry": entry, "type": mime(entry["url"]),
                          "block": packer.block(data, part_of(name))}
    return embedded


def module_entries(html: str) -> list[str]:
    """The page's module scripts (``<script type="module" src=…>``), in document order."""
    entries = [m.group(1) for m in _MODULE_SCRIPT.finditer(html)]
    if not entries:
        raise BuildError("index.html: no <script type=\"module\" src=…> to start the page")
    return entries


def embed_scripts(page: Bundle, worker: Bundle, packer: Packer) -> dict[str, dict[str, str]]:
    """The page's bundle and the worker's, each in a block: the manifest's page and worker."""
    return {key: {"type": "text/javascript", "block": packer.block(b.text.encode(), PAGE)}
            for key, b in (("page", page), ("worker", worker))}


def inline_stylesheets(site: Path, html: str, packer: Packer, log: Log
                       ) -> tuple[str, list[str]]:
    """``html`` with each local stylesheet link replaced by a ``<style>`` (its url()s as
    data: URIs) and other local links (the icon) as data: URIs; and the styles, for the CSP."""
    styles: list[str] = []

    def link(m: re.Match[str]) -> str:
        attrs = {k.lower(): v for k, v in _ATTR.findall(m.group(0))}
        href, rel = attrs.get("href", ""), attrs.get("rel", "").lower()
        if not _local(href):
            return m.group(0)
        if not (site / href).is_file():  # the site would 404 on it too; say so, go on
            log(f"single file: WARNING: index.html links {href}, which the site does not have")
            return ""
        if rel == "stylesheet":
            styles.append(packer.inline(inline_css(site, href)))
            return f"<style>{styles[-1]}</style>\n"
        if rel == "preload":  # the file's fonts are in its styles already: nothing to fetch early
            return ""
        return m.group(0).replace(f'href="{href}"', f'href="{data_uri(site / href)}"')

    return _LINK.sub(link, html), styles


def read_loader(packer: Packer) -> str:
    """The loader's text, as it will stand inline (and be hashed for the CSP)."""
    loader = LOADER_FILE.read_text(encoding="utf-8")
    if "</script" in loader.lower() or "<!--" in loader:  # either would end the inline script
        raise BuildError(f"{LOADER_FILE.name}: must not hold </script or <!--")
    return packer.inline(loader)


def without_module_scripts(html: str) -> str:
    """``html`` without its module scripts (the loader starts the bundle instead); nothing
    else may still point at a file of the site."""
    html = _MODULE_SCRIPT.sub("", html)
    for m in re.finditer(r'\b(?:src|srcset|poster)="([^"]+)"', html):
        if _local(m.group(1)):
            raise BuildError(f"index.html: {m.group(0)} is not embedded by the single-file build")
    return html


def with_policy(html: str, policy: str) -> str:
    """``html`` with the site's CSP meta tag replaced by the single file's own."""
    if not _CSP_META.search(html):
        raise BuildError("index.html: no Content-Security-Policy meta to replace")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
    return _CSP_META.sub(lambda _: meta, html, count=1)


def with_tail(html: str, manifest: dict, packer: Packer, loader: str) -> str:
    """``html`` with the manifest, the data blocks and the loader before ``</body>``."""
    if "</body>" not in html:
        raise BuildError("index.html: no </body>")
    manifest_json = json.dumps(manifest, separators=(",", ":")).replace("<", "\\u003c")
    tail = (
        f'<script type="application/json" id="pytoy-embedded">{manifest_json}</script>\n'
        + "\n".join(packer.blocks)
        + f'\n<script type="module">{loader}</script>\n'
    )
    return html.replace("</body>", tail + "</body>", 1)


def write_atomically(dest: Path, html: str, packer: Packer, policy: str, notes: list[str]
                     ) -> SingleFile:
    """Write ``dest`` whole or not at all (a reader may be copying the last one); its sizes."""
    data = html.encode("utf-8")
    parts = packer.parts
    # the page is everything else: HTML, styles, loader, manifest, its scripts' blocks
    parts[PAGE].embedded = len(data) - sum(p.embedded for n, p in parts.items() if n != PAGE)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part_file = dest.with_name(dest.name + ".part")
    part_file.write_bytes(data)
    part_file.replace(dest)
    return SingleFile(dest, len(data), parts, policy, notes)


def report(built: SingleFile, log: Log) -> None:
    log(f"single file: wrote {built.path}: {built.size:,} bytes ({human_size(built.size)}), "
        f"limit {LIMIT:,}")
    log(f"single file:   {'part':30} {'raw':>11} {'embedded':>11} {'budget':>11}")
    for name, p in built.parts.items():
        flag = "  OVER BUDGET" if p.embedded > BUDGETS[name] else ""
        log(f"single file:   {name:30} {p.raw:>11,} {p.embedded:>11,} {BUDGETS[name]:>11,}{flag}")
    for note in built.notes:
        log(f"single file:   lever: {note}")
    log(f"single file:   CSP (the file's own, in its meta tag): {built.csp}")
    if built.size > LIMIT:
        log(f"single file: WARNING: {built.size - LIMIT:,} bytes over the {LIMIT:,}-byte limit")
