// A neuron instance running compiled NESTML code: its status, input validation, and the
// per-instance work the pool's compiled loop calls back for (runtime/neuron_pool.h).
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stdexcept>

#include "runtime/network.h"
#include "runtime/neuron_pool.h"
#include "nir/checked_slots.h"
#include "runtime/node.h"

namespace nestjit::runtime {

void set_current_rng(Rng* r);

void Node::set_status(const std::string& key, double) {
  throw std::invalid_argument(fmt::format("{} has no settable property '{}'", model_name(), key));
}

void Node::set_params(const Params& params, const DeviceContext&) {
  for (const auto& [key, v] : params) {
    const double* d = std::get_if<double>(&v);
    if (!d) throw std::invalid_argument(fmt::format("parameter '{}' needs a number", key));
    set_status(key, *d);
  }
}

std::vector<double> Node::get_list(const std::string& key) const {
  throw std::invalid_argument(fmt::format("{} has no list '{}'", model_name(), key));
}

std::string Node::check_input(bool, int) const { return model_name() + " takes no input"; }

std::string JitNeuron::check_input(bool current, int receptor) const {
  if (current) {
    const int ports = int(model_->ir->continuous_ports.size());
    if (receptor < 0 || receptor >= ports)
      return fmt::format("{} has {} continuous input port(s); receptor_type {} does not exist",
                         model_->name(), ports, receptor);
    return {};
  }
  const int n = int(receptors_.size());
  const bool ok = n == 1 ? receptor == 0 : receptor >= 1 && receptor <= n;
  if (!ok)
    return n == 0 ? fmt::format("{} has no spike input port", model_->name())
                  : fmt::format("{} has spike receptors {}; receptor_type {} does not exist",
                                model_->name(), n == 1 ? "0" : fmt::format("1..{}", n), receptor);
  return {};
}

// Pairs each excitatory port with the next inhibitory one.
std::vector<Receptor> receptors_of(const nir::Model& ir) {
  std::vector<Receptor> out;
  std::vector<bool> used(ir.spike_ports.size(), false);
  for (size_t p = 0; p < ir.spike_ports.size(); ++p) {
    if (used[p]) continue;
    Receptor r;
    used[p] = true;
    const auto& port = ir.spike_ports[p];
    if (port.excitatory && !port.inhibitory) {
      r.excitatory = int(p);
      for (size_t q = p + 1; q < ir.spike_ports.size(); ++q)
        if (!used[q] && ir.spike_ports[q].inhibitory && !ir.spike_ports[q].excitatory) {
          r.inhibitory = int(q);
          used[q] = true;
          break;
        }
    } else if (port.inhibitory && !port.excitatory) {
      r.inhibitory = int(p);
      for (size_t q = p + 1; q < ir.spike_ports.size(); ++q)
        if (!used[q] && ir.spike_ports[q].excitatory && !ir.spike_ports[q].inhibitory) {
          r.excitatory = int(q);
          used[q] = true;
          break;
        }
    } else {
      r.excitatory = int(p);
    }
    out.push_back(r);
  }
  return out;
}

JitNeuron::JitNeuron(std::shared_ptr<const LoadedModel> model, double resolution)
    : model_(std::move(model)) {
  const nir::Model& ir = *model_->ir;
  model_->initialise(own_slots_, ctx_, static_cast<CodeHost*>(this), resolution);
  slots_ = own_slots_.data();

  numeric_.resize(ir.numeric_systems.size());
  if (ir.numeric_solver == nir::NumericSolver::Cvode)
    for (auto& n : numeric_) n.use_cvode = true;
  set_up_layout();
}

void JitNeuron::set_up_layout() {
  const nir::Model& ir = *model_->ir;
  receptors_ = receptors_of(ir);
  watched_.clear();
  warn_only_.clear();
  for (const auto& c : nir::checked_slots(ir)) {
    watched_.push_back(c.slot);
    warn_only_.push_back(c.warn_only);
  }
  snapshot_.resize(watched_.size());
  warned_.assign(watched_.size(), false);
}

void JitNeuron::place(NeuronPool* pool, size_t index, double* row) {
  pool_ = pool;
  pool_index_ = index;
  slots_ = row;
  ctx_.slots = row;
  carried_input_.clear();
  failed_ = pool->stop_flag();
  own_slots_.clear();
  own_slots_.shrink_to_fit();
}

int64_t JitNeuron::step_now() const { return pool_ ? pool_->current_step() : 0; }

bool JitNeuron::check_finite_state() {
  for (size_t i = 0; i < watched_.size() && !*failed_; ++i) {
    const double v = slots_[watched_[i]];
    if (std::isfinite(v)) continue;
    const std::string& name = model_->ir->slots[watched_[i]].name;
    if (warn_only_[i]) {
      if (!warned_[i])
        net_->diagnostics().add(fmt::format("nonfinite/{}/{}", id, name), false, "W-NONFINITE",
                                fmt::format("{}: variable '{}' became {} (kept, as upstream "
                                            "keeps what the model's statements compute)",
                                            describe(), name, v));
      warned_[i] = true;
      continue;
    }
    on_failure(fmt::format("{}: variable '{}' became {} (the step's update, spike input or "
                           "exact solution produced it; a parameter such as a time constant "
                           "of 0 is the usual cause)",
                           describe(), name, v));
  }
  if (*failed_)
    for (size_t i = 0; i < watched_.size(); ++i) slots_[watched_[i]] = snapshot_[i];
  return !*failed_;
}

int32_t JitNeuron::check_step(const double* before) {
  std::copy(before, before + watched_.size(), snapshot_.begin());
  const bool ok = check_finite_state();
  *failed_ = 0;
  return ok ? 0 : 1;
}

void JitNeuron::recompute_internals() {
  model_->code->compute_internals(&ctx_);
  model_->update_propagators(slots_, ctx_.resolution);
}

void JitNeuron::prepare(Network& net) {
  net_ = &net;
  // NEST's pre_run_hook: internals (and with them the propagators) are recomputed before
  // every simulate, so they follow parameter and state changes made in between.
  recompute_internals();
  // Delay lines of round(d/h)+1 values, filled with the variable's current value.
  const auto& delays = model_->ir->delays;
  delays_.resize(delays.size());
  for (size_t i = 0; i < delays.size(); ++i) {
    const size_t n = size_t(std::max<long>(0, std::lround(slots_[delays[i].delay_slot] / net.resolution()))) + 1;
    if (delays_[i].values.size() != n) {
      delays_[i].values.assign(n, slots_[delays[i].var_slot]);
      delays_[i].next = 0;
    }
  }
  update_hooks();
}

void JitNeuron::update_hooks() {
  if (pool_)
    pool_->set_hooks(pool_index_, uint8_t((delays_.empty() ? 0 : 1) | (samplers_.empty() ? 0 : 2)));
}

void JitNeuron::receive_spike(int64_t step, double weight, int receptor, long multiplicity,
                              NodeId, int64_t) {
  if (!pool_) throw std::logic_error(describe() + " takes input only once the network runs it");
  pool_->add_spike(pool_index_, step, weight, receptor, multiplicity);
}

void JitNeuron::receive_current(int64_t step, double value, int receptor) {
  if (receptor < 0 || receptor >= int(model_->ir->continuous_ports.size()))
    throw std::invalid_argument(
        fmt::format("{} has no continuous input port {}", describe(), receptor));
  if (!pool_) throw std::logic_error(describe() + " takes input only once the network runs it");
  pool_->add_current(pool_index_, step, value, receptor);
}

void JitNeuron::update(Network& net, int64_t from, int64_t to) {
  if (pool_) pool_->update(net, pool_index_, pool_index_ + 1, from, to);
}

void JitNeuron::step_hook(NjContext* ctx, int which) {
  if (which == 1) {
    // Phase 2: delayed variables.
    const auto& ds = model_->ir->delays;
    for (size_t i = 0; i < delays_.size(); ++i) {
      DelayLine& line = delays_[i];
      line.values[line.next] = slots_[ds[i].var_slot];
      line.next = (line.next + 1) % line.values.size();
      slots_[ds[i].value_slot] = line.values[line.next];
    }
    return;
  }
  // Phase 11: multimeter samples, stamped with the end of the step.
  if (!samplers_.empty()) sample(ctx, step_now(), ctx->resolution);
}

void JitNeuron::attach(Multimeter* mm, double resolution) {
  Sampler s;
  s.mm = mm;
  s.every = std::max<int64_t>(1, std::llround(mm->interval / resolution));
  const nir::Model& ir = *model_->ir;
  const auto names = ir.recordables();
  for (const auto& name : mm->record_from) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw std::invalid_argument(fmt::format("'{}' is not a recordable of {} (recordables: {})",
                                              name, model_->name(), list));
    }
    int slot = ir.find_slot(name);
    if (slot >= 0 && ir.slots[slot].recordable) {
      s.sources.push_back(slot);
      continue;
    }
    for (size_t i = 0; i < ir.recordable_inlines.size(); ++i)
      if (ir.recordable_inlines[i].first == name) s.sources.push_back(-int(i) - 1);
  }
  if (mm->values.size() < mm->record_from.size()) mm->values.resize(mm->record_from.size());
  samplers_.push_back(std::move(s));
  update_hooks();
}

void JitNeuron::sample(NjContext* ctx, int64_t step, double h) {
  bool inlines_ready = false;
  for (const Sampler& s : samplers_) {
    if (!s.mm->samples_at(step)) continue;
    if (!inlines_ready && !model_->ir->recordable_inlines.empty()) {
      inline_values_.resize(model_->ir->recordable_inlines.size());
      model_->code->recordable_inlines(ctx, inline_values_.data());
      inlines_ready = true;
    }
    s.mm->times.push_back(double(step) * h);
    s.mm->senders.push_back(id);
    for (size_t i = 0; i < s.sources.size(); ++i) {
      int src = s.sources[i];
      s.mm->values[i].push_back(src >= 0 ? slots_[src] : inline_values_[-src - 1]);
    }
  }
}

void JitNeuron::on_emit(double, double, int) {
  // Neurons ignore emit_spike's arguments (SEMANTICS.md 2); the spike is stamped t_k. A
  // pooled neuron's spike normally reaches its pool straight from nestjit_rt_emit_spike;
  // one that comes through the host takes the same path, so the pool alone decides when
  // the archive is written.
  if (pool_) return pool_->emit(pool_index_);
  const int64_t step = step_now();
  net_->emit(id, step);
  archive_spike(step);
}

void JitNeuron::archive_spike(int64_t step) {
  archive_.record(step, double(step) * net_->resolution(),
                  double(net_->min_delay()) * net_->resolution());
}

SpikeArchive* JitNeuron::spike_archive() {
  if (pool_) pool_->settle_archive(pool_index_);
  return &archive_;
}

void JitNeuron::on_failure(const std::string& message) {
  *failed_ = 1;
  if (net_) net_->fail(message);
}

void JitNeuron::on_warning(const std::string& key, const std::string& message, long count) {
  net_->diagnostics().add(key, false, "W-SOLVER", message, count);
}

std::string JitNeuron::describe() const {
  // 12 significant digits: step * h is not exact in binary (2.9000000000000004).
  return fmt::format("{} #{} at t = {:.12g} ms", model_->name(), id,
                     net_ ? double(step_now()) * net_->resolution() : 0.0);
}

std::map<std::string, double> JitNeuron::get_status() const {
  std::map<std::string, double> out;
  if (!model_->ir->numeric_systems.empty()) {
    out["gsl_abs_error_tol"] = abs_tol_;
    out["gsl_rel_error_tol"] = rel_tol_;
    // 1 when (some of) this instance's ODEs are integrated by CVODE.
    bool cvode = false;
    for (const auto& n : numeric_) cvode |= n.use_cvode;
    out["stiff_solver_active"] = cvode ? 1.0 : 0.0;
  }
  for (size_t i = 0; i < model_->ir->slots.size(); ++i) {
    const auto& s = model_->ir->slots[i];
    switch (s.role) {
      case nir::SlotRole::Parameter:
      case nir::SlotRole::State:
      case nir::SlotRole::Internal:
      case nir::SlotRole::Convolution: out[s.name] = slots_[i]; break;
      default: break;
    }
  }
  return out;
}

void JitNeuron::set_status(const std::string& key, double value) {
  // The numeric solvers' tolerances, under NEST's names.
  if (key == "gsl_abs_error_tol" || key == "gsl_rel_error_tol") {
    const bool abs = key == "gsl_abs_error_tol";
    if (abs ? !(value > 0) : !(value >= 0))
      throw std::invalid_argument(fmt::format("{} must be {}, not {}", key,
                                              abs ? "positive" : "non-negative", value));
    (abs ? abs_tol_ : rel_tol_) = value;
    for (auto& n : numeric_) n.cvode.reset();  // a new CVODE picks up the tolerances
    return;
  }
  int i = model_->slot(key);
  if (i < 0 || (model_->ir->slots[i].role != nir::SlotRole::Parameter &&
                model_->ir->slots[i].role != nir::SlotRole::State))
    throw std::invalid_argument(
        fmt::format("model '{}' has no parameter or state variable '{}'", model_->name(), key));
  // A new vector size re-lays out the instance (runtime/vector_relayout.cpp).
  if (model_->ir->vector_size_parameters.count(i) && value != slots_[i])
    return resize_vectors(i, value);
  const bool alone = status_depth_ == 0;  // a single call: it is its own group
  if (alone) begin_status_change();
  slots_[i] = value;
  changed_slots_.push_back(i);
  // Internals follow parameters; state initial expressions are not re-evaluated (NEST).
  if (model_->ir->slots[i].role == nir::SlotRole::Parameter) recompute_internals();
  if (alone) end_status_change();
}

}  // namespace nestjit::runtime
