#!/usr/bin/env bash
# Install what building and testing need, skipping what is already there:
# Debian's Chromium and Firefox ESR (browser tests), WebKitGTK's WebDriver with its
# MiniBrowser and Xvfb (the WebKit tests: Safari's engine, driven over W3C WebDriver), Node/npm
# (to fetch the npm packages; the build runs esbuild under it to bundle the single file;
# puppeteer-core drives Firefox), the Python tools, and the pinned, checksum-verified assets.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || need+=(firefox-esr)
# webkit2gtk-driver brings WebKitWebDriver and, through libwebkit2gtk-4.1-0, MiniBrowser
command -v WebKitWebDriver >/dev/null 2>&1 || need+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: please install ${need[*]} (e.g. sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --disable-pip-version-check \
  -r requirements-test.txt
if [ ! -d tests/firefox/node_modules/puppeteer-core ]; then
  npm ci --prefix tests/firefox --no-audit --no-fund --loglevel=error
fi
python3 build.py fetch
