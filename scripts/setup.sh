#!/usr/bin/env bash
# Installs what building and testing need, only when missing (Debian 12).
#   scripts/setup.sh          build dependencies, and the web assets that lrs
#                             compiles in (plugin/web/package.json: ECharts for
#                             /dashboard), with npm ci when they are missing
#   scripts/setup.sh --test   also what the tests need (Node.js, npm, and Chromium
#                             for the browser tests of /privacy, /me and /dashboard)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config libboost-dev rapidjson-dev libsqlite3-dev
          libboost-test-dev libssl-dev sqlite3 libglpk-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from Debian or elsewhere; only the commands matter.
# The build compiles plugin/web/node_modules/echarts in (plugin/web/web_assets.cmake),
# so npm is a build dependency while that is missing.
web_assets=plugin/web/node_modules/echarts/dist/echarts.min.js
if [[ "${1:-}" == "--test" || ! -f "$web_assets" ]]; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [[ "${1:-}" == "--test" ]]; then
  # tests/e2e/pages.test.js and dashboard.test.js drive Debian's Chromium
  # (/usr/bin/chromium) headless.
  dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed" || missing+=(chromium)
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: run as root (or install these with sudo apt-get install): ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -f "$web_assets" ]]; then
  echo "setup: installing the web assets (plugin/web/package-lock.json)"
  npm ci --prefix plugin/web --ignore-scripts --no-audit --no-fund --loglevel=error
fi
