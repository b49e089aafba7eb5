// Symbols for `perf report` in JIT-compiled model code: with NESTJIT_PERF_MAP=1 in the
// environment, every function the JIT links is appended to /tmp/perf-<pid>.map (perf's map
// format: "start size name" in hex), so profiles split the model code by function (slice
// loop, update with its inlined RKF45, synapse handlers) instead of showing bare addresses.
// A debugging aid for benchmarks; off by default, no cost when off.
#pragma once

namespace llvm::orc {
class LLJIT;
}

namespace nestjit::jit {

// Adds the map writer to the JIT's object linking layer when NESTJIT_PERF_MAP is set and
// the layer is JITLink's (LLJIT's default on x86-64 and AArch64 Linux).
void add_perf_map_if_requested(llvm::orc::LLJIT& jit);

}  // namespace nestjit::jit
