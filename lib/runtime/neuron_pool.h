// The instances of one loaded model (one slot layout) in a network, stored together and
// advanced by the model's compiled slice loop (codegen/range.cpp; layout: nir/abi.h
// NjPoolSlice). Instance i's slots are row i of one array (stride = slot count, so the
// compiled per-instance code is unchanged); its spike input is cell (ring slot, i) of one
// array with, per spike port, the summed weight and the received count side by side, so a
// delivery is one indexed add and the loop reads a contiguous block per step. JitNeuron is
// a handle onto its row.
//
// Threads: a later engine gives each thread a contiguous range of every pool (update()
// takes begin/end); rows and the input cells of an instance belong to the thread owning
// it, and deliveries into another thread's range would go through that thread's buffer.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "nir/abi.h"
#include "runtime/loaded_model.h"
#include "runtime/node.h"

namespace nestjit::runtime {

class Network;

class NeuronPool {
 public:
  explicit NeuronPool(std::shared_ptr<const LoadedModel> model);
  const LoadedModel& model() const { return *model_; }
  size_t size() const { return members_.size(); }
  size_t ring_size() const { return ring_; }

  // New storage for `members` (node order) with input rings of `ring` steps (all pools of a
  // network share one ring size, so a delivery computes its ring slot once): their current
  // slot values and, for members already in this pool, their input for the steps after
  // `now`. Every pool builds before any installs (an instance may change pools).
  struct Storage {
    std::vector<JitNeuron*> members;
    size_t ring = 0;
    std::vector<double> rows, spike_input, current_input;
    // Per (ring slot, instance), two bytes: its spike cells, its current cells are not all 0.
    std::vector<uint8_t> arrived;
  };
  Storage build(std::vector<JitNeuron*> members, size_t ring, int64_t now) const;
  void install(Storage storage);  // the members now point at their rows
  // Instance i's input for the steps after `now`, for an instance that leaves the pool.
  std::vector<JitNeuron::CarriedInput> input_after(size_t i, int64_t now) const;
  bool holds(const std::vector<JitNeuron*>& members, size_t ring) const {
    return members == members_ && ring == ring_;
  }

  // Finds the slots every instance holds the same value in (NjPoolSlice::uniform); the
  // network calls it when a simulate call begins, after the last changes from outside.
  // Only pools whose model runs lane blocks need it.
  void refresh_uniform();
  // Lane blocks keep their instances' state between slices (NjPoolSlice::lane_state); this
  // writes it back to the rows. The network calls it when a simulate call ends, however it
  // ends, so that everything outside the compiled loop sees the rows.
  void write_back_lanes();

  // Advances instances begin..end-1 through steps from+1..to.
  void update(Network& net, size_t begin, size_t end, int64_t from, int64_t to);

  // A spike arriving in `step` at instance i (SEMANTICS.md 2.4: receptor, then the port by
  // the weight's sign); throws std::invalid_argument for a receptor the model lacks.
  void add_spike(size_t i, int64_t step, double weight, int receptor, long multiplicity) {
    add_spike_at(i, size_t(step) % ring_, weight, receptor, multiplicity);
  }
  // The same with the ring slot (step % ring_size()) computed by the caller.
  void add_spike_at(size_t i, size_t ring_slot, double weight, int receptor, long multiplicity) {
    if (direct_ && receptor == 0) return spike_cells().add(i, ring_slot, weight, multiplicity);
    double w = weight;
    const size_t port = route(i, receptor, w);
    spike_cells().add_to_port(i, ring_slot, port, w, multiplicity);
  }
  void add_current(size_t i, int64_t step, double value, int port) {
    const size_t at = (size_t(step) % ring_) * members_.size() + i;
    current_input_[at * cports_ + size_t(port)] += value;
    arrived_[2 * at + 1] = 1;
  }
  // The spike cells as add_spike_at writes them, for a caller that delivers many spikes
  // into the pool in a row (Network::deliver_row): copied into its registers, the fields
  // are not read again after every store into a cell. `add` is for pools whose receptor
  // 0 goes straight to a port by the weight's sign (`direct`).
  struct SpikeCells {
    double* cells;
    uint8_t* arrived;
    size_t instances, ports;
    int excitatory, inhibitory;
    // add_spike_at(i, ring_slot, weight, 0, multiplicity) of a direct pool: the port by
    // the weight's sign (SEMANTICS.md 2.4).
    void add(size_t i, size_t ring_slot, double weight, long multiplicity) const {
      const bool inhibitory_port = weight < 0 && inhibitory >= 0;
      add_to_port(i, ring_slot, size_t(inhibitory_port ? inhibitory : excitatory),
                  inhibitory_port ? -weight : weight, multiplicity);
    }
    // add(i, ring_slot, weight, n) when n > 0 and nothing when n == 0, without a branch on
    // n (a Poisson count of mean ~1 is 0 at random): adding w * 0 leaves the cell's sum as
    // it is, the count and the flag change only for n > 0.
    void add_count(size_t i, size_t ring_slot, double weight, long n) const {
      const bool inhibitory_port = weight < 0 && inhibitory >= 0;
      const size_t port = size_t(inhibitory_port ? inhibitory : excitatory);
      const size_t at = ring_slot * instances + i;
      double* cell = cells + (at * 2 * ports + 2 * port);
      const bool some = n != 0;
      cell[0] += (inhibitory_port ? -weight : weight) * double(n);
      cell[1] += double(some);
      arrived[2 * at] |= uint8_t(some);
    }
    void add_to_port(size_t i, size_t ring_slot, size_t port, double w, long multiplicity) const {
      const size_t at = ring_slot * instances + i;
      double* cell = cells + (at * 2 * ports + 2 * port);
      cell[0] += w * double(multiplicity);
      cell[1] += 1.0;
      arrived[2 * at] = 1;
    }
    void prefetch(size_t i, size_t ring_slot) const {
      __builtin_prefetch(cells + (ring_slot * instances + i) * 2 * ports);
    }
  };
  bool direct() const { return direct_; }
  SpikeCells spike_cells() {
    return {spike_input_.data(), arrived_.data(), members_.size(), ports_, direct_excitatory_,
            direct_inhibitory_};
  }
  // Hints the cache about the cells add_spike_at(i, ring_slot, ...) will touch.
  void prefetch(size_t i, size_t ring_slot) { spike_cells().prefetch(i, ring_slot); }

  // What compiled code and callbacks share while the pool runs.
  int64_t current_step() const { return step_; }
  // The pool whose slice loop runs on this thread (null outside update()): spikes that
  // compiled code emits go to its emit() rather than through the instance's object.
  static NeuronPool* running();
  // Instance i spiked in the current step: the event goes to the network; the instance's
  // spike archive is written at once when plastic connections read it (or anyone asked for
  // it, JitNeuron::spike_archive, since the pool was built). An archive without readers
  // keeps only the latest spike, so for those the pool keeps that step in its own array
  // instead of touching the instance's object (a cache miss per spike: 15% of
  // bench_unconnected) and writes it when the archive is asked for.
  void emit(size_t i) { emit_at(i, step_); }
  // A lane block's spike records (nestjit_rt_lane_spikes): one call a block, not one a
  // spike through nestjit_rt_emit_spike (a sixth of bench_unconnected's Simulate).
  void emit_lane_spikes(size_t i0, const double* records, size_t n);
  // Writes instance i's pending latest spike into its archive; from now on its spikes go
  // there directly.
  void settle_archive(size_t i);
  void settle_archives() {
    for (size_t i = 0; i < members_.size(); ++i) settle_archive(i);
  }
  uint8_t* stop_flag() { return &stop_; }
  void set_hooks(size_t i, uint8_t hooks) { hooks_[i] = hooks; }

 private:
  size_t route(size_t i, int receptor, double& weight) const;
  void emit_at(size_t i, int64_t step);

  std::shared_ptr<const LoadedModel> model_;
  size_t stride_, ports_, cports_, checked_;
  std::vector<Receptor> receptors_;
  // The single-receptor case: its excitatory and inhibitory port (-1: none).
  bool direct_ = false;
  int direct_excitatory_ = -1, direct_inhibitory_ = -1;

  std::vector<JitNeuron*> members_;
  std::vector<void*> hosts_;
  std::vector<uint8_t> hooks_;
  // Per instance: its node id, whether its archive is written directly, and the step of a
  // spike not yet written there (-1: none).
  std::vector<NodeId> ids_;
  std::vector<uint8_t> archive_direct_;
  std::vector<int64_t> pending_spike_;
  Network* net_ = nullptr;
  size_t ring_ = 0;
  std::vector<double> rows_, spike_input_, current_input_, scratch_;
  std::vector<double> lanes_;     // the lane blocks' work space (nir/abi.h NjPoolSlice::lanes)
  std::vector<uint8_t> uniform_;  // NjPoolSlice::uniform, ::uniform_values (refresh_uniform)
  std::vector<double> uniform_values_;
  std::vector<double> lane_state_;  // NjPoolSlice::lane_state, ::lane_valid
  std::vector<uint8_t> lane_valid_;
  // NjPoolSlice::arrived: the compiled loop reads and clears a step's cells only when
  // something arrived (bench_unconnected: 18% of its time was reading empty cells). Two
  // bytes per cell, so a delivery sets its byte with a plain store.
  std::vector<uint8_t> arrived_;
  int64_t step_ = 0;
  uint8_t stop_ = 0;
  NjContext ctx_{};
};

}  // namespace nestjit::runtime
