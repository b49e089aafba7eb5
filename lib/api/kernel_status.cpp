// nestjit::Kernel: node status, model defaults and model information.
#include <algorithm>
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit {

void Kernel::set_status(const NodeCollection& nodes, const Params& params) {
  impl_->check_epoch(nodes, "set_status");
  auto& net = *impl_->net;
  for (size_t i = 0; i < nodes.size(); ++i) {
    runtime::Node& node = net.node(nodes[i]);
    for (const auto& [key, value] : params) {
      try {
        if (auto* g = dynamic_cast<runtime::SpikeGenerator*>(&node); g && key == "spike_times") {
          const auto* times = std::get_if<std::vector<double>>(&value);
          if (!times) throw Error("spike_times needs a list of times in ms");
          g->set_spike_times(*times, net.resolution());
          continue;
        }
        if (auto* mm = dynamic_cast<runtime::Multimeter*>(&node); mm && key == "record_from") {
          const auto* names = std::get_if<std::vector<std::string>>(&value);
          if (!names) throw Error("record_from needs a list of names");
          mm->set_record_from(*names);
          continue;
        }
        node.set_status(key, api::as_number(key, value));
      } catch (const Error&) {
        throw;
      } catch (const std::exception& e) {
        throw Error(e.what());
      }
    }
  }
}

std::map<std::string, double> Kernel::get_status(uint64_t node) const {
  try {
    return impl_->net->node(node).get_status();
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
}

ModelInfo Kernel::model_info(const std::string& model) const {
  const runtime::LoadedModel& m = impl_->model(model);
  const nir::Model& ir = *m.ir;
  ModelInfo info;
  info.name = ir.name;
  info.is_synapse = ir.is_synapse;
  info.recordables = ir.recordables();
  info.source_path = m.source_path;
  for (const auto& s : ir.slots) {
    if (s.role == nir::SlotRole::Parameter) info.parameters.push_back(s.name);
    if (s.role == nir::SlotRole::State) info.state.push_back(s.name);
  }
  for (const auto& v : ir.ode_vars) {
    if (v.analytic) ++info.exact_variables;
    else if (!v.is_convolution) ++info.numeric_variables;
  }
  info.spike_receptors = runtime::receptors_of(ir).size();
  for (const auto& p : ir.continuous_ports) info.continuous_ports.push_back(p.name);
  switch (ir.numeric_solver) {
    case nir::NumericSolver::ForwardEuler: info.numeric_solver = "forward-Euler"; break;
    case nir::NumericSolver::Rkf45: info.numeric_solver = "rk45"; break;
    case nir::NumericSolver::Cvode: info.numeric_solver = "cvode"; break;
    case nir::NumericSolver::Auto: info.numeric_solver = "auto"; break;
  }
  return info;
}

std::vector<std::string> Kernel::recordables(const std::string& model) const {
  return impl_->model(model).ir->recordables();
}

double Kernel::get_default(const std::string& model, const std::string& name) const {
  const runtime::LoadedModel& m = impl_->model(model);
  // A throwaway instance gives the defaults exactly as construction computes them.
  if (m.ir->is_synapse) {
    runtime::PlasticConnection c(impl_->models.at(model), 0, 0, impl_->net->resolution());
    return c.get(name);
  }
  runtime::JitNeuron n(impl_->models.at(model), impl_->net->resolution());
  auto status = n.get_status();
  auto it = status.find(name);
  if (it == status.end()) throw Error(fmt::format("model '{}' has no variable '{}'", model, name));
  return it->second;
}

std::vector<std::string> Kernel::models() const {
  std::vector<std::string> out(api::builtin_models().begin(), api::builtin_models().end());
  for (const auto& [n, m] : impl_->models) out.push_back(n);
  return out;
}

}  // namespace nestjit
