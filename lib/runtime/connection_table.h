// Static synapses stored per source in compressed rows: row s holds the synapses whose
// source is node s, 16 bytes each, in the order they were made. New synapses wait in a
// staging list until the next finalize() (before a simulate or a query) merges them in;
// rows keep their old entries first, so (source, position in row) names a synapse for as
// long as the network lives. A later threaded engine gives each VP the rows of its targets.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace nestjit::runtime {

struct StaticSynapse {
  double weight;
  uint32_t target;       // 0-based node index
  uint16_t delay_steps;  // >= 1
  uint8_t receptor;
  uint8_t reserved = 0;
};
static_assert(sizeof(StaticSynapse) == 16, "a static synapse takes 16 bytes");

class ConnectionTable {
 public:
  static constexpr uint32_t kMaxDelaySteps = UINT16_MAX;
  static constexpr int kMaxReceptor = UINT8_MAX;

  void add(uint32_t source, StaticSynapse s) {
    pending_source_.push_back(source);
    pending_.push_back(s);
  }
  // Everything added since mark() is dropped by rollback(mark) (a failed connect()).
  size_t mark() const { return pending_.size(); }
  void rollback(size_t mark) {
    pending_.resize(mark);
    pending_source_.resize(mark);
  }
  // Merges the staged synapses into the rows; `nodes` = node count.
  void finalize(size_t nodes);
  bool finalized() const { return pending_.empty(); }

  std::span<const StaticSynapse> row(uint32_t source) const {
    if (size_t(source) + 1 >= offsets_.size()) return {};
    return {entries_.data() + offsets_[source], entries_.data() + offsets_[source + 1]};
  }
  StaticSynapse& at(uint32_t source, uint32_t position) {
    return entries_[offsets_[source] + position];
  }
  size_t size() const { return entries_.size() + pending_.size(); }
  size_t rows() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  // Bytes held by the finalized table (rows and entries).
  size_t bytes() const {
    return entries_.capacity() * sizeof(StaticSynapse) + offsets_.capacity() * sizeof(uint64_t);
  }
  // Smallest and largest delay over all synapses (0, 0 when there are none).
  uint32_t min_delay() const;
  uint32_t max_delay() const;

 private:
  std::vector<uint64_t> offsets_;  // rows()+1 entries
  std::vector<StaticSynapse> entries_;
  std::vector<uint32_t> pending_source_;
  std::vector<StaticSynapse> pending_;
};

}  // namespace nestjit::runtime
