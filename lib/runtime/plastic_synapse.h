// A connection whose dynamics are a loaded NESTML synapse model (SEMANTICS.md 3 and 5).
// Nothing runs between spikes: all of the synapse's work happens when a presynaptic spike
// is sent. Postsynaptic spikes are read from the target neuron's spike archive, shifted by
// the dendritic delay (the whole connection delay, as NESTML treats it).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nir/abi.h"
#include "runtime/loaded_model.h"

namespace nestjit::runtime {

class Network;
class Node;

class PlasticConnection : public CodeHost {
 public:
  PlasticConnection(std::shared_ptr<const LoadedModel> model, uint64_t source, uint64_t target,
                    double resolution);

  uint64_t source, target;
  int64_t delay_steps = 10;
  int receptor = 0;
  // NEST's weight_recorder: (presynaptic spike time, weight sent) of every spike this
  // connection transmitted, kept when record_weights is set.
  bool record_weights = false;
  std::vector<std::pair<double, double>> weight_log;

  void set_delay(double ms, int64_t steps);
  void set_weight(double w);
  void set(const std::string& name, double value);
  double get(const std::string& name) const;
  std::map<std::string, double> get_status() const;
  const LoadedModel& model() const { return *model_; }

  // Handles a presynaptic spike stamped at `stamp` (time stamp*h) and delivers the
  // resulting spike(s) to the target through `net`.
  void send(Network& net, Node& target_node, int64_t stamp);

  void on_emit(double weight, double delay_ms, int nargs) override;
  void on_failure(const std::string& message) override { failure_ = message; }
  std::string describe() const override;

 private:
  void run_update(double t_from, double interval);
  void run_handler(int port, double t);
  void set_post_traces(const std::vector<double>& archive, double t);

  std::shared_ptr<const LoadedModel> model_;
  std::vector<double> slots_;
  NjContext ctx_{};
  double h_;
  double t_last_ = 0.0;
  int pre_port_ = -1;
  std::vector<int> post_ports_;
  size_t archive_read_ = 0;  // first archive entry not yet processed
  struct Emitted {
    double weight, delay_ms;
    int nargs;
  };
  std::vector<Emitted> emitted_;
  std::string failure_;
  int64_t t_last_step_ = 0;
};

}  // namespace nestjit::runtime
