// The binary interface between JIT-compiled model code and the runtime. Plain C layout:
// codegen/ emits loads from these offsets, runtime/ fills the struct. Changing it means
// changing both, so the layout is checked with static_asserts in codegen.
#pragma once
#include <cstddef>
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
  // loops read it every 1024th back-edge and leave the loop when it is set.
  const volatile bool* interrupt = &nestjit_no_interrupt;
};

// Pools (runtime/neuron_pool.h): what the compiled `slice` function needs to advance the
// instances begin..end-1 of one pool through the steps from+1..to, each instance through
// the whole slice before the next. Instance i's slots are rows[i*stride ...]; its spike
// input for step k is spike_input[((k % ring_size) * instances + i) * 2 * ports + 2 * p]
// (summed weight, then the received count, per spike port p), its continuous input
// current_input[(k % ring_size) * instances * cports + i * cports + c]; both are read and
// cleared by the compiled loop.
struct NjPoolSlice {
  double* rows;
  void* const* hosts;      // the runtime object of each instance (NjContext::host)
  const uint8_t* hooks;    // per instance: 1 = call the before-step hook, 2 = the after-step hook
  double* spike_input;
  double* current_input;
  int64_t* step;           // the compiled loop writes the step it computes here
  uint8_t* stop;           // a failure inside compiled code sets it: the instance stops
  double* scratch;         // start-of-step values of the checked slots, for nestjit_rt_step_check
  int64_t stride;          // slots per instance
  int64_t instances;       // instances in the pool
  int64_t begin, end;      // the instances to advance
  int64_t from, to;        // steps from+1 .. to
  int64_t ring_size;
  double h;
  // Two bytes per (ring slot, instance), at 2 * ((k % ring_size) * instances + i): byte 0
  // is 1 when a spike, byte 1 when a current arrived for that step (those cells may be
  // nonzero); cells whose byte is 0 are all +0.0, so the loop stores zeros into the input
  // slots without reading or clearing them.
  uint8_t* arrived;
  // Work space of the lane blocks (codegen/lanes.cpp), nj_lane_doubles(to - from)
  // doubles: per step with spikes its step number (an int64) and the kNjLanes counts.
  double* lanes;
  // Per slot: 1 when every instance of the pool held the same value (bit for bit) when this
  // simulate call began, and that value. Lane blocks look only at slots compiled code never
  // stores (so the value still holds) and fill such a slot's lanes from here instead of
  // from the rows, whose cache lines they then need not touch.
  const uint8_t* uniform;
  const double* uniform_values;
  // What lane blocks keep between slices of one simulate call: the block starting at
  // instance i holds its written slots at lane_state[i * n ...] (n = the model's
  // lane_state_slots), valid while lane_valid[i] is 1; the rows are stale meanwhile, and
  // the runtime writes them back when the call ends (NeuronPool::write_back_lanes).
  double* lane_state;
  uint8_t* lane_valid;
};

// Instances a lane block advances together (one AVX-512 register of doubles, two AVX2 ones).
inline constexpr int64_t kNjLanes = 8;
inline constexpr size_t nj_lane_doubles(size_t steps) {
  return steps * size_t(kNjLanes + 1);
}

// Functions the runtime provides to compiled code (registered by name with the JIT).
extern "C" {
// After a step in which a checked slot became NaN/inf or `stop` was set: `before` holds the
// checked slots' start-of-step values (nir/checked_slots.h order). Nonzero: the instance
// stops for the rest of the slice.
int32_t nestjit_rt_step_check(NjContext* ctx, const double* before);
// Per-instance work around a step: 1 before it (delay lines), 2 after it (samplers).
void nestjit_rt_step_hook(NjContext* ctx, int32_t which);
void nestjit_rt_emit_spike(NjContext* ctx, double weight, double delay, int32_t nargs);
// A lane block's spikes (codegen/lanes.cpp): `n` records of the work space (a step number,
// then the kNjLanes instances' counts from i0), emitted instance by instance and step by
// step, as the per-instance loop emits them.
void nestjit_rt_lane_spikes(NjContext* ctx, const double* records, int64_t n, int64_t i0);
int32_t nestjit_rt_integrate(NjContext* ctx, int32_t system);
// The compiled RKF45 (codegen/rkf45.cpp) asks before each step whether this instance takes
// it: 0 = no (the runtime integrates: CVODE, no runtime model), 1 = yes, 2 = yes with at
// most 10 sub-steps (solver auto: beyond that the runtime looks at stiffness). On 1 or 2,
// tol[0] and tol[1] are the absolute and relative tolerances.
int32_t nestjit_rt_rkf45_begin(NjContext* ctx, int32_t system, double* tol);
// The step-control factor for the largest scaled error (ode::y_new_factor), for the values
// where it needs pow.
double nestjit_rt_rkf45_factor(double rmax);
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
