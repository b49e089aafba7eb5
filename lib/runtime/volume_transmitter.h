// The volume transmitter (upstream's volume_transmitter): collects the spikes of the neurons
// connected to it and hands them, every deliver_interval min-delay slices, to the plastic
// connections that name it (a synapse's neuromodulatory "vt" port, SEMANTICS.md 5.2). Each
// batch starts with a placeholder at the time of the previous hand-over (multiplicity 0),
// so a synapse can integrate from there.
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/node.h"
#include "runtime/ring_buffer.h"

namespace nestjit::runtime {

class PlasticConnection;

struct NeuromodulatorSpike {
  double t;            // ms
  double multiplicity; // 0 for the placeholder
};

class VolumeTransmitter : public Node {
 public:
  VolumeTransmitter() { spikes_.push_back({0.0, 0.0}); }
  std::string model_name() const override { return "volume_transmitter"; }
  void prepare(Network& net) override;
  void update(Network& net, int64_t from, int64_t to) override;
  void receive_spike(int64_t step, double weight, int receptor, long multiplicity, NodeId sender,
                     int64_t stamp) override;
  void set_status(const std::string& key, double value) override;
  std::map<std::string, double> get_status() const override;
  std::string check_input(bool current, int receptor) const override;

  void add_synapse(PlasticConnection* c) { synapses_.push_back(c); }
  // The spikes collected since the last hand-over (what a presynaptic spike's send() sees).
  const std::vector<NeuromodulatorSpike>& spikes() const { return spikes_; }

 private:
  long deliver_interval_ = 1;  // in min-delay slices
  RingBuffer counts_;
  std::vector<NeuromodulatorSpike> spikes_;
  std::vector<PlasticConnection*> synapses_;
};

}  // namespace nestjit::runtime
