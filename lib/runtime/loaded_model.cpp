#include "runtime/loaded_model.h"

namespace nestjit::runtime {

LoadedModel::LoadedModel(std::shared_ptr<const nir::Model> m, std::shared_ptr<jit::ModelCode> c)
    : ir(std::move(m)), code(std::move(c)) {
  for (const auto& sys : ir->ode_systems) integrators.emplace_back(sys.state_slots.size());
  handler_of_port.assign(ir->spike_ports.size(), -1);
  for (size_t i = 0; i < ir->on_receive.size(); ++i)
    handler_of_port[ir->on_receive[i].port] = static_cast<int>(i);
}

}  // namespace nestjit::runtime
