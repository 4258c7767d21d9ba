"""WebKit (Safari's engine) for the tests: MiniBrowser under Xvfb, driven by WebKitWebDriver.

Debian's ``webkit2gtk-driver`` ships ``WebKitWebDriver``, a standard W3C WebDriver server;
``libwebkit2gtk-4.1-0`` (its dependency) ships ``MiniBrowser``, the small WebKitGTK browser it
drives; ``xvfb`` gives both an X display. Nothing is downloaded: WebDriver is JSON over HTTP,
spoken here with ``urllib``.

    with WebKit(lang="en_US.UTF-8") as wk:
        wk.open(url)
        wk.wait_for("document.body.dataset.status === 'ready'")
        wk.run_async("window.pytoy.client.call('defaults')")

Every wait polls the page for a state and has a generous ceiling; nothing sleeps a fixed
time. ``lang`` becomes ``LANG``/``LC_ALL``, from which WebKitGTK derives ``navigator.language``
(``C.UTF-8`` gives ``"C"``, a tag Intl refuses). Each ``WebKit`` owns its Xvfb, driver and
browser processes (each in its own process group) and ends exactly those.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

DRIVER = Path(os.environ.get("PYTOY_WEBKIT_DRIVER")
              or shutil.which("WebKitWebDriver") or "/usr/bin/WebKitWebDriver")
# in the multiarch library directory (x86_64-linux-gnu, aarch64-linux-gnu, ...)
MINIBROWSER = Path(os.environ.get("PYTOY_MINIBROWSER")
                   or next(iter(sorted(Path("/usr/lib").glob("*/webkit2gtk-4.1/MiniBrowser"))),
                           "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"))
XVFB = Path(shutil.which("Xvfb") or "/usr/bin/Xvfb")
# Ceiling for one wait: Pyodide in WebKit took 20 s to boot on a quiet 2-core machine and
# 42 s on a loaded one; the ceiling is far above both, so only a hang reaches it.
WAIT_S = 300.0
POLL_S = 0.1  # how often a wait looks at the page again
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C key of an element reference


def missing() -> list[str]:
    """What this machine lacks to run WebKit (empty when everything is there)."""
    need = {"WebKitWebDriver": DRIVER, "MiniBrowser": MINIBROWSER, "Xvfb": XVFB}
    return [f"{name} ({path})" for name, path in need.items() if not path.exists()]


class WebDriverError(RuntimeError):
    """A WebDriver command failed; the message carries WebKit's error and message."""


class WaitTimeoutError(AssertionError):
    """A wait reached its ceiling; the message says what it waited for and what it saw."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """End a process this module started, and its children (its own process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def _start_xvfb(log: Path) -> tuple[subprocess.Popen, str]:
    """Xvfb on a display it picks itself (``-displayfd``): no race for a display number."""
    read, write = os.pipe()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(XVFB), "-displayfd", str(write), "-screen", "0", "1280x900x24",
             "-nolisten", "tcp", "-noreset"],
            pass_fds=(write,), stdout=out, stderr=out, start_new_session=True,
        )
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as r:
        while not number.endswith(b"\n"):
            chunk = r.read(1)  # Xvfb writes the number once it listens, or exits
            if not chunk:
                break
            number += chunk
    if not number.strip().isdigit():
        _stop(proc)
        raise WebDriverError(f"Xvfb did not start (see {log})")
    return proc, f":{number.strip().decode()}"


class WebKit:
    """One MiniBrowser session. Use as a context manager; ``close()`` ends every process."""

    def __init__(self, lang: str = "en_US.UTF-8", log_dir: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.lang = lang
        self.extra_env = env or {}
        log_dir = log_dir or Path(os.environ.get("TMPDIR", "/tmp"))
        self.log = log_dir / f"webkit-{os.getpid()}-{id(self):x}.log"
        self._procs: list[subprocess.Popen] = []
        self.base = ""
        self.session = ""

    # --- processes --------------------------------------------------------------------------

    def start(self) -> WebKit:
        try:
            xvfb, display = _start_xvfb(self.log)
            self._procs.append(xvfb)
            env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANGUAGE"))}
            env.update(DISPLAY=display, LANG=self.lang, LC_ALL=self.lang, GDK_BACKEND="x11",
                       NO_AT_BRIDGE="1",  # no accessibility bus on a headless machine
                       WEBKIT_DISABLE_COMPOSITING_MODE="1", LIBGL_ALWAYS_SOFTWARE="1")  # no GPU
            env.update(self.extra_env)
            self._start_driver(env)
            self.session = self._new_session()
        except BaseException:
            self.close()
            raise
        return self

    def _start_driver(self, env: dict[str, str]) -> None:
        for _ in range(5):  # a free port may be taken between the check and the bind
            port = _free_port()
            with self.log.open("ab") as out:
                driver = subprocess.Popen([str(DRIVER), f"--port={port}"], env=env,
                                          stdout=out, stderr=out, start_new_session=True)
            self.base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and driver.poll() is None:
                try:
                    with urllib.request.urlopen(self.base + "/status", timeout=5) as r:
                        if json.load(r)["value"].get("ready"):
                            self._procs.append(driver)
                            return
                except (OSError, ValueError):
                    pass
                time.sleep(POLL_S)
            _stop(driver)
        raise WebDriverError(f"WebKitWebDriver did not start (see {self.log})")

    def _new_session(self) -> str:
        caps = {"capabilities": {"alwaysMatch": {
            "webkitgtk:browserOptions": {"binary": str(MINIBROWSER), "args": ["--automation"]},
        }}}
        error: Exception | None = None
        for _ in range(2):  # a browser that fails to come up once is asked again, once
            try:
                session = self._send("POST", "/session", caps, timeout=120)["sessionId"]
            except (WebDriverError, OSError) as e:
                error = e
                continue
            self.session = session
            ms = int(WAIT_S * 1000)
            self._cmd("POST", "/timeouts", {"script": ms, "pageLoad": ms, "implicit": 0})
            return session
        raise WebDriverError(f"no MiniBrowser session: {error} (see {self.log})")

    def close(self) -> None:
        if self.session:
            with contextlib.suppress(WebDriverError, OSError):
                self._send("DELETE", f"/session/{self.session}", timeout=30)
            self.session = ""
        for proc in reversed(self._procs):
            _stop(proc)
        self._procs.clear()

    def __enter__(self) -> WebKit:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the protocol -----------------------------------------------------------------------

    def _send(self, method: str, path: str, body: Any = None, timeout: float = WAIT_S + 60
              ) -> Any:
        data = json.dumps(body if body is not None else {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.load(r)["value"]
        except urllib.error.HTTPError as e:
            try:
                value = json.load(e)["value"]
                why = f"{value.get('error')}: {value.get('message')}"
            except (ValueError, KeyError, TypeError, AttributeError):
                why = f"HTTP {e.code}"
            raise WebDriverError(f"{method} {path}: {why}") from None

    def _cmd(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send(method, f"/session/{self.session}{path}", body, **kw)

    def open(self, url: str) -> None:
        """Navigate and wait for the document's load event (WebDriver's normal strategy)."""
        self._cmd("POST", "/url", {"url": url})

    @property
    def driver_pid(self) -> int:
        """WebKitWebDriver's process id (MiniBrowser and WebKit's processes run under it)."""
        return self._procs[-1].pid

    @property
    def url(self) -> str:
        return self._cmd("GET", "/url")

    def execute(self, script: str, *args: Any) -> Any:
        """Run a function body (``return ...``) in the page; JSON values come back."""
        return self._cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def run_async(self, expression: str, *args: Any) -> Any:
        """Await ``expression`` (it may use ``arguments[0..]``, the ``args``) in the page.

        A rejection is raised as a WebDriverError with the page's own message.
        """
        script = (
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => ({expression}))"
            ".then((v) => done({value: v === undefined ? null : v}),"
            " (e) => done({error: String(e && e.stack || e)}));"
        )
        out = self._cmd("POST", "/execute/async", {"script": script, "args": list(args)})
        if "error" in out:
            raise WebDriverError(f"the page's promise rejected: {out['error']}")
        return out["value"]

    def wait_for(self, condition: str, timeout: float = WAIT_S, what: str | None = None) -> Any:
        """Poll a JS expression until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while True:
            try:
                last = self.execute(f"return ({condition});")
            except WebDriverError as e:  # e.g. the document is being replaced
                last = str(e)
            else:
                if last:
                    return last
            if time.monotonic() > deadline:
                raise WaitTimeoutError(f"waited {timeout:.0f} s for {what or condition}; "
                                       f"last saw {last!r}")
            time.sleep(POLL_S)

    def find(self, selector: str) -> str:
        found = self._cmd("POST", "/element", {"using": "css selector", "value": selector})
        return found[ELEMENT]

    def show(self, element: str) -> None:
        """Scroll an element to the middle of the screen and wait a frame, so it is rendered."""
        self.run_async("(arguments[0].scrollIntoView({block: 'center'}),"
                       " new Promise((ok) => requestAnimationFrame(() => ok(true))))",
                       {ELEMENT: element})

    def click(self, selector: str) -> None:
        """A real (WebDriver) click on the element, brought on screen first as a reader scrolls
        to it: WebKit's driver will not scroll to a section the page does not render while it is
        far from the screen (content-visibility) and calls its element not interactable."""
        element = self.find(selector)
        self.show(element)
        self._cmd("POST", f"/element/{element}/click")

    def text(self, selector: str) -> str:
        """The element's rendered text (WebDriver's, like innerText), on screen as a reader
        reads it: far from the screen a section is not rendered, and its text would be empty."""
        element = self.find(selector)
        self.show(element)
        return self._cmd("GET", f"/element/{element}/text")

    def screenshot(self, path: Path) -> Path:
        path.write_bytes(base64.b64decode(self._cmd("GET", "/screenshot")))
        return path
