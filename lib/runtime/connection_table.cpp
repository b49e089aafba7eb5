#include "runtime/connection_table.h"

#include <algorithm>

namespace nestjit::runtime {

void ConnectionTable::finalize(size_t nodes) {
  if (pending_.empty() && offsets_.size() == nodes + 1) return;
  // Counting sort of the staged synapses by source, placed after each row's old entries.
  std::vector<uint64_t> count(nodes + 1, 0);
  for (size_t s = 0; s + 1 < offsets_.size(); ++s) count[s] = offsets_[s + 1] - offsets_[s];
  for (uint32_t s : pending_source_) ++count[s];
  std::vector<uint64_t> offsets(nodes + 1, 0);
  for (size_t s = 0; s < nodes; ++s) offsets[s + 1] = offsets[s] + count[s];
  std::vector<StaticSynapse> entries(offsets[nodes]);
  std::vector<uint64_t> next(offsets.begin(), offsets.end() - 1);
  for (size_t s = 0; s + 1 < offsets_.size(); ++s)
    for (uint64_t i = offsets_[s]; i < offsets_[s + 1]; ++i) entries[next[s]++] = entries_[i];
  for (size_t i = 0; i < pending_.size(); ++i) entries[next[pending_source_[i]]++] = pending_[i];
  offsets_ = std::move(offsets);
  entries_ = std::move(entries);
  pending_.clear();
  pending_.shrink_to_fit();
  pending_source_.clear();
  pending_source_.shrink_to_fit();
}

uint32_t ConnectionTable::min_delay() const {
  uint32_t lo = UINT32_MAX;
  for (const auto& s : entries_) lo = std::min<uint32_t>(lo, s.delay_steps);
  for (const auto& s : pending_) lo = std::min<uint32_t>(lo, s.delay_steps);
  return lo == UINT32_MAX ? 0 : lo;
}

uint32_t ConnectionTable::max_delay() const {
  uint32_t hi = 0;
  for (const auto& s : entries_) hi = std::max<uint32_t>(hi, s.delay_steps);
  for (const auto& s : pending_) hi = std::max<uint32_t>(hi, s.delay_steps);
  return hi;
}

}  // namespace nestjit::runtime
