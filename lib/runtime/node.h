// Nodes of a network: JIT-compiled neurons and the built-in devices. A node is updated one
// min-delay slice at a time; spikes it emits are collected by the Network and delivered at
// the end of the slice (SEMANTICS.md 2.2).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "nir/abi.h"
#include "runtime/diagnostic_log.h"
#include "runtime/loaded_model.h"
#include "runtime/spike_archive.h"

namespace nestjit::runtime {

class Network;
class Multimeter;
class NeuronPool;

using NodeId = uint64_t;  // 1-based, as the reference numbers nodes

// Status values as the API passes them (the same type as nestjit::Value).
using Value = std::variant<double, std::vector<double>, std::string, std::vector<std::string>>;
using Params = std::map<std::string, Value>;

// What a node may need to know while its parameters are set.
struct DeviceContext {
  double resolution = 0.1;  // ms
  int64_t now = 0;          // current step
};

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
  // A list-valued status entry; throws std::invalid_argument when there is none.
  virtual std::vector<double> get_list(const std::string& key) const;
  virtual void set_status(const std::string& key, double value);
  // Sets several parameters at once. Devices check all of them before changing anything;
  // the default passes each number to set_status.
  virtual void set_params(const Params& params, const DeviceContext& ctx);
  // Why this node cannot take spikes (current = false) or currents (current = true) at
  // `receptor`; empty when it can.
  virtual std::string check_input(bool current, int receptor) const;
  // True for devices that send currents (dc_generator, ...) instead of spikes.
  virtual bool sends_current() const { return false; }
  // The spikes this node emitted, as plastic synapses read them (null: not a neuron).
  virtual SpikeArchive* spike_archive() { return nullptr; }
  const SpikeArchive* spike_archive() const { return const_cast<Node*>(this)->spike_archive(); }
  // A group of set_status calls (one SetStatus or create): values are checked together at
  // the end (declared guards may relate several parameters); end_status_change throws and
  // restores the values of begin_status_change when a check fails, as does
  // abort_status_change after another error.
  virtual void begin_status_change() {}
  virtual void end_status_change() {}
  virtual void abort_status_change() {}
};

// NEST's receptor numbering (SEMANTICS.md 2.4): one receptor per spike port, an excitatory
// and an inhibitory port sharing one; receptors count from 1 when there is more than one.
struct Receptor {
  int excitatory = -1;  // spike port taking w >= 0 (or all weights when alone)
  int inhibitory = -1;  // spike port taking |w| for w < 0
};
std::vector<Receptor> receptors_of(const nir::Model& model);

// A neuron whose dynamics are a loaded NESTML model. Until the network first prepares it,
// it holds its own slots; then it is a handle onto its row of a NeuronPool
// (runtime/neuron_pool.h), which advances it and takes its input.
class JitNeuron : public Node, public CodeHost {
 public:
  JitNeuron(std::shared_ptr<const LoadedModel> model, double resolution);
  std::string model_name() const override { return model_->name(); }
  void update(Network& net, int64_t from, int64_t to) override;  // through its pool
  void receive_spike(int64_t step, double weight, int receptor, long multiplicity, NodeId sender,
                     int64_t stamp) override;
  void receive_current(int64_t step, double value, int receptor) override;
  void prepare(Network& net) override;
  std::map<std::string, double> get_status() const override;
  void set_status(const std::string& key, double value) override;
  // Size parameters first, so that {"N": 5, "x_4": 1} sets an element of the new layout.
  void set_params(const Params& params, const DeviceContext& ctx) override;
  // The pool may hold the latest spike (NeuronPool::emit): it is settled first.
  SpikeArchive* spike_archive() override;
  // Records a spike of `step` in the archive (on_emit, and NeuronPool for pooled instances).
  void archive_spike(int64_t step);
  bool archive_has_readers() const { return archive_.readers() > 0; }
  std::string check_input(bool current, int receptor) const override;
  void begin_status_change() override;
  void end_status_change() override;
  void abort_status_change() override;
  // Where warnings about suspicious parameter values go (the network's log).
  void attach_log(DiagnosticLog* log) { log_ = log; }

  const LoadedModel& model() const { return *model_; }
  std::shared_ptr<const LoadedModel> model_ptr() const { return model_; }
  // Starts sampling `mm`'s record_from list after every step whose time is a multiple of
  // its interval; throws if a name is not a recordable of this model.
  void attach(Multimeter* mm, double resolution);
  double slot(int i) const { return slots_[i]; }
  const double* slots() const { return slots_; }
  const NjContext& context() const { return ctx_; }
  // Pools: the pool and row this instance lives in (null before the first prepare).
  NeuronPool* pool() const { return pool_; }
  size_t pool_index() const { return pool_index_; }
  // Called by NeuronPool::install: `row` already holds this instance's slot values.
  void place(NeuronPool* pool, size_t index, double* row);
  // Input in flight that an instance took with it when it left its pool (a new vector size
  // moves it to another model variant); the next pool it joins adds it to its rings.
  struct CarriedInput {
    int64_t step;
    bool current;  // continuous port (value in sum) or spike port (sum, count)
    int port;
    double sum, count;
  };
  const std::vector<CarriedInput>& carried_input() const { return carried_input_; }
  void recompute_internals();
  void on_emit(double weight, double delay_ms, int nargs) override;
  void on_failure(const std::string& message) override;
  void on_warning(const std::string& key, const std::string& message, long count) override;
  std::string describe() const override;
  NumericState* numeric_state(int system) override { return &numeric_[size_t(system)]; }
  double abs_tolerance() const override { return abs_tol_; }
  double rel_tolerance() const override { return rel_tol_; }
  NumericState* rkf45_setup(int system, double* tol) override {
    tol[0] = abs_tol_;
    tol[1] = rel_tol_;
    return &numeric_[size_t(system)];
  }
  void step_hook(NjContext* ctx, int which) override;
  int32_t check_step(const double* before) override;

 private:
  std::vector<Receptor> receptors_;
  std::shared_ptr<const LoadedModel> model_;
  std::vector<double> own_slots_;  // before the first prepare
  double* slots_ = nullptr;        // own_slots_ or the pool row
  NeuronPool* pool_ = nullptr;
  size_t pool_index_ = 0;
  SpikeArchive archive_;
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
  void sample(NjContext* ctx, int64_t step, double h);
  void update_hooks();
  // The step being computed (the pool's while it runs).
  int64_t step_now() const;
  // Set by a failed integration (the pool's stop flag once pooled): the instance stops at
  // the end of that step (the rest of the slice is not computed for it; simulate() then
  // reports the failure).
  uint8_t own_failed_ = 0;
  uint8_t* failed_ = &own_failed_;
  // Real state and convolution slots (nir/checked_slots.h), checked after every step by
  // the compiled loop. A value of an ODE or convolution state that became NaN or inf
  // anywhere (an exact propagator, an update block, an onReceive) stops the instance, which
  // then keeps the values of `snapshot_`, taken before the step: no solver can go on from
  // there. Other real state is assigned by the model's own statements (`y = ln(x)`);
  // upstream keeps whatever the model computed, -inf included, so there (`warn_only_`) a
  // non-finite value is one W-NONFINITE warning per instance and variable, not a stop.
  std::vector<int> watched_;
  std::vector<double> snapshot_;
  std::vector<bool> warn_only_, warned_;
  bool check_finite_state();
  // Parameter checks (runtime/parameter_checks.cpp).
  DiagnosticLog* log_ = nullptr;
  int status_depth_ = 0;              // > 0 inside begin/end_status_change
  std::vector<double> status_backup_;  // all slots at begin_status_change
  std::vector<int> changed_slots_;    // set since then
  void check_guards_or_throw();       // restores status_backup_ before throwing
  void warn_suspicious(int slot, double value);
  void restore_status_backup();       // slots (and layout) of begin_status_change

  // Vectors sized by parameters (runtime/vector_relayout.cpp). A new size moves the instance
  // to the model variant laid out for it (LoadedModel::variant_for), values carried by name.
  std::shared_ptr<const LoadedModel> backup_model_;  // model_ at begin_status_change
  void resize_vectors(int size_slot, double value);
  std::vector<double> carried_slots(const LoadedModel& variant) const;
  void adopt_layout(std::shared_ptr<const LoadedModel> variant, std::vector<double> slots);
  void set_up_layout();  // what depends on model_'s layout: receptors, watched slots
  std::vector<CarriedInput> carried_input_;
  void leave_pool();     // back to own slots, input in flight into carried_input_
};

}  // namespace nestjit::runtime
