// The simulation kernel: nodes, connections, the time grid and the slice loop.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/node.h"
#include "runtime/plastic_synapse.h"

namespace nestjit::runtime {

struct StaticConnection {
  NodeId source = 0, target = 0;
  double weight = 1.0;
  int64_t delay_steps = 10;
  int receptor = 0;
};

class Network {
 public:
  explicit Network(double resolution_ms = 0.1);

  double resolution() const { return h_; }
  int64_t current_step() const { return step_; }
  double time() const { return double(step_) * h_; }

  NodeId add_node(std::unique_ptr<Node> node);
  Node& node(NodeId id);
  size_t node_count() const { return nodes_.size(); }

  void connect_static(StaticConnection c);
  // Returns the connection's index among the plastic connections.
  size_t connect_plastic(std::unique_ptr<PlasticConnection> c);
  PlasticConnection& plastic(size_t i) { return *plastic_[i]; }
  size_t plastic_count() const { return plastic_.size(); }

  // Rounds a delay in ms to steps (NEST's delay_ms_to_steps); at least one step.
  int64_t delay_steps(double ms) const;

  void simulate(double ms);

  // Called by nodes while they update: a spike stamped at `step` (time step*h).
  void emit(NodeId sender, int64_t step, long multiplicity = 1);
  // A current generator's value for the step `step`, sent along its connections.
  void emit_current(NodeId sender, int64_t step, double value);
  // Delivers a spike from a connection into `target`, arriving delay steps after stamp.
  void deliver(NodeId target, int64_t stamp, int64_t delay, double weight, int receptor,
               long multiplicity, NodeId sender);
  // Horizon of the ring buffers: how far ahead a value may be written.
  int64_t buffer_horizon() const { return max_delay_ + min_delay_ + 1; }
  int64_t min_delay() const { return min_delay_; }

  std::mt19937_64& rng() { return rng_; }

  // Errors raised inside compiled code (failed integration); simulate() throws them.
  void fail(std::string message);

  // Called before the nodes advance through steps (from, to] of a slice (after prepare()):
  // the embedding API feeds the host's input currents and spikes here.
  std::function<void(int64_t from, int64_t to)> before_slice;

 private:
  struct Event {
    NodeId sender;
    int64_t stamp;
    long multiplicity;
  };
  void prepare();
  void deliver_events();

  double h_;
  int64_t step_ = 0;
  int64_t min_delay_ = 10, max_delay_ = 10;
  bool prepared_ = false;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<StaticConnection> static_;
  std::vector<std::unique_ptr<PlasticConnection>> plastic_;
  std::map<NodeId, std::vector<size_t>> static_out_, plastic_out_;
  std::vector<Event> events_;
  std::mt19937_64 rng_{12345};
  std::string failure_;
};

}  // namespace nestjit::runtime
