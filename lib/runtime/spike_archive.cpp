#include "runtime/spike_archive.h"

#include <algorithm>

namespace nestjit::runtime {

namespace {
// Upstream compares spike times with this tolerance (its stdp_eps, ms).
constexpr double kEps = 1e-6;
}  // namespace

void SpikeArchive::register_reader(double t_first_read_ms, double delay_ms) {
  for (auto& e : entries_) {
    if (t_first_read_ms - e.t <= -kEps) break;
    ++e.access;
  }
  ++readers_;
  max_delay_ms_ = std::max(max_delay_ms_, delay_ms);
}

int SpikeArchive::find_set(const void* key) const {
  for (size_t i = 0; i < sets_.size(); ++i)
    if (sets_[i].key == key) return int(i);
  return -1;
}

int SpikeArchive::add_set(const void* key, const MovedVariableSet& vars) {
  if (int i = find_set(key); i >= 0) return i;
  sets_.push_back({key, vars, values_per_entry_});
  values_per_entry_ += vars.size();
  // Spikes already held get this set's values as if it had been there from the start.
  std::vector<double> last(vars.size(), 0.0);
  double t_last = 0.0;
  for (auto& e : entries_) {
    for (size_t k = 0; k < vars.size(); ++k) {
      double v = propagate(vars[k], last[k], e.t - t_last);
      v = vars[k].jump == MovedVariable::Jump::Add ? v + vars[k].amount : vars[k].amount;
      e.values.push_back(v);
      last[k] = v;
    }
    t_last = e.t;
  }
  return int(sets_.size() - 1);
}

void SpikeArchive::record(int64_t step, double t_ms, double min_delay_ms) {
  if (readers_ == 0) {
    // Nobody reads the history: keep the latest spike only (upstream keeps none).
    entries_.clear();
    entries_.push_back({step, t_ms, 0, {}});
    peak_ = std::max(peak_, entries_.size());
    return;
  }
  // Drop entries every reader has read, unless a reader may still need them as the entry
  // before a spike it has yet to read (upstream's ArchivingNode rule).
  while (entries_.size() > 1) {
    const double next_t = entries_[1].t;
    if (entries_.front().access >= long(readers_) &&
        t_ms - next_t > max_delay_ms_ + min_delay_ms + kEps)
      entries_.pop_front();
    else
      break;
  }
  Entry e{step, t_ms, 0, {}};
  e.values.reserve(values_per_entry_);
  const Entry* prev = entries_.empty() ? nullptr : &entries_.back();
  for (const Set& s : sets_)
    for (size_t k = 0; k < s.vars.size(); ++k) {
      const MovedVariable& var = s.vars[k];
      // From the value stored with the previous spike (0 when the history is empty).
      double v = prev ? propagate(var, prev->values[s.offset + k], t_ms - prev->t) : 0.0;
      v = var.jump == MovedVariable::Jump::Add ? v + var.amount : var.amount;
      e.values.push_back(v);
    }
  entries_.push_back(std::move(e));
  peak_ = std::max(peak_, entries_.size());
}

std::pair<size_t, size_t> SpikeArchive::read(int64_t from_step, int64_t to_step) {
  size_t end = entries_.size();
  while (end > 0 && entries_[end - 1].step > to_step) --end;
  size_t begin = end;
  while (begin > 0 && entries_[begin - 1].step > from_step) {
    --begin;
    ++entries_[begin].access;
  }
  return {begin, end};
}

double SpikeArchive::trace(int set, size_t var, int64_t t_step, double t_ms) const {
  const Set& s = sets_[size_t(set)];
  const MovedVariable& mv = s.vars[var];
  for (size_t i = entries_.size(); i-- > 0;)
    if (entries_[i].step < t_step)
      return propagate(mv, entries_[i].values[s.offset + var], t_ms - entries_[i].t);
  // No earlier spike left in the history: the initial value propagated from time 0.
  return propagate(mv, mv.initial, t_ms);
}

}  // namespace nestjit::runtime
