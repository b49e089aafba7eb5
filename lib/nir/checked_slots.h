// The slots a neuron checks for NaN/inf after every step, in one order shared by the
// compiled slice loop (codegen/range.cpp, which tests them) and the runtime (JitNeuron,
// which reports them): every real state or convolution slot. A non-finite ODE or
// convolution state stops the instance; other real state is assigned by the model's own
// statements and only warned about (`warn_only`).
#pragma once
#include <vector>

#include "nir/model.h"

namespace nestjit::nir {

struct CheckedSlot {
  int slot;
  bool warn_only;
};

inline std::vector<CheckedSlot> checked_slots(const Model& ir) {
  std::vector<bool> is_ode(ir.slots.size(), false);
  for (const auto& v : ir.ode_vars)
    if (v.slot >= 0) is_ode[size_t(v.slot)] = true;
  std::vector<CheckedSlot> out;
  for (size_t i = 0; i < ir.slots.size(); ++i) {
    const bool convolution = ir.slots[i].role == SlotRole::Convolution;
    if (ir.slots[i].type != ValueType::F64 || !(convolution || ir.slots[i].role == SlotRole::State))
      continue;
    out.push_back({int(i), !convolution && !is_ode[i]});
  }
  return out;
}

}  // namespace nestjit::nir
