"""A small static server for ``dist/site/``, for people and for the browser tests.

Why not ``python -m http.server``: it takes MIME types from the host's mimetypes tables,
which may lack ``.wasm`` (and ``WebAssembly.instantiateStreaming`` accepts nothing but
``application/wasm``), and it cannot serve under a sub-path, which the tests need to prove
every URL the site uses is relative. No CSP header is added: the page sets its own with a
meta tag, so the site behaves the same on any static host.

Text (HTML, CSS, JavaScript, JSON, SVG, plain text) goes out gzip-compressed, with
``Content-Encoding: gzip``, to a client that accepts it, as any production host would send
it; each file is compressed once per content (its size and mtime) and kept in memory.
Wheels, zips, fonts and WebAssembly go out as they are.
"""

from __future__ import annotations

import email.utils
import gzip
import os
import signal
import socket
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from buildtools import BuildError, progress

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".whl": "application/octet-stream",
    ".zip": "application/octet-stream",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".map": "application/json",
}


# compressed when the client accepts gzip: text, which shrinks 3-10x (wheels, zips and woff2 are
# compressed already; the wasm is fetched once per boot over a fast link in development)
COMPRESSIBLE = frozenset({".html", ".css", ".js", ".mjs", ".json", ".txt", ".svg", ".map"})
GZIP_LEVEL = 6
_gzipped: dict[tuple[str, int, int], bytes] = {}
_gzipped_lock = threading.Lock()


def gzipped(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes gzip-compressed (mtime 0, so the same bytes every time), and its stat."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _gzipped_lock:
        hit = _gzipped.get(key)
    if hit is None:
        hit = gzip.compress(path.read_bytes(), GZIP_LEVEL, mtime=0)
        with _gzipped_lock:
            _gzipped[key] = hit
    return hit, st


def accepts_gzip(header: str | None) -> bool:
    """True if an Accept-Encoding header accepts gzip (and does not give it q=0)."""
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False


def normalize_prefix(prefix: str) -> str:
    """``demos/pytoy`` -> ``/demos/pytoy/``; empty -> ``/``."""
    inner = prefix.strip("/")
    return f"/{inner}/" if inner else "/"


def make_handler(
    root: Path, prefix: str = "/", quiet: bool = False
) -> type[SimpleHTTPRequestHandler]:
    """A request handler serving ``root`` at ``prefix`` (404 outside it)."""
    prefix = normalize_prefix(prefix)
    directory = str(root)

    class Handler(SimpleHTTPRequestHandler):
        # keep-alive: the page's ~40 small modules and the worker's runtime files share a few
        # connections instead of opening one per request (HTTP/1.0 is the default)
        protocol_version = "HTTP/1.1"
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}  # noqa: RUF012

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=directory, **kwargs)

        def _in_prefix(self) -> bool:
            """True if the request is under the prefix; else answer it (redirect or 404)."""
            if prefix == "/":
                return True
            parts = urlsplit(self.path)
            if parts.path.startswith(prefix):
                return True
            if parts.path == prefix[:-1]:
                self.send_response(301)
                self.send_header("Location", prefix + (f"?{parts.query}" if parts.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_error(404, f"this server only serves {prefix}")
            return False

        def do_GET(self) -> None:
            if self._in_prefix() and not self._send_gzipped(body=True):
                super().do_GET()

        def do_HEAD(self) -> None:
            if self._in_prefix() and not self._send_gzipped(body=False):
                super().do_HEAD()

        def _send_gzipped(self, body: bool) -> bool:
            """Answer with the file gzip-compressed if it is text and the client accepts it;
            False to let the plain handler answer (anything else, or a revalidation)."""
            if not accepts_gzip(self.headers.get("Accept-Encoding")):
                return False
            if "If-Modified-Since" in self.headers:
                return False  # the plain handler answers 304 (or the file, uncompressed)
            path = Path(self.translate_path(self.path))
            if path.is_dir() and urlsplit(self.path).path.endswith("/"):
                path = path / "index.html"
            if path.suffix not in COMPRESSIBLE or not path.is_file():
                return False
            try:
                data, st = gzipped(path)
            except OSError:
                return False
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
            self.end_headers()
            if body:
                self.wfile.write(data)
            return True

        def translate_path(self, path: str) -> str:
            if prefix != "/" and path.startswith(prefix):
                path = "/" + path[len(prefix) :]
            return super().translate_path(path)

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-cache")  # always revalidate during development
            super().end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            if not quiet:
                super().log_message(format, *args)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # an open keep-alive connection must not block shutdown


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(
    root: Path, *, host: str = "127.0.0.1", port: int = 0, prefix: str = "/", quiet: bool = False
) -> tuple[ThreadingHTTPServer, str]:
    """Bind (port 0 picks a free one) and return the server and the site's URL."""
    if not (root / "index.html").is_file():
        raise BuildError(f"{root}: no index.html to serve (run `python build.py` first)")
    cls = _Server6 if ":" in host else _Server
    try:
        server = cls((host, port), make_handler(root, prefix, quiet))
    except OSError as e:
        raise BuildError(f"cannot listen on {host}:{port} ({e.strerror or e})") from None
    bound_port = server.server_address[1]
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return server, f"http://{shown}:{bound_port}{normalize_prefix(prefix)}"


def start_server(
    root: Path, port: int = 0, *, host: str = "127.0.0.1", prefix: str = "/", quiet: bool = True
) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``root`` from a background thread (for tests); stop it with ``stop_server``."""
    server, url = make_server(root, host=host, port=port, prefix=prefix, quiet=quiet)
    threading.Thread(target=server.serve_forever, name="pytoy-serve", daemon=True).start()
    return server, url


def stop_server(server: ThreadingHTTPServer) -> None:
    """Stop a server from ``start_server`` and free its port."""
    server.shutdown()
    server.server_close()


def serve_until_interrupted(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    prefix: str = "/",
    log: Callable[[str], None] = progress,
) -> None:
    """Serve in the foreground until Ctrl-C (or SIGTERM), then close the socket cleanly."""
    server, url = make_server(root, host=host, port=port, prefix=prefix)

    def _interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _interrupt)
    log(f"serve: {root} at {url}  (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log("serve: stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
