// The event loop. One simulate(T) runs min-delay slices until T; each slice does:
//
//   0. (prepare, before the first slice of a simulate after a change) the neurons of each
//      loaded model join its NeuronPool (runtime/neuron_pool.h): their slots become rows of
//      one array, their input cells of the pool's ring arrays; the update list (below) and
//      the delivery routes (node -> pool, row) are rebuilt.
//   1. update nodes, in node order: the update list holds runs of consecutive nodes of one
//      pool, each advanced by the model's compiled slice loop (codegen/range.cpp: every
//      instance of the run through steps from+1 .. to, reading and clearing its input
//      cells, running the step, testing its state for NaN/inf), and the other nodes
//      (devices, parrots), each through its update(). Pooled neurons emit spikes stamped
//      with the step through a callback. Current generators and poisson_generators write
//      straight into their targets' input: everything they send arrives after the slice
//      (delay >= min_delay), so no node of this slice can see it early.
//   2. gather spikes: the spikes emitted in the slice are in events_, sorted by stamp
//      (stable, so spikes of one step keep node order).
//   3. deliver: each spike walks its sender's row of static synapses (ConnectionTable) and
//      adds weight x multiplicity to the target's input cell for stamp + delay (an indexed
//      add into its pool, the ring slot computed once per spike); plastic connections of
//      the sender run their synapse model (SEMANTICS.md 5.2).
//   4. advance: time moves to the end of the slice; a failure raised inside compiled code
//      during the slice is thrown now, with the kernel's state at the slice boundary.
//
// Slices are aligned to multiples of min_delay (the smallest delay of any connection), so
// a spike delivered at the end of a slice is never due inside that slice. Where threads go:
// a threaded engine gives each VP its own contiguous range of every pool (the slice loop
// already takes begin/end) and of the other nodes in 1, its own event list in 2 and, in 3,
// either delivers only into its own ranges (every VP reads all event lists) or writes
// through per-VP buffers; rows of synapses are read-only during a slice.
#include "runtime/network.h"

#include "runtime/current_rng.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>
#include <tuple>

namespace nestjit::runtime {

Network::Network(double resolution_ms, uint64_t rng_seed)
    : h_(resolution_ms), streams_(rng_seed), rng_seed_(rng_seed) {
  if (!(resolution_ms > 0.0) || !std::isfinite(resolution_ms))
    throw std::invalid_argument(fmt::format("resolution must be positive, not {}", resolution_ms));
}

NodeId Network::add_node(std::unique_ptr<Node> node) {
  if (nodes_.size() >= UINT32_MAX) throw std::invalid_argument("too many nodes (at most 2^32 - 1)");
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

const Node& Network::node(NodeId id) const { return const_cast<Network*>(this)->node(id); }

int64_t Network::delay_steps(double ms) const {
  if (!std::isfinite(ms) || ms < 0)
    throw std::invalid_argument(fmt::format("delay must be a non-negative number, not {}", ms));
  // The reference's Time::delay_ms_to_steps: floor(ms * steps_per_ms + 0.5).
  const double steps_per_ms = 1.0 / h_;
  const double rounded = std::floor(ms * steps_per_ms + 0.5);
  if (rounded > 1e15)  // converting a larger one to steps would overflow (undefined)
    throw std::invalid_argument(fmt::format("delay {} ms is too long to simulate", ms));
  int64_t d = int64_t(rounded);
  if (d < 1)
    throw std::invalid_argument(
        fmt::format("delay {} ms is shorter than the resolution {} ms", ms, h_));
  return d;
}

void Network::check_static(const StaticConnection& c) const {
  const Node& source = node(c.source);
  const Node& target = node(c.target);
  if (c.delay_steps < 1)
    throw std::invalid_argument(fmt::format("delay of {} steps is shorter than the resolution", c.delay_steps));
  if (c.delay_steps > int64_t(ConnectionTable::kMaxDelaySteps))
    throw std::invalid_argument(fmt::format(
        "delay {} ms is longer than static synapses can store ({} steps)",
        double(c.delay_steps) * h_, ConnectionTable::kMaxDelaySteps));
  if (c.receptor < 0 || c.receptor > ConnectionTable::kMaxReceptor)
    throw std::invalid_argument(fmt::format("receptor_type {} is out of range", c.receptor));
  if (!std::isfinite(c.weight))
    throw std::invalid_argument(fmt::format("weight must be a finite number, not {}", c.weight));
  std::string why = target.check_input(source.sends_current(), c.receptor);
  if (!why.empty())
    throw std::invalid_argument(fmt::format("cannot connect {} #{} to {} #{}: {}",
                                            source.model_name(), c.source, target.model_name(),
                                            c.target, why));
}

void Network::connect_static(StaticConnection c) {
  check_static(c);
  static_.add(uint32_t(c.source - 1), StaticSynapse{c.weight, uint32_t(c.target - 1),
                                                    uint16_t(c.delay_steps), uint8_t(c.receptor)});
  prepared_ = false;
}

size_t Network::connect_plastic(std::unique_ptr<PlasticConnection> c) {
  node(c->source);
  node(c->target);
  c->attach(*this);
  plastic_.push_back(std::move(c));
  prepared_ = false;
  return plastic_.size() - 1;
}

SynapsePool& Network::synapse_pool(const LoadedModel& model) {
  auto& pool = synapse_pools_[&model];
  if (!pool) pool = std::make_unique<SynapsePool>(model.ir->slots.size());
  return *pool;
}

void Network::rollback(Mark m) {
  static_.rollback(m.statics);
  plastic_.resize(m.plastics);
  prepared_ = false;
}

std::span<const StaticSynapse> Network::static_row(NodeId source) {
  if (!static_.finalized() || static_.rows() != nodes_.size()) static_.finalize(nodes_.size());
  return static_.row(uint32_t(source - 1));
}

StaticSynapse& Network::static_synapse(NodeId source, uint32_t position) {
  static_row(source);
  return static_.at(uint32_t(source - 1), position);
}

std::pair<int64_t, int64_t> Network::delay_range() {
  static_.finalize(nodes_.size());
  // min_delay and max_delay over all connections (1 ms each when there are none).
  int64_t lo = INT64_MAX, hi = 0;
  if (static_.size() > 0) {
    lo = static_.min_delay();
    hi = static_.max_delay();
  }
  for (const auto& c : plastic_) {
    lo = std::min(lo, c->delay_steps);
    hi = std::max(hi, c->delay_steps);
  }
  if (lo == INT64_MAX) lo = hi = delay_steps(1.0);
  return {lo, hi};
}

void Network::prepare() {
  std::tie(min_delay_, max_delay_) = delay_range();
  plastic_out_.assign(nodes_.size(), {});
  for (size_t i = 0; i < plastic_.size(); ++i) plastic_out_[plastic_[i]->source - 1].push_back(i);
  build_pools();
  for (auto& n : nodes_) n->prepare(*this);
  prepared_ = true;
}

void Network::build_pools() {
  // Members of each model variant in node order.
  std::map<const LoadedModel*, std::vector<JitNeuron*>> members;
  std::map<const LoadedModel*, std::shared_ptr<const LoadedModel>> models;
  for (auto& n : nodes_)
    if (auto* j = dynamic_cast<JitNeuron*>(n.get())) {
      members[&j->model()].push_back(j);
      models.emplace(&j->model(), j->model_ptr());
    }
  // Spikes the pools hold for their members' archives go there before members move.
  for (auto& [model, pool] : pools_) pool->settle_archives();
  // Every pool builds its storage from the members' current slots before any installs.
  // One ring size for all pools; it never shrinks.
  ring_ = std::max(ring_, size_t(buffer_horizon()) + 1);
  std::vector<std::pair<NeuronPool*, NeuronPool::Storage>> built;
  for (auto& [model, list] : members) {
    auto& pool = pools_[model];
    if (!pool) pool = std::make_unique<NeuronPool>(models[model]);
    if (!pool->holds(list, ring_)) built.emplace_back(pool.get(), pool->build(list, ring_, step_));
  }
  for (auto& [pool, storage] : built) pool->install(std::move(storage));
  for (auto it = pools_.begin(); it != pools_.end();)
    it = members.count(it->first) ? std::next(it) : pools_.erase(it);
  update_list_.clear();
  routes_.assign(nodes_.size(), {});
  for (size_t i = 0; i < nodes_.size(); ++i) {
    auto* j = dynamic_cast<JitNeuron*>(nodes_[i].get());
    if (!j) {
      update_list_.push_back({nodes_[i].get(), nullptr, 0, 0});
      continue;
    }
    const uint32_t index = uint32_t(j->pool_index());
    routes_[i] = {j->pool(), index};
    UpdateItem* last = update_list_.empty() ? nullptr : &update_list_.back();
    if (last && last->pool == j->pool() && last->end == index) last->end = index + 1;
    else update_list_.push_back({nullptr, j->pool(), index, index + 1});
  }
}

void Network::emit(NodeId sender, int64_t step, long multiplicity, double weight_factor) {
  events_.push_back({sender, step, multiplicity, weight_factor});
}

void Network::emit_current(NodeId sender, int64_t step, double value) {
  // Safe to deliver at once: the value arrives after this slice (delay >= min_delay).
  for (const StaticSynapse& s : static_.row(uint32_t(sender - 1)))
    nodes_[s.target]->receive_current(step + s.delay_steps, s.weight * value, s.receptor);
}

void Network::deliver(NodeId target, int64_t stamp, int64_t delay, double weight, int receptor,
                      long multiplicity, NodeId sender) {
  node(target).receive_spike(stamp + delay, weight, receptor, multiplicity, sender, stamp);
}

void Network::deliver_row(std::span<const StaticSynapse> row, int64_t stamp, double weight_factor,
                          long multiplicity, NodeId sender) {
  // Arrival step stamp + d lands in ring slot (stamp mod ring) + d, minus the ring once
  // past its end (d < ring): no division per synapse.
  const size_t ring = ring_, base = size_t(stamp) % ring;
  const Route* routes = routes_.data();
  auto slot_of = [&](const StaticSynapse& s) {
    const size_t r = base + s.delay_steps;
    return r >= ring ? r - ring : r;
  };
  const size_t n = row.size();
  // Targets are far apart in memory: fetch a few synapses ahead.
  constexpr size_t kAhead = 8, kRowAhead = 64;
  for (size_t i = 0; i < n;) {
    const StaticSynapse& s = row[i];
    const Route& r = routes[s.target];
    if (r.pool && r.pool->direct() && s.receptor == 0) {
      // A run of synapses into one pool through receptor 0 (a whole row, usually), with
      // the pool's cells in registers.
      NeuronPool* pool = r.pool;
      const NeuronPool::SpikeCells cells = pool->spike_cells();
      for (; i < n; ++i) {
        // The row comes from memory: ask for it well ahead (a line holds four synapses).
        if (i % 4 == 0) __builtin_prefetch(row.data() + i + kRowAhead);
        if (i + kAhead < n) {
          const StaticSynapse& a = row[i + kAhead];
          if (const Route& ra = routes[a.target]; ra.pool == pool) cells.prefetch(ra.index, slot_of(a));
        }
        const StaticSynapse& t = row[i];
        const Route& rt = routes[t.target];
        if (rt.pool != pool || t.receptor != 0) break;
        cells.add(rt.index, slot_of(t), t.weight * weight_factor, multiplicity);
      }
      continue;
    }
    if (i + kAhead < n) {
      const StaticSynapse& a = row[i + kAhead];
      if (const Route& ra = routes[a.target]; ra.pool) ra.pool->prefetch(ra.index, slot_of(a));
    }
    if (r.pool)
      r.pool->add_spike_at(r.index, slot_of(s), s.weight * weight_factor, s.receptor, multiplicity);
    else
      nodes_[s.target]->receive_spike(stamp + s.delay_steps, s.weight * weight_factor, s.receptor,
                                      multiplicity, sender, stamp);
    ++i;
  }
}

namespace {
// Delivers count(i) spikes along row[i] for each i with a nonzero count (deliver_counts,
// deliver_poisson); returns how many synapses had one. Into a direct pool's cells without
// a branch on the count (Brunel's Poisson drive, mean 0.9, is zero in 41% of its draws).
template <class Count, class Route, class Node>
uint64_t deliver_each(std::span<const StaticSynapse> row, int64_t stamp, size_t ring,
                      const Route* routes, const std::unique_ptr<Node>* nodes, NodeId sender,
                      Count&& count) {
  const size_t base = size_t(stamp) % ring;
  // The pool of the last synapse, its cells in registers while the targets stay in it.
  NeuronPool* pool = nullptr;
  NeuronPool::SpikeCells cells{};
  uint64_t delivered = 0;
  for (size_t i = 0; i < row.size(); ++i) {
    const long n = count(i);
    const StaticSynapse& s = row[i];
    const Route& r = routes[s.target];
    size_t slot = base + s.delay_steps;
    if (slot >= ring) slot -= ring;
    if (r.pool && s.receptor == 0 && r.pool->direct()) {
      if (r.pool != pool) {
        pool = r.pool;
        cells = pool->spike_cells();
      }
      cells.add_count(r.index, slot, s.weight, n);
      delivered += uint64_t(n != 0);
    } else if (n != 0) {
      ++delivered;
      if (r.pool)
        r.pool->add_spike_at(r.index, slot, s.weight, s.receptor, n);
      else
        nodes[s.target]->receive_spike(stamp + s.delay_steps, s.weight, s.receptor, n, sender, stamp);
    }
  }
  return delivered;
}
}  // namespace

void Network::deliver_counts(std::span<const StaticSynapse> row, int64_t stamp,
                             const long* counts, NodeId sender) {
  synaptic_events_ += deliver_each(row, stamp, ring_, routes_.data(), nodes_.data(), sender,
                                   [&](size_t i) { return counts[i]; });
}

void Network::deliver_poisson(std::span<const StaticSynapse> row, int64_t stamp,
                              const PoissonSampler& sampler, Rng& rng, NodeId sender) {
  if (sampler.tabled()) {
    // The tables by pointer: read through the sampler, they were reloaded after each store.
    const PoissonSampler::Table draw = sampler.table();
    synaptic_events_ += deliver_each(row, stamp, ring_, routes_.data(), nodes_.data(), sender,
                                     [&](size_t) { return draw(rng); });
  } else {
    synaptic_events_ += deliver_each(row, stamp, ring_, routes_.data(), nodes_.data(), sender,
                                     [&](size_t) { return sampler(rng); });
  }
}

void Network::fail(std::string message) {
  log_.add(message, true, "E-SIMULATION", message);
  if (failure_.empty()) failure_ = std::move(message);
}

// Events in order of stamp, those of one stamp in the order they were emitted.
void Network::sort_events() {
  if (events_.size() < 2) return;
  auto [lo, hi] = std::minmax_element(events_.begin(), events_.end(),
                                      [](const Event& a, const Event& b) { return a.stamp < b.stamp; });
  const int64_t first = lo->stamp, span = hi->stamp - lo->stamp + 1;
  if (span > int64_t(events_.size()) + 64) {  // (stamps of one slice span min_delay steps)
    std::stable_sort(events_.begin(), events_.end(),
                     [](const Event& a, const Event& b) { return a.stamp < b.stamp; });
    return;
  }
  // A counting sort into space kept between slices: stable, no allocation per slice
  // (std::stable_sort's buffer would be mapped and unmapped every slice).
  stamp_counts_.assign(size_t(span) + 1, 0);
  for (const Event& e : events_) ++stamp_counts_[size_t(e.stamp - first) + 1];
  for (size_t i = 1; i < stamp_counts_.size(); ++i) stamp_counts_[i] += stamp_counts_[i - 1];
  sorted_events_.resize(events_.size());
  for (const Event& e : events_) sorted_events_[stamp_counts_[size_t(e.stamp - first)]++] = e;
  events_.swap(sorted_events_);
}

void Network::deliver_events() {
  sort_events();
  spikes_emitted_ += events_.size();
  for (const Event& e : events_) {
    const uint32_t src = uint32_t(e.sender - 1);
    auto row = static_.row(src);
    synaptic_events_ += row.size();
    deliver_row(row, e.stamp, e.weight_factor, e.multiplicity, e.sender);
    for (size_t ci : plastic_out_[src])
      for (long m = 0; m < e.multiplicity; ++m)
        plastic_[ci]->send(*this, *nodes_[plastic_[ci]->target - 1], e.stamp);
  }
  events_.clear();
}

bool Network::simulate(double ms, std::atomic<bool>* interrupt) {
  if (!std::isfinite(ms) || ms < 0)
    throw std::invalid_argument(fmt::format("simulation time must be non-negative, not {}", ms));
  int64_t steps = std::llround(ms / h_);
  if (std::fabs(double(steps) * h_ - ms) > 1e-9 * std::max(1.0, ms))
    throw std::invalid_argument(
        fmt::format("simulation time {} ms is not a multiple of the resolution {} ms", ms, h_));
  if (!prepared_) prepare();
  // Lane blocks take a slot's value from the pool when all instances share it: settled
  // here, after every change made between simulate calls.
  for (auto& [model, pool] : pools_) pool->refresh_uniform();
  // Lane blocks keep state between slices: the rows get it back whenever this call ends
  // (returned, interrupted or thrown).
  struct WriteBackLanes {
    decltype(pools_)& pools;
    ~WriteBackLanes() {
      for (auto& [model, pool] : pools) pool->write_back_lanes();
    }
  } write_back{pools_};
  ScopedRng rng_scope(rng());  // compiled code draws from this network's stream
  // std::atomic<bool> has bool's layout (lock-free); compiled loops read it as a plain byte.
  static_assert(sizeof(std::atomic<bool>) == sizeof(bool));
  interrupt_ = interrupt ? reinterpret_cast<const volatile bool*>(interrupt) : &nestjit_no_interrupt;
  const int64_t end = step_ + steps;
  while (step_ < end) {
    // A boundary: every node and buffer is consistent here, so stopping leaves a network a
    // later simulate() continues exactly.
    // (a plain load first: the exchange is a locked instruction, and the seed sweep's
    // slices are one step long)
    if (interrupt && interrupt->load(std::memory_order_relaxed) &&
        interrupt->exchange(false, std::memory_order_relaxed))
      return false;
    int64_t slice_end = std::min(end, (step_ / min_delay_ + 1) * min_delay_);
    if (before_slice) before_slice(step_, slice_end);            // the host's input
    for (const UpdateItem& u : update_list_) {                   // 1. update nodes
      if (u.pool) u.pool->update(*this, u.begin, u.end, step_, slice_end);
      else u.node->update(*this, step_, slice_end);
    }
    step_ = slice_end;                                           // 4. advance
    deliver_events();                                            // 2. gather, 3. deliver
    if (!failure_.empty()) {
      std::string f = std::move(failure_);
      failure_.clear();
      throw std::runtime_error(f);
    }
  }
  return true;
}

}  // namespace nestjit::runtime
