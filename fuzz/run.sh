#!/usr/bin/env bash
# Builds the libFuzzer target over parse + check (clang, ASan + UBSan) and runs it.
#   fuzz/run.sh [SECONDS]    (default 60; CI runs a short one, see .ci/run)
# Environment: NESTJIT_FUZZ_BUILD (build dir, default build-fuzz), NESTJIT_FUZZ_JOBS.
# New interesting inputs go to $BUILD/corpus (not part of the repository); crashes to
# $BUILD/artifacts. Seeds: fuzz/seeds.nestml and ../shared/corpus when present.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${NESTJIT_FUZZ_BUILD:-build-fuzz}
cxx=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$cxx" ]; then
  echo "fuzz: clang++ not found, skipped (scripts/install-deps.sh installs it)"
  exit 0
fi
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
ninja -C "$build" -j"${NESTJIT_FUZZ_JOBS:-1}" fuzz_frontend
mkdir -p "$build/corpus" "$build/artifacts" "$build/seeds"
cp fuzz/seeds.nestml "$build/seeds/"
dirs=("$build/corpus" "$build/seeds")
[ -d ../shared/corpus ] && dirs+=(../shared/corpus)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
"$build/fuzz_frontend" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=16384 -dict=fuzz/nestml.dict -artifact_prefix="$build/artifacts/" \
  -print_final_stats=1 "${dirs[@]}" >"$build/last-run.log" 2>&1 || status=$?
grep -E "^(#[0-9]+ +(INITED|DONE)|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|==[0-9]+==|SUMMARY|Done)" \
  "$build/last-run.log" || true
if [ "$status" -ne 0 ]; then
  echo "fuzz: FAILED (exit $status); see $build/last-run.log and $build/artifacts/"
  tail -40 "$build/last-run.log"
  exit 1
fi
echo "fuzz: ok (${seconds} s)"
