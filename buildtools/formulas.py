"""Typeset the page's formulas at build time: static HTML and CSS, no KaTeX JS at run time.

A formula is an element with ``data-tex`` (its TeX) whose content is a plain-text fallback,
e.g. ``<div id="model-formula" class="formula" data-tex="\\ell(\\theta) = …">ℓ(θ) = …</div>``.
The build runs KaTeX (vendored from npm, pinned, ``buildtools/assets.py``) under node once for
every formula and puts its HTML (with MathML for screen readers) in the element's place,
marked ``data-rendered="katex"``; KaTeX's stylesheet and fonts stay what the page loads.

KaTeX sizes and places glyphs with inline ``style`` attributes, which the page's
Content-Security-Policy (``style-src 'self'``) would block. Each distinct one becomes a class
instead (``kx-<hash>``), its declarations written to ``css/formulas.css`` as ``!important``
rules, so they win over KaTeX's own stylesheet as an inline style would.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from buildtools import BuildError
from buildtools.assets import VENDOR_SOURCES

DRIVER = Path(__file__).with_name("formulas.mjs")
CSS = "css/formulas.css"  # site-relative; index.html links it after KaTeX's stylesheet
TIMEOUT_S = 120

# an element carrying data-tex, up to its closing tag (a formula's fallback holds no element
# of its own kind, only inline markup such as <sub>)
_FORMULA = re.compile(
    r'<(?P<tag>[a-z]+)(?P<attrs>[^>]*?\sdata-tex="(?P<tex>[^"]*)"[^>]*)>(?P<body>.*?)</(?P=tag)>',
    re.S)
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_STYLE = re.compile(r'\sstyle="([^"]*)"')
# an HTML parser puts <math> in MathML's namespace by itself; the page names no http URL
_MATHML_NS = ' xmlns="http://www.w3.org/1998/Math/MathML"'
_CLASS = re.compile(r'\sclass="([^"]*)"')


def katex_module(cache: Path) -> Path:
    src = next(s for s in VENDOR_SOURCES if s.name == "katex")
    return cache / src.dest / "dist" / "katex.mjs"


def render(texts: list[str], cache: Path) -> list[str]:
    """KaTeX's HTML for each TeX string (display mode), from one node process."""
    if not texts:
        return []
    module = katex_module(cache)
    if not module.is_file():
        raise BuildError(f"{module}: missing; run `python build.py fetch`")
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is not installed (the page's formulas are typeset with KaTeX "
                         "under node; `bash scripts/setup.sh` installs it)")
    try:
        proc = subprocess.run([node, str(DRIVER), str(module)], input=json.dumps(texts),
                              capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise BuildError(f"KaTeX: no answer within {TIMEOUT_S} s") from None
    try:
        reply = json.loads(proc.stdout)
    except ValueError:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise BuildError(f"KaTeX: failed (exit {proc.returncode}): {tail}") from None
    if "error" in reply:
        raise BuildError(f"KaTeX: {reply['error']}")
    return reply["html"]


def styles_to_classes(markup: str, rules: dict[str, str]) -> str:
    """``markup`` with every ``style="…"`` replaced by a class; ``rules`` gains class -> CSS."""

    def tag(m: re.Match[str]) -> str:
        text = m.group(0)
        style = _STYLE.search(text)
        if not style:
            return text
        decls = html.unescape(style.group(1)).strip()
        name = "kx-" + hashlib.sha256(decls.encode()).hexdigest()[:8]
        rules[name] = decls
        text = text[:style.start()] + text[style.end():]
        if _CLASS.search(text):
            return _CLASS.sub(lambda c: f' class="{c.group(1)} {name}"', text, count=1)
        return text[:-1] + f' class="{name}">'

    out = _TAG.sub(tag, markup)
    if _STYLE.search(out):
        raise BuildError("KaTeX: a style attribute the build could not turn into a class")
    return out


def stylesheet(rules: dict[str, str]) -> str:
    lines = ["/* Written by the build (buildtools/formulas.py): KaTeX's inline styles as classes,",
             "   since the page's Content-Security-Policy allows no inline style. */"]
    for name in sorted(rules):
        decls = [d.strip() for d in rules[name].split(";") if d.strip()]
        body = ";".join(f"{d} !important" for d in decls)
        lines.append(f".katex .{name}{{{body}}}")
    return "\n".join(lines) + "\n"


def typeset(page: str, cache: Path) -> tuple[str, str, int]:
    """The page with every formula typeset, the stylesheet its classes need, and how many."""
    found = list(_FORMULA.finditer(page))
    rendered = render([html.unescape(m.group("tex")) for m in found], cache)
    rules: dict[str, str] = {}
    out, last = [], 0
    for m, markup in zip(found, rendered, strict=True):
        attrs = m.group("attrs")
        if "data-rendered=" in attrs:
            raise BuildError(f"a formula already says data-rendered: {m.group(0)[:60]}…")
        out += [page[last:m.start()],
                f'<{m.group("tag")}{attrs} data-rendered="katex">',
                styles_to_classes(markup.replace(_MATHML_NS, ""), rules),
                f'</{m.group("tag")}>']
        last = m.end()
    out.append(page[last:])
    return "".join(out), stylesheet(rules), len(found)
