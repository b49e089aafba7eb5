// The in-process compiler: nir::Model -> machine code through LLVM's ORC LLJIT. No LLVM type
// appears here. Each compiled model owns a ResourceTracker; dropping the last reference to
// its ModelCode frees the machine code.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nir/abi.h"
#include "nir/model.h"
#include "support/diagnostic.h"

namespace nestjit::jit {

using BlockFn = void (*)(NjContext*);
using RhsFn = int (*)(double t, const double* y, double* dydt, void* ctx);
using ConvIncrementFn = void (*)(NjContext*, int32_t port, double weight);

struct ModelCode {
  BlockFn init_parameters = nullptr, compute_internals = nullptr, init_state = nullptr;
  BlockFn update = nullptr, step = nullptr, on_condition = nullptr;
  BlockFn conv_begin = nullptr, conv_end = nullptr, conv_advance = nullptr;
  ConvIncrementFn conv_increment = nullptr;
  std::vector<BlockFn> on_receive;
  std::vector<RhsFn> rhs;
  using JacFn = int (*)(double t, const double* y, double* jac, void* ctx);
  std::vector<JacFn> jacobians;  // parallel to rhs; null = none
  void (*recordable_inlines)(NjContext*, double* out) = nullptr;
  // 0 when the declared guards hold, else 1 + the index of the first failing nir::Guard.
  int32_t (*check_guards)(NjContext*) = nullptr;
  // Neurons: advances a range of a pool's instances through a slice (nir/abi.h NjPoolSlice).
  void (*slice)(NjContext*, const NjPoolSlice*) = nullptr;
  bool lane_blocks = false;  // the slice loop runs lane blocks (NjPoolSlice::lanes, ::uniform)
  std::vector<int> lane_state_slots;  // the slots they keep between slices (::lane_state)
  std::shared_ptr<void> resources;  // the model's ResourceTracker
};

struct CompileTimings {
  double ir_ms = 0;   // building and verifying LLVM IR
  double jit_ms = 0;  // optimisation, machine code, linking
};

// The functions compiled code may call, by name (nestjit_rt_* from nir/abi.h). libm's
// functions are added by the JIT itself. Nothing else in the process is visible to JIT code.
using SymbolList = std::vector<std::pair<std::string, void*>>;

std::shared_ptr<ModelCode> compile(const nir::Model& model, const SymbolList& runtime_symbols,
                                   DiagnosticList& diags, CompileTimings& timings);

}  // namespace nestjit::jit

namespace nestjit::jit {

// The LLVM IR of `model` after the same optimisation compile() runs, as text (the REPL's
// `%dump llvm MODEL`). Compiles nothing to machine code; empty with `error` set on failure.
std::string optimised_ir(const nir::Model& model, std::string& error);

}  // namespace nestjit::jit
