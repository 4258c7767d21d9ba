"""Build the pure-Python ``pytoy`` wheel that Pyodide installs in the browser.

Why not setuptools: the build machine may have an old setuptools without the ``wheel``
package and no network for an isolated build, while a pure-Python wheel is only a zip with
three metadata files. Why deterministic (fixed timestamps, sorted entries): the same source
gives the same bytes, so the wheel's sha256 in ``assets.json`` changes only when code does.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
import zipfile
from pathlib import Path

from buildtools import BuildError

_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold
_SOURCE_SUFFIXES = {".py", ".pyi"}


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def _package_files(repo: Path, dist: str, setuptools_cfg: dict) -> list[Path]:
    """Source files of the packages pyproject lists (as setuptools would: listed dirs only)."""
    listed = setuptools_cfg.get("packages")
    if isinstance(listed, list):
        dirs = [(repo / p.replace(".", "/"), False) for p in listed]
    else:  # packages.find or nothing: take the package named like the project, recursively
        dirs = [(repo / dist, True)]
    files: set[Path] = set()
    for d, recursive in dirs:
        if not d.is_dir():
            raise BuildError(f"{d.relative_to(repo)}: package directory not found")
        for path in d.rglob("*") if recursive else d.glob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix in _SOURCE_SUFFIXES or path.name == "py.typed":
                files.add(path)
    if not files:
        raise BuildError(f"{dist}: no Python files to put in the wheel")
    return sorted(files)


def _metadata(project: dict) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
    ]
    if "description" in project:
        lines.append(f"Summary: {project['description']}")
    lic = project.get("license")
    if isinstance(lic, dict) and "text" in lic:
        lines.append(f"License: {lic['text']}")
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    lines += [f"Requires-Dist: {dep}" for dep in project.get("dependencies", [])]
    return "\n".join(lines) + "\n"


def build_wheel(repo: Path, out_dir: Path) -> Path:
    """Write ``<name>-<version>-py3-none-any.whl`` for the project in ``repo`` into ``out_dir``."""
    try:
        pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
        project = pyproject["project"]
        name, version = project["name"], project["version"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as e:
        raise BuildError(
            f"pyproject.toml: cannot read the project name and version ({e})"
        ) from None
    dist = re.sub(r"[-_.]+", "_", name).lower()
    info = f"{dist}-{version}.dist-info"

    entries: list[tuple[str, bytes]] = []
    for path in _package_files(repo, dist, pyproject.get("tool", {}).get("setuptools", {})):
        entries.append((path.relative_to(repo).as_posix(), path.read_bytes()))
    entries.append((f"{info}/METADATA", _metadata(project).encode()))
    wheel_meta = "Wheel-Version: 1.0\nGenerator: pytoy-buildtools\nRoot-Is-Purelib: true\n"
    entries.append((f"{info}/WHEEL", (wheel_meta + "Tag: py3-none-any\n").encode()))
    scripts = project.get("scripts", {})
    if scripts:
        body = "".join(f"{k} = {v}\n" for k, v in sorted(scripts.items()))
        entries.append((f"{info}/entry_points.txt", f"[console_scripts]\n{body}".encode()))
    record = "".join(f"{arc},{_record_hash(data)},{len(data)}\n" for arc, data in entries)
    entries.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode()))

    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for arc, data in entries:
            zi = zipfile.ZipInfo(arc, date_time=_EPOCH)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o100644 << 16
            zf.writestr(zi, data)
    return wheel
