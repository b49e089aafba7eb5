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
  explicit RingBuffer(size_t horizon = 1) { resize(horizon); }

  // The size is a power of two, so that the index is a mask rather than a division.
  void resize(size_t horizon) {
    size_t n = 1;
    while (n < horizon + 1) n <<= 1;
    if (n > data_.size()) {
      data_.assign(n, 0.0);
      mask_ = n - 1;
    }
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
  // Direct access for hot delivery paths: slot of `step` is data()[step & mask()].
  double* data() { return data_.data(); }
  size_t mask() const { return mask_; }

 private:
  size_t index(int64_t step) const { return static_cast<size_t>(step) & mask_; }
  std::vector<double> data_;
  size_t mask_ = 0;
};

}  // namespace nestjit::runtime
