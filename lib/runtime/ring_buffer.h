// Values that arrive in future steps, indexed by absolute step number. Reading a step's
// value clears it, as NEST's RingBuffer::get_value does.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace nestjit::runtime {

class RingBuffer {
 public:
  // `horizon` = how many steps ahead a value may be added (max delay + slice length).
  explicit RingBuffer(size_t horizon = 1) : data_(horizon + 1, 0.0) {}

  void resize(size_t horizon) {
    if (horizon + 1 > data_.size()) data_.assign(horizon + 1, 0.0);
  }
  void add(int64_t step, double v) { data_[index(step)] += v; }
  double take(int64_t step) {
    double& slot = data_[index(step)];
    double v = slot;
    slot = 0.0;
    return v;
  }
  double peek(int64_t step) const { return data_[index(step)]; }
  void clear() { std::fill(data_.begin(), data_.end(), 0.0); }
  // Direct access for hot delivery paths: the slot of `step` is data()[step % size()].
  double* data() { return data_.data(); }
  size_t size() const { return data_.size(); }

 private:
  size_t index(int64_t step) const { return static_cast<size_t>(step % int64_t(data_.size())); }
  std::vector<double> data_;
};

}  // namespace nestjit::runtime
