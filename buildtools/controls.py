"""Write pytoy's settings table into the page, and fill the controls bound to its settings.

index.html names a setting on each control that shows one (`data-setting="decode.steps"`) and
carries no value, bound or option of its own. Here the build gives each such control its
default, `min`/`max`/`step` or its `<option>`s (a strategy's description as its title) from
`api.defaults()`, and writes the whole table into `<script type="application/json"
id="pytoy-table">`, where the page's `table.js` reads it before anything else. So a setting's
default or bound, or a registered strategy, reaches every control without editing the page.
"""

from __future__ import annotations

import html
import json
import math
import re

from buildtools import BuildError

_TABLE_BLOCK = re.compile(r'(<script type="application/json" id="pytoy-table">)(</script>)')
_CONTROL = re.compile(r'<(select|input)\b([^>]*?)\bdata-setting="([\w.]+)"([^>]*)>', re.S)
_TYPED = re.compile(r'\b(min|max|step|value)="')
LOG_SLIDER_STEP = 0.05  # a log-scale slider moves in twentieths of a decade


def _number(x: float | None) -> str:
    """As a person would type it: 0 not 0.0, 4294967295 not 4.29e+09."""
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _attrs(spec: dict, log_scale: bool) -> str:
    if log_scale:
        lo, hi, value = (math.log10(spec[k]) for k in ("min", "max", "default"))
        return (f' min="{lo:g}" max="{hi:g}" step="{LOG_SLIDER_STEP:g}"'
                f' value="{round(value, 6):g}"')
    return (f' min="{_number(spec["min"])}" max="{_number(spec["max"])}"'
            f' step="{spec["step"]}" value="{_number(spec["default"])}"')


def _options(spec: dict) -> str:
    """Each choice as an <option>: its name, or the words its table gives it (`labels`)."""
    words = spec.get("labels", {})
    return "".join(
        f'<option value="{html.escape(name)}" title="{html.escape(about)}"'
        f'{" selected" if name == spec["default"] else ""}>'
        f"{html.escape(words.get(name, name))}</option>"
        for name, about in spec["choices"].items())


def fill(page: str, table: dict) -> str:
    """index.html with the table written in and every bound control filled from it."""
    if not _TABLE_BLOCK.search(page):
        raise BuildError('index.html: no <script type="application/json" id="pytoy-table">')
    data = json.dumps(table, separators=(",", ":")).replace("<", "\\u003c")
    page = _TABLE_BLOCK.sub(lambda m: m.group(1) + data + m.group(2), page, count=1)

    def control(m: re.Match[str]) -> str:
        tag, before, path, after = m.groups()
        group, _, name = path.partition(".")
        spec = table.get(group, {}).get(name)
        if spec is None:
            raise BuildError(f"index.html: data-setting={path!r} is not in pytoy's table")
        if _TYPED.search(before + after):
            raise BuildError(f"index.html: the control for {path} types its own value or "
                             "bounds; they come from pytoy's table")
        start = m.group(0)
        if tag == "select":
            if "choices" not in spec:
                raise BuildError(f"index.html: {path} has no choices for a <select>")
            return start + _options(spec)
        return start[:-1] + _attrs(spec, 'data-scale="log10"' in start) + ">"

    return _CONTROL.sub(control, page)
