#!/usr/bin/env bash
# Installs dependencies, builds everything and runs the whole test suite with CTest.
# Tests that need ../shared (third-party corpus and NEST's reference results) skip with a
# message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest --no-tests=error --output-on-failure -j"${NESTJIT_JOBS:-$(nproc)}" "$@"
