// nestjit::Kernel: node status, model defaults and model information.
#include <algorithm>
#include <cctype>
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit {

void Kernel::set_status(const NodeCollection& nodes, const Params& params) {
  impl_->check_epoch(nodes, "set_status");
  auto& net = *impl_->net;
  const runtime::DeviceContext ctx = net.device_context();
  // What node i of `nodes` is given: a list of numbers for a neuron variable is one value
  // per node (pop.V_m = array); n_events = 0 clears a recorder (PyNEST's idiom).
  auto per_node = [&](runtime::Node& node, size_t i) {
    Params out;
    for (const auto& [key, value] : params) {
      auto* sr = dynamic_cast<runtime::SpikeRecorder*>(&node);
      auto* mm = dynamic_cast<runtime::Multimeter*>(&node);
      auto* wr = dynamic_cast<runtime::WeightRecorder*>(&node);
      if ((sr || mm || wr) && key == "n_events") {
        if (api::as_number(key, value) != 0) throw Error("n_events can only be set to 0");
        if (wr) {
          wr->clear();
        } else if (sr) {
          sr->senders.clear();
          sr->times.clear();
        } else {
          mm->times.clear();
          mm->senders.clear();
          for (auto& v : mm->values) v.clear();
        }
        continue;
      }
      const auto* each = std::get_if<std::vector<double>>(&value);
      if (each && dynamic_cast<runtime::JitNeuron*>(&node)) {
        if (each->size() != nodes.size())
          throw Error(fmt::format("'{}' needs one number, or one per node ({}), not a list of {}",
                                  key, nodes.size(), each->size()));
        out[key] = (*each)[i];
        continue;
      }
      out[key] = value;
    }
    return out;
  };
  for (size_t i = 0; i < nodes.size(); ++i) {
    runtime::Node& node = net.node(nodes[i]);
    // The values of one call are checked together (guards may relate several of them).
    struct StatusChange {
      runtime::Node& node;
      bool done = false;
      ~StatusChange() { if (!done) node.abort_status_change(); }
    } change{node};
    node.begin_status_change();
    try {
      node.set_params(per_node(node, i), ctx);
      net.invalidate();  // devices recompute what they derive from parameters
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(e.what());
    }
    change.done = true;
    try {
      node.end_status_change();
    } catch (const std::exception& e) {
      throw Error(e.what());
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

std::vector<double> Kernel::get_list(uint64_t node, const std::string& name) const {
  try {
    return impl_->net->node(node).get_list(name);
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
  const auto receptors = runtime::receptors_of(ir);
  info.spike_receptors = receptors.size();
  for (size_t r = 0; r < receptors.size(); ++r)
    for (int port : {receptors[r].excitatory, receptors[r].inhibitory}) {
      if (port < 0) continue;
      std::string name = ir.spike_ports[size_t(port)].name;
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char ch) { return char(std::toupper(ch)); });
      info.receptor_types[name] = receptors.size() == 1 ? 0 : int(r) + 1;
    }
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
  for (const auto& [n, c] : impl_->copies) out.push_back(n);  // CopyModel names
  return out;
}

}  // namespace nestjit
