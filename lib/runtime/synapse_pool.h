// Plastic connections of one synapse model stored together.
//
// SynapseLayout is what every connection of a model shares, worked out once per loaded model:
// which spike port is presynaptic, postsynaptic or neuromodulatory, the coincidence order,
// and the variables moved into the neuron. SynapsePool holds the variables (the slot array
// the compiled code works on) of all connections of one model in one network, row after row,
// so a connection itself is only its endpoints, delay, times and a row index.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "runtime/loaded_model.h"
#include "runtime/moved_variables.h"

namespace nestjit::runtime {

struct SynapseLayout {
  int pre_port = -1;  // the first spike port that is not postsynaptic
  int vt_port = -1;   // the next one: the neuromodulatory (volume transmitter) port
  std::vector<int> post_ports;
  // A post spike at exactly t_pre - d is handled after the pre handler (SEMANTICS.md 5.2:
  // both handlers have priorities and pre's is lower).
  bool pre_before_post = false;
  std::vector<MovedVariableRule> moved;
  size_t stride = 0;  // slots per connection

  // Shared by every connection of the model; throws when the model has no presynaptic port.
  static std::shared_ptr<const SynapseLayout> of(const LoadedModel& model);
};

class SynapsePool {
 public:
  explicit SynapsePool(size_t stride) : stride_(stride) {}
  // Appends a row with these values (stride of them); returns its index. Rows move when the
  // pool grows: hold indices, not pointers.
  size_t add(const double* values);
  double* row(size_t i) { return slots_.data() + i * stride_; }
  const double* row(size_t i) const { return slots_.data() + i * stride_; }
  size_t size() const { return stride_ ? slots_.size() / stride_ : 0; }
  size_t stride() const { return stride_; }

 private:
  size_t stride_;
  std::vector<double> slots_;
};

}  // namespace nestjit::runtime
