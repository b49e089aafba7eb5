// Resource limits: a create() or a simulation whose memory would not fit stops with an Error
// naming what it needs and the cap before anything is allocated, instead of taking the host
// down (an allocation failure, or the machine swapping until something kills it). The cap is
// the kernel status key "max_memory_mb" (default: half the machine's physical memory); it
// bounds one create()'s node state and, separately, the ring buffers of a simulation.
#include <unistd.h>

#include <map>

#include "api/kernel_impl.h"
#include "nir/model.h"
#include "runtime/loaded_model.h"

namespace nestjit {

namespace {
constexpr double kMB = 1024.0 * 1024.0;
// What a node costs besides its state values: the node object, its vectors' headers, its
// place in the network. A round upper figure: the cap is about orders of magnitude.
constexpr double kNodeOverheadBytes = 512;
}  // namespace

double api::default_max_memory_mb() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 16384;
  return double(pages) * double(page) / kMB / 2;
}

void Kernel::Impl::check_create_memory(const std::string& model, size_t n) const {
  auto it = models.find(model);
  const size_t values = it == models.end() ? 0 : it->second->ir->slots.size();
  const double need = double(n) * (double(values) * 8 + kNodeOverheadBytes) / kMB;
  if (need <= max_memory_mb) return;
  throw Error(fmt::format(
      "create('{}', {}): {} nodes would need about {:.0f} MB ({} variables and about {} bytes of "
      "bookkeeping each), more than the kernel's memory cap max_memory_mb = {:.0f} MB; create "
      "fewer nodes or raise the cap with set_kernel_status({{\"max_memory_mb\": ...}})",
      model, n, n, need, values, kNodeOverheadBytes, max_memory_mb));
}

void Kernel::Impl::check_buffer_memory() {
  runtime::Network& network = *net;
  if (network.prepared()) return;  // the buffers exist already and were checked then
  const auto [shortest, longest] = network.delay_range();
  const double horizon = double(longest + shortest + 1);  // as Network::buffer_horizon
  // Ring-buffer values per step of the horizon: a NESTML neuron has a sum and a flag per
  // spike port and a value per continuous port; a built-in device at most one.
  std::map<std::string, double> per_model;
  double values = 0;
  for (runtime::NodeId id = 1; id <= network.node_count(); ++id) {
    const std::string name = network.node(id).model_name();
    auto [cached, fresh] = per_model.try_emplace(name, 1.0);
    if (fresh) {
      auto it = models.find(name);
      if (it != models.end())
        cached->second = 2.0 * double(it->second->ir->spike_ports.size()) +
                         double(it->second->ir->continuous_ports.size());
    }
    values += cached->second;
  }
  const double need = values * horizon * 8 / kMB;
  if (need <= max_memory_mb) return;
  const double h = network.resolution();
  throw Error(fmt::format(
      "simulate: the spike and current buffers of {} nodes would need about {:.0f} MB ({} steps "
      "each: the longest delay {} ms plus the shortest {} ms), more than the kernel's memory cap "
      "max_memory_mb = {:.0f} MB; use shorter delays or raise the cap with "
      "set_kernel_status({{\"max_memory_mb\": ...}})",
      network.node_count(), need, horizon, double(longest) * h, double(shortest) * h,
      max_memory_mb));
}

}  // namespace nestjit
