#include "runtime/loaded_model.h"

#include <fmt/format.h>
#include <stdexcept>
#include "runtime/init_interrupt.h"

namespace nestjit::runtime {

LoadedModel::LoadedModel(std::shared_ptr<const nir::Model> m, std::shared_ptr<jit::ModelCode> c)
    : ir(std::move(m)), code(std::move(c)) {
  for (const auto& sys : ir->numeric_systems) integrators.emplace_back(sys.vars.size());
  handler_of_port.assign(ir->spike_ports.size(), -1);
  for (size_t i = 0; i < ir->on_receive.size(); ++i)
    handler_of_port[ir->on_receive[i].port] = static_cast<int>(i);
}

std::shared_ptr<const LoadedModel> LoadedModel::variant_for(
    const std::map<std::string, long>& sizes) const {
  if (!variants || !variants->source)
    throw std::invalid_argument(fmt::format(
        "model '{}' cannot be laid out again for new vector sizes (it was not installed from "
        "a source the runtime can compile again)", name()));
  std::lock_guard<std::mutex> lock(variants->mutex);
  if (auto it = variants->variants.find(sizes); it != variants->variants.end())
    if (auto m = it->second.lock()) return m;
  std::shared_ptr<LoadedModel> m = variants->source->build(sizes);
  m->vector_sizes = sizes;
  m->variants = variants;
  m->source_path = source_path;
  variants->variants[sizes] = m;
  return m;
}

void LoadedModel::update_propagators(double* slots, double h) const {
  for (const auto& b : ir->analytic_blocks)
    ode::compute_step_matrices(b.size(), slots + b.a_slot, h, slots + b.p_slot, slots + b.q_slot);
}

void LoadedModel::initialise(std::vector<double>& slots, NjContext& ctx, CodeHost* host,
                             double h) const {
  slots.assign(ir->slots.size(), 0.0);
  ctx.slots = slots.data();
  ctx.t = 0.0;
  ctx.timestep = h;
  ctx.resolution = h;
  ctx.host = host;
  ctx.model = this;
  ctx.interrupt = init_interrupt_flag;  // loops in initial values leave on an interrupt
  code->init_parameters(&ctx);
  code->compute_internals(&ctx);
  code->init_state(&ctx);
  code->compute_internals(&ctx);
  update_propagators(slots.data(), h);
  if (ir->step_slot >= 0) slots[ir->step_slot] = h;
}

}  // namespace nestjit::runtime
