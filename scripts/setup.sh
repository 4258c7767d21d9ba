#!/usr/bin/env bash
# Install what building and testing need, skipping what is already there:
# Debian's Chromium and Firefox ESR (browser tests), WebKitGTK's WebDriver with its
# MiniBrowser and Xvfb (the WebKit tests: Safari's engine, driven over W3C WebDriver), Node/npm
# (to fetch the npm packages; the build runs esbuild under it to bundle the single file;
# puppeteer-core drives Firefox; eslint lints the JS), the Python tools, and the pinned,
# checksum-verified assets.
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
# npm ci in a tools folder whose node_modules lacks the exact version of a package that its
# package.json pins (and its lockfile with it): puppeteer-core drives Firefox, eslint lints the JS
npm_tool() {
  local dir=$1 pkg=$2
  if ! node -e '
    const [dir, pkg] = process.argv.slice(1);
    const spec = require(`./${dir}/package.json`);
    const pin = { ...spec.dependencies, ...spec.devDependencies }[pkg];
    process.exit(require(`./${dir}/node_modules/${pkg}/package.json`).version === pin ? 0 : 1);
  ' "$dir" "$pkg" 2>/dev/null; then
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
}
npm_tool tests/firefox puppeteer-core
npm_tool tests/lint eslint
python3 build.py fetch
