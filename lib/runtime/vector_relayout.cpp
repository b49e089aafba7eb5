// A size parameter's new value re-lays out the instance, as upstream's generated code resizes
// its std::vectors in set_status: the compiled code hard-codes slot indices and element
// counts, so the instance moves to the model variant laid out for the new sizes
// (LoadedModel::variant_for). Values are carried by name: elements that exist in both
// layouts keep their values, new elements get their initializer (evaluated with the
// instance's parameters), dropped elements are gone, as std::vector::resize does.
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stdexcept>
#include <unordered_map>

#include "runtime/network.h"
#include "runtime/neuron_pool.h"
#include "runtime/node.h"

namespace nestjit::runtime {

namespace {

std::unordered_map<std::string, int> slots_by_name(const nir::Model& ir) {
  std::unordered_map<std::string, int> out;
  for (size_t i = 0; i < ir.slots.size(); ++i) out.emplace(ir.slots[i].name, int(i));
  return out;
}

}  // namespace

void JitNeuron::set_params(const Params& params, const DeviceContext& ctx) {
  if (model_->ir->vector_size_parameters.empty()) return Node::set_params(params, ctx);
  Params sizes, rest;
  for (const auto& [key, v] : params) {
    const int i = model_->slot(key);
    (i >= 0 && model_->ir->vector_size_parameters.count(i) ? sizes : rest)[key] = v;
  }
  Node::set_params(sizes, ctx);
  Node::set_params(rest, ctx);
}

void JitNeuron::resize_vectors(int size_slot, double value) {
  const nir::Model& ir = *model_->ir;
  const std::string& key = ir.slots[size_t(size_slot)].name;
  const auto& sized = ir.vector_size_parameters.at(size_slot);
  if (!(value >= 1 && value <= double(1 << 20)) || value != std::floor(value))
    throw std::invalid_argument(fmt::format(
        "'{}' sizes the vector(s) {} of model '{}' and must be a whole number from 1 to {}, "
        "not {}", key, fmt::join(sized, ", "), model_->name(), 1 << 20, value));
  std::map<std::string, long> sizes;
  for (const auto& [slot, vectors] : ir.vector_size_parameters)
    sizes[ir.slots[size_t(slot)].name] = slot == size_slot ? long(value) : std::lround(slots_[size_t(slot)]);
  std::shared_ptr<const LoadedModel> variant = model_->variant_for(sizes);

  const bool alone = status_depth_ == 0;  // a single call: it is its own group
  if (alone) begin_status_change();
  try {
    if (variant != model_) adopt_layout(variant, carried_slots(*variant));
  } catch (...) {
    if (alone) abort_status_change();
    throw;
  }
  const int i = model_->slot(key);
  slots_[size_t(i)] = value;
  changed_slots_.push_back(i);
  recompute_internals();
  if (alone) end_status_change();
}

// The instance's values in the variant's layout: the variant's parameter defaults overwritten
// by the instance's parameters, then its initial state (so a new element's initializer sees
// the instance's parameters), then every slot both layouts name overwritten by the
// instance's value; internals and propagators recomputed.
std::vector<double> JitNeuron::carried_slots(const LoadedModel& variant) const {
  const nir::Model& ir = *variant.ir;
  const auto old_slot = slots_by_name(*model_->ir);
  std::vector<double> slots(ir.slots.size(), 0.0);
  NjContext ctx = ctx_;
  ctx.slots = slots.data();
  ctx.model = &variant;
  auto carry = [&](bool parameters_only) {
    for (size_t i = 0; i < ir.slots.size(); ++i) {
      if (parameters_only && ir.slots[i].role != nir::SlotRole::Parameter) continue;
      if (auto it = old_slot.find(ir.slots[i].name); it != old_slot.end())
        slots[i] = slots_[size_t(it->second)];
    }
  };
  variant.code->init_parameters(&ctx);
  carry(true);
  variant.code->compute_internals(&ctx);
  variant.code->init_state(&ctx);
  carry(false);
  variant.code->compute_internals(&ctx);
  variant.update_propagators(slots.data(), ctx.resolution);
  return slots;
}

// Moves the instance to `variant` with these slot values. It leaves its pool (the next
// prepare() puts it into the variant's pool); spikes and currents in flight go with it and
// stay with their port (by name); multimeters keep sampling their variables (by name;
// refused when one of them would disappear).
void JitNeuron::adopt_layout(std::shared_ptr<const LoadedModel> variant, std::vector<double> slots) {
  const nir::Model& old_ir = *model_->ir;
  const nir::Model& ir = *variant->ir;
  const auto new_slot = slots_by_name(ir);
  std::vector<Sampler> samplers = samplers_;
  for (Sampler& s : samplers)
    for (int& src : s.sources) {
      if (src < 0) continue;  // a recordable inline: same list in every variant
      const std::string& name = old_ir.slots[size_t(src)].name;
      auto it = new_slot.find(name);
      if (it == new_slot.end())
        throw std::invalid_argument(fmt::format(
            "{}: '{}' is recorded by a multimeter and would not exist with the new vector "
            "size", describe(), name));
      src = it->second;
    }
  leave_pool();
  auto port_index = [](const auto& ports, const std::string& name) {
    for (size_t p = 0; p < ports.size(); ++p)
      if (ports[p].name == name) return int(p);
    return -1;
  };
  std::vector<CarriedInput> carried;
  for (CarriedInput c : carried_input_) {
    c.port = c.current ? port_index(ir.continuous_ports, old_ir.continuous_ports[size_t(c.port)].name)
                       : port_index(ir.spike_ports, old_ir.spike_ports[size_t(c.port)].name);
    if (c.port >= 0) carried.push_back(c);  // input to a port the new size drops is gone
  }
  carried_input_ = std::move(carried);
  samplers_ = std::move(samplers);
  std::vector<int> changed;
  for (int c : changed_slots_)
    if (auto it = new_slot.find(old_ir.slots[size_t(c)].name); it != new_slot.end())
      changed.push_back(it->second);
  changed_slots_ = std::move(changed);
  // A numeric system of another size (ODEs of a resized vector) starts a fresh solver.
  bool same_systems = ir.numeric_systems.size() == old_ir.numeric_systems.size();
  for (size_t k = 0; same_systems && k < ir.numeric_systems.size(); ++k)
    same_systems = ir.numeric_systems[k].vars.size() == old_ir.numeric_systems[k].vars.size();
  if (!same_systems) {
    numeric_.clear();
    numeric_.resize(ir.numeric_systems.size());
    if (ir.numeric_solver == nir::NumericSolver::Cvode)
      for (auto& n : numeric_) n.use_cvode = true;
  }
  delays_.resize(ir.delays.size());
  model_ = std::move(variant);
  own_slots_ = std::move(slots);
  slots_ = own_slots_.data();
  ctx_.slots = slots_;
  ctx_.model = model_.get();
  inline_values_.clear();
  set_up_layout();
}

void JitNeuron::restore_status_backup() {
  if (backup_model_ && backup_model_ != model_) {
    adopt_layout(backup_model_, status_backup_);
    return;
  }
  std::copy(status_backup_.begin(), status_backup_.end(), slots_);
}

void JitNeuron::leave_pool() {
  if (!pool_) return;
  pool_->settle_archive(pool_index_);
  carried_input_ = pool_->input_after(pool_index_, net_ ? net_->current_step() : 0);
  own_slots_.assign(slots_, slots_ + model_->ir->slots.size());
  slots_ = own_slots_.data();
  ctx_.slots = slots_;
  pool_ = nullptr;
  pool_index_ = 0;
  own_failed_ = 0;
  failed_ = &own_failed_;
  if (net_) net_->invalidate();  // the next simulate rebuilds the pools
}

}  // namespace nestjit::runtime
