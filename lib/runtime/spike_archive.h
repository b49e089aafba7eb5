// A neuron's spike history as plastic synapses read it (SEMANTICS.md 4 and 5.1).
//
// Entries hold the spike time, an access counter and the values of the synapses' "moved"
// postsynaptic variables just after that spike. Every plastic connection onto the neuron
// registers as a reader; a read of (t1, t2] counts each entry it returns. At each new spike,
// entries at the front are dropped once every reader has read them and the next entry is
// more than max_delay + min_delay older than the new spike, so the history stays as short as
// the upstream simulator's and memory stays flat over long runs. A neuron without readers
// keeps only its latest spike.
//
// Moved variables are what upstream's neuron/synapse co-generation moves into the neuron:
// synapse variables driven only by postsynaptic spikes (traces). Each decays exponentially
// between spikes and at a spike is incremented or set (see moved_variables.h). The getter
// reads the value just before any spike at the query time, from the latest entry strictly
// earlier; when no such entry is left (it may have been pruned) it is the initial value
// propagated from time 0, which is what upstream returns too.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "runtime/moved_variables.h"

namespace nestjit::runtime {

class SpikeArchive {
 public:
  struct Entry {
    int64_t step;
    double t;  // ms
    long access = 0;
    std::vector<double> values;  // moved variables of every registered set, concatenated
  };

  // A plastic connection that will read this history (upstream's register_stdp_connection):
  // entries at or before t_first_read count as read by it.
  void register_reader(double t_first_read_ms, double delay_ms);
  size_t readers() const { return readers_; }

  // Registers the moved variables of one synapse model (once per model, keyed by `key`),
  // with the decay rates and increments of the connection that registers it. Returns the
  // set's index for trace().
  int add_set(const void* key, const MovedVariableSet& set);
  int find_set(const void* key) const;

  // The neuron fired in step `step` (time t_ms); min_delay_ms bounds how far back a reader
  // may still look.
  void record(int64_t step, double t_ms, double min_delay_ms);

  // Entries with from_step < step <= to_step, counted as read: indices [first, second) for
  // entry(). Valid until the next record().
  std::pair<size_t, size_t> read(int64_t from_step, int64_t to_step);
  const Entry& entry(size_t i) const { return entries_[i]; }

  // Moved variable `var` of set `set` at time t (step t_step), before a spike at t.
  double trace(int set, size_t var, int64_t t_step, double t_ms) const;

  size_t size() const { return entries_.size(); }
  double operator[](size_t i) const { return entries_[i].t; }
  // The most entries held at once so far (memory checks over long runs).
  size_t peak_size() const { return peak_; }

 private:
  struct Set {
    const void* key;
    MovedVariableSet vars;
    size_t offset;  // first value in Entry::values
  };
  std::deque<Entry> entries_;
  std::vector<Set> sets_;
  size_t values_per_entry_ = 0;
  size_t readers_ = 0;
  double max_delay_ms_ = 0.0;
  size_t peak_ = 0;
};

}  // namespace nestjit::runtime
