// nestjit::Kernel: data recorded by spike recorders and multimeters.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit {

SpikeEvents Kernel::spike_events(uint64_t recorder) const {
  auto* r = dynamic_cast<runtime::SpikeRecorder*>(&impl_->net->node(recorder));
  if (!r) throw Error(fmt::format("node {} is not a spike_recorder", recorder));
  return {{r->senders.begin(), r->senders.end()}, {r->times.begin(), r->times.end()}};
}

WeightEvents Kernel::weight_events(uint64_t recorder) const {
  auto* r = dynamic_cast<runtime::WeightRecorder*>(&impl_->net->node(recorder));
  if (!r) throw Error(fmt::format("node {} is not a weight_recorder", recorder));
  return {r->senders, r->targets, r->times, r->weights, r->receptors, r->ports};
}

MultimeterEvents Kernel::multimeter_events(uint64_t multimeter) const {
  auto& net = *impl_->net;
  auto* mm = dynamic_cast<runtime::Multimeter*>(&net.node(multimeter));
  if (!mm) throw Error(fmt::format("node {} is not a multimeter", multimeter));
  // Samples reach the multimeter one min-delay slice late (NEST's delivery of DataEvents).
  const double delivered_until = net.time() - double(net.min_delay()) * net.resolution() + 1e-9;
  MultimeterEvents out;
  for (const auto& name : mm->record_from) out.values[name];
  for (size_t k = 0; k < mm->times.size(); ++k) {
    if (mm->times[k] > delivered_until) continue;
    out.times.push_back(mm->times[k]);
    out.senders.push_back(mm->senders[k]);
    for (size_t i = 0; i < mm->record_from.size(); ++i)
      out.values[mm->record_from[i]].push_back(mm->values[i][k]);
  }
  return out;
}

}  // namespace nestjit

namespace nestjit {

void Kernel::write_csv(uint64_t recorder, const std::string& path) const {
  auto& node = impl_->net->node(recorder);
  std::string text;
  if (dynamic_cast<runtime::SpikeRecorder*>(&node)) {
    const SpikeEvents ev = spike_events(recorder);
    text = "sender,time_ms\n";
    for (size_t i = 0; i < ev.times.size(); ++i) text += fmt::format("{},{}\n", ev.senders[i], ev.times[i]);
  } else if (auto* mm = dynamic_cast<runtime::Multimeter*>(&node)) {
    const MultimeterEvents ev = multimeter_events(recorder);
    text = "time_ms,sender";
    for (const auto& name : mm->record_from) text += "," + name;
    text += "\n";
    for (size_t i = 0; i < ev.times.size(); ++i) {
      text += fmt::format("{},{}", ev.times[i], ev.senders[i]);
      for (const auto& name : mm->record_from) text += fmt::format(",{}", ev.values.at(name)[i]);
      text += "\n";
    }
  } else if (dynamic_cast<runtime::WeightRecorder*>(&node)) {
    const WeightEvents ev = weight_events(recorder);
    text = "sender,target,time_ms,weight,receptor,port\n";
    for (size_t i = 0; i < ev.times.size(); ++i)
      text += fmt::format("{},{},{},{},{},{}\n", ev.senders[i], ev.targets[i], ev.times[i],
                          ev.weights[i], ev.receptors[i], ev.ports[i]);
  } else {
    throw Error(fmt::format("node {} ({}) records nothing; write_csv takes a spike_recorder, "
                            "multimeter, voltmeter or weight_recorder", recorder, node.model_name()));
  }
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw Error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) throw Error(fmt::format("writing '{}' failed", path));
}

}  // namespace nestjit
