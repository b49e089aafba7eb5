#!/usr/bin/env bash
# The ThreadSanitizer stress test: builds only what test_threads needs in build-tsan (the
# library stages and the API, instrumented) and runs 8 kernels on 2 threads, handed between
# the threads in turn, plus two kernels running different models at once. Fails on any
# report. NESTJIT_STRESS_ROUNDS sets the rounds (default 100 here).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${NESTJIT_JOBS:-$(nproc)}
flags="-fsanitize=thread -g1"
if [ ! -f build-tsan/build.ninja ]; then
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread
fi
ninja -C build-tsan -j"$jobs" test_threads
# setarch -R: GCC 12's ThreadSanitizer cannot map its shadow memory under the high mmap
# randomisation of newer kernels; without address randomisation it always can.
NESTJIT_STRESS_ROUNDS=${NESTJIT_STRESS_ROUNDS:-100} \
TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" \
  setarch "$(uname -m)" -R build-tsan/test/api/test_threads
