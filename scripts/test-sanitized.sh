#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in ./build-asan.
# Run by .ci/run after the normal tests. Extra arguments go to ctest (e.g. -L unit).
# Not run here: the `python` and `repl` tests (an instrumented extension cannot load into the
# uninstrumented interpreter without preloading the ASan runtime) and `install` (it builds
# the examples against the installed library with a plain compiler); the normal run has both.
# JIT-compiled model code is not instrumented (LLVM emits it at run time); every stage
# around it, the runtime and the tests are.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${NESTJIT_ASAN_BUILD:-build-asan}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNESTJIT_SANITIZE=address,undefined >/dev/null
fi
ninja -C "$build" -j"${NESTJIT_JOBS:-$(nproc)}"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp:print_suppressions=0}
cd "$build"
ctest --no-tests=error --output-on-failure --timeout 900 -LE "python|install|repl" \
  -j"${NESTJIT_JOBS:-$(nproc)}" "$@"
