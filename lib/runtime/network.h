// The simulation kernel: nodes, connections, the time grid and the slice loop.
//
// Data layout with threads in mind: nodes are numbered 0..n-1 and a node belongs to VP
// (index mod VPs); static synapses live in rows by source (ConnectionTable), spikes of a
// slice in one event list, and every VP-owned random draw comes from that VP's stream.
// A threaded engine splits the node range and the event list per VP; nothing here is
// shared between the nodes of different VPs except the read-only rows.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/diagnostic_log.h"
#include "runtime/connection_table.h"
#include "runtime/devices.h"
#include "runtime/neuron_pool.h"
#include "runtime/node.h"
#include "runtime/plastic_synapse.h"
#include "runtime/random_streams.h"

namespace nestjit::runtime {

struct StaticConnection {
  NodeId source = 0, target = 0;
  double weight = 1.0;
  int64_t delay_steps = 10;
  int receptor = 0;
};

class Network {
 public:
  explicit Network(double resolution_ms = 0.1, uint64_t rng_seed = 143202461);
  uint64_t rng_seed() const { return rng_seed_; }

  double resolution() const { return h_; }
  int64_t current_step() const { return step_; }
  double time() const { return double(step_) * h_; }
  DeviceContext device_context() const { return {h_, step_}; }

  NodeId add_node(std::unique_ptr<Node> node);
  Node& node(NodeId id);
  const Node& node(NodeId id) const;
  size_t node_count() const { return nodes_.size(); }

  // Checks a connection (nodes exist, the target takes this input, the delay fits) and
  // throws std::invalid_argument with the reason; adds nothing.
  void check_static(const StaticConnection& c) const;
  void connect_static(StaticConnection c);  // checks, then adds
  // Returns the connection's index among the plastic connections.
  size_t connect_plastic(std::unique_ptr<PlasticConnection> c);
  PlasticConnection& plastic(size_t i) { return *plastic_[i]; }
  size_t plastic_count() const { return plastic_.size(); }
  // The variables of every plastic connection of one synapse model, stored together.
  SynapsePool& synapse_pool(const LoadedModel& model);

  // Everything connected after mark() is removed again by rollback() (a failed connect()).
  struct Mark {
    size_t statics, plastics;
  };
  Mark mark() const { return {static_.mark(), plastic_.size()}; }
  void rollback(Mark m);

  // The static synapses of `source`, in the order made (merges staged ones first).
  std::span<const StaticSynapse> static_row(NodeId source);
  StaticSynapse& static_synapse(NodeId source, uint32_t position);
  size_t static_count() const { return static_.size(); }
  size_t static_bytes() const { return static_.bytes(); }
  // Something the slice loop depends on changed (a delay, a device parameter).
  void invalidate() { prepared_ = false; }

  // Rounds a delay in ms to steps as the reference does (nearest step, halves up); at
  // least one step.
  int64_t delay_steps(double ms) const;

  // Runs until ms more have passed. When `interrupt` is given and set at a slice boundary, it
  // is cleared and simulate() returns false with time() at that boundary; true when done.
  bool simulate(double ms, std::atomic<bool>* interrupt = nullptr);

  // Called by nodes while they update: a spike stamped at `step` (time step*h); its weight
  // on every connection is the connection's weight times `weight_factor`.
  void emit(NodeId sender, int64_t step, long multiplicity = 1, double weight_factor = 1.0);
  // A current generator's value for the step `step`, sent along its connections.
  void emit_current(NodeId sender, int64_t step, double value);
  // Delivers a spike from a connection into `target`, arriving delay steps after stamp.
  void deliver(NodeId target, int64_t stamp, int64_t delay, double weight, int receptor,
               long multiplicity, NodeId sender);
  // Delivers one spike stamped `stamp` along `row` (weights times weight_factor).
  void deliver_row(std::span<const StaticSynapse> row, int64_t stamp, double weight_factor,
                   long multiplicity, NodeId sender);
  // Delivers counts[i] spikes (none when 0) stamped `stamp` along row[i] (a
  // poisson_generator's draws for one step); each nonzero count is one synaptic event.
  void deliver_counts(std::span<const StaticSynapse> row, int64_t stamp, const long* counts,
                      NodeId sender);
  // The same with each count drawn from `sampler` with `rng` as its synapse comes up (the
  // draws in row order, as a counts array would be filled).
  void deliver_poisson(std::span<const StaticSynapse> row, int64_t stamp,
                       const PoissonSampler& sampler, Rng& rng, NodeId sender);
  // Horizon of the ring buffers: how far ahead a value may be written.
  int64_t buffer_horizon() const { return max_delay_ + min_delay_ + 1; }
  // Resource limits: the shortest and longest connection delay in steps as the next
  // prepare() will find them, so that a host can check the ring buffers' size first.
  std::pair<int64_t, int64_t> delay_range();
  bool prepared() const { return prepared_; }
  int64_t min_delay() const { return min_delay_; }

  RandomStreams& streams() { return streams_; }
  // The stream models' random functions draw from (VP 0's today).
  Rng& rng() { return streams_.vp(0); }
  Node& node_at(uint32_t index) { return *nodes_[index]; }

  // Errors raised inside compiled code (failed integration); simulate() throws them.
  void fail(std::string message);
  // Warnings and failures of this run, one per condition with a count (issue 13); fail()
  // records its message here too.
  DiagnosticLog& diagnostics() { return log_; }

  // Counters for benchmarks: spikes emitted, spikes through static and plastic connections.
  uint64_t spikes_emitted() const { return spikes_emitted_; }
  uint64_t synaptic_events() const { return synaptic_events_; }
  void count_deliveries(uint64_t n) { synaptic_events_ += n; }

  // Called before the nodes advance through steps (from, to] of a slice (after prepare()):
  // the embedding API feeds the host's input currents and spikes here.
  std::function<void(int64_t from, int64_t to)> before_slice;

 private:
  struct Event {
    NodeId sender;
    int64_t stamp;
    long multiplicity;
    double weight_factor;
  };
  void prepare();
  void build_pools();
  void sort_events();
  void deliver_events();

  // Pools (runtime/neuron_pool.h): one per loaded model (variant) with neurons in the
  // network, rebuilt by prepare() when membership or ring size changed.
  std::map<const LoadedModel*, std::unique_ptr<NeuronPool>> pools_;
  // The update phase in node order: a run of consecutive nodes of one pool, or one node.
  struct UpdateItem {
    Node* node = nullptr;
    NeuronPool* pool = nullptr;
    uint32_t begin = 0, end = 0;  // the pool's instances
  };
  std::vector<UpdateItem> update_list_;
  // Where a spike for node index i goes: its pool and row, or (pool null) the node itself.
  struct Route {
    NeuronPool* pool = nullptr;
    uint32_t index = 0;
  };
  std::vector<Route> routes_;
  size_t ring_ = 0;  // the pools' ring size (steps)

  double h_;
  int64_t step_ = 0;
  int64_t min_delay_ = 10, max_delay_ = 10;
  bool prepared_ = false;
  std::vector<std::unique_ptr<Node>> nodes_;
  ConnectionTable static_;
  std::vector<std::unique_ptr<PlasticConnection>> plastic_;
  std::map<const LoadedModel*, std::unique_ptr<SynapsePool>> synapse_pools_;
  std::vector<std::vector<size_t>> plastic_out_;  // by source index, built by prepare()
  std::vector<Event> events_;
  // deliver_events' sorting space, kept between slices.
  std::vector<Event> sorted_events_;
  std::vector<uint32_t> stamp_counts_;
  RandomStreams streams_;
  uint64_t rng_seed_;
  std::string failure_;
  // Interrupts: the flag of the simulate() running now, for compiled loops (NjContext).
  const volatile bool* interrupt_ = &nestjit_no_interrupt;

 public:
  const volatile bool* interrupt_flag() const { return interrupt_; }

 private:
  DiagnosticLog log_;
  uint64_t spikes_emitted_ = 0, synaptic_events_ = 0;
};

}  // namespace nestjit::runtime
