// The built-in devices: spike_generator, parrot_neuron, dc_generator, spike_recorder.
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "runtime/network.h"
#include "runtime/node.h"

namespace nestjit::runtime {

void SpikeGenerator::set_spike_times(const std::vector<double>& times_ms, double resolution) {
  steps_.clear();
  for (double t : times_ms) {
    double steps = t / resolution;
    int64_t k = std::llround(steps);
    if (t <= 0.0)
      throw std::invalid_argument(fmt::format("spike_generator: spike time {} ms is not positive", t));
    if (std::fabs(steps - double(k)) > 1e-9 * std::max(1.0, steps))
      throw std::invalid_argument(fmt::format(
          "spike_generator: spike time {} ms is not on the {} ms grid", t, resolution));
    if (!steps_.empty() && k < steps_.back())
      throw std::invalid_argument("spike_generator: spike times must be sorted");
    steps_.push_back(k);
  }
  next_ = 0;
}

void SpikeGenerator::prepare(Network& net) {
  // Spikes before the current time are never sent (as when NEST simulates past them).
  while (next_ < steps_.size() && steps_[next_] <= net.current_step()) ++next_;
}

void SpikeGenerator::update(Network& net, int64_t from, int64_t to) {
  // A spike at time t is sent in the step that ends at t and arrives at t + delay.
  while (next_ < steps_.size() && steps_[next_] <= to) {
    long n = 1;
    int64_t k = steps_[next_++];
    while (next_ < steps_.size() && steps_[next_] == k) {
      ++n;
      ++next_;
    }
    if (k > from) net.emit(id, k, n);
  }
}

void ParrotNeuron::prepare(Network& net) { counts_.resize(size_t(net.buffer_horizon())); }

void ParrotNeuron::receive_spike(int64_t step, double, int receptor, long multiplicity, NodeId,
                                 int64_t) {
  // Receptor 1 is NEST's "do not repeat" port of the parrot.
  if (receptor == 0) counts_.add(step, double(multiplicity));
}

void ParrotNeuron::update(Network& net, int64_t from, int64_t to) {
  for (int64_t k = from + 1; k <= to; ++k) {
    double n = counts_.take(k);
    if (n > 0) {
      net.emit(id, k, long(n));
      archive_.record(k, double(k) * net.resolution(), double(net.min_delay()) * net.resolution());
    }
  }
}

void DcGenerator::update(Network& net, int64_t from, int64_t to) {
  // Active for the steps that end in [start, stop): the current then reaches the neuron's
  // continuous port after the connection delay and is used one step later.
  const double h = net.resolution();
  for (int64_t k = from + 1; k <= to; ++k) {
    double t = double(k) * h;
    if (t >= start - 1e-9 && t < stop - 1e-9) net.emit_current(id, k, amplitude);
  }
}

void DcGenerator::set_status(const std::string& key, double value) {
  if (key == "amplitude") amplitude = value;
  else if (key == "start") start = value;
  else if (key == "stop") stop = value;
  else Node::set_status(key, value);
}

std::map<std::string, double> DcGenerator::get_status() const {
  return {{"amplitude", amplitude}, {"start", start}, {"stop", stop}};
}

void Multimeter::set_status(const std::string& key, double value) {
  if (key == "interval") {
    if (!(value > 0)) throw std::invalid_argument("multimeter: interval must be positive");
    interval = value;
  } else {
    Node::set_status(key, value);
  }
}

std::map<std::string, double> Multimeter::get_status() const {
  return {{"interval", interval}, {"n_events", double(times.size())}};
}

void SpikeRecorder::receive_spike(int64_t, double, int, long multiplicity, NodeId sender,
                                  int64_t stamp) {
  for (long i = 0; i < multiplicity; ++i) {
    senders.push_back(sender);
    times.push_back(double(stamp) * resolution);
  }
}

}  // namespace nestjit::runtime
