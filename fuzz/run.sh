#!/usr/bin/env bash
# Builds a libFuzzer target (clang 19, ASan + UBSan) and runs it.
#   fuzz/run.sh [SECONDS] [TARGET]    SECONDS default 60; TARGET frontend (default) or pipeline
# frontend: parse + check of any bytes. pipeline: install, simulate and read back any model
# text, mutated structure-aware (fuzz/model_mutator.h). CI runs both briefly (.ci/run).
# Environment: NESTJIT_FUZZ_BUILD (build dir, default build-fuzz), NESTJIT_FUZZ_JOBS (build
# jobs), NESTJIT_FUZZ_KEEP_GOING=1 (a recorded run: libFuzzer's fork mode goes on after a
# crash, timeout or out-of-memory and writes each to artifacts/; the run still fails at the
# end when there was one).
# New interesting inputs go to $BUILD/corpus-TARGET (not part of the repository); crashes
# to $BUILD/artifacts. libFuzzer runs every seed and corpus input once before it looks at
# SECONDS, so a run takes at least that long (the 229 seeds: about 20 s for pipeline). Seeds: fuzz/seeds.nestml and ../shared/corpus when present.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
target=${2:-frontend}
build=${NESTJIT_FUZZ_BUILD:-build-fuzz}
cxx=$(command -v clang++-19 || true)
cc=$(command -v clang-19 || true)
if [ -z "$cxx" ] || [ -z "$cc" ]; then
  echo "fuzz: clang-19 not found, skipped (scripts/install-deps.sh installs it)"
  exit 0
fi
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DNESTJIT_FUZZ=ON -DNESTJIT_SANITIZE=address,undefined,fuzzer-no-link -DBUILD_TESTING=OFF \
    >/dev/null
fi
ninja -C "$build" -j"${NESTJIT_FUZZ_JOBS:-1}" "fuzz_$target"
mkdir -p "$build/corpus-$target" "$build/artifacts" "$build/seeds"
cp fuzz/seeds.nestml "$build/seeds/"
dirs=("$build/corpus-$target" "$build/seeds")
[ -d ../shared/corpus ] && dirs+=(../shared/corpus)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp:print_suppressions=0}
# The pipeline target runs models' print/println/info/warning (in a loop, gigabytes): stdout and
# stderr are closed for the target; libFuzzer's and the sanitizers' reports still reach the log.
# An input's time limit: installing a 16 KiB model under ASan takes seconds, more on a busy
# machine (16 s seen with a build running alongside), so the pipeline gets 60 s; loops are
# stopped by the target's own watchdog long before that.
quiet=()
timeout=20
[ "$target" = pipeline ] && quiet=(-close_fd_mask=3) && timeout=60
keep_going=()
[ "${NESTJIT_FUZZ_KEEP_GOING:-0}" = 1 ] &&
  keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
touch "$build/run-start-$target"
status=0
"$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=4096 \
  -max_len=16384 -dict=fuzz/nestml.dict -artifact_prefix="$build/artifacts/$target-" \
  -print_final_stats=1 "${quiet[@]}" "${keep_going[@]}" "${dirs[@]}" >"$build/last-run-$target.log" 2>&1 || status=$?
grep -E "^(#[0-9]+ +(INITED|DONE)|#[0-9]+: cov:.*(INITED|DONE)|INFO: fuzzed for|.*CRASH|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|==[0-9]+==|SUMMARY|Done)" \
  "$build/last-run-$target.log" || true
found=$(find "$build/artifacts" -name "$target-*" -newer "$build/run-start-$target" | sort)
if [ -n "$found" ]; then
  echo "fuzz: $target found:"
  echo "$found"
  [ "$status" -ne 0 ] || status=1
fi
if [ "$status" -ne 0 ]; then
  echo "fuzz: $target FAILED (exit $status); see $build/last-run-$target.log and $build/artifacts/"
  tail -60 "$build/last-run-$target.log"
  exit 1
fi
echo "fuzz: $target ok (${seconds} s)"
