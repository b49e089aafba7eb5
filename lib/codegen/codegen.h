// nir::Model -> LLVM IR. Only codegen/ and jit/ see LLVM headers.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "nir/model.h"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm

namespace nestjit::codegen {

// Names of the generated functions, looked up by the JIT after compilation.
struct FunctionNames {
  std::string init_parameters, compute_internals, init_state, update, step, on_condition;
  std::string conv_begin, conv_end, conv_advance, conv_increment;
  std::vector<std::string> on_receive;  // parallel to nir::Model::on_receive
  std::vector<std::string> rhs;         // parallel to nir::Model::numeric_systems
  std::vector<std::string> jacobians;   // parallel too; empty name = no symbolic Jacobian
  std::string recordable_inlines;       // void(ctx, double* out): nir::Model::recordable_inlines
  std::string check_guards;             // int32(ctx): 0, or 1 + index of a failing nir::Guard
  std::string slice;                    // void(ctx, const NjPoolSlice*): neurons only (range.cpp)
  bool lane_blocks = false;             // the slice loop runs lane blocks (lanes.cpp)
  std::vector<int> lane_state_slots;    // the slots lane blocks keep between slices
};

// Every symbol gets `prefix` so several models (and versions of one) share one JIT.
// Returns nullptr and sets `error` if the module fails verification (a codegen bug).
std::unique_ptr<llvm::Module> generate(const nir::Model& model, llvm::LLVMContext& ctx,
                                       const std::string& prefix, FunctionNames& names,
                                       std::string& error);

}  // namespace nestjit::codegen

namespace nestjit::codegen {

// Interrupt checks on `while` back-edges (docs/architecture.md, "Interrupts"): on by default.
// Turned off only to measure what they cost (tools/bench/bench_interrupt_check.cpp); a
// process-wide switch read when a model is compiled (models compiled without it cannot be
// interrupted inside their loops).
void set_loop_interrupt_checks(bool on);
bool loop_interrupt_checks();
// Whether RKF45 systems get the compiled integration with the RHS inlined (rkf45.cpp; the
// default) or call the runtime's integrator every step. Off only for the tests that show
// both give the same numbers bit for bit, and for benchmarks.
void set_compiled_rkf45(bool on);
bool compiled_rkf45();
// Whether models whose step calls nothing get lane blocks (lanes.cpp: kNjLanes instances
// through a slice side by side, vectorised) in their slice loop; the default. Off only for
// the tests that show both give the same numbers bit for bit, and for benchmarks.
void set_lane_blocks(bool on);
bool lane_blocks();

}  // namespace nestjit::codegen
