// The slice loop: every node is advanced through one min-delay slice, then the spikes of
// that slice are delivered (static connections write into ring buffers, plastic ones run
// their synapse model), exactly as NEST's simulation manager does.
#include "runtime/network.h"

#include "runtime/current_rng.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace nestjit::runtime {

Network::Network(double resolution_ms) : h_(resolution_ms) {
  if (!(resolution_ms > 0.0) || !std::isfinite(resolution_ms))
    throw std::invalid_argument(fmt::format("resolution must be positive, not {}", resolution_ms));
}

NodeId Network::add_node(std::unique_ptr<Node> node) {
  node->id = nodes_.size() + 1;
  if (auto* r = dynamic_cast<SpikeRecorder*>(node.get())) r->resolution = h_;
  nodes_.push_back(std::move(node));
  prepared_ = false;
  return nodes_.back()->id;
}

Node& Network::node(NodeId id) {
  if (id == 0 || id > nodes_.size())
    throw std::out_of_range(fmt::format("there is no node with id {}", id));
  return *nodes_[id - 1];
}

int64_t Network::delay_steps(double ms) const {
  if (!std::isfinite(ms) || ms < 0)
    throw std::invalid_argument(fmt::format("delay must be a non-negative number, not {}", ms));
  int64_t d = std::llround(ms / h_);
  if (d < 1)
    throw std::invalid_argument(
        fmt::format("delay {} ms is shorter than the resolution {} ms", ms, h_));
  return d;
}

void Network::connect_static(StaticConnection c) {
  node(c.source);
  node(c.target);
  static_out_[c.source].push_back(static_.size());
  static_.push_back(c);
  prepared_ = false;
}

size_t Network::connect_plastic(std::unique_ptr<PlasticConnection> c) {
  node(c->source);
  node(c->target);
  plastic_out_[c->source].push_back(plastic_.size());
  plastic_.push_back(std::move(c));
  prepared_ = false;
  return plastic_.size() - 1;
}

void Network::prepare() {
  // min_delay and max_delay over all connections (1 ms each when there are none).
  int64_t lo = INT64_MAX, hi = 0;
  for (const auto& c : static_) {
    lo = std::min(lo, c.delay_steps);
    hi = std::max(hi, c.delay_steps);
  }
  for (const auto& c : plastic_) {
    lo = std::min(lo, c->delay_steps);
    hi = std::max(hi, c->delay_steps);
  }
  if (lo == INT64_MAX) lo = hi = delay_steps(1.0);
  min_delay_ = lo;
  max_delay_ = hi;
  for (auto& n : nodes_) n->prepare(*this);
  prepared_ = true;
}

void Network::emit(NodeId sender, int64_t step, long multiplicity) {
  events_.push_back({sender, step, multiplicity});
}

void Network::emit_current(NodeId sender, int64_t step, double value) {
  // Safe to deliver at once: the value arrives after this slice (delay >= min_delay).
  auto it = static_out_.find(sender);
  if (it == static_out_.end()) return;
  for (size_t ci : it->second) {
    const StaticConnection& c = static_[ci];
    node(c.target).receive_current(step + c.delay_steps, c.weight * value, c.receptor);
  }
}

void Network::deliver(NodeId target, int64_t stamp, int64_t delay, double weight, int receptor,
                      long multiplicity, NodeId sender) {
  node(target).receive_spike(stamp + delay, weight, receptor, multiplicity, sender, stamp);
}

void Network::fail(std::string message) {
  if (failure_.empty()) failure_ = std::move(message);
}

void Network::deliver_events() {
  // Spikes are delivered in the order they were stamped.
  std::stable_sort(events_.begin(), events_.end(),
                   [](const Event& a, const Event& b) { return a.stamp < b.stamp; });
  for (const Event& e : events_) {
    if (auto it = static_out_.find(e.sender); it != static_out_.end())
      for (size_t ci : it->second) {
        const StaticConnection& c = static_[ci];
        deliver(c.target, e.stamp, c.delay_steps, c.weight, c.receptor, e.multiplicity, e.sender);
      }
    if (auto it = plastic_out_.find(e.sender); it != plastic_out_.end())
      for (size_t ci : it->second)
        for (long m = 0; m < e.multiplicity; ++m) plastic_[ci]->send(*this, node(plastic_[ci]->target), e.stamp);
  }
  events_.clear();
}

void Network::simulate(double ms) {
  if (!std::isfinite(ms) || ms < 0)
    throw std::invalid_argument(fmt::format("simulation time must be non-negative, not {}", ms));
  int64_t steps = std::llround(ms / h_);
  if (std::fabs(double(steps) * h_ - ms) > 1e-9 * std::max(1.0, ms))
    throw std::invalid_argument(
        fmt::format("simulation time {} ms is not a multiple of the resolution {} ms", ms, h_));
  if (!prepared_) prepare();
  ScopedRng rng_scope(rng_);
  const int64_t end = step_ + steps;
  while (step_ < end) {
    // Slices are aligned to multiples of min_delay; the last one may be shorter.
    int64_t slice_end = std::min(end, (step_ / min_delay_ + 1) * min_delay_);
    if (before_slice) before_slice(step_, slice_end);
    for (auto& n : nodes_) n->update(*this, step_, slice_end);
    step_ = slice_end;
    deliver_events();
    if (!failure_.empty()) {
      std::string f = std::move(failure_);
      failure_.clear();
      throw std::runtime_error(f);
    }
  }
}

}  // namespace nestjit::runtime
