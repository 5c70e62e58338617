#!/usr/bin/env bash
# `make test`: every unit test (CTest) and the end-to-end tests (node --test
# driving the real build/lrs with npm xAPI clients).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== unit tests (ctest)"
ctest --test-dir build --output-on-failure -j2

echo "== end-to-end tests (node --test)"
cd tests/e2e
npm ci --no-audit --no-fund --loglevel=error
LRS_BIN="$PWD/../../build/lrs" node --test --test-concurrency=1
