// nestjit::Kernel: recorded data as views into the recorders (no copy).
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit {

std::span<const double> MultimeterEventsView::operator[](const std::string& name) const {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return values[i];
  throw Error(fmt::format("the multimeter does not record '{}'", name));
}

SpikeEventsView Kernel::spike_events_view(uint64_t recorder) const {
  runtime::Node* node = nullptr;
  try {
    node = &impl_->net->node(recorder);
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
  auto* r = dynamic_cast<runtime::SpikeRecorder*>(node);
  if (!r) throw Error(fmt::format("node {} is not a spike_recorder", recorder));
  return {std::span<const uint64_t>(r->senders), std::span<const double>(r->times)};
}

MultimeterEventsView Kernel::multimeter_events_view(uint64_t multimeter) const {
  auto& net = *impl_->net;
  runtime::Node* node = nullptr;
  try {
    node = &net.node(multimeter);
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
  auto* mm = dynamic_cast<runtime::Multimeter*>(node);
  if (!mm) throw Error(fmt::format("node {} is not a multimeter", multimeter));
  // As multimeter_events(): samples reach the multimeter one min-delay slice late. Samples
  // are stored in the order taken, slice by slice, so the delivered ones are a prefix.
  const double delivered_until = net.time() - double(net.min_delay()) * net.resolution() + 1e-9;
  size_t n = 0;
  while (n < mm->times.size() && mm->times[n] <= delivered_until) ++n;
  MultimeterEventsView out;
  out.times = std::span<const double>(mm->times.data(), n);
  out.senders = std::span<const uint64_t>(mm->senders.data(), n);
  out.names = mm->record_from;
  for (size_t i = 0; i < mm->record_from.size(); ++i)
    out.values.push_back(i < mm->values.size() ? std::span<const double>(mm->values[i].data(), n)
                                               : std::span<const double>());
  return out;
}

}  // namespace nestjit
