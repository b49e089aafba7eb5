#!/usr/bin/env bash
# Configures and builds nestjit in ./build (Ninja, ccache when present). Extra arguments go to
# ninja (e.g. a target name).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${NESTJIT_JOBS:-$(nproc)}
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
ninja -C build -j"$jobs" "$@"
