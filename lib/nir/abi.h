// The binary interface between JIT-compiled model code and the runtime. Plain C layout:
// codegen/ emits loads from these offsets, runtime/ fills the struct. Changing it means
// changing both, so the layout is checked with static_asserts in codegen.
#pragma once
#include <cstdint>

namespace nestjit {

// Interrupts: what NjContext::interrupt points at when no kernel flag is attached.
inline constexpr bool nestjit_no_interrupt = false;

struct NjContext {
  double* slots;       // the instance's variables (nir::Model::slots)
  double t;            // value of `t` for the block being run
  double timestep;     // timestep(): h in neurons, the interval in synapses
  double resolution;   // resolution()
  void* host;          // the runtime object that runs this instance
  const void* model;   // the runtime's description of the model (ODE systems, ...)
  int64_t instance;    // index of the instance within its pool / connection id
  // Interrupts: the kernel's interrupt flag (a bool), or a flag that is never set. Compiled
  // loops read it on every back-edge and leave the loop when it is set.
  const volatile bool* interrupt = &nestjit_no_interrupt;
};

// Functions the runtime provides to compiled code (registered by name with the JIT).
extern "C" {
void nestjit_rt_emit_spike(NjContext* ctx, double weight, double delay, int32_t nargs);
int32_t nestjit_rt_integrate(NjContext* ctx, int32_t system);
double nestjit_rt_random_normal(NjContext* ctx, double mean, double sd);
double nestjit_rt_random_uniform(NjContext* ctx, double offset, double scale);
double nestjit_rt_random_poisson(NjContext* ctx, double rate);
double nestjit_rt_steps(NjContext* ctx, double ms);
// Integer division: b, or 1 after reporting a failure when b == 0 (or a / b overflows).
int64_t nestjit_rt_checked_divisor(NjContext* ctx, int64_t a, int64_t b);
// print/println/info/warning: text pieces and values (value printed, then " unit").
// channel: 0 stdout, 1 info, 2 warning (stderr, prefixed with the instance).
void nestjit_rt_print_text(NjContext* ctx, const char* text, int32_t channel);
void nestjit_rt_print_value(NjContext* ctx, double value, const char* unit, int32_t channel);
void nestjit_rt_print_end(NjContext* ctx, int32_t newline, int32_t channel);
// A vector element index outside 0..count-1 (the generated code then uses element 0): the
// runtime stops the simulation after the step with a message naming the variable.
void nestjit_rt_index_error(NjContext* ctx, const char* vector, int64_t index, int64_t count);
}

}  // namespace nestjit
