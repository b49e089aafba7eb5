// A pool of neuron instances: storage, (re)building at prepare time, and the call into the
// compiled slice loop.
#include "runtime/neuron_pool.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fmt/format.h>
#include <stdexcept>

#include "nir/checked_slots.h"
#include "runtime/network.h"

namespace nestjit::runtime {

void set_current_rng(Rng* r);

NeuronPool::NeuronPool(std::shared_ptr<const LoadedModel> model) : model_(std::move(model)) {
  const nir::Model& ir = *model_->ir;
  stride_ = ir.slots.size();
  ports_ = ir.spike_ports.size();
  cports_ = ir.continuous_ports.size();
  checked_ = nir::checked_slots(ir).size();
  receptors_ = receptors_of(ir);
  direct_ = receptors_.size() == 1 && receptors_[0].excitatory >= 0;
  if (direct_) {
    direct_excitatory_ = receptors_[0].excitatory;
    direct_inhibitory_ = receptors_[0].inhibitory;
  }
  if (!model_->code->slice)
    throw std::logic_error(fmt::format("model '{}' has no compiled slice loop", model_->name()));
}

NeuronPool::Storage NeuronPool::build(std::vector<JitNeuron*> members, size_t ring,
                                      int64_t now) const {
  Storage s;
  const size_t n = members.size();
  s.ring = ring;
  s.rows.resize(n * stride_);
  s.spike_input.assign(ring * n * 2 * ports_, 0.0);
  s.current_input.assign(ring * n * cports_, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const JitNeuron* m = members[i];
    std::copy(m->slots(), m->slots() + stride_, s.rows.begin() + long(i * stride_));
    // An instance that came from another pool (a model variant) brings its input along.
    for (const auto& c : m->carried_input()) {
      if (c.step <= now || c.step >= now + int64_t(ring)) continue;
      const size_t r = size_t(c.step) % ring;
      if (c.current) {
        s.current_input[(r * n + i) * cports_ + size_t(c.port)] += c.sum;
      } else {
        double* cell = (s.spike_input.data() + ((r * n + i) * 2 * ports_ + 2 * size_t(c.port)));
        cell[0] += c.sum;
        cell[1] += c.count;
      }
    }
    if (m->pool() != this) continue;
    // Input in flight (steps now+1 .. now+ring_-1) moves to its step's slot of the new ring.
    const size_t old = m->pool_index(), old_n = members_.size();
    for (int64_t step = now + 1; step < now + int64_t(ring_); ++step) {
      const size_t from = size_t(step) % ring_, to = size_t(step) % ring;
      std::copy_n((spike_input_.data() + ((from * old_n + old) * 2 * ports_)), 2 * ports_,
                  (s.spike_input.data() + ((to * n + i) * 2 * ports_)));
      std::copy_n((current_input_.data() + ((from * old_n + old) * cports_)), cports_,
                  (s.current_input.data() + ((to * n + i) * cports_)));
    }
  }
  s.arrived.assign(2 * ring * n, 0);
  for (size_t c = 0; c < ring * n; ++c) {
    for (size_t j = 0; j < 2 * ports_; ++j)
      if (s.spike_input[c * 2 * ports_ + j] != 0.0) s.arrived[2 * c] = 1;
    for (size_t j = 0; j < cports_; ++j)
      if (s.current_input[c * cports_ + j] != 0.0) s.arrived[2 * c + 1] = 1;
  }
  s.members = std::move(members);
  return s;
}

namespace {
thread_local NeuronPool* running_pool = nullptr;
// Sets running_pool for one slice (and restores the previous one: pools do not nest today,
// but a host callback that simulated another network must not leave this one set).
struct RunningPool {
  NeuronPool* previous;
  explicit RunningPool(NeuronPool* p) : previous(running_pool) { running_pool = p; }
  ~RunningPool() { running_pool = previous; }
};
}  // namespace

NeuronPool* NeuronPool::running() { return running_pool; }

void NeuronPool::emit_at(size_t i, int64_t step) {
  net_->emit(ids_[i], step);
  if (archive_direct_[i]) members_[i]->archive_spike(step);
  else pending_spike_[i] = step;
}

void NeuronPool::emit_lane_spikes(size_t i0, const double* records, size_t n) {
  constexpr size_t W = size_t(kNjLanes);
  static_assert(W <= 32, "a record's lanes are bits of a word");
  auto step_of = [](const double* record) {
    int64_t step;  // stored as the integer's bits
    std::memcpy(&step, record, sizeof step);
    return step;
  };
  // The lanes with spikes in a record, as bits (a test per lane mispredicts: a lane spikes
  // in a few records out of many).
  auto lanes_of = [](const double* record) {
    uint32_t m = 0;
    for (size_t l = 0; l < W; ++l) m |= uint32_t(record[1 + l] != 0.0) << l;
    return m;
  };
  auto emit_lane = [&](const double* record, size_t l, int64_t step) {
    for (auto c = int64_t(record[1 + l]); c > 0; --c) emit_at(i0 + l, step);
  };
  if (n == 1) {  // the usual case: one step of the slice had spikes
    const int64_t step = step_of(records);
    for (uint32_t m = lanes_of(records); m != 0; m &= m - 1) emit_lane(records, size_t(std::countr_zero(m)), step);
    return;
  }
  uint32_t any = 0;
  for (size_t e = 0; e < n; ++e) any |= lanes_of(records + e * (W + 1));
  for (; any != 0; any &= any - 1) {
    const auto l = size_t(std::countr_zero(any));
    for (size_t e = 0; e < n; ++e) {
      const double* record = records + e * (W + 1);
      if (record[1 + l] != 0.0) emit_lane(record, l, step_of(record));
    }
  }
}

void NeuronPool::settle_archive(size_t i) {
  if (pending_spike_[i] >= 0) members_[i]->archive_spike(pending_spike_[i]);
  pending_spike_[i] = -1;
  archive_direct_[i] = 1;
}

void NeuronPool::install(Storage s) {
  // Network::build_pools settled every pool's pending spikes before building.
  members_ = std::move(s.members);
  ring_ = s.ring;
  rows_ = std::move(s.rows);
  spike_input_ = std::move(s.spike_input);
  current_input_ = std::move(s.current_input);
  arrived_ = std::move(s.arrived);
  hosts_.resize(members_.size());
  hooks_.assign(members_.size(), 0);
  ids_.resize(members_.size());
  archive_direct_.assign(members_.size(), 0);
  pending_spike_.assign(members_.size(), -1);
  scratch_.assign(std::max<size_t>(checked_, 1), 0.0);
  lane_valid_.clear();  // (written back when the last simulate call ended)
  for (size_t i = 0; i < members_.size(); ++i) {
    members_[i]->place(this, i, (rows_.data() + (i * stride_)));
    hosts_[i] = static_cast<CodeHost*>(members_[i]);
    ids_[i] = members_[i]->id;
    archive_direct_[i] = members_[i]->archive_has_readers() ? 1 : 0;
  }
  if (!members_.empty()) ctx_ = members_[0]->context();
}

std::vector<JitNeuron::CarriedInput> NeuronPool::input_after(size_t i, int64_t now) const {
  std::vector<JitNeuron::CarriedInput> out;
  const size_t n = members_.size();
  for (int64_t step = now + 1; step < now + int64_t(ring_); ++step) {
    const size_t r = size_t(step) % ring_;
    for (size_t p = 0; p < ports_; ++p) {
      const double* cell = (spike_input_.data() + ((r * n + i) * 2 * ports_ + 2 * p));
      if (cell[0] != 0.0 || cell[1] != 0.0) out.push_back({step, false, int(p), cell[0], cell[1]});
    }
    for (size_t p = 0; p < cports_; ++p)
      if (double v = current_input_[(r * n + i) * cports_ + p]; v != 0.0)
        out.push_back({step, true, int(p), v, 0.0});
  }
  return out;
}

size_t NeuronPool::route(size_t i, int receptor, double& weight) const {
  // With a single receptor it is numbered 0; with several they count from 1.
  const int index = receptors_.size() == 1 ? receptor : receptor - 1;
  if (index < 0 || index >= int(receptors_.size()))
    throw std::invalid_argument(fmt::format("{} has no receptor {}", members_[i]->describe(), receptor));
  const Receptor& r = receptors_[size_t(index)];
  if (weight < 0 && r.inhibitory >= 0) {
    weight = -weight;
    return size_t(r.inhibitory);
  }
  return size_t(r.excitatory >= 0 ? r.excitatory : r.inhibitory);
}

void NeuronPool::refresh_uniform() {
  uniform_.assign(stride_, 0);
  uniform_values_.assign(stride_, 0.0);
  const size_t n = members_.size();
  if (n == 0 || !model_->code->lane_blocks) return;
  for (size_t s = 0; s < stride_; ++s) {
    const double first = rows_[s];
    size_t i = 1;
    // Bit for bit: -0.0 and +0.0 differ, and a NaN equals itself.
    while (i < n && std::bit_cast<uint64_t>(rows_[i * stride_ + s]) == std::bit_cast<uint64_t>(first)) ++i;
    uniform_[s] = i == n ? 1 : 0;
    uniform_values_[s] = first;
  }
}

void NeuronPool::write_back_lanes() {
  const std::vector<int>& slots = model_->code->lane_state_slots;
  const size_t n = members_.size(), kept = slots.size();
  for (size_t i = 0; i < lane_valid_.size(); ++i) {
    if (!lane_valid_[i]) continue;
    for (size_t j = 0; j < kept; ++j)
      for (size_t l = 0; l < size_t(kNjLanes) && i + l < n; ++l)
        rows_[(i + l) * stride_ + size_t(slots[j])] = lane_state_[i * kept + j * size_t(kNjLanes) + l];
    lane_valid_[i] = 0;
  }
}

void NeuronPool::update(Network& net, size_t begin, size_t end, int64_t from, int64_t to) {
  if (begin >= end || from >= to) return;
  set_current_rng(&net.rng());
  net_ = &net;
  RunningPool running(this);
  ctx_.interrupt = net.interrupt_flag();
  ctx_.resolution = net.resolution();
  stop_ = 0;
  if (const size_t need = nj_lane_doubles(size_t(to - from)); lanes_.size() < need)
    lanes_.resize(need);
  if (model_->code->lane_blocks && lane_valid_.size() != members_.size()) {
    lane_valid_.assign(members_.size(), 0);
    lane_state_.assign(members_.size() * model_->code->lane_state_slots.size(), 0.0);
  }
  NjPoolSlice s{rows_.data(), hosts_.data(), hooks_.data(), spike_input_.data(),
                current_input_.data(), &step_, &stop_, scratch_.data(), int64_t(stride_),
                int64_t(members_.size()), int64_t(begin), int64_t(end), from, to,
                int64_t(ring_), net.resolution(), arrived_.data(), lanes_.data(),
                uniform_.data(), uniform_values_.data(), lane_state_.data(), lane_valid_.data()};
  model_->code->slice(&ctx_, &s);
}

}  // namespace nestjit::runtime
