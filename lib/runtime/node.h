// Nodes of a network: JIT-compiled neurons and the built-in devices. A node is updated one
// min-delay slice at a time; spikes it emits are collected by the Network and delivered at
// the end of the slice (SEMANTICS.md 2.2).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nir/abi.h"
#include "runtime/loaded_model.h"
#include "runtime/ring_buffer.h"

namespace nestjit::runtime {

class Network;
class Multimeter;

using NodeId = uint64_t;  // 1-based, as NEST numbers nodes

class Node {
 public:
  virtual ~Node() = default;
  NodeId id = 0;
  virtual std::string model_name() const = 0;
  // Computes steps from+1 .. to (step k ends at time k*h).
  virtual void update(Network& net, int64_t from, int64_t to) = 0;
  // A spike that arrives in step `step` (its value is applied in that step).
  virtual void receive_spike(int64_t step, double weight, int receptor, long multiplicity,
                             NodeId sender, int64_t stamp) {}
  virtual void receive_current(int64_t step, double value, int receptor) {}
  virtual void prepare(Network& net) {}  // before the first slice of a Simulate
  // Status as (name, value) pairs in internal units.
  virtual std::map<std::string, double> get_status() const { return {}; }
  virtual void set_status(const std::string& key, double value);
  // Spike times (ms) this node emitted, kept when plastic synapses read them.
  virtual const std::vector<double>* spike_archive() const { return nullptr; }
};

// NEST's receptor numbering (SEMANTICS.md 2.4): one receptor per spike port, an excitatory
// and an inhibitory port sharing one; receptors count from 1 when there is more than one.
struct Receptor {
  int excitatory = -1;  // spike port taking w >= 0 (or all weights when alone)
  int inhibitory = -1;  // spike port taking |w| for w < 0
};
std::vector<Receptor> receptors_of(const nir::Model& model);

// A neuron whose dynamics are a loaded NESTML model.
class JitNeuron : public Node, public CodeHost {
 public:
  JitNeuron(std::shared_ptr<const LoadedModel> model, double resolution);
  std::string model_name() const override { return model_->name(); }
  void update(Network& net, int64_t from, int64_t to) override;
  void receive_spike(int64_t step, double weight, int receptor, long multiplicity, NodeId sender,
                     int64_t stamp) override;
  void receive_current(int64_t step, double value, int receptor) override;
  void prepare(Network& net) override;
  std::map<std::string, double> get_status() const override;
  void set_status(const std::string& key, double value) override;
  const std::vector<double>* spike_archive() const override { return &archive_; }

  const LoadedModel& model() const { return *model_; }
  // Starts sampling `mm`'s record_from list after every step whose time is a multiple of
  // its interval; throws if a name is not a recordable of this model.
  void attach(Multimeter* mm, double resolution);
  double slot(int i) const { return slots_[i]; }
  void recompute_internals();
  void on_emit(double weight, double delay_ms, int nargs) override;
  void on_failure(const std::string& message) override;
  std::string describe() const override;
  NumericState* numeric_state(int system) override { return &numeric_[size_t(system)]; }
  double abs_tolerance() const override { return abs_tol_; }
  double rel_tolerance() const override { return rel_tol_; }

 private:
  std::vector<Receptor> receptors_;

  std::shared_ptr<const LoadedModel> model_;
  std::vector<double> slots_;
  std::vector<RingBuffer> spike_sums_, spike_flags_, currents_;
  std::vector<double> archive_;
  std::vector<NumericState> numeric_;
  struct DelayLine {
    std::vector<double> values;
    size_t next = 0;
  };
  std::vector<DelayLine> delays_;
  double abs_tol_ = 1e-6, rel_tol_ = 1e-6;
  NjContext ctx_{};
  Network* net_ = nullptr;
  struct Sampler {
    Multimeter* mm;
    int64_t every;                // steps
    std::vector<int> sources;     // >= 0: slot; < 0: -(index+1) of a recordable inline
  };
  std::vector<Sampler> samplers_;
  std::vector<double> inline_values_;
  void sample(int64_t step, double h);
  int64_t current_step_ = 0;
};

class SpikeGenerator : public Node {
 public:
  std::string model_name() const override { return "spike_generator"; }
  void update(Network& net, int64_t from, int64_t to) override;
  void set_spike_times(const std::vector<double>& times_ms, double resolution);
  const std::vector<int64_t>& spike_steps() const { return steps_; }
  void prepare(Network& net) override;

 private:
  std::vector<int64_t> steps_;
  size_t next_ = 0;
};

class ParrotNeuron : public Node {
 public:
  std::string model_name() const override { return "parrot_neuron"; }
  void update(Network& net, int64_t from, int64_t to) override;
  void receive_spike(int64_t step, double weight, int receptor, long multiplicity, NodeId sender,
                     int64_t stamp) override;
  void prepare(Network& net) override;
  const std::vector<double>* spike_archive() const override { return &archive_; }

 private:
  RingBuffer counts_;
  std::vector<double> archive_;
};

// A step current into a continuous input port (NEST's dc_generator).
class DcGenerator : public Node {
 public:
  std::string model_name() const override { return "dc_generator"; }
  void update(Network& net, int64_t from, int64_t to) override;
  void set_status(const std::string& key, double value) override;
  std::map<std::string, double> get_status() const override;
  double amplitude = 0.0, start = 0.0, stop = 1e300;
};

// Samples recordables of the neurons connected to it (Connect(multimeter, neuron)) every
// `interval` ms, after the full step (SEMANTICS.md 2, phase 11). NEST hands the samples of a
// min-delay slice to the multimeter one slice late; samples() reproduces that: after
// simulating to T it returns the samples up to T - min_delay.
class Multimeter : public Node {
 public:
  std::string model_name() const override { return "multimeter"; }
  void update(Network&, int64_t, int64_t) override {}
  void set_status(const std::string& key, double value) override;
  std::map<std::string, double> get_status() const override;
  void set_record_from(std::vector<std::string> names) { record_from = std::move(names); }

  double interval = 1.0;  // ms
  std::vector<std::string> record_from;
  // All samples taken so far, in the order taken.
  std::vector<double> times;
  std::vector<NodeId> senders;
  std::vector<std::vector<double>> values;  // per record_from entry
};

class SpikeRecorder : public Node {
 public:
  std::string model_name() const override { return "spike_recorder"; }
  void update(Network&, int64_t, int64_t) override {}
  void receive_spike(int64_t step, double weight, int receptor, long multiplicity, NodeId sender,
                     int64_t stamp) override;
  std::vector<NodeId> senders;
  std::vector<double> times;
  double resolution = 0.1;
};

}  // namespace nestjit::runtime
