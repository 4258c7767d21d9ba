#!/usr/bin/env python3
"""Build the pytoy static site (Pyodide + NumPy + the pytoy wheel) into dist/site/.

    python build.py                  fetch what is missing, then build dist/site/
    python build.py fetch            fill and verify the asset cache only
    python build.py serve --port N   build, then serve dist/site/ on 127.0.0.1

Third-party files are cached in ~/.cache/pytoy-build (or $PYTOY_CACHE) and checked against
buildtools/pins.json. The logic lives in buildtools/; this file only parses arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from buildtools import REPO, BuildError, default_cache

DEFAULT_OUT = REPO / "dist" / "site"


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--cache",
        type=Path,
        help="asset cache directory (default: $PYTOY_CACHE or ~/.cache/pytoy-build)",
    )
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="command", metavar="{fetch,build,serve}")
    f = sub.add_parser("fetch", parents=[common], help="download and verify the pinned assets")
    f.add_argument(
        "--update-pins",
        action="store_true",
        help="download everything again and rewrite buildtools/pins.json (after a version bump)",
    )
    b = sub.add_parser("build", parents=[common], help="build dist/site/ (the default)")
    b.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default: dist/site)"
    )
    s = sub.add_parser("serve", parents=[common], help="build, then serve the site locally")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--prefix", default="/", help="serve under this sub-path, e.g. /demos/pytoy/")
    s.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="site directory to build and serve"
    )
    s.add_argument("--no-build", action="store_true", help="serve the existing build as it is")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "build"
    cache = (getattr(args, "cache", None) or default_cache()).expanduser().resolve()
    out = getattr(args, "out", DEFAULT_OUT).resolve()
    try:
        if command == "fetch":
            from buildtools.assets import fetch

            fetch(cache, update_pins=args.update_pins)
        elif command == "build":
            from buildtools.site import build

            build(out, cache)
        else:
            from buildtools.serve import serve_until_interrupted
            from buildtools.site import build

            if not args.no_build:
                build(out, cache)
            serve_until_interrupted(out, host=args.host, port=args.port, prefix=args.prefix)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
