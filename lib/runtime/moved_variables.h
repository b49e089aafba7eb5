// Which variables of a synapse model live "in the neuron" (SEMANTICS.md 5.1): the ones only
// postsynaptic spikes drive. Upstream's co-generation moves them into the postsynaptic
// neuron, which updates them at each of its spikes and lets the synapse read them at any
// time; nestjit keeps them in the neuron's SpikeArchive the same way.
//
// A variable is moved when it decays exponentially on its own (x' = a x, solved exactly)
// and the postsynaptic handlers are the only code that changes it, each change being a
// top-level `x += c` or `x = c` with a constant c; and every convolution of a kernel with a
// postsynaptic port (one-state kernels, incremented by the kernel's initial value). Anything
// else stays in the synapse and is integrated between events, as before.
#pragma once
#include <vector>

#include "nir/model.h"

namespace nestjit::runtime {

struct MovedVariable {
  enum class Jump { Add, Set };
  int slot = -1;        // the synapse slot the value is copied into before a handler runs
  double rate = 0.0;    // 1/ms: x' = rate * x between spikes
  Jump jump = Jump::Add;
  double amount = 0.0;  // added (Add) or assigned (Set) at each postsynaptic spike
  double initial = 0.0; // value at time 0, read when no earlier spike is in the history
};
using MovedVariableSet = std::vector<MovedVariable>;

// How to build a MovedVariable from a connection's slots (rates and increments may depend
// on its parameters).
struct MovedVariableRule {
  int slot = -1;
  int rate_slot = -1;    // slot holding the decay rate (a convolution rate or a 1x1 A matrix)
  MovedVariable::Jump jump = MovedVariable::Jump::Add;
  double amount = 0.0;
  int amount_slot = -1;  // >= 0: the amount is this slot's value (kernel increments)
};

std::vector<MovedVariableRule> find_moved_variables(const nir::Model& model);

// The rules evaluated with one connection's slots.
MovedVariableSet instantiate(const std::vector<MovedVariableRule>& rules, const double* slots);

// The value at time t of a moved variable whose value just after a spike at t0 was v.
double propagate(const MovedVariable& var, double v, double dt_ms);

}  // namespace nestjit::runtime
