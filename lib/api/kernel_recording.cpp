// nestjit::Kernel: data recorded by spike recorders and multimeters.
#include <algorithm>
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit {

SpikeEvents Kernel::spike_events(uint64_t recorder) const {
  auto* r = dynamic_cast<runtime::SpikeRecorder*>(&impl_->net->node(recorder));
  if (!r) throw Error(fmt::format("node {} is not a spike_recorder", recorder));
  return {r->senders, r->times};
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
