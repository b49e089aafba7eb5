// Parameter checks at set_status and create (issue 13): the guards a model declares
// (`[[...]]`, compiled into check_guards) refuse a value with a located message; where a
// model declares none, values that make a time constant or a propagator meaningless
// (non-finite numbers, time constants <= 0) are accepted with a warning in the log.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "runtime/node.h"

namespace nestjit::runtime {

namespace {

std::string with_unit(double v, const std::string& unit) {
  return unit.empty() ? fmt::format("{}", v) : fmt::format("{} {}", v, unit);
}

// tau_m, tau_syn_exc, Tau_theta, ...: a time whose name says it is a time constant.
bool is_time_constant(const nir::Slot& s) {
  std::string lower = s.name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return s.unit == "ms" && lower.rfind("tau", 0) == 0;
}

}  // namespace

void JitNeuron::begin_status_change() {
  if (status_depth_++ > 0) return;
  status_backup_.assign(slots_, slots_ + model_->ir->slots.size());
  backup_model_ = model_;
  changed_slots_.clear();
}

void JitNeuron::abort_status_change() {
  if (status_depth_ == 0) return;
  status_depth_ = 0;
  restore_status_backup();
  changed_slots_.clear();
}

void JitNeuron::end_status_change() {
  if (status_depth_ == 0 || --status_depth_ > 0) return;
  check_guards_or_throw();
  for (int slot : changed_slots_) warn_suspicious(slot, slots_[size_t(slot)]);
  changed_slots_.clear();
}

void JitNeuron::check_guards_or_throw() {
  const nir::Model& ir = *model_->ir;
  if (!model_->code->check_guards || ir.guards.empty()) return;
  const int failed = model_->code->check_guards(&ctx_);
  if (failed == 0) return;
  const nir::Guard& g = ir.guards[size_t(failed - 1)];
  // Name the values the user set, then the guarded variable if it is not one of them.
  std::string values;
  for (int slot : changed_slots_) {
    const auto& s = ir.slots[size_t(slot)];
    const std::string item = fmt::format("{} = {}", s.name, with_unit(slots_[size_t(slot)], s.unit));
    if (values.find(item) == std::string::npos) values += (values.empty() ? "" : ", ") + item;
  }
  if (std::find(changed_slots_.begin(), changed_slots_.end(), g.slot) == changed_slots_.end()) {
    const auto& s = ir.slots[size_t(g.slot)];
    values += fmt::format("{}{} {} = {}", values.empty() ? "" : " gives ",
                          g.on_parameter ? "parameter" : "internal", s.name,
                          with_unit(slots_[size_t(g.slot)], s.unit));
  }
  const std::string message = fmt::format(
      "{}:{}:{}: {}: {} violates the guard [[{}]] declared for '{}'; the values are left "
      "unchanged",
      g.file, g.line, g.column, model_->name(), values, g.text, g.variable);
  restore_status_backup();  // internals and propagators included
  changed_slots_.clear();
  throw std::invalid_argument(message);
}

void JitNeuron::warn_suspicious(int slot, double value) {
  const nir::Model& ir = *model_->ir;
  const auto& s = ir.slots[size_t(slot)];
  if (s.role != nir::SlotRole::Parameter || !log_) return;
  for (const auto& g : ir.guards)
    if (g.slot == slot) return;  // the model says itself what it accepts
  std::string why;
  if (!std::isfinite(value))
    why = "is not a finite number";
  else if (is_time_constant(s) && !(value > 0))
    why = "is not a positive time constant: its decay and propagators are meaningless";
  if (why.empty()) return;
  const std::string text = fmt::format(
      "{} #{}: parameter {} = {} {} (the model declares no guard; add one such as [[{} > 0 ms]] "
      "to refuse such values)",
      model_->name(), id, s.name, with_unit(value, s.unit), why, s.name);
  log_->add(fmt::format("{}:{}:{}", id, s.name, value), false, "W-PARAMETER", text);
}

}  // namespace nestjit::runtime
