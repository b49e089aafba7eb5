#include "runtime/volume_transmitter.h"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "runtime/network.h"
#include "runtime/plastic_synapse.h"

namespace nestjit::runtime {

void VolumeTransmitter::prepare(Network& net) { counts_.resize(size_t(net.buffer_horizon())); }

void VolumeTransmitter::receive_spike(int64_t step, double, int, long multiplicity, NodeId,
                                      int64_t) {
  counts_.add(step, double(multiplicity));
}

void VolumeTransmitter::update(Network& net, int64_t from, int64_t to) {
  const double h = net.resolution();
  for (int64_t k = from + 1; k <= to; ++k)
    if (double n = counts_.take(k); n > 0) spikes_.push_back({double(k) * h, n});
  if (to % (deliver_interval_ * net.min_delay()) != 0) return;
  const double t_trig = double(to) * h;
  for (PlasticConnection* c : synapses_) c->trigger_update(net, spikes_, t_trig);
  spikes_.clear();
  spikes_.push_back({t_trig, 0.0});
}

void VolumeTransmitter::set_status(const std::string& key, double value) {
  if (key != "deliver_interval") return Node::set_status(key, value);
  if (!(value >= 1) || value != std::floor(value))
    throw std::invalid_argument(fmt::format(
        "volume_transmitter: deliver_interval must be a whole number of min-delay slices >= 1, not {}",
        value));
  deliver_interval_ = long(value);
}

std::map<std::string, double> VolumeTransmitter::get_status() const {
  return {{"deliver_interval", double(deliver_interval_)}};
}

std::string VolumeTransmitter::check_input(bool current, int receptor) const {
  if (current) return "a volume_transmitter collects spikes, not currents";
  if (receptor != 0) return fmt::format("a volume_transmitter has only receptor 0, not {}", receptor);
  return {};
}

}  // namespace nestjit::runtime
