#include "runtime/synapse_pool.h"

#include <fmt/format.h>
#include <map>
#include <mutex>
#include <stdexcept>

namespace nestjit::runtime {

std::shared_ptr<const SynapseLayout> SynapseLayout::of(const LoadedModel& model) {
  // Kernels in different threads may connect at once.
  static std::mutex mutex;
  static std::map<const nir::Model*, std::weak_ptr<const SynapseLayout>> cache;
  std::lock_guard lock(mutex);
  auto& cached = cache[model.ir.get()];
  if (auto p = cached.lock()) return p;
  const nir::Model& ir = *model.ir;
  auto layout = std::make_shared<SynapseLayout>();
  for (size_t p = 0; p < ir.spike_ports.size(); ++p) {
    if (ir.spike_ports[p].is_post)
      layout->post_ports.push_back(int(p));
    else if (layout->pre_port < 0)
      layout->pre_port = int(p);
    else if (layout->vt_port < 0)
      layout->vt_port = int(p);
  }
  if (layout->pre_port < 0)
    throw std::invalid_argument(
        fmt::format("synapse model '{}' has no presynaptic spike input port", ir.name));
  const int pre_h = model.handler_of_port[layout->pre_port];
  for (int pp : layout->post_ports) {
    const int post_h = model.handler_of_port[pp];
    if (pre_h >= 0 && post_h >= 0 && ir.on_receive[pre_h].has_priority &&
        ir.on_receive[post_h].has_priority &&
        ir.on_receive[pre_h].priority < ir.on_receive[post_h].priority)
      layout->pre_before_post = true;
  }
  layout->moved = find_moved_variables(ir);
  layout->stride = ir.slots.size();
  cached = layout;
  return layout;
}

size_t SynapsePool::add(const double* values) {
  const size_t index = size();
  slots_.insert(slots_.end(), values, values + stride_);
  return index;
}

}  // namespace nestjit::runtime
