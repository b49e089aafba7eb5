// The reference simulator's weight_recorder: a recording device that a synapse model names in
// its "weight_recorder" property (set with set_defaults or copy_model, shared by every
// connection of that model); each spike such a connection transmits is recorded with its
// sender, target, time (the presynaptic spike's stamp), the weight sent, the receptor and the
// port. Recorded iff origin+start < t <= origin+stop, and only from the listed senders and
// targets when those lists are not empty (the reference's "senders" / "targets").
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/devices.h"

namespace nestjit::runtime {

class WeightRecorder : public Node {
 public:
  std::string model_name() const override { return "weight_recorder"; }
  void update(Network&, int64_t, int64_t) override {}
  void set_params(const Params& params, const DeviceContext& ctx) override;
  std::map<std::string, double> get_status() const override;
  std::vector<double> get_list(const std::string& key) const override;
  std::string check_input(bool, int) const override {
    return "a weight_recorder takes no connections; name it in a synapse model's "
           "\"weight_recorder\" property (set_defaults or copy_model)";
  }
  // A spike stamped `stamp` (step; time t_ms) sent over a connection sender -> target.
  void record(NodeId sender, NodeId target, int64_t stamp, double t_ms, double weight, int receptor,
              long port);
  void clear();

  std::vector<NodeId> senders, targets;
  std::vector<double> times, weights;
  std::vector<long> receptors, ports;

 private:
  static bool listed(const std::vector<double>& ids, NodeId id);
  DeviceWindow window_;
  int64_t first_ = 0, last_ = INT64_MAX;
  std::vector<double> only_senders_, only_targets_;  // node ids; empty: all
};

}  // namespace nestjit::runtime
