// A connection whose dynamics are a loaded NESTML synapse model (SEMANTICS.md 3 and 5).
// Nothing runs between spikes: all of the synapse's work happens when a presynaptic spike
// is sent. Postsynaptic spikes are read from the target neuron's SpikeArchive, shifted by
// the dendritic delay (the whole connection delay, as NESTML treats it); variables only
// postsynaptic spikes drive live in that archive (moved_variables.h) and are copied into
// the synapse's slots before each handler.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nir/abi.h"
#include "runtime/loaded_model.h"
#include "runtime/moved_variables.h"
#include "runtime/synapse_pool.h"

namespace nestjit::runtime {

class Network;
class Node;
class SpikeArchive;
class VolumeTransmitter;
class WeightRecorder;
struct NeuromodulatorSpike;

class PlasticConnection : public CodeHost {
 public:
  PlasticConnection(std::shared_ptr<const LoadedModel> model, uint64_t source, uint64_t target,
                    double resolution);

  uint64_t source, target;
  int64_t delay_steps = 10;
  int receptor = 0;
  // The reference simulator's weight_recorder: (presynaptic spike time, weight sent) of every spike this
  // connection transmitted, kept when record_weights is set.
  bool record_weights = false;
  std::vector<std::pair<double, double>> weight_log;
  // The weight_recorder device its model names ("weight_recorder" = node id, from the
  // model's defaults), and the port it reports: the connection's index among its source's
  // connections of this synapse model.
  long port = 0;

  void set_delay(double ms, int64_t steps);
  // Registers with the target's spike archive as a reader (upstream's
  // register_stdp_connection) and adds this model's moved variables to it. Called once the
  // connection's delay and parameters are final, when the network stores it.
  // A synapse with a neuromodulatory port (a spike port neither presynaptic, the first,
  // nor postsynaptic) must name a volume_transmitter node ("volume_transmitter" in its
  // parameters); attach registers it there. Throws when that is missing or not one.
  // Its variables then move into the network's SynapsePool of its model.
  void attach(Network& net);
  void set_weight(double w);
  void set(const std::string& name, double value);
  double get(const std::string& name) const;
  std::map<std::string, double> get_status() const;
  const LoadedModel& model() const { return *model_; }

  // Handles a presynaptic spike stamped at `stamp` (time stamp*h) and delivers the
  // resulting spike(s) to the target through `net`.
  void send(Network& net, Node& target_node, int64_t stamp);

  // The volume transmitter's hand-over at t_trig (upstream's trigger_update_weight):
  // advances the synapse through the neuromodulator spikes and the postsynaptic spikes
  // up to t_trig.
  void trigger_update(Network& net, const std::vector<NeuromodulatorSpike>& spikes, double t_trig);

  void on_emit(double weight, double delay_ms, int nargs) override;
  void on_failure(const std::string& message) override { failure_ = message; }
  std::string describe() const override;

 private:
  void run_update(double t_from, double interval);
  void process_vt_spikes(const std::vector<NeuromodulatorSpike>& spikes, double t0, double t1);
  void report_failure(Network& net);
  int64_t emitted_delay_steps(Network& net, double delay_ms);
  void run_handler(int port, double t);
  void set_moved_variables(const SpikeArchive& archive, double t);

  double* slots() { return pool_ ? pool_->row(row_) : own_slots_.data(); }
  const double* slots() const { return pool_ ? pool_->row(row_) : own_slots_.data(); }

  std::shared_ptr<const LoadedModel> model_;
  std::shared_ptr<const SynapseLayout> layout_;
  std::vector<double> own_slots_;  // until attach() moves them into the pool
  SynapsePool* pool_ = nullptr;
  size_t row_ = 0;
  NjContext ctx_{};
  double h_;
  double t_last_ = 0.0;
  int moved_set_ = -1;  // this model's set in the target's archive
  uint64_t vt_node_ = 0;  // the volume transmitter named in the parameters (0: none)
  VolumeTransmitter* vt_ = nullptr;
  uint64_t wr_node_ = 0;  // the weight_recorder named in the parameters (0: none)
  WeightRecorder* wr_ = nullptr;
  double t_last_update_ = 0.0;  // end of the last integrated interval
  size_t vt_index_ = 0;         // last neuromodulator spike handled in the current batch
  struct Emitted {
    double weight, delay_ms;
    int nargs;
  };
  std::vector<Emitted> emitted_;
  std::string failure_;
  int64_t t_last_step_ = 0;
};

}  // namespace nestjit::runtime
