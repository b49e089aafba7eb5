// The event-driven synapse (SEMANTICS.md 5.2). On a presynaptic spike at t_pre with
// dendritic delay d: replay the postsynaptic spikes in (t_last - d, t_pre - d] (integrate
// to t_post + d, run onReceive(post) with t = t_post), integrate to t_pre, run
// onReceive(pre) (which emits), increment the presynaptic convolutions, t_last = t_pre.
// Variables moved into the neuron (moved_variables.h) are read from the target's archive
// at t_post in post handlers and at t_pre - d in the pre handler, just before any spike
// at that time.
#include "runtime/plastic_synapse.h"

#include <cmath>
#include <fmt/format.h>
#include <map>
#include <stdexcept>

#include "runtime/network.h"
#include "runtime/volume_transmitter.h"
#include "runtime/weight_recorder.h"

namespace nestjit::runtime {


PlasticConnection::PlasticConnection(std::shared_ptr<const LoadedModel> model, uint64_t src,
                                     uint64_t tgt, double resolution)
    : source(src), target(tgt), model_(std::move(model)), h_(resolution) {
  layout_ = SynapseLayout::of(*model_);
  model_->initialise(own_slots_, ctx_, static_cast<CodeHost*>(this), resolution);
}

void PlasticConnection::attach(Network& net) {
  if (wr_node_ != 0) {
    Node& wr = net.node(wr_node_);
    wr_ = dynamic_cast<WeightRecorder*>(&wr);
    if (!wr_)
      throw std::invalid_argument(fmt::format(
          "weight_recorder of synapse model '{}': node {} is a {}, not a weight_recorder",
          model_->name(), wr_node_, wr.model_name()));
  }
  if (layout_->vt_port >= 0 && vt_node_ == 0)
    throw std::invalid_argument(fmt::format(
        "synapse model '{}' has the neuromodulatory port '{}' but no volume transmitter; create a "
        "volume_transmitter and give its node id as the connection's \"volume_transmitter\"",
        model_->name(), model_->ir->spike_ports[layout_->vt_port].name));
  if (vt_node_ != 0) {
    if (layout_->vt_port < 0)
      throw std::invalid_argument(fmt::format(
          "synapse model '{}' has no neuromodulatory spike port to take a volume transmitter",
          model_->name()));
    Node& vt = net.node(vt_node_);
    vt_ = dynamic_cast<VolumeTransmitter*>(&vt);
    if (!vt_)
      throw std::invalid_argument(fmt::format(
          "node {} is a {}, not a volume_transmitter", vt_node_, vt.model_name()));
    vt_->add_synapse(this);
  }
  row_ = net.synapse_pool(*model_).add(own_slots_.data());
  pool_ = &net.synapse_pool(*model_);
  std::vector<double>().swap(own_slots_);
  ctx_.slots = slots();
  SpikeArchive* archive = net.node(target).spike_archive();
  if (!archive) return;
  const double d_ms = double(delay_steps) * h_;
  // Upstream registers with t_first_read = t_lastspike - d, t_lastspike being 0 until the
  // first presynaptic spike.
  archive->register_reader(t_last_ - d_ms, d_ms);
  if (!layout_->moved.empty())
    moved_set_ = archive->add_set(model_.get(), instantiate(layout_->moved, slots()));
}

void PlasticConnection::set_delay(double ms, int64_t steps) {
  delay_steps = steps;
  if (model_->ir->delay_slot >= 0) slots()[model_->ir->delay_slot] = ms;
}

void PlasticConnection::set_weight(double w) {
  if (model_->ir->weight_slot < 0)
    throw std::invalid_argument(fmt::format(
        "synapse model '{}' has no weight variable; name one with the weight_variable option",
        model_->name()));
  slots()[model_->ir->weight_slot] = w;
}

void PlasticConnection::set(const std::string& name, double value) {
  if (name == "volume_transmitter") {
    if (!(value >= 1) || value != std::floor(value))
      throw std::invalid_argument(
          fmt::format("volume_transmitter must be a node id, not {}", value));
    vt_node_ = uint64_t(value);
    return;
  }
  if (name == "weight_recorder") {
    if (value != 0 && (!(value >= 1) || value != std::floor(value)))
      throw std::invalid_argument(
          fmt::format("weight_recorder must be a node id (0: none), not {}", value));
    wr_node_ = uint64_t(value);
    return;
  }
  int i = model_->slot(name);
  if (i < 0 || (model_->ir->slots[i].role != nir::SlotRole::Parameter &&
                model_->ir->slots[i].role != nir::SlotRole::State))
    throw std::invalid_argument(
        fmt::format("synapse model '{}' has no parameter or state variable '{}'", model_->name(), name));
  // All connections of a synapse model share one row layout (SynapsePool), so its vector
  // sizes stay those of the installed model.
  if (model_->ir->vector_size_parameters.count(i) && value != slots()[i])
    throw std::invalid_argument(fmt::format(
        "'{}' sizes vectors of synapse model '{}' and is fixed at {} for its connections; "
        "install the model with another default for '{}'",
        name, model_->name(), slots()[i], name));
  slots()[i] = value;
  ctx_.slots = slots();  // the pool may have moved since the last call
  if (model_->ir->slots[i].role == nir::SlotRole::Parameter) model_->code->compute_internals(&ctx_);
}

double PlasticConnection::get(const std::string& name) const {
  if (name == "weight" && model_->ir->weight_slot >= 0) return slots()[model_->ir->weight_slot];
  if (name == "delay") return double(delay_steps) * h_;
  int i = model_->slot(name);
  if (i < 0)
    throw std::invalid_argument(
        fmt::format("synapse model '{}' has no variable '{}'", model_->name(), name));
  return slots()[i];
}

std::map<std::string, double> PlasticConnection::get_status() const {
  std::map<std::string, double> out;
  for (size_t i = 0; i < model_->ir->slots.size(); ++i) {
    const auto& s = model_->ir->slots[i];
    if (s.role == nir::SlotRole::Parameter || s.role == nir::SlotRole::State ||
        s.role == nir::SlotRole::Convolution)
      out[s.name] = slots()[i];
  }
  out["delay"] = double(delay_steps) * h_;
  if (model_->ir->weight_slot >= 0) out["weight"] = slots()[model_->ir->weight_slot];
  return out;
}

std::string PlasticConnection::describe() const {
  return fmt::format("synapse {} ({} -> {}) at t = {} ms", model_->name(), source, target,
                     ctx_.t);
}

void PlasticConnection::run_update(double t_from, double interval) {
  if (interval < 1e-12) return;  // nothing to integrate (upstream skips it too)
  ctx_.t = t_from;
  ctx_.timestep = interval;
  // Propagators depend on the interval (upstream recomputes every internal with __h = interval).
  model_->update_propagators(slots(), interval);
  model_->code->update(&ctx_);
  t_last_update_ = t_from + interval;
}

// Upstream's process_<vt>_spikes_: integrate from t0 to t1 through the neuromodulator spikes
// of the batch in (t0, t1], running the vt port's handler at each.
void PlasticConnection::process_vt_spikes(const std::vector<NeuromodulatorSpike>& spikes,
                                          double t0, double t1) {
  constexpr double eps = 1e-6;
  auto due = [&] { return spikes.size() > vt_index_ + 1 && t1 - spikes[vt_index_ + 1].t > -eps; };
  if (!due()) {
    run_update(t0, t1 - t0);
    return;
  }
  run_update(t0, spikes[vt_index_ + 1].t - t0);
  ++vt_index_;
  run_handler(layout_->vt_port, spikes[vt_index_].t);
  while (due()) {
    run_update(spikes[vt_index_].t, spikes[vt_index_ + 1].t - spikes[vt_index_].t);
    ++vt_index_;
    run_handler(layout_->vt_port, spikes[vt_index_].t);
  }
  run_update(spikes[vt_index_].t, t1 - spikes[vt_index_].t);
}

void PlasticConnection::trigger_update(Network& net, const std::vector<NeuromodulatorSpike>& spikes,
                                       double t_trig) {
  ctx_.slots = slots();  // the pool may have moved since the last call
  ctx_.interrupt = net.interrupt_flag();  // loops in the synapse's blocks leave on an interrupt
  static SpikeArchive no_archive;
  SpikeArchive* archive_ptr = net.node(target).spike_archive();
  SpikeArchive& archive = archive_ptr ? *archive_ptr : no_archive;
  const int64_t d = delay_steps;
  const double d_ms = double(d) * h_;
  const auto [first, last] =
      archive.read(std::llround(t_last_update_ / h_) - d, std::llround(t_trig / h_) - d);
  double t0 = t_last_update_;
  for (size_t i = first; i < last; ++i) {
    const SpikeArchive::Entry& e = archive.entry(i);
    process_vt_spikes(spikes, t0, e.t + d_ms);
    run_update(t_last_update_, e.t + d_ms - t_last_update_);  // empty: already there
    set_moved_variables(archive, e.t);
    for (int pp : layout_->post_ports) run_handler(pp, e.t);
    t0 = e.t + d_ms;
    t_last_ = e.t + d_ms;
  }
  process_vt_spikes(spikes, t_last_, t_trig);
  vt_index_ = 0;
  t_last_ = t_trig;
  t_last_step_ = std::llround(t_trig / h_);
  report_failure(net);
}

void PlasticConnection::report_failure(Network& net) {
  if (!failure_.empty()) {
    net.fail(failure_);
    failure_.clear();
  }
}

void PlasticConnection::run_handler(int port, double t) {
  int h = model_->handler_of_port[port];
  if (h < 0) return;
  ctx_.t = t;
  // Inside a handler the port's value is one spike of weight 1 (upstream synapses receive no
  // weight on their own ports).
  const auto& p = model_->ir->spike_ports[port];
  slots()[p.sum_slot] = 1.0;
  slots()[p.received_slot] = 1.0;
  model_->code->on_receive[h](&ctx_);
  slots()[p.sum_slot] = 0.0;
  slots()[p.received_slot] = 0.0;
}

// Moved variables as the neuron holds them at time t, just before a spike at t.
void PlasticConnection::set_moved_variables(const SpikeArchive& archive, double t) {
  if (moved_set_ < 0) return;
  const int64_t t_steps = std::llround(t / h_);
  for (size_t k = 0; k < layout_->moved.size(); ++k)
    slots()[layout_->moved[k].slot] = archive.trace(moved_set_, k, t_steps, t);
}

void PlasticConnection::on_emit(double weight, double delay_ms, int nargs) {
  emitted_.push_back({nargs >= 1 ? weight : 1.0, delay_ms, nargs});
}

// The delay of emit_spike(w, d) in steps, or -1 after reporting a failure: it must round to
// at least one step and be at most the longest connection delay (the targets' ring buffers
// hold no more). The symbol has already refused NaN, infinite and negative delays.
int64_t PlasticConnection::emitted_delay_steps(Network& net, double delay_ms) {
  const int64_t longest = net.buffer_horizon() - net.min_delay() - 1;
  const double steps = std::floor(delay_ms * (1.0 / h_) + 0.5);  // as Network::delay_steps
  if (steps >= 1 && steps <= double(longest)) return int64_t(steps);
  on_failure(fmt::format("{}: emit_spike with delay {} ms: the delay must be from the resolution "
                         "{} ms to the longest connection delay {} ms",
                         describe(), delay_ms, h_, double(longest) * h_));
  return -1;
}

void PlasticConnection::send(Network& net, Node& target_node, int64_t stamp) {
  ctx_.slots = slots();  // the pool may have moved since the last call
  ctx_.interrupt = net.interrupt_flag();  // loops in the synapse's blocks leave on an interrupt
  static SpikeArchive no_archive;
  SpikeArchive* archive_ptr = target_node.spike_archive();
  SpikeArchive& archive = archive_ptr ? *archive_ptr : no_archive;
  const double t_pre = double(stamp) * h_;
  const int64_t d = delay_steps;
  const double d_ms = double(d) * h_;

  // Coincidence rule: the post handler runs first unless both handlers have priorities and
  // pre's is lower (NESTML's implemented behaviour, SEMANTICS.md 5.2).
  const bool pre_before_post = layout_->pre_before_post;

  // With a volume transmitter, upstream first integrates through the neuromodulator spikes
  // up to each postsynaptic spike and then integrates the same interval again (from the last
  // spike instead of the last update). That second pass is empty when the transmitter has
  // just handed over at t_pre (the usual case, every min-delay slice); it is reproduced
  // here as upstream does it.
  const std::vector<NeuromodulatorSpike>* vt_spikes = vt_ ? &vt_->spikes() : nullptr;
  double t0 = t_last_update_;
  std::vector<double> coincident;
  const auto [first, last] = archive.read(t_last_step_ - d, stamp - d);
  for (size_t i = first; i < last; ++i) {
    const SpikeArchive::Entry& e = archive.entry(i);
    if (vt_spikes) {
      process_vt_spikes(*vt_spikes, t0, e.t + d_ms);
      t0 = e.t + d_ms;
    }
    if (pre_before_post && e.step == stamp - d) {
      coincident.push_back(e.t);
      continue;
    }
    const double t_post = e.t;
    run_update(t_last_, t_post + d_ms - t_last_);
    set_moved_variables(archive, t_post);
    for (int pp : layout_->post_ports) run_handler(pp, t_post);
    t_last_ = t_post + d_ms;
    t_last_step_ = e.step + d;
  }

  if (vt_spikes) process_vt_spikes(*vt_spikes, t_last_, t_pre);
  run_update(t_last_, t_pre - t_last_);
  set_moved_variables(archive, t_pre - d_ms);
  emitted_.clear();
  run_handler(layout_->pre_port, t_pre);
  model_->code->conv_increment(&ctx_, layout_->pre_port, 1.0);
  for (double t_post : coincident) {
    set_moved_variables(archive, t_post);
    for (int pp : layout_->post_ports) run_handler(pp, t_pre);
  }
  t_last_ = t_pre;
  t_last_step_ = stamp;

  net.count_deliveries(1);  // one presynaptic spike through this synapse
  for (const Emitted& e : emitted_) {
    // emit_spike(w, d) of the seed dialect gives the delay; otherwise the connection's.
    int64_t delay = e.nargs >= 2 ? emitted_delay_steps(net, e.delay_ms) : d;
    if (delay < 0) break;  // reported: the simulation stops after this slice
    net.deliver(target, stamp, delay, e.weight, receptor, 1, source);
    if (record_weights) weight_log.emplace_back(t_pre, e.weight);
    if (wr_) wr_->record(source, target, stamp, t_pre, e.weight, receptor, port);
  }
  report_failure(net);
}

}  // namespace nestjit::runtime
