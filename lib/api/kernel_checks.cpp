// Checks that turn a connection or host input the target cannot take into an Error at the
// call, instead of a failure in the middle of a simulation.
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit::api {

void check_spike_receptor(const runtime::JitNeuron& n, int receptor, const char* call) {
  const size_t receptors = runtime::receptors_of(*n.model().ir).size();
  const bool ok = receptors == 1 ? receptor == 0
                                 : receptor >= 1 && size_t(receptor) <= receptors;
  if (ok) return;
  throw Error(fmt::format("{}: {} has no receptor {} ({})", call, n.model_name(), receptor,
                          receptors == 0   ? "it has no spike input port"
                          : receptors == 1 ? "its one receptor is 0"
                                           : fmt::format("its receptors are 1..{}", receptors)));
}

int continuous_port_index(const runtime::JitNeuron& n, const std::string& port, const char* call) {
  const auto& ports = n.model().ir->continuous_ports;
  std::string names;
  for (const auto& p : ports) names += (names.empty() ? "" : ", ") + p.name;
  if (names.empty()) names = "none";
  if (port.empty()) {
    if (ports.size() == 1) return 0;
    throw Error(fmt::format("{}: {} has {} continuous input ports ({}); name one", call,
                            n.model_name(), ports.size(), names));
  }
  for (size_t i = 0; i < ports.size(); ++i)
    if (ports[i].name == port) return int(i);
  throw Error(fmt::format("{}: {} has no continuous input port '{}' (ports: {})", call,
                          n.model_name(), port, names));
}

void check_static_target(runtime::Node& source, runtime::Node& target, int receptor) {
  const std::string from = source.model_name(), to = target.model_name();
  if (dynamic_cast<runtime::SpikeRecorder*>(&source))
    throw Error(fmt::format("connect: a spike_recorder only receives; it cannot send to {}", to));
  if (dynamic_cast<runtime::SpikeGenerator*>(&target) ||
      dynamic_cast<runtime::DcGenerator*>(&target) || dynamic_cast<runtime::Multimeter*>(&target))
    throw Error(fmt::format("connect: a {} takes no input (connecting {} to it)", to, from));
  auto* neuron = dynamic_cast<runtime::JitNeuron*>(&target);
  if (dynamic_cast<runtime::DcGenerator*>(&source)) {
    if (!neuron)
      throw Error(fmt::format("connect: a dc_generator sends a current, which a {} cannot take", to));
    const size_t ports = neuron->model().ir->continuous_ports.size();
    if (receptor < 0 || size_t(receptor) >= ports)
      throw Error(fmt::format(
          "connect: {} has no continuous input port {} for a dc_generator ({})", to, receptor,
          ports == 0 ? "it has none" : fmt::format("receptor_type selects 0..{}", ports - 1)));
    return;
  }
  if (neuron) check_spike_receptor(*neuron, receptor, "connect");
}

void refuse_homogeneous(const runtime::LoadedModel& model, const std::string& name, const char* call) {
  const int slot = model.slot(name);
  if (slot < 0 || !model.ir->slots[size_t(slot)].homogeneous) return;
  throw Error(fmt::format(
      "{}: '{}' of synapse model '{}' is @homogeneous, one value for all its connections; set "
      "it with set_defaults(\"{}\", ...) or copy_model", call, name, model.name(), model.name()));
}

}  // namespace nestjit::api
