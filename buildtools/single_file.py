"""Write ``dist/pytoy-explainer.html``: the whole site in one file that works from ``file://``.

Pyodide cannot load from a folder opened by double-click (no fetch, no workers on
``file://``), so for classrooms without network the build also writes one HTML file that
carries every asset inside it, gzip-compressed and base85-encoded in inert data blocks.

How the file works, in order:

1. An inline module (the *loader*, ``single_file_loader.js`` inlined verbatim, allowed by
   its sha256 in the file's own CSP) decodes every block (``DecompressionStream``) into a
   ``Blob`` and gives it a ``blob:`` URL.
2. It builds the runtime's asset map (the same shape as ``assets.json``) with each entry's
   ``blob`` URL added, publishes it as ``globalThis.pytoyEmbedded.map``, and imports the
   page's entry module. ``site/js/assets.js`` returns blob URLs from that map, so the page
   code runs unchanged; the page hands the map to the worker in its ``init`` request.
3. The page's own modules cannot import each other by relative URL from ``blob:`` URLs, so
   at build time every relative specifier (``import … from "./x.js"``, ``import("./x.js")``,
   ``new URL("./x", import.meta.url)``) is replaced by a ``pytoy-embed:<path>`` token, and
   the loader creates the modules' blob URLs leaves first, substituting the tokens.
4. In the worker, ``fetch`` is redirected from the map's site URLs to the blob URLs (only
   those), so Pyodide's ``indexURL``/``loadPackage`` machinery needs no other change.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from buildtools import BuildError, human_size, progress

Log = Callable[[str], None]

FILE_NAME = "pytoy-explainer.html"
LIMIT = 12_000_000  # bytes: the whole file, what a teacher copies to a USB stick
GZIP_LEVEL = 9
_EPOCH = (1980, 1, 1, 0, 0, 0)

# Embedded bytes (after gzip + base 85) each part may take; the sum stays under LIMIT,
# leaving ~400 kB for the page to grow.
BUDGETS: dict[str, int] = {
    "Pyodide runtime": 6_050_000,
    "NumPy": 3_280_000,
    "micropip + packaging": 200_000,
    "pytoy wheel": 75_000,  # was 60,000 until pytoy outgrew it (65 kB) and took dispatch.py
    "data": 1_100_000,
    "vendored JS/CSS": 460_000,  # katex.mjs is most of it
    "page (HTML, JS, CSS, loader)": 435_000,  # inline CSS, with KaTeX's fonts as data: URIs
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
    if name in ("micropip_wheel", "packaging_wheel"):
        return "micropip + packaging"
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
    """pyodide-lock.json with only the shipped packages, each with its embedded sha256.

    ``wheels`` maps a lock package name to (file_name, sha256 of the embedded wheel).
    """
    lock = json.loads(data)
    packages = {}
    for pkg, (file_name, digest) in sorted(wheels.items()):
        entry = dict(lock["packages"][pkg])
        if entry.get("file_name") != file_name:
            raise BuildError(
                f"pyodide-lock.json: {pkg} is {entry.get('file_name')}, not {file_name}"
            )
        entry["sha256"] = digest
        packages[pkg] = entry
    lock["packages"] = packages
    return json.dumps(lock, separators=(",", ":"), sort_keys=True).encode()


# --- the page's modules -----------------------------------------------------------------

# Relative module specifiers and import.meta.url-relative URLs, the only forms rewritten.
_SPECIFIERS = (
    re.compile(r"""(\bfrom\s*)(["'])(\.{1,2}/[^"'\n]+)\2"""),
    re.compile(r"""(\bimport\s*)(["'])(\.{1,2}/[^"'\n]+)\2"""),
    re.compile(r"""(\bimport\(\s*)(["'])(\.{1,2}/[^"'\n]+)\2(?=\s*\))"""),
    re.compile(r"""(\bnew\s+URL\(\s*)(["'])(\.{1,2}/[^"'\n]+)\2(?=\s*,\s*import\.meta\.url\s*\))"""),
)
TOKEN = "pytoy-embed:"


def _resolve(base: str, spec: str) -> str:
    parts: list[str] = list(PurePosixPath(base).parent.parts)
    for p in spec.split("/"):
        if p == "..":
            if not parts:
                raise BuildError(f"{base}: {spec!r} points outside the site")
            parts.pop()
        elif p not in (".", ""):
            parts.append(p)
    return "/".join(parts)


def rewrite_module(path: str, text: str) -> tuple[str, list[str]]:
    """Replace relative specifiers in module ``path`` by tokens; return text and targets."""
    targets: list[str] = []

    def sub(m: re.Match[str]) -> str:
        target = _resolve(path, m.group(3).split("?")[0].split("#")[0])
        targets.append(target)
        return f"{m.group(1)}{m.group(2)}{TOKEN}{target}{m.group(2)}"

    for pattern in _SPECIFIERS:
        text = pattern.sub(sub, text)
    return text, targets


@dataclass
class Graph:
    """The page's modules in dependency order, and the plain files they point at.

    A script that a module reaches through ``new URL("./x.js", import.meta.url)`` is a
    worker: Chromium cannot start a *module* worker from a ``blob:`` URL on ``file://``
    (nor import ``blob:`` modules inside one), so each worker and its static imports are
    flattened into one classic script (see ``classic_script``), kept in ``files``.
    """

    modules: list[tuple[str, str]] = field(default_factory=list)  # (path, rewritten text)
    files: list[str] = field(default_factory=list)
    workers: dict[str, str] = field(default_factory=dict)  # path -> classic script


_IMPORT = re.compile(
    r"""^import\s*\{([^}]*)\}\s*from\s*(["'])pytoy-embed:([^"']+)\2;?[ \t]*$""", re.M
)
_EXPORT_DECL = re.compile(
    r"^export\s+((?:async\s+)?function\*?|class|const|let|var)\s+([\w$]+)", re.M
)


def classic_script(site: Path, entry: str) -> str:
    """``entry`` and the modules it imports as one classic script; plain files it points at
    (``new URL("./dispatch.py", import.meta.url)``) become data: URIs.

    Each module runs in its own function scope and returns its exports; ``import {a, b as
    c} from`` becomes a destructuring of that object. Only the forms our modules use are
    accepted (named imports, exported declarations); anything else stops the build.
    """
    order: list[tuple[str, str]] = []
    seen: set[str] = set()

    def visit(path: str, chain: tuple[str, ...]) -> None:
        if path in seen:
            return
        if path in chain:
            raise BuildError(f"{path}: import cycle {' -> '.join([*chain, path])}")
        text, targets = rewrite_module(path, (site / path).read_text(encoding="utf-8"))
        for t in targets:
            if not (site / t).is_file():
                raise BuildError(f"{path}: imports {t}, not found")
            if t.endswith((".js", ".mjs")) and re.search(
                rf"""from\s*["']{re.escape(TOKEN + t)}["']""", text
            ):
                visit(t, (*chain, path))
            else:  # blob: URLs the page creates are not readable in the worker on file://
                text = text.replace(TOKEN + t, data_uri(site / t))
        seen.add(path)
        order.append((path, text))

    visit(entry, ())
    out = ["'use strict';", "const pytoyModules = {};"]
    for path, text in order:
        def imp(m: re.Match[str]) -> str:
            names = m.group(1).replace(" as ", ": ")
            return f"const {{{names}}} = pytoyModules[{json.dumps(m.group(3))}];"

        body = _IMPORT.sub(imp, text)
        exports = [m.group(2) for m in _EXPORT_DECL.finditer(body)]
        body = _EXPORT_DECL.sub(lambda m: f"{m.group(1)} {m.group(2)}", body)
        if re.search(r"^\s*(?:import\s|export\s)", body, re.M):
            raise BuildError(f"{path}: an import/export form the single-file worker cannot flatten")
        body = body.replace("import.meta.url", "self.location.href")
        ret = f"return {{{', '.join(exports)}}};" if path != entry else ""
        out.append(f"pytoyModules[{json.dumps(path)}] = (() => {{\n{body}\n{ret}}})();")
    return "\n".join(out) + "\n"


def module_graph(site: Path, entries: Iterable[str]) -> Graph:
    graph = Graph()
    done: set[str] = set()
    active: list[str] = []

    def visit(path: str) -> None:
        if path in done:
            return
        if path in active:
            raise BuildError(f"{path}: import cycle {' -> '.join([*active, path])}")
        file = site / path
        if not file.is_file():
            raise BuildError(f"{active[-1] if active else 'index.html'}: imports {path}, not found")
        if not path.endswith((".js", ".mjs")):
            done.add(path)
            graph.files.append(path)
            return
        active.append(path)
        text, targets = rewrite_module(path, file.read_text(encoding="utf-8"))
        for t in targets:
            is_worker = re.search(rf"new\s+URL\(\s*[\"']{re.escape(TOKEN + t)}[\"']", text)
            if is_worker and t.endswith((".js", ".mjs")):
                if t not in graph.workers:
                    graph.workers[t] = classic_script(site, t)
                continue
            visit(t)
        active.pop()
        done.add(path)
        graph.modules.append((path, text))

    for entry in entries:
        visit(entry)
    return graph


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
    raw: int = 0
    embedded: int = 0


@dataclass
class SingleFile:
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


def _transform(site: Path, asset_map: dict, notes: list[str]) -> dict[str, bytes]:
    """Bytes to embed per logical asset name, after the size levers."""
    out: dict[str, bytes] = {}
    assets = asset_map["assets"]
    for name, entry in assets.items():
        if name in SKIPPED_ASSETS:
            continue
        out[name] = (site / entry["url"]).read_bytes()

    def lever(name: str, new: bytes, what: str) -> None:
        old = out[name]
        out[name] = new
        before, after = len(_pack(old)[0]), len(_pack(new)[0])
        notes.append(
            f"{name}: {what}: embedded {before:,} -> {after:,} bytes "
            f"({after - before:+,}); sha256 {hashlib.sha256(new).hexdigest()}"
        )

    stdlib, dropped = rezip(out["python_stdlib.zip"], keep_stdlib)
    lever("python_stdlib.zip", stdlib, f"stored, {dropped} unused modules dropped")
    wheels: dict[str, tuple[str, str]] = {}
    for pkg in ("numpy", "micropip", "packaging"):
        name = f"{pkg}_wheel"
        keep = keep_numpy if pkg == "numpy" else (lambda _: True)
        data, dropped = rezip(out[name], keep)
        extra = f", {dropped} build/typing files dropped" if dropped else ""
        lever(name, data, f"stored{extra}")
        wheels[pkg] = (PurePosixPath(assets[name]["url"]).name, hashlib.sha256(data).hexdigest())
    lever("pyodide-lock.json", prune_lock(out["pyodide-lock.json"], wheels),
          f"only {', '.join(sorted(wheels))}, their embedded sha256")
    return out


def write_single_file(site: Path, dest: Path, *, log: Log = progress) -> SingleFile:
    """Write the single-file page for the built site in ``site`` to ``dest``."""
    asset_map = json.loads((site / "assets.json").read_text(encoding="utf-8"))
    html = (site / "index.html").read_text(encoding="utf-8")
    notes: list[str] = []
    parts = {name: Part() for name in BUDGETS}
    page = "page (HTML, JS, CSS, loader)"
    blocks: list[str] = []

    def block(data: bytes, part: str) -> str:
        packed, n = _pack(data)
        block_id = f"pytoy-{len(blocks)}"
        kind = "application/x-pytoy-gzip-base85"  # a data block: never run, not a script
        blocks.append(f'<script type="{kind}" id="{block_id}" data-n="{n}">{packed}</script>')
        parts[part].raw += len(data)
        parts[part].embedded += len(packed) + 64
        return block_id

    manifest: dict[str, object] = {"pyodide_version": asset_map["pyodide_version"]}
    embedded: dict[str, object] = {}
    for name, data in _transform(site, asset_map, notes).items():
        entry = dict(asset_map["assets"][name])
        entry["size"] = len(data)
        entry["sha256"] = hashlib.sha256(data).hexdigest()
        embedded[name] = {"entry": entry, "type": mime(entry["url"]),
                          "block": block(data, part_of(name))}
    manifest["assets"] = embedded

    entries = [m.group(1) for m in _MODULE_SCRIPT.finditer(html)]
    if not entries:
        raise BuildError("index.html: no <script type=\"module\" src=…> to start the page")
    graph = module_graph(site, entries)
    manifest["files"] = [
        {"path": p, "type": mime(p), "block": block((site / p).read_bytes(), page)}
        for p in graph.files
    ]
    # workers first: the modules that start them need their URLs; both get tokens linked
    manifest["modules"] = [
        {"path": p, "block": block(text.encode("utf-8"), page)}
        for p, text in [*graph.workers.items(), *graph.modules]
    ]
    manifest["entries"] = entries

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
            css = inline_css(site, href)
            styles.append(css)
            parts[page].raw += len(css)
            return f"<style>{css}</style>\n"
        return m.group(0).replace(f'href="{href}"', f'href="{data_uri(site / href)}"')

    html = _LINK.sub(link, html)
    loader = LOADER_FILE.read_text(encoding="utf-8")
    if "</script" in loader.lower() or "<!--" in loader:  # either would end the inline script
        raise BuildError(f"{LOADER_FILE.name}: must not hold </script or <!--")
    html = _MODULE_SCRIPT.sub("", html)
    for m in re.finditer(r'\b(?:src|srcset|poster)="([^"]+)"', html):
        if _local(m.group(1)):
            raise BuildError(f"index.html: {m.group(0)} is not embedded by the single-file build")
    policy = csp([sha256_b64(loader)], [sha256_b64(s) for s in styles])
    head = (
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
    )
    if not _CSP_META.search(html):
        raise BuildError("index.html: no Content-Security-Policy meta to replace")
    html = _CSP_META.sub(lambda _: head, html, count=1)
    manifest_json = json.dumps(manifest, separators=(",", ":")).replace("<", "\\u003c")
    tail = (
        f'<script type="application/json" id="pytoy-embedded">{manifest_json}</script>\n'
        + "\n".join(blocks)
        + f'\n<script type="module">{loader}</script>\n'
    )
    if "</body>" not in html:
        raise BuildError("index.html: no </body>")
    html = html.replace("</body>", tail + "</body>", 1)
    parts[page].raw += len(loader)

    data = html.encode("utf-8")
    # the page is everything else: HTML, styles, loader, manifest, its modules' blocks
    parts[page].embedded = len(data) - sum(p.embedded for n, p in parts.items() if n != page)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part_file = dest.with_name(dest.name + ".part")
    part_file.write_bytes(data)
    part_file.replace(dest)
    built = SingleFile(dest, len(data), parts, policy, notes)
    report(built, log)
    return built


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
